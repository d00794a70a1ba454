// `plan-reminder state copy --to URL [--force]`: moves the state the config names into another
// store (SPEC §10), from a SQLite file into PostgreSQL or back, and checks the copy by counting.
// Both states' pass locks are held meanwhile, so no pass changes either while it is copied.
#include "cli/commands.h"
#include "cli/common.h"
#include "store/state_copy.h"
#include "store/state_store.h"

#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

namespace plan_reminder::cli {
namespace {

struct StateCopyArguments {
  std::string config{default_config_path};
  std::string to;
  bool force = false;
};

void print_counts(const store::CopyCounts& counts) {
  const auto row = [](const char* table, std::int64_t source, std::int64_t copy) {
    std::cout << "  " << std::left << std::setw(16) << table << std::right << std::setw(10)
              << source << std::setw(10) << copy << '\n';
  };
  std::cout << "  " << std::left << std::setw(16) << "table" << std::right << std::setw(10)
            << "source" << std::setw(10) << "copy" << '\n';
  row("messages", counts.source.messages, counts.target.messages);
  row("notices", counts.source.notices, counts.target.notices);
  row("settings", counts.source.settings, counts.target.settings);
  row("calendar_events", counts.source.calendar_events, counts.target.calendar_events);
  row("updates", counts.source.updates, counts.target.updates);
}

int copy_state(const StateCopyArguments& args, const plan::Config& config) {
  const std::string source = store::printable_location(config.state);
  const std::string target = store::printable_location(args.to);
  if (target != args.to) {
    // Printed without it, so the URL held a password: every user could read it in the list of
    // processes.
    std::cerr << "plan-reminder state copy: " << target
              << ": give the password as the systemd credential db-password, or in PGPASSFILE "
                 "or ~/.pgpass, never in the URL on the command line\n";
    return usage;
  }
  if (source == target) {
    std::cerr << "plan-reminder state copy: the state is already at " << target << '\n';
    return usage;
  }
  auto from = store::StateStore::open_existing(config.state);
  if (!from) {
    std::cerr << "plan-reminder state copy: no state to copy (" << from.error().message << ")\n";
    return data_error;
  }
  auto to = store::StateStore::open(args.to);
  // No pass may change either state while it is copied.
  std::vector<std::unique_ptr<store::PassLock>> locks;
  for (auto* state : {from->get(), to.get()}) {
    auto lock = state->lock_passes(std::chrono::seconds(5));
    if (!lock) {
      std::cerr << "plan-reminder state copy: " << lock.error().message
                << ": stop it while the state is copied\n";
      return temp_fail;
    }
    locks.push_back(std::move(lock.value()));
  }
  auto copied = store::copy_state(**from, *to, target, args.force);
  if (!copied) {
    std::cerr << "plan-reminder state copy: " << copied.error().message << '\n';
    return data_error;
  }
  std::cout << "Copied the state from " << source << " to " << target << ":\n";
  print_counts(*copied);
  std::cout << "Every table of the copy holds as many rows as the source's.\n";
  return ok;
}

}  // namespace

Command add_state_command(CLI::App& app) {
  auto* command = app.add_subcommand("state", "Manage the state (notification log and outbox)");
  command->require_subcommand(1);
  auto* copy = command->add_subcommand(
      "copy", "Copy the state into another store (a SQLite file or a postgresql:// URL)");
  auto args = std::make_shared<StateCopyArguments>();
  add_config_option(copy, args->config);
  copy->add_option("--to", args->to, "Where to copy it: a file, or postgresql://user@host/db")
      ->required();
  copy->add_flag("--force", args->force, "Replace whatever the target holds");
  return [args]() -> int {
    return with_config(args->config,
                       [&args](const plan::Config& config) { return copy_state(*args, config); });
  };
}

}  // namespace plan_reminder::cli
