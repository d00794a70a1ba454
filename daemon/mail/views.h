// What an email says, as plain data: the policy fills these, templates render them. Every
// field is text the plan already holds (SPEC §4: no case narrative), an enum or a date: the
// words for kinds, states, ratings and dates are made where the email is rendered.
#pragma once

#include "base/month_names.h"
#include "plan/review_types.h"
#include "store/email_kind.h"

#include <date/date.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::mail {

// The kinds of email and what became of one: see store/email_kind.h and, for what each kind
// means, mail/notice_kinds.h.
using store::DeliveryState;
using store::EmailKind;

// The most an email lists in one list (a notice's milestones, each list of a digest); the rest
// are counted ("and 51,691 more milestones"), so that no email outgrows what a person reads or
// an SMTP server accepts (about 4 KB per milestone listed, in text and HTML).
inline constexpr std::size_t kMaxListed = 200;

// "reminder", "due", ...: the template file stem and the word used in logs.
const char* to_string(EmailKind kind);

// A milestone's red/amber/green rating (policy/agenda.h says how it is decided).
enum class Rag { red, amber, green };
// "red", "amber", "green".
std::string_view to_string(Rag rag);

// "Monday 3 February 2020" and "3 February 2020": how emails write a day.
std::string long_day(date::year_month_day day);
using base::plain_day;
// "Mon 3 Feb 2020 09:00": how emails and the command line write a local time.
std::string short_time(date::local_seconds time);

// How a due date stands on a day, worded from the two dates alone, never from the stage of a
// notice (SPEC §4: a due-day notice sent early for a weekend says "due on Sunday 31 May 2020").
enum class DueWording {
  brief,     // "due today", "due tomorrow", "due on Sunday 31 May 2020", "due in 9 days",
             // "3 days overdue"
  with_date  // the same, dated: "due today, Friday 29 May 2020", "due tomorrow, Saturday 30 May
             // 2020", "due on Sunday 31 May 2020", "due in 9 days, on 8 June 2020", "3 days
             // overdue (due 26 May 2020)"
};
std::string when_due(date::year_month_day due, date::year_month_day today,
                     DueWording wording = DueWording::brief);

struct MilestoneView {
  std::optional<EmailKind> stage;  // the notice's kind (none in digests)
  std::string when;                // words for an undated item; dated ones are worded from due_day
  std::string review_id;
  std::string review_title;  // plan::review_display_name(): "Domestic Homicide Review: 'David'"
  plan::ReviewType review_type = plan::ReviewType::dhr;  // named in emails by its full name
  std::string recommendation_id;
  std::string action_id;
  std::string action_text;
  std::string milestone_id;
  std::string milestone_text;
  std::string lead;                             // lead agency names, joined with ", "
  std::string target;                           // as written, with any revision
  std::optional<date::year_month_day> due_day;  // the due date, when dated
  int days = 0;                                 // due minus today: positive before, negative after
  std::string progress;
  std::optional<Rag> rag;
  bool escalated = false;  // digests: an escalation has been sent (or queued) to the chair
};

// Where a lead agency reports on the milestones of an email (SPEC §9): no account needed.
struct UpdateLink {
  std::string agency_name;
  std::string url;
};

// The coordinator's decision on one of the agency's updates (SPEC §9), told in its next email.
struct DecisionView {
  std::string milestone;  // "1.1 Research scoping document produced"
  std::string request;    // "Completed on 2 March 2020"
  bool accepted = false;
  std::string note;  // the coordinator's note (always, for a rejection)
};

struct NoticeEmailView {
  EmailKind kind = EmailKind::reminder;  // the most urgent stage among the items
  std::string partnership;
  std::string recipient_name;  // the agency or role the email is addressed to
  std::string coordinator_name;
  std::string coordinator_address;
  date::year_month_day today{};
  // Sorted by due date. Past the first kMaxListed, which the email lists, rows are counted
  // only: they hold just their ids, review type, dates, stage and rating, not their texts.
  std::vector<MilestoneView> items;
  // One for an agency's email; one per lead agency in an escalation; none without `web:`.
  std::vector<UpdateLink> update_links;
  // An agency's email: the decisions on its updates not told yet, in the order decided.
  std::vector<DecisionView> decisions;
};

struct RagRow {
  std::string name;        // "dhr-david recommendation 1" or the agency's name
  std::optional<Rag> rag;  // the worst of its milestones'
  int overdue = 0;
  int due_soon = 0;
  int undated = 0;
  int complete = 0;
  int total = 0;
};

struct AuditRow {
  date::local_seconds when;  // in the partnership's time zone
  EmailKind kind = EmailKind::reminder;
  std::string recipient;
  std::string about;  // "dhr-david 1.1 scoping"
  DeliveryState state = DeliveryState::queued;
  std::string detail;
};

// An agency's update waiting for the coordinator's decision (SPEC §9), as the digest lists it.
struct WaitingUpdateRow {
  std::string agency;     // the agency's name
  std::string milestone;  // "1.1 Research scoping document produced"
  std::string request;    // "Completed on 2 March 2020"
  std::string submitted;  // "Tue 3 Mar 2020 10:00"
};

struct DigestView {
  std::string partnership;
  date::year_month_day today{};
  int horizon_days = 28;
  std::vector<MilestoneView> overdue;
  std::vector<MilestoneView> due_soon;
  std::vector<MilestoneView> completed;        // done in the last 7 days
  std::vector<MilestoneView> undated;          // undated and pending
  std::vector<MilestoneView> not_implemented;  // closed with a reason (SPEC §9)
  // How many milestones each list above has in all: more than its rows when they were cut
  // to their first (policy::digest_view's `max_rows`).
  struct Counts {
    std::size_t overdue = 0;
    std::size_t due_soon = 0;
    std::size_t completed = 0;
    std::size_t undated = 0;
    std::size_t not_implemented = 0;
  } counts;
  std::vector<RagRow> recommendations;
  std::vector<RagRow> agencies;
  std::vector<AuditRow> audit;     // every notice since the previous digest
  std::vector<AuditRow> failures;  // deliveries that failed
  int total = 0;
  std::vector<WaitingUpdateRow> updates_waiting;  // oldest first
  std::string updates_link;  // the coordinator's page, when the web surface is on; or ""
};

struct FailedMessageView {
  std::string subject;     // the subject of the message that failed
  std::string recipients;  // who it was for (or, when some were refused, who was refused)
  std::string error;       // the server's reply and what it means
  int attempts = 0;
  std::optional<date::local_seconds> first_attempt;  // in the partnership's time zone
  bool permanent = false;  // refused for good, rather than given up after three days
};

// The coordinator's notice of a pass's delivery failures: every message that failed in it,
// or a problem of the settings that stops every delivery until it is fixed.
struct FailureView {
  std::string partnership;
  std::vector<FailedMessageView> messages;
  std::string settings_problem;     // non-empty: no message can be sent until this is fixed
  int waiting = 0;                  // with a settings problem: messages kept queued meanwhile
  std::vector<std::string> advice;  // what to do, for each distinct cause
};

// The coordinator's notice that edited files were refused: the service goes on with the last
// good version until they are fixed.
struct ProblemView {
  std::string partnership;
  std::vector<std::string> problems;         // "file:line:col: key.path: message"
  std::optional<date::local_seconds> since;  // when the problem was first seen, local time
};

// The message `plan-reminder send-test` sends: a real email from the templates, so that the
// test shows how notices look in the recipient's mail client and where replies go.
struct TestView {
  std::string partnership;
  std::string coordinator_name;
  std::string coordinator_address;
  std::string transport;  // how it is sent: the SMTP server or the Maildir
  std::string recipient;  // the address it is sent to
};

struct RenderedEmail {
  std::string subject;  // one line
  std::string text;
  std::string html;
};

}  // namespace plan_reminder::mail
