// `plan-reminder check`: validate the config, the directory and every plan; print every problem.
#include "cli/commands.h"
#include "cli/common.h"
#include "mail/templates.h"

#include <iostream>
#include <memory>
#include <string>

namespace plan_reminder::cli {
namespace {

// A copy of the templates made before agencies' updates (SPEC §9) lacks their sections: it
// loads, but says nothing of them. Say what each kind of notice leaves out.
void print_template_gaps(const mail::Templates& templates, bool web, std::ostream& out) {
  using mail::EmailKind;
  for (EmailKind kind :
       {EmailKind::reminder, EmailKind::due, EmailKind::overdue, EmailKind::escalation}) {
    const std::string file = std::string(mail::to_string(kind)) + ".text.mustache";
    if (web && !templates.shows(kind, "update_links")) {
      out << "note: " << file << " in the templates has no {{#update_links}}: its emails carry "
          << "no \"Update these actions\" link until it includes {{> update_links.text}} "
          << "(and the .html part {{> update_links.html}})\n";
    }
    if (kind != EmailKind::escalation && !templates.shows(kind, "decisions")) {
      out << "note: " << file << " in the templates has no {{#decisions}}: agencies are not "
          << "told the coordinator's decisions until it includes {{> decisions.text}} (and the "
          << ".html part {{> decisions.html}})\n";
    }
  }
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "check",
      "Validate the config, the agency directory, the templates and every plan; print every "
      "problem");
  auto config = std::make_shared<std::string>(default_config_path);
  add_config_option(command, *config);
  return [config]() -> int {
    service::DeploymentLoader loader;
    service::DeploymentLoad result = loader.load(*config);
    print_diagnostics(result.diagnostics, std::cerr);
    if (!result.deployment) {
      std::cerr << result.diagnostics.size()
                << (result.diagnostics.size() == 1 ? " problem" : " problems") << " found\n";
      return exit_code_for(result.diagnostics);
    }
    std::size_t actions = 0;
    std::size_t milestones = 0;
    const plan::Snapshot& snapshot = *result.deployment->snapshot;
    for (const auto& plan : snapshot.plans) {
      for (const auto& recommendation : plan->recommendations) {
        actions += recommendation.actions.size();
        for (const auto& action : recommendation.actions) {
          milestones += action.milestones.size();
        }
      }
    }
    std::cout << "ok: " << snapshot.plans.size()
              << (snapshot.plans.size() == 1 ? " plan, " : " plans, ") << actions << " actions, "
              << milestones << " milestones, " << snapshot.directory.agencies.size()
              << " agencies\n";
    // Accepted updates are in effect without the files; say which the files do not say yet.
    print_update_standings(in_effect(result.deployment->snapshot), std::cout);
    print_template_gaps(*result.deployment->templates, snapshot.config.web.has_value(), std::cout);
    if (snapshot.plans.empty()) {
      std::cout << "no plan yet: add one .yaml file per review where `plans:` in " << *config
                << " points; until then nothing is sent\n";
    }
    return ok;
  };
}

}  // namespace plan_reminder::cli
