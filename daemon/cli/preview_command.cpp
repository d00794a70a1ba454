// `plan-reminder preview`: every email the policy would send in a window, in order, with time,
// recipients and subject (`--render`: whole messages). It runs the passes `run` would run at
// each send time of the window, on the same code, and stores and sends nothing.
#include "cli/commands.h"
#include "cli/common.h"
#include "service/pass.h"

#include <filesystem>
#include <iostream>
#include <memory>

namespace plan_reminder::cli {
namespace {

struct PreviewArguments {
  std::string config{default_config_path};
  std::string from;
  std::string to;
  bool render = false;
};

std::string join(const std::vector<mail::Address>& addresses) {
  std::string out;
  for (const auto& address : addresses) {
    out += (out.empty() ? "" : ", ") + address.address;
  }
  return out;
}

}  // namespace

Command add_preview_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "preview", "List every email the policy would send in a window; sends and writes nothing");
  auto args = std::make_shared<PreviewArguments>();
  add_config_option(command, args->config);
  command->add_option("--from", args->from, "First day, YYYY-MM-DD (default: today)");
  command->add_option("--to", args->to, "Last day, YYYY-MM-DD (default: 14 days after --from)");
  command->add_flag("--render", args->render, "Print each whole message");
  return [args]() -> int {
    int code = ok;
    auto deployment = load_or_report(args->config, "preview", code);
    if (!deployment) {
      return code;
    }
    const plan::Snapshot& snapshot = *deployment->snapshot;
    policy::Clock clock = policy::clock_for(snapshot.config);
    auto from = args->from.empty() ? std::optional(today_in(snapshot.config.timezone))
                                   : parse_iso_day(args->from);
    if (!from) {
      std::cerr << "plan-reminder preview: --from expects YYYY-MM-DD, got '" << args->from << "'\n";
      return usage;
    }
    auto to = args->to.empty()
                  ? std::optional(date::year_month_day{date::sys_days(*from) + date::days(14)})
                  : parse_iso_day(args->to);
    if (!to || *to < *from) {
      std::cerr << "plan-reminder preview: --to expects YYYY-MM-DD on or after --from\n";
      return usage;
    }

    // What has been sent already counts, so the preview continues from the real state.
    std::unordered_set<std::string> handled;
    std::optional<date::sys_seconds> last_pass;
    if (std::filesystem::exists(snapshot.config.state)) {
      auto store = store::StateStore::open(snapshot.config.state);
      handled = store->handled_keys();
    }
    std::size_t count = 0;
    const plan::Policy& policy = snapshot.config.policy;
    date::sys_seconds end =
        clock.zone.at(date::local_days(*to) + date::days(1), std::chrono::minutes(0));
    date::sys_seconds now = clock.zone.at(date::local_days(*from), std::chrono::minutes(0));
    while (true) {
      now = policy::next_send_time(policy, clock, now);
      if (now >= end) {
        break;
      }
      service::ComposedPass pass = service::compose_pass(
          snapshot, *deployment->templates, clock, handled, last_pass, {}, {}, now,
          [&](service::ComposedEmail email) {
            for (const auto& notice : email.notices) {
              handled.insert(notice.key);
            }
            ++count;
            std::cout << service::short_local_time(clock, now) << "  "
                      << mail::to_string(email.planned.kind) << "  To: " << join(email.message.to);
            if (!email.message.cc.empty()) {
              std::cout << "  Cc: " << join(email.message.cc);
            }
            std::cout << "\n    " << email.message.subject << '\n';
            if (args->render) {
              std::erase(email.raw, '\r');
              std::cout << '\n' << email.raw << '\n';
            }
          });
      for (const auto& dropped : pass.dropped) {
        handled.insert(dropped.key);
      }
      if (pass.notice_window) {
        last_pass = now;
      }
    }
    std::cout << count << (count == 1 ? " email" : " emails") << " from "
              << date::format("%F", *from) << " to " << date::format("%F", *to) << '\n';
    return ok;
  };
}

}  // namespace plan_reminder::cli
