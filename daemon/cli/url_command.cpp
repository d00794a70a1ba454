// `plan-reminder url board|coordinator|agency ID|feed ID|feed board [--revoke]`: prints a
// lasting link of the web surface, signed with the link secret at the epoch the state holds;
// --revoke first raises the epoch, so that the old link stops working at the daemon's next
// request. `url update ID --revoke` withdraws every update link an agency was emailed.
#include "cli/url_command.h"

#include "cli/commands.h"
#include "cli/common.h"
#include "plan/loaders.h"
#include "store/state_store.h"
#include "web/link_tokens.h"

#include <iostream>
#include <memory>
#include <optional>

namespace plan_reminder::cli {
namespace {

// What the command line names, or a message saying what it lacks.
base::Result<web::LinkSubject> subject_of(const UrlArguments& args) {
  if (args.kind == "board" || args.kind == "coordinator") {
    if (!args.id.empty()) {
      return base::Error{"'url " + args.kind + "' takes no id" +
                         (args.kind == "board" ? " (for the board's feed: url feed board)" : "")};
    }
    return web::LinkSubject{
        args.kind == "board" ? web::LinkPurpose::board : web::LinkPurpose::coordinator,
        std::string(web::kBoardId),
        {}};
  }
  if (args.id.empty()) {
    return base::Error{"'url " + args.kind + "' needs an agency id" +
                       (args.kind == "feed" ? " (or board)" : "")};
  }
  if (args.kind == "update") {
    if (!args.revoke) {
      return base::Error{"update links are made for each email, not printed; 'url update " +
                         args.id + " --revoke' withdraws every update link " + args.id +
                         " was emailed"};
    }
    return web::LinkSubject{web::LinkPurpose::update, args.id, {}};
  }
  return web::LinkSubject{
      args.kind == "agency" ? web::LinkPurpose::agency : web::LinkPurpose::feed, args.id, {}};
}

// Whether `id` is an agency of the directory; says which agencies there are when not.
int check_agency(const plan::Config& config, const std::string& id, std::ostream& err) {
  plan::Diagnostics diagnostics;
  std::optional<plan::Directory> directory = plan::load_directory(config.directory, diagnostics);
  if (!directory || !diagnostics.empty()) {
    print_diagnostics(diagnostics, err);
    err << "plan-reminder url: fix the problems above (see 'plan-reminder check')\n";
    return exit_code_for(diagnostics);
  }
  if (directory->find(id) != nullptr) {
    return ok;
  }
  err << "plan-reminder url: unknown agency '" << id << "'; agencies are defined in "
      << directory->file << ":";
  for (const auto& [known, agency] : directory->agencies) {
    err << ' ' << known;
  }
  err << '\n';
  return usage;
}

}  // namespace

int print_link(const UrlArguments& args, const plan::Config& config, std::ostream& out,
               std::ostream& err) {
  if (!config.web) {
    err << "plan-reminder url: " << config.file
        << " has no web: section, so there are no links; add one with listen, base_url and "
           "secret_file (or credential) to serve pages and feeds\n";
    return config_error;
  }
  const plan::WebSettings& web_settings = *config.web;
  if (web_settings.base_url.empty()) {
    err << "plan-reminder url: web.base_url in " << config.file
        << " is not set: links need the address readers open (https://...)\n";
    return config_error;
  }
  auto subject = subject_of(args);
  if (!subject) {
    err << "plan-reminder url: " << subject.error().message << '\n';
    return usage;
  }
  if (subject->id != web::kBoardId) {
    if (int code = check_agency(config, subject->id, err); code != ok) {
      return code;
    }
  }
  if (args.secret_file.empty()) {
    auto created = web::LinkSecret::create_if_missing(web_settings);
    if (!created) {
      err << "plan-reminder url: " << created.error().message << '\n';
      return config_error;
    }
    if (*created) {
      err << "Made a new link secret in " << web_settings.secret_file << " (no file was there).\n";
    }
  }
  auto secret = args.secret_file.empty() ? web::LinkSecret::load(web_settings)
                                         : web::LinkSecret::read(args.secret_file);
  if (!secret) {
    err << "plan-reminder url: " << secret.error().message << '\n';
    return config_error;
  }
  if (subject->purpose == web::LinkPurpose::update) {
    web::revoke(*store::StateStore::open(config.state), *subject);
    err << "The update links emailed to " << subject->id
        << " until now no longer work (the running service checks at every request). Its "
           "next emails carry new ones.\n";
    return ok;
  }
  std::uint64_t epoch = 0;
  if (args.revoke) {
    epoch = web::revoke(*store::StateStore::open(config.state), *subject);
  } else if (auto state = store::StateStore::open_existing(config.state)) {
    epoch = web::current_epoch(**state, *subject);
  }  // No state yet: nothing was ever revoked, the epoch is 0.
  if (args.revoke) {
    err << "The link used until now no longer works (the running service checks at every "
           "request; no restart is needed). The new link:\n";
  }
  out << web::link_url(web_settings.base_url, *subject, web::sign(*secret, *subject, epoch))
      << '\n';
  return ok;
}

Command add_url_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "url",
      "Print the link to the board page (url board), the coordinator's page of agencies' "
      "updates (url coordinator), an agency's page (url agency ID) or a calendar feed (url feed "
      "ID, url feed board); --revoke replaces it; url update ID --revoke withdraws an agency's "
      "emailed update links");
  auto args = std::make_shared<UrlArguments>();
  args->config = std::string(default_config_path);
  add_config_option(command, args->config);
  command->add_option("what", args->kind, "board, coordinator, agency, feed or update")
      ->required()
      ->check(CLI::IsMember({"board", "coordinator", "agency", "feed", "update"}));
  command->add_option("id", args->id,
                      "The agency id (for a feed: an agency id, or board; for update: the "
                      "agency whose update links to withdraw)");
  command->add_flag("--revoke", args->revoke, "Make a new link; the old one stops working at once");
  command->add_option("--secret-file", args->secret_file,
                      "The link secret, instead of web.secret_file or web.credential (e.g. the "
                      "credential's file in /etc/credstore/ outside systemd)");
  return [args]() -> int {
    return with_config(args->config, [&args](const plan::Config& config) {
      return print_link(*args, config, std::cout, std::cerr);
    });
  };
}

}  // namespace plan_reminder::cli
