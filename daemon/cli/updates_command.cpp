// `plan-reminder updates`: the agencies' updates (SPEC §9) as the coordinator sees them, and
// the coordinator's decisions: `list`, `accept ID [--note TEXT]`, `reject ID --note TEXT`; and
// `export [--dry-run]`, which writes the accepted updates into the plan files.
#include "base/replace_file.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "plan/loaders.h"
#include "progress/decisions.h"
#include "progress/write_back.h"
#include "service/local_time.h"
#include "store/state_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
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
  bool dry_run = false;
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
    std::cout << "it takes effect at the next pass, without changing the plan file "
                 "(`plan-reminder updates export` writes it there)\n";
  }
  return ok;
}

// A plan file's name as the diff and the summary show it: from the current folder when the
// file is under it.
std::string shown_path(const std::string& file) {
  std::error_code error;
  std::filesystem::path relative = std::filesystem::relative(file, error);
  if (error || relative.empty() || *relative.begin() == "..") {
    return file;
  }
  return relative.string();
}

std::string count_of_updates(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " update" : " updates");
}

// Writes the accepted updates that `file` does not say yet into it (or, with --dry-run, only
// shows the diff). The edits are made from the bytes read here, and the file is replaced only
// if it still holds them. Returns 0, 65 (refused: the edit is unsafe or the file changed) or
// 74 (I/O).
int export_file(const std::string& file, bool dry_run, const plan::Snapshot& snapshot,
                const std::vector<store::UpdateRecord>& accepted) {
  const std::string shown = shown_path(file);
  auto bytes = plan::read_file(file);
  if (!bytes) {
    std::cerr << "plan-reminder updates export: cannot read " << shown << ": "
              << bytes.error().message << '\n';
    return io_error;
  }
  // The plan as these bytes say it: the edits are worked out from what will be replaced.
  plan::Diagnostics problems;
  auto read = plan::parse_plan(*bytes, file, snapshot.config.quarters, problems);
  if (!read || !problems.empty()) {
    print_diagnostics(problems, std::cerr);
    std::cerr << "plan-reminder updates export: " << shown
              << " changed since it was loaded and has problems now; nothing was written to it\n";
    return data_error;
  }
  auto now = std::make_shared<plan::Snapshot>(snapshot);
  for (auto& plan : now->plans) {
    if (plan->file == file) {
      plan = std::make_shared<const plan::Plan>(std::move(*read));
    }
  }
  const progress::AppliedUpdates applied = progress::apply_accepted(now, accepted);
  const calendar::TimeZone zone = calendar::TimeZone::named(snapshot.config.timezone);
  const auto edits = progress::edits_for(file, applied.standings, accepted, zone);
  if (edits.empty()) {
    return ok;
  }
  auto written = progress::write_back(*bytes, shown, edits, snapshot.config.quarters);
  if (!written) {
    std::cerr << "plan-reminder updates export: " << written.error().message << '\n';
    return data_error;
  }
  std::size_t count = 0;
  for (const auto& edit : edits) {
    count += edit.updates.size();
  }
  std::cout << progress::unified_diff(*bytes, *written, shown);
  if (dry_run) {
    std::cout << "would write " << count_of_updates(count) << " into " << shown << '\n';
    return ok;
  }
  if (auto replaced = base::replace_file_if_unchanged(file, *bytes, *written); !replaced) {
    std::cerr << "plan-reminder updates export: " << replaced.error().message << '\n';
    return replaced.error().message.find("changed since it was read") != std::string::npos
               ? data_error
               : io_error;
  }
  std::cout << "wrote " << count_of_updates(count) << " into " << shown << '\n';
  return ok;
}

// `updates export [--dry-run]`: every plan file that does not say its accepted updates yet.
int export_updates(const UpdatesArguments& args, const service::Deployment& deployment) {
  const plan::Snapshot& snapshot = *deployment.snapshot;
  std::vector<store::UpdateRecord> accepted;
  if (auto opened = store::StateStore::open_existing(snapshot.config.state)) {
    accepted = (*opened)->updates({store::UpdateState::accepted});
  }
  const progress::AppliedUpdates applied = progress::apply_accepted(deployment.snapshot, accepted);
  std::vector<std::string> files;
  for (const auto& standing : applied.standings) {
    if (standing.kind == progress::UpdateStanding::Kind::not_in_file &&
        std::find(files.begin(), files.end(), standing.file) == files.end()) {
      files.push_back(standing.file);
    }
  }
  if (files.empty()) {
    std::cout << "nothing to export: every accepted update is in the plan files\n";
    return ok;
  }
  int status = ok;
  for (const std::string& file : files) {
    int result = export_file(file, args.dry_run, snapshot, accepted);
    // An I/O failure outranks a refusal.
    if (result == io_error || (result == data_error && status == ok)) {
      status = result;
    }
  }
  return status;
}

}  // namespace

Command add_updates_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "updates",
      "List the agencies' updates, accept or reject them, and export them to the plans (SPEC §9)");
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

  auto* write = command->add_subcommand(
      "export", "Write the accepted updates into the plan files, showing the diff");
  write->add_flag("--dry-run", args->dry_run, "Show the diff and write nothing");

  return [args, list, accept, reject, write]() -> int {
    if (list->parsed()) {
      return with_config(args->config, [&args](const plan::Config& config) {
        return list_updates(*args, config);
      });
    }
    if (write->parsed()) {
      return with_deployment(args->config, "updates export",
                             [&args](const service::Deployment& deployment) {
                               return export_updates(*args, deployment);
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
