// The notification policy (SPEC §4) as pure functions of the plans, the configuration, the
// notification log and the time: which notices are due at a pass, for whom, and which stale
// ones a catch-up drops. Reads no clock and touches no database or network. The pass is
// orchestrated here (schedule.cpp); the timelines are in timelines.h, the addresses and views
// of notice emails in notice_email.h, the digest in digest.h, and what each kind of notice
// means in mail/notice_kinds.h.
#pragma once

#include "base/key_set.h"
#include "calendar/business_calendar.h"
#include "calendar/time_zone.h"
#include "mail/message.h"
#include "mail/notice_kinds.h"
#include "mail/views.h"
#include "plan/snapshot.h"

#include <date/date.h>

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace plan_reminder::policy {

using Instant = date::sys_seconds;

// Who a notice is for: a lead agency, or one of the partnership's roles.
struct Recipient {
  enum class Kind { agency, chair, coordinator, digest };
  Kind kind = Kind::agency;
  std::string id;  // the agency id; "chair", "coordinator", or "digest:<address>"
  friend bool operator==(const Recipient&, const Recipient&) = default;
  friend auto operator<=>(const Recipient&, const Recipient&) = default;
};

// One (milestone, stage, occurrence, recipient): the unit that is sent at most once, ever.
struct Notice {
  std::string key;
  mail::EmailKind stage = mail::EmailKind::reminder;  // a milestone notice's kind
  int occurrence = 0;   // reminders: days before; others: 0 the first, then 1, 2... repeats
  Instant scheduled{};  // the send time the schedule gave it
  const plan::Plan* plan = nullptr;
  const plan::Recommendation* recommendation = nullptr;
  const plan::Action* action = nullptr;
  const plan::Milestone* milestone = nullptr;
  date::year_month_day due;
  Recipient recipient;
  std::string dropped_because;  // set for notices a catch-up dropped
};

// "dhr-david/1.1/scoping/2020-03-31/reminder/28/wwin": stable under edits that do not change
// the due date; a new due date starts a new schedule. Overdue repeats (occurrence 1 on) are
// "overdue-repeat/<n>".
std::string notice_key(const plan::Plan& plan, const plan::Action& action,
                       const plan::Milestone& milestone, date::year_month_day due,
                       mail::EmailKind stage, int occurrence, const Recipient& recipient);

// The partnership's calendar: the time zone and its business days.
struct Clock {
  calendar::TimeZone zone;
  calendar::BusinessCalendar business_days;
};

Clock clock_for(const plan::Config& config);

// An email the pass will send: one per recipient per pass.
struct PlannedEmail {
  mail::EmailKind kind = mail::EmailKind::reminder;
  Recipient recipient;
  std::vector<mail::Address> to;
  std::vector<mail::Address> cc;
  std::vector<Notice> notices;  // empty for a digest
  std::string digest_key;       // set for a digest
  std::variant<mail::NoticeEmailView, mail::DigestView> view;
  std::vector<std::pair<std::string, std::string>> actions;  // (review, action) for threading
  // A notice email planned by plan_pass_outline: its view has no rows yet (add_notice_rows).
  bool rows_pending = false;
};

struct PassPlan {
  bool notice_window = false;  // `now` was a business day at or after the send time
  std::vector<PlannedEmail> emails;
  std::vector<Notice> dropped;
};

using AuditSource = std::function<std::vector<mail::AuditRow>()>;

struct PassInputs {
  const plan::Snapshot* snapshot = nullptr;
  const Clock* clock = nullptr;
  const base::KeySet* handled = nullptr;  // keys already in the log
  // The previous pass: notices scheduled between it and now that were never sent are the
  // stale ones a catch-up drops (and records); none before it are looked at.
  std::optional<Instant> last_pass;
  // The notices and failed deliveries since the previous digest, for the digest: asked for
  // only when a digest is due (a week's log can be long); empty functions give none.
  AuditSource audit;
  AuditSource failures;
};

// What a pass at `now` sends. Notices whose send time has come and that are not in the log
// are due; of those, only the latest per milestone and recipient is sent (catch-up), the rest
// are dropped. Nothing is sent outside the send window: a business day, at or after the send
// time (the digest: at or after the digest time).
PassPlan plan_pass(const PassInputs& inputs, Instant now);

// The same, but each notice email's view is left without its rows, one per milestone, which
// add_notice_rows makes: a pass that renders its emails one at a time then holds one email's
// rows at once, not every email's (a national catch-up's escalation to the chair alone has tens
// of thousands).
PassPlan plan_pass_outline(const PassInputs& inputs, Instant now);
void add_notice_rows(PlannedEmail& email, const plan::Snapshot& snapshot);

// When the next pass has something to do after `now`: the next send time or digest time on a
// business day.
Instant next_send_time(const plan::Policy& policy, const Clock& clock, Instant now);

}  // namespace plan_reminder::policy
