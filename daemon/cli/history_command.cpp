// `plan-reminder history`: the audit trail of every notice: when, to whom, about what, and
// what became of it.
#include "cli/commands.h"
#include "cli/common.h"
#include "service/local_time.h"
#include "store/state_store.h"

#include <iostream>
#include <memory>

namespace plan_reminder::cli {
namespace {

struct HistoryArguments {
  std::string config{default_config_path};
  std::string since;
  std::string format = "text";
};

// The audit trail since --since, as text or CSV.
int print_history(const HistoryArguments& args, const plan::Config& config) {
  policy::Clock clock = policy::clock_for(config);
  date::sys_seconds since{};
  if (!args.since.empty()) {
    auto day = parse_iso_day(args.since);
    if (!day) {
      std::cerr << "plan-reminder history: --since expects YYYY-MM-DD\n";
      return usage;
    }
    since = clock.zone.at(date::local_days(*day), std::chrono::minutes(0));
  }
  auto store = store::StateStore::open_existing(config.state);
  if (!store) {
    std::cerr << "plan-reminder history: no notices yet (" << store.error().message << ")\n";
    return ok;
  }
  auto notices = (*store)->notices_since(since);
  if (args.format == "csv") {
    std::cout << "recorded,kind,recipient,review,action,milestone,due,state,message_id,detail\r\n";
    for (const auto& n : notices) {
      std::cout << date::format("%FT%TZ", n.recorded) << ',' << csv_field(store::token(n.kind))
                << ',' << csv_field(n.recipient) << ',' << csv_field(n.review) << ','
                << csv_field(n.action) << ',' << csv_field(n.milestone) << ',' << iso_day(n.due)
                << ',' << store::token(n.state) << ',' << csv_field(n.message_id) << ','
                << csv_field(n.detail) << "\r\n";
    }
    return ok;
  }
  for (const auto& n : notices) {
    std::cout << service::short_local_time(clock, n.recorded) << "  " << store::token(n.state)
              << "  " << store::token(n.kind) << "  to " << n.recipient;
    if (!n.review.empty()) {
      std::cout << "  " << n.review << " " << n.action << " (" << n.milestone << ") due "
                << iso_day(n.due);
    }
    if (!n.detail.empty()) {
      std::cout << "  — " << n.detail;
    }
    std::cout << '\n';
  }
  std::cout << notices.size() << (notices.size() == 1 ? " notice\n" : " notices\n");
  return ok;
}

}  // namespace

Command add_history_command(CLI::App& app) {
  auto* command = app.add_subcommand("history", "Show the audit trail of every notice");
  auto args = std::make_shared<HistoryArguments>();
  add_config_option(command, args->config);
  command->add_option("--since", args->since, "Only notices recorded on or after YYYY-MM-DD");
  command->add_option("--format", args->format, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "csv"}));
  return [args]() -> int {
    return with_config(
        args->config, [&args](const plan::Config& config) { return print_history(*args, config); });
  };
}

}  // namespace plan_reminder::cli
