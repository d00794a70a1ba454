// `plan-reminder history`: the audit trail of every notice (when, to whom, about what, and what
// became of it) and of every agency's update submitted and decided.
#include "cli/commands.h"
#include "cli/common.h"
#include "service/local_time.h"
#include "store/state_store.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

namespace plan_reminder::cli {
namespace {

struct HistoryArguments {
  std::string config{default_config_path};
  std::string since;
  std::string format = "text";
};

// One event of an agency's update (SPEC §9): its submission, or the decision on it.
struct UpdateEvent {
  date::sys_seconds at;
  std::string_view what;  // "submitted", the state it was decided into, or "told"
  const store::UpdateRecord* update = nullptr;
};

// Every submission and decision at or after `since`, in order.
std::vector<UpdateEvent> update_events(const std::vector<store::UpdateRecord>& updates,
                                       date::sys_seconds since) {
  std::vector<UpdateEvent> events;
  for (const auto& update : updates) {
    if (update.submitted >= since) {
      events.push_back(UpdateEvent{update.submitted, "submitted", &update});
    }
    if (update.decided && *update.decided >= since) {
      events.push_back(UpdateEvent{*update.decided, store::token(update.state), &update});
    }
    if (update.told && *update.told >= since) {
      events.push_back(UpdateEvent{*update.told, "told", &update});
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const UpdateEvent& a, const UpdateEvent& b) { return a.at < b.at; });
  return events;
}

// What the event says: the update's request and note, or the coordinator's note.
std::string event_detail(const UpdateEvent& event) {
  const store::UpdateRecord& update = *event.update;
  std::string detail =
      "update " + std::to_string(update.id) + ": " + std::string(store::token(update.kind));
  if (update.done_on) {
    detail += " on " + iso_day(update.done_on);
  }
  if (!update.target.empty()) {
    detail += " \"" + update.target + "\"";
  }
  if (event.what == "told") {
    return detail + ": the agency was told it was " + std::string(store::token(update.state)) +
           " in " + update.told_message;
  }
  const std::string& note = event.what == "submitted" ? update.note : update.decision_note;
  if (!note.empty()) {
    detail += ": " + note;
  }
  return detail;
}

// The audit trail since --since, as text or CSV: every notice, and every agency's update
// submitted or decided (kind "update", the agency as recipient).
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
  const auto updates = (*store)->updates({});
  const auto events = update_events(updates, since);
  const bool csv = args.format == "csv";
  if (csv) {
    std::cout << "recorded,kind,recipient,review,action,milestone,due,state,message_id,detail\r\n";
  }
  auto print_event = [&](const UpdateEvent& event) {
    const store::UpdateRecord& u = *event.update;
    if (csv) {
      std::cout << date::format("%FT%TZ", event.at) << ",update," << csv_field(u.agency) << ','
                << csv_field(u.review) << ',' << csv_field(u.action) << ','
                << csv_field(u.milestone) << ",," << event.what << ','
                << csv_field(event.what == "told" ? u.told_message : std::string()) << ','
                << csv_field(event_detail(event)) << "\r\n";
      return;
    }
    std::cout << service::short_local_time(clock, event.at) << "  " << event.what
              << "  update  from " << u.agency << "  " << u.review << " " << u.action << " ("
              << u.milestone << ")  — " << event_detail(event) << '\n';
  };
  auto print_notice = [&](const store::NoticeRecord& n) {
    if (csv) {
      std::cout << date::format("%FT%TZ", n.recorded) << ',' << csv_field(store::token(n.kind))
                << ',' << csv_field(n.recipient) << ',' << csv_field(n.review) << ','
                << csv_field(n.action) << ',' << csv_field(n.milestone) << ',' << iso_day(n.due)
                << ',' << store::token(n.state) << ',' << csv_field(n.message_id) << ','
                << csv_field(n.detail) << "\r\n";
      return;
    }
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
  };
  // Both are in time order: merge them.
  auto event = events.begin();
  for (const auto& notice : notices) {
    for (; event != events.end() && event->at <= notice.recorded; ++event) {
      print_event(*event);
    }
    print_notice(notice);
  }
  std::for_each(event, events.end(), print_event);
  if (csv) {
    return ok;
  }
  std::cout << notices.size() << (notices.size() == 1 ? " notice" : " notices");
  if (!events.empty()) {
    std::cout << ", " << events.size() << (events.size() == 1 ? " update event" : " update events");
  }
  std::cout << '\n';
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
