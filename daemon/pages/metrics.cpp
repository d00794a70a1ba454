// The metrics text. Every label combination the service knows is written, with 0 where nothing
// was counted, so that a query or an alert on a rare kind (a failed escalation) has a series
// before the first one happens.
#include "pages/metrics.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace plan_reminder::pages {
namespace {

using store::DeliveryState;
using store::EmailKind;

// One metric family being written: its help and type once, then its samples.
class Family {
 public:
  Family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
      : out_(out), name_(name) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // `labels`: (name, value) pairs; the values are escaped.
  void sample(Labels labels, std::int64_t value) { sample(labels, std::to_string(value)); }
  void sample(Labels labels, const std::string& value) {
    out_ += name_;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [label, text] : labels) {
        if (!first) {
          out_ += ',';
        }
        first = false;
        out_ += label;
        out_ += "=\"";
        append_label_value(text);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }

 private:
  // The format's escapes: in label values backslash, double quote and line feed; in help
  // text backslash and line feed.
  void append_label_value(std::string_view text) {
    for (const char c : text) {
      switch (c) {
        case '\\':
          out_ += "\\\\";
          break;
        case '"':
          out_ += "\\\"";
          break;
        case '\n':
          out_ += "\\n";
          break;
        default:
          out_ += c;
      }
    }
  }
  void append_help(std::string_view text) {
    for (const char c : text) {
      if (c == '\\') {
        out_ += "\\\\";
      } else if (c == '\n') {
        out_ += "\\n";
      } else {
        out_ += c;
      }
    }
  }

  std::string& out_;
  std::string_view name_;
};

// The enums' values in order: each ends with the value named here.
constexpr auto kLastState = policy::MilestoneState::not_implemented;
constexpr auto kLastKind = EmailKind::test;
constexpr auto kLastDelivery = DeliveryState::dropped;

template <typename Enum, typename Visit>
void for_each(Enum last, Visit visit) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    visit(static_cast<Enum>(i));
  }
}

std::int64_t count_of(const std::vector<store::DeliveryCount>& counts, EmailKind kind,
                      DeliveryState state) {
  const auto found = std::find_if(counts.begin(), counts.end(), [&](const auto& c) {
    return c.kind == kind && c.state == state;
  });
  return found == counts.end() ? 0 : found->count;
}

// Every kind by every state a notice or a message can be in.
void by_kind_and_result(Family& family, const std::vector<store::DeliveryCount>& counts,
                        bool messages) {
  for_each(kLastKind, [&](EmailKind kind) {
    for_each(kLastDelivery, [&](DeliveryState state) {
      // A message is never dropped: its notices are, and the message is removed.
      if (messages && state == DeliveryState::dropped) {
        return;
      }
      family.sample({{"kind", store::token(kind)}, {"result", store::token(state)}},
                    count_of(counts, kind, state));
    });
  });
}

// "1.234": milliseconds as seconds, the unit Prometheus expects.
std::string seconds_text(std::chrono::milliseconds duration) {
  const auto count = duration.count();
  std::string fraction = std::to_string(count % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(count / 1000) + "." + fraction;
}

}  // namespace

std::map<policy::MilestoneState, std::int64_t> count_by_state(
    const std::vector<policy::AgendaItem>& agenda) {
  std::map<policy::MilestoneState, std::int64_t> counts;
  for (const auto& item : agenda) {
    ++counts[item.standing.state];
  }
  return counts;
}

std::string render_metrics(const MetricsView& view) {
  std::string out;
  Family(out, "plan_reminder_build_info", "gauge", "The running plan-reminder's version.")
      .sample({{"version", view.version}}, 1);

  Family milestones(out, "plan_reminder_milestones", "gauge",
                    "Milestones of the loaded plans by their state today.");
  for_each(kLastState, [&](policy::MilestoneState state) {
    const auto found = view.milestones.find(state);
    milestones.sample({{"state", policy::to_string(state)}},
                      found == view.milestones.end() ? 0 : found->second);
  });

  Family notices(out, "plan_reminder_notices", "gauge",
                 "Notices in the notification log by kind and delivery result.");
  by_kind_and_result(notices, view.deliveries.notices, false);
  Family emails(out, "plan_reminder_emails", "gauge",
                "Emails in the outbox by kind and delivery result.");
  by_kind_and_result(emails, view.deliveries.messages, true);

  Family(out, "plan_reminder_outbox_length", "gauge",
         "Emails queued in the outbox, waiting to be sent or retried.")
      .sample({}, view.outbox_length);

  // No sample before the first pass: a time of 0 would read as a pass in 1970.
  Family last_pass(out, "plan_reminder_last_pass_timestamp_seconds", "gauge",
                   "When the last pass ran, in seconds since the Unix epoch.");
  if (view.last_pass) {
    last_pass.sample({}, view.last_pass->time_since_epoch().count());
  }
  Family duration(out, "plan_reminder_last_pass_duration_seconds", "gauge",
                  "How long the last pass took, in seconds.");
  if (view.last_pass_duration) {
    duration.sample({}, seconds_text(*view.last_pass_duration));
  }

  Family(out, "plan_reminder_plan_load_errors", "gauge",
         "Problems found in the plans, directory or config at the last reload; the plans "
         "loaded before it stay in use until they are fixed.")
      .sample({}, view.plan_load_errors);
  Family(out, "plan_reminder_updates_waiting", "gauge",
         "Progress updates from agencies waiting for the coordinator.")
      .sample({}, view.updates_waiting);
  Family(out, "plan_reminder_leading", "gauge",
         "1 when this instance runs the passes and sends; 0 while it follows another instance "
         "that shares its PostgreSQL state.")
      .sample({}, view.leading ? 1 : 0);
  return out;
}

}  // namespace plan_reminder::pages
