// `plan-reminder updates`: the agencies' updates (SPEC §9) as the coordinator sees them, and
// the coordinator's decisions: `list`, `accept ID [--note TEXT]`, `reject ID --note TEXT`.
#include "cli/commands.h"
#include "cli/common.h"
#include "progress/decisions.h"
#include "service/local_time.h"
#include "store/state_store.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace plan_reminder::cli {
namespace {

struct UpdatesArguments {
  std::string config{default_config_path};
  std::string state = "waiting";
  std::string format = "text";
  std::int64_t id = 0;
  std::string note;
};

using progress::about;
using progress::request;

nlohmann::json to_json(const store::UpdateRecord& update) {
  auto instant = [](const std::optional<date::sys_seconds>& at) {
    return at ? nlohmann::json(date::format("%FT%TZ", *at)) : nlohmann::json();
  };
  return nlohmann::json{
      {"id", update.id},
      {"review", update.review},
      {"action", update.action},
      {"milestone", update.milestone},
      {"agency", update.agency},
      {"kind", store::token(update.kind)},
      {"done_on", update.done_on ? nlohmann::json(iso_day(update.done_on)) : nlohmann::json()},
      {"target", update.kind == store::UpdateKind::new_target ? nlohmann::json(update.target)
                                                              : nlohmann::json()},
      {"note", update.note},
      {"submitted", instant(update.submitted)},
      {"state", store::token(update.state)},
      {"decided", instant(update.decided)},
      {"decision_note", update.decision_note},
  };
}

int list_updates(const UpdatesArguments& args, const plan::Config& config) {
  std::vector<store::UpdateState> states;
  if (args.state != "all") {
    states.push_back(*store::update_state_from_token(args.state));
  }
  auto opened = store::StateStore::open_existing(config.state);
  std::vector<store::UpdateRecord> updates;
  if (opened) {
    updates = (*opened)->updates(states);
  }
  if (args.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& update : updates) {
      list.push_back(to_json(update));
    }
    std::cout << nlohmann::json{{"updates", list}}.dump(2) << '\n';
    return ok;
  }
  const policy::Clock clock = policy::clock_for(config);
  for (const auto& update : updates) {
    std::cout << '#' << update.id << "  " << store::token(update.state) << "  "
              << service::short_local_time(clock, update.submitted) << "  " << update.agency << "  "
              << about(update) << "  " << request(update) << '\n';
    if (!update.note.empty()) {
      std::cout << "    " << update.note << '\n';
    }
    if (update.decided && !update.decision_note.empty()) {
      std::cout << "    decided " << service::short_local_time(clock, *update.decided) << ": "
                << update.decision_note << '\n';
    }
  }
  const std::string which = args.state == "all" ? "" : args.state + " ";
  std::cout << updates.size() << ' ' << which << (updates.size() == 1 ? "update\n" : "updates\n");
  return ok;
}

// Accepts or rejects one waiting update; the milestone it is about must still be in the plans.
int decide(const UpdatesArguments& args, store::UpdateState decision,
           const service::Deployment& deployment) {
  const std::string verb = decision == store::UpdateState::accepted ? "accept" : "reject";
  const plan::Config& config = deployment.snapshot->config;
  auto opened = store::StateStore::open_existing(config.state);
  if (!opened) {
    std::cerr << "plan-reminder updates " << verb << ": no updates yet (" << opened.error().message
              << ")\n";
    return data_error;
  }
  const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const progress::Decision decided =
      progress::decide(**opened, *deployment.snapshot, args.id, decision, now, args.note);
  if (decided.outcome != progress::Decision::Outcome::decided) {
    std::cerr << "plan-reminder updates " << verb << ": " << progress::explain(decided, args.id)
              << (decided.outcome == progress::Decision::Outcome::no_update
                      ? " (`plan-reminder updates list --state all` lists them)"
                      : "")
              << '\n';
    return data_error;
  }
  const store::UpdateRecord& update = decided.update;
  std::cout << (decision == store::UpdateState::accepted ? "accepted" : "rejected") << " update "
            << args.id << ": " << update.agency << ", " << about(update) << ", " << request(update)
            << '\n';
  if (decision == store::UpdateState::accepted) {
    std::cout << "it takes effect at the next pass, without changing the plan file\n";
  }
  return ok;
}

}  // namespace

Command add_updates_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "updates", "List the agencies' updates and accept or reject them (SPEC §9)");
  command->require_subcommand(1);
  auto args = std::make_shared<UpdatesArguments>();
  add_config_option(command, args->config);

  auto* list = command->add_subcommand("list", "List updates (by default those waiting)");
  list->add_option("--state", args->state, "Which updates")
      ->capture_default_str()
      ->check(CLI::IsMember({"waiting", "accepted", "rejected", "superseded", "all"}));
  list->add_option("--format", args->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  auto* accept = command->add_subcommand("accept", "Accept a waiting update");
  accept->add_option("ID", args->id, "The update's number, from `updates list`")->required();
  accept->add_option("--note", args->note, "A note for the agency and the audit trail");

  auto* reject = command->add_subcommand("reject", "Reject a waiting update, saying why");
  reject->add_option("ID", args->id, "The update's number, from `updates list`")->required();
  reject->add_option("--note", args->note, "Why (the agency is told)")->required();

  return [args, list, accept, reject]() -> int {
    if (list->parsed()) {
      return with_config(args->config, [&args](const plan::Config& config) {
        return list_updates(*args, config);
      });
    }
    const auto decision =
        accept->parsed() ? store::UpdateState::accepted : store::UpdateState::rejected;
    if (decision == store::UpdateState::rejected && reject->parsed() &&
        args->note.find_first_not_of(" \t\r\n") == std::string::npos) {
      std::cerr << "plan-reminder updates reject: --note must say why\n";
      return usage;
    }
    return with_deployment(args->config, "updates",
                           [&args, decision](const service::Deployment& deployment) {
                             return decide(*args, decision, deployment);
                           });
  };
}

}  // namespace plan_reminder::cli
