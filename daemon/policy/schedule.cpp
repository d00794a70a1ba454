// The notification schedule of SPEC §4. For each open, dated milestone with due date D:
//   reminders  on the business day on or before D-k for each k (only while D has not passed)
//   due        on the business day on or before D (likewise)
//   overdue    on the business day on or after D+after; then at most `max_repeats` repeats on
//              the overdue weekday, the first at least `repeat` days later, then every
//              `repeat` days rounded up to whole weeks, each moved to the next business day
//   escalation on the business day on or after D+after, then every `repeat` days, to the chair
// Occurrences are computed directly from the date, never enumerated over years, so a pass over
// 100,000 milestones stays cheap however old the plans are.
#include "policy/schedule.h"

#include "plan/address.h"
#include "policy/agenda.h"

#include <algorithm>
#include <climits>
#include <map>
#include <set>

namespace plan_reminder::policy {
namespace {

using date::days;
using date::local_days;

// One point of a recipient's timeline for one milestone.
struct Occurrence {
  Stage stage = Stage::reminder;
  int occurrence = 0;
  local_days day{};
};

int rank(Stage stage) {
  return static_cast<int>(stage);
}

// Later day wins; on the same day the more advanced stage wins (a due notice over a reminder,
// the reminder nearer the due date over an earlier one).
bool later(const Occurrence& a, const Occurrence& b) {
  if (a.day != b.day) {
    return a.day > b.day;
  }
  if (a.stage != b.stage) {
    return rank(a.stage) > rank(b.stage);
  }
  return a.stage == Stage::reminder ? a.occurrence < b.occurrence : a.occurrence > b.occurrence;
}

// Occurrences of a repeating stage, n = 0, 1, ...: the first on or after `first`, the others
// on or after first+n*every, or, with a weekday, on that weekday: the first repeat at least
// `every` days after `first`, then every `every` days rounded up to whole weeks. With `last`,
// none after occurrence `last`.
struct Series {
  Stage stage;
  local_days first;
  int every = 0;
  std::optional<date::weekday> weekday;
  std::optional<int> last;

  int weeks() const { return std::max(1, (every + 6) / 7); }
  local_days nominal(int n) const {
    if (n == 0 || !weekday) {
      return first + days(n * every);
    }
    local_days one = first + days(every);
    one += *weekday - date::weekday{one};
    return one + days(7 * weeks() * (n - 1));
  }
  int final_occurrence() const { return every > 0 ? last.value_or(INT_MAX) : 0; }
  // The occurrence whose nominal day is the last on or before `day` (0 before the first).
  int estimate(local_days day) const {
    if (every <= 0 || day < first) {
      return 0;
    }
    if (!weekday) {
      return static_cast<int>((day - first).count() / every);
    }
    local_days one = nominal(1);
    return day < one ? 0 : 1 + static_cast<int>((day - one).count() / (7 * weeks()));
  }
  local_days day(const calendar::BusinessCalendar& calendar, int n) const {
    return calendar.on_or_after(nominal(n));
  }
  // The largest n whose day is on or before `today`, if any.
  std::optional<Occurrence> latest(const calendar::BusinessCalendar& calendar,
                                   local_days today) const {
    if (today < first) {
      return std::nullopt;
    }
    int n = std::min(estimate(today), final_occurrence());
    // The business-day move can push an occurrence past today; step back until it fits.
    while (n >= 0 && day(calendar, n) > today) {
      --n;
    }
    if (n < 0) {
      return std::nullopt;
    }
    return Occurrence{stage, n, day(calendar, n)};
  }
  // Every occurrence with a day in [from, to].
  void between(const calendar::BusinessCalendar& calendar, local_days from, local_days to,
               std::vector<Occurrence>& out) const {
    if (to < first) {
      return;
    }
    // Start one step early: a business-day move can carry an occurrence into the range.
    for (int n = std::max(0, estimate(from) - 1); n <= final_occurrence(); ++n) {
      if (nominal(n) > to) {
        break;
      }
      local_days d = day(calendar, n);
      if (d >= from && d <= to) {
        out.push_back(Occurrence{stage, n, d});
      }
    }
  }
};

// The lead agencies' timeline before the due date: reminders and the due-day notice.
std::vector<Occurrence> before_due(const plan::Policy& policy,
                                   const calendar::BusinessCalendar& calendar, local_days due) {
  std::vector<Occurrence> out;
  for (int k : policy.reminder_days) {
    out.push_back(Occurrence{Stage::reminder, k, calendar.on_or_before(due - days(k))});
  }
  if (policy.due_day) {
    out.push_back(Occurrence{Stage::due, 0, calendar.on_or_before(due)});
  }
  return out;
}

struct Timeline {
  std::vector<Occurrence> fixed;  // reminders and due: only while today <= due
  std::optional<Series> series;   // overdue or escalation
};

// No nagging forever (SPEC §4): after the first overdue notice, an agency's repeats go
// together on one weekday, and stop after `max_repeats`; the escalations carry on.
Timeline lead_timeline(const plan::Policy& policy, const calendar::BusinessCalendar& calendar,
                       local_days due) {
  return Timeline{
      before_due(policy, calendar, due),
      Series{Stage::overdue, due + days(policy.overdue.after_days), policy.overdue.every_days,
             policy.overdue_weekday.value_or(policy.digest_day), policy.overdue_max_repeats}};
}

Timeline chair_timeline(const plan::Policy& policy, local_days due) {
  return Timeline{{},
                  Series{Stage::escalation, due + days(policy.escalation.after_days),
                         policy.escalation.every_days, std::nullopt, std::nullopt}};
}

std::optional<Occurrence> latest_on_or_before(const Timeline& timeline,
                                              const calendar::BusinessCalendar& calendar,
                                              local_days due, local_days today) {
  std::optional<Occurrence> best;
  if (timeline.series) {
    best = timeline.series->latest(calendar, today);
  }
  if (best || today > due) {
    return best;
  }
  for (const auto& occurrence : timeline.fixed) {
    if (occurrence.day <= today && (!best || later(occurrence, *best))) {
      best = occurrence;
    }
  }
  return best;
}

std::vector<Occurrence> occurrences_between(const Timeline& timeline,
                                            const calendar::BusinessCalendar& calendar,
                                            local_days due, local_days from, local_days to) {
  std::vector<Occurrence> out;
  for (const auto& occurrence : timeline.fixed) {
    if (occurrence.day >= from && occurrence.day <= to && occurrence.day <= due) {
      out.push_back(occurrence);
    }
  }
  if (timeline.series) {
    timeline.series->between(calendar, from, to, out);
  }
  return out;
}

bool in_window(const Clock& clock, Instant now, std::chrono::minutes from_time) {
  local_days today = clock.zone.day_of(now);
  return clock.business_days.is_business_day(today) && now >= clock.zone.at(today, from_time);
}

std::string agency_names(const plan::Directory& directory,
                         const std::vector<plan::AgencyRef>& refs) {
  std::string out;
  for (const auto& ref : refs) {
    if (!out.empty()) {
      out += ", ";
    }
    const plan::Agency* agency = directory.find(ref.id);
    out += agency != nullptr && !agency->mailbox.name.empty() ? agency->mailbox.name : ref.id;
  }
  return out;
}

mail::MilestoneView milestone_view(const plan::Directory& directory, const plan::Plan& plan,
                                   const plan::Recommendation& recommendation,
                                   const plan::Action& action, const plan::Milestone& milestone,
                                   const MilestoneStanding& standing, local_days today) {
  mail::MilestoneView view;
  view.review_id = plan.review.id;
  view.review_title = plan.review.title;
  view.recommendation_id = recommendation.id;
  view.action_id = action.id;
  view.action_text = action.text;
  view.milestone_id = milestone.id;
  view.milestone_text = milestone.text.empty() ? action.text : milestone.text;
  view.lead = agency_names(directory, action.lead);
  view.target = milestone.target_display();
  if (standing.due) {
    // The words for it are made from these dates where the email is rendered.
    view.due_date = mail::plain_day(*standing.due);
    view.due_day = standing.due;
    view.days = (local_days(*standing.due) - today).count();
  }
  view.progress = action.progress;
  view.rag = to_string(standing.rag);
  return view;
}

void add_addresses(std::vector<mail::Address>& out, const plan::Mailbox& mailbox,
                   const std::vector<std::string>& addresses) {
  for (const auto& address : addresses) {
    bool known = std::any_of(out.begin(), out.end(), [&](const mail::Address& a) {
      return plan::same_address(a.address, address);
    });
    if (!known) {
      out.push_back(mail::Address{mailbox.name, address});
    }
  }
}

// Addresses in `cc` that are already in `to` are left out.
void prune_cc(PlannedEmail& email) {
  std::erase_if(email.cc, [&](const mail::Address& cc) {
    return std::any_of(email.to.begin(), email.to.end(), [&](const mail::Address& to) {
      return plan::same_address(to.address, cc.address);
    });
  });
}

mail::EmailKind kind_of(Stage stage) {
  switch (stage) {
    case Stage::reminder:
      return mail::EmailKind::reminder;
    case Stage::due:
      return mail::EmailKind::due;
    case Stage::overdue:
      return mail::EmailKind::overdue;
    case Stage::escalation:
      return mail::EmailKind::escalation;
  }
  return mail::EmailKind::reminder;
}

// Fills in the addresses and the view of an email from its notices.
void finish_notice_email(PlannedEmail& email, const plan::Snapshot& snapshot, local_days today) {
  const plan::Directory& directory = snapshot.directory;
  std::sort(email.notices.begin(), email.notices.end(), [](const Notice& a, const Notice& b) {
    return std::tie(a.due, a.plan->review.id, a.action->id, a.milestone->id) <
           std::tie(b.due, b.plan->review.id, b.action->id, b.milestone->id);
  });
  Stage top = Stage::reminder;
  for (const auto& notice : email.notices) {
    top = std::max(top, notice.stage);
  }
  email.kind = kind_of(top);
  mail::NoticeEmailView& view = email.notice_view;
  view.kind = email.kind;
  view.partnership = directory.partnership;
  view.coordinator_name = directory.coordinator.name;
  view.coordinator_address =
      directory.coordinator.to.empty() ? std::string() : directory.coordinator.to.front();
  view.today = mail::long_day(date::year_month_day{today});

  if (email.recipient.kind == Recipient::Kind::chair) {
    view.recipient_name = directory.chair.name;
    add_addresses(email.to, directory.chair, directory.chair.to);
    add_addresses(email.cc, directory.chair, directory.chair.cc);
  } else if (const plan::Agency* agency = directory.find(email.recipient.id)) {
    view.recipient_name = agency->mailbox.name;
    add_addresses(email.to, agency->mailbox, agency->mailbox.to);
    add_addresses(email.cc, agency->mailbox, agency->mailbox.cc);
  }
  std::set<std::pair<std::string, std::string>> actions;
  for (const auto& notice : email.notices) {
    if (notice.stage == Stage::reminder) {
      for (const auto& ref : notice.action->support) {
        if (const plan::Agency* support = directory.find(ref.id)) {
          add_addresses(email.cc, support->mailbox, support->mailbox.to);
        }
      }
    }
    if (notice.stage == Stage::overdue || notice.stage == Stage::escalation) {
      add_addresses(email.cc, directory.coordinator, directory.coordinator.to);
    }
    if (notice.stage == Stage::escalation) {
      for (const auto& ref : notice.action->lead) {
        if (const plan::Agency* lead = directory.find(ref.id)) {
          add_addresses(email.cc, lead->mailbox, lead->mailbox.to);
        }
      }
    }
    MilestoneStanding standing =
        policy::standing(*notice.milestone, *notice.action, notice.plan->review,
                         date::year_month_day{today}, snapshot.config.policy.digest_horizon_days);
    mail::MilestoneView item = milestone_view(directory, *notice.plan, *notice.recommendation,
                                              *notice.action, *notice.milestone, standing, today);
    item.stage = to_string(notice.stage);
    item.escalated = notice.stage == Stage::escalation;
    view.items.push_back(std::move(item));
    if (actions.emplace(notice.plan->review.id, notice.action->id).second) {
      email.actions.emplace_back(notice.plan->review.id, notice.action->id);
    }
  }
  prune_cc(email);
}

Notice make_notice(const plan::Plan& plan, const plan::Recommendation& recommendation,
                   const plan::Action& action, const plan::Milestone& milestone,
                   date::year_month_day due, const Occurrence& occurrence,
                   const Recipient& recipient, const Clock& clock, std::chrono::minutes send_time) {
  Notice notice;
  notice.stage = occurrence.stage;
  notice.occurrence = occurrence.occurrence;
  notice.scheduled = clock.zone.at(occurrence.day, send_time);
  notice.plan = &plan;
  notice.recommendation = &recommendation;
  notice.action = &action;
  notice.milestone = &milestone;
  notice.due = due;
  notice.recipient = recipient;
  notice.key =
      notice_key(plan, action, milestone, due, occurrence.stage, occurrence.occurrence, recipient);
  return notice;
}

// Digests: one a week on the digest day, moved to the next business day.
struct DigestOccurrence {
  local_days nominal;
  local_days day;
};

std::optional<DigestOccurrence> latest_digest(const plan::Policy& policy, const Clock& clock,
                                              local_days today) {
  // The nominal digest days on or before today, newest first; a holiday move is at most a
  // few days, so looking back two weeks is enough.
  local_days nominal = today - (date::weekday{today} - policy.digest_day);
  for (int back = 0; back < 3; ++back, nominal -= days(7)) {
    local_days day = clock.business_days.on_or_after(nominal);
    if (day <= today) {
      return DigestOccurrence{nominal, day};
    }
  }
  return std::nullopt;
}

std::vector<Recipient> digest_recipients(const plan::Directory& directory) {
  if (directory.digest_is_list) {
    return {Recipient{Recipient::Kind::digest, "digest"}};
  }
  std::vector<Recipient> out;
  for (const auto* list : {&directory.digest.to, &directory.digest.cc}) {
    for (const auto& address : *list) {
      out.push_back(Recipient{Recipient::Kind::digest, "digest:" + address});
    }
  }
  return out;
}

std::string digest_key(local_days nominal, const Recipient& recipient) {
  return "digest/" + date::format("%F", nominal) + "/" + recipient.id;
}

// Whether the log holds an escalation of the milestone for its due date: the digest says
// "escalated" from what was sent or queued, not from the days it is late (SPEC §4).
bool escalation_in_log(const plan::Policy& policy, const std::unordered_set<std::string>& log,
                       const plan::Plan& plan, const plan::Action& action,
                       const plan::Milestone& milestone, date::year_month_day due,
                       date::year_month_day today) {
  const Recipient chair{Recipient::Kind::chair, "chair"};
  // No occurrence's nominal day is later than today's: business-day moves only delay them.
  Series series = *chair_timeline(policy, local_days(due)).series;
  for (int n = series.estimate(local_days(today)); n >= 0; --n) {
    if (log.count(notice_key(plan, action, milestone, due, Stage::escalation, n, chair)) != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

const char* to_string(Stage stage) {
  switch (stage) {
    case Stage::reminder:
      return "reminder";
    case Stage::due:
      return "due";
    case Stage::overdue:
      return "overdue";
    case Stage::escalation:
      return "escalation";
  }
  return "reminder";
}

std::string notice_key(const plan::Plan& plan, const plan::Action& action,
                       const plan::Milestone& milestone, date::year_month_day due, Stage stage,
                       int occurrence, const Recipient& recipient) {
  std::string key = plan.review.id;
  key += '/';
  key += action.id;
  key += '/';
  key += milestone.id;
  key += '/';
  key += date::format("%F", due);
  key += '/';
  // Overdue repeats once came every 7 days from the first (overdue/1 was D+8); the weekday
  // repeats of "No nagging forever" have keys of their own, so that a key already in a log
  // never changes meaning.
  key += stage == Stage::overdue && occurrence > 0 ? "overdue-repeat" : to_string(stage);
  key += '/';
  key += std::to_string(occurrence);
  key += '/';
  key += recipient.id;
  return key;
}

Clock clock_for(const plan::Config& config) {
  // The zone was checked at load: an unknown one throws rather than becoming London.
  return Clock{calendar::TimeZone::named(config.timezone),
               calendar::BusinessCalendar(config.holidays)};
}

PassPlan plan_pass(const PassInputs& inputs, Instant now) {
  PassPlan result;
  const plan::Snapshot& snapshot = *inputs.snapshot;
  const Clock& clock = *inputs.clock;
  const plan::Policy& policy = snapshot.config.policy;
  const auto& handled = *inputs.handled;
  local_days today = clock.zone.day_of(now);
  date::year_month_day today_ymd{today};

  // Digests first: they have their own, earlier, send time.
  if (in_window(clock, now, policy.digest_time)) {
    if (auto digest = latest_digest(policy, clock, today)) {
      // The week's log, read once and only if a digest goes out.
      std::optional<std::vector<mail::AuditRow>> audit;
      std::optional<std::vector<mail::AuditRow>> failures;
      for (const Recipient& recipient : digest_recipients(snapshot.directory)) {
        std::string key = digest_key(digest->nominal, recipient);
        if (handled.count(key) != 0) {
          continue;
        }
        if (!audit) {
          audit = inputs.audit ? inputs.audit() : std::vector<mail::AuditRow>{};
          failures = inputs.failures ? inputs.failures() : std::vector<mail::AuditRow>{};
        }
        PlannedEmail email;
        email.kind = mail::EmailKind::digest;
        email.recipient = recipient;
        email.digest_key = key;
        email.digest_view = digest_view(snapshot, today_ymd, *audit, *failures, handled);
        if (email.digest_view.total == 0) {
          continue;  // never an empty email
        }
        const plan::Mailbox& box = snapshot.directory.digest;
        if (recipient.id == "digest") {
          add_addresses(email.to, box, box.to);
          add_addresses(email.cc, box, box.cc);
        } else {
          add_addresses(email.to, box, {recipient.id.substr(std::string("digest:").size())});
        }
        result.emails.push_back(std::move(email));
      }
    }
  }
  if (!in_window(clock, now, policy.send_time)) {
    return result;
  }
  result.notice_window = true;

  // Stale notices are those that fell due since the last pass (downtime), at most a year back.
  // On the very first pass nothing was ever due for this service, so nothing is stale.
  local_days stale_from = today + days(1);
  if (inputs.last_pass) {
    stale_from = std::max(today - days(400), clock.zone.day_of(*inputs.last_pass) + days(1));
  }

  std::map<Recipient, PlannedEmail> emails;
  for (const auto& plan : snapshot.plans) {
    for (const auto& recommendation : plan->recommendations) {
      for (const auto& action : recommendation.actions) {
        if (action.status != plan::ActionStatus::open) {
          continue;
        }
        for (const auto& milestone : action.milestones) {
          // Done from its done date on: a pass before it (--now) still finds it open.
          if (milestone.done && *milestone.done <= today_ymd) {
            continue;
          }
          plan::DueDate due = plan::due_date(milestone, plan->review);
          if (due.kind != plan::DueDate::Kind::dated) {
            continue;
          }
          local_days due_day{*due.day};
          auto consider = [&](const Timeline& timeline, const Recipient& recipient) {
            auto latest = latest_on_or_before(timeline, clock.business_days, due_day, today);
            if (!latest) {
              return;
            }
            Notice notice = make_notice(*plan, recommendation, action, milestone, *due.day, *latest,
                                        recipient, clock, policy.send_time);
            if (handled.count(notice.key) != 0) {
              return;
            }
            for (const auto& stale :
                 occurrences_between(timeline, clock.business_days, due_day, stale_from, today)) {
              if (stale.stage == latest->stage && stale.occurrence == latest->occurrence) {
                continue;
              }
              Notice dropped = make_notice(*plan, recommendation, action, milestone, *due.day,
                                           stale, recipient, clock, policy.send_time);
              if (handled.count(dropped.key) == 0) {
                dropped.dropped_because = std::string("superseded by the ") +
                                          to_string(latest->stage) + " notice of " +
                                          date::format("%F", date::year_month_day{latest->day});
                result.dropped.push_back(std::move(dropped));
              }
            }
            PlannedEmail& email = emails[recipient];
            email.recipient = recipient;
            email.notices.push_back(std::move(notice));
          };
          Timeline lead = lead_timeline(policy, clock.business_days, due_day);
          for (const auto& ref : action.lead) {
            consider(lead, Recipient{Recipient::Kind::agency, ref.id});
          }
          consider(chair_timeline(policy, due_day), Recipient{Recipient::Kind::chair, "chair"});
        }
      }
    }
  }
  for (auto& [recipient, email] : emails) {
    finish_notice_email(email, snapshot, today);
    if (!email.notices.empty() && !email.to.empty()) {
      result.emails.push_back(std::move(email));
    }
  }
  return result;
}

Instant next_send_time(const plan::Policy& policy, const Clock& clock, Instant now) {
  local_days day = clock.zone.day_of(now);
  for (int ahead = 0; ahead < 400; ++ahead, day += days(1)) {
    if (!clock.business_days.is_business_day(day)) {
      continue;
    }
    for (auto time : {std::min(policy.digest_time, policy.send_time),
                      std::max(policy.digest_time, policy.send_time)}) {
      Instant at = clock.zone.at(day, time);
      if (at > now) {
        return at;
      }
    }
  }
  return now + std::chrono::hours(24);
}

mail::DigestView digest_view(const plan::Snapshot& snapshot, date::year_month_day today,
                             std::vector<mail::AuditRow> audit,
                             std::vector<mail::AuditRow> failures,
                             const std::unordered_set<std::string>& log) {
  const plan::Policy& policy = snapshot.config.policy;
  const plan::Directory& directory = snapshot.directory;
  mail::DigestView view;
  view.partnership = directory.partnership;
  view.today = mail::long_day(today);
  view.horizon_days = policy.digest_horizon_days;
  view.audit = std::move(audit);
  view.failures = std::move(failures);
  local_days today_day{today};

  AgendaOptions options;
  options.as_of = today;
  options.horizon_days = policy.digest_horizon_days;
  auto items = build_agenda(snapshot.plans, options);

  std::map<std::string, mail::RagRow> recommendations;
  std::map<std::string, mail::RagRow> agencies;
  auto tally = [](mail::RagRow& row, const MilestoneStanding& standing) {
    ++row.total;
    switch (standing.state) {
      case MilestoneState::overdue:
        ++row.overdue;
        break;
      case MilestoneState::due:
      case MilestoneState::upcoming:
        if (standing.days && *standing.days <= amber_window_days) {
          ++row.due_soon;
        }
        break;
      case MilestoneState::undated:
      case MilestoneState::pending:
        ++row.undated;
        break;
      case MilestoneState::complete:
        ++row.complete;
        break;
      default:
        break;
    }
    // The worst rating wins: red over amber over green.
    if (standing.rag == Rag::red || row.rag.empty() ||
        (standing.rag == Rag::amber && row.rag == "green")) {
      row.rag = to_string(standing.rag);
    }
  };

  for (const auto& item : items) {
    const MilestoneStanding& standing = item.standing;
    ++view.total;
    mail::MilestoneView milestone =
        milestone_view(directory, *item.plan, *item.recommendation, *item.action, *item.milestone,
                       standing, today_day);
    switch (standing.state) {
      case MilestoneState::overdue: {
        milestone.escalated = escalation_in_log(policy, log, *item.plan, *item.action,
                                                *item.milestone, *standing.due, today);
        view.overdue.push_back(milestone);
        break;
      }
      case MilestoneState::due:
      case MilestoneState::upcoming:
        view.due_soon.push_back(milestone);
        break;
      case MilestoneState::undated:
        milestone.when = "needs a target date";
        view.undated.push_back(milestone);
        break;
      case MilestoneState::pending:
        milestone.when = "waits for the review's publication date";
        view.undated.push_back(milestone);
        break;
      case MilestoneState::complete:
        if (item.milestone->done && local_days(*item.milestone->done) > today_day - days(8) &&
            local_days(*item.milestone->done) <= today_day) {
          milestone.when = "done " + mail::plain_day(*item.milestone->done);
          view.completed.push_back(milestone);
        }
        break;
      default:
        break;
    }
    std::string recommendation_name =
        item.plan->review.title + " — recommendation " + item.recommendation->id;
    mail::RagRow& row = recommendations[item.plan->review.id + "\n" + item.recommendation->id];
    row.name = recommendation_name;
    tally(row, standing);
    for (const auto& ref : item.action->lead) {
      mail::RagRow& agency = agencies[ref.id];
      if (agency.name.empty()) {
        const plan::Agency* known = directory.find(ref.id);
        agency.name = known != nullptr ? known->mailbox.name : ref.id;
      }
      tally(agency, standing);
    }
  }
  // Recommendations in plan order; agencies by name.
  for (const auto& plan : snapshot.plans) {
    for (const auto& recommendation : plan->recommendations) {
      auto found = recommendations.find(plan->review.id + "\n" + recommendation.id);
      if (found != recommendations.end()) {
        view.recommendations.push_back(found->second);
      }
    }
  }
  for (auto& [id, row] : agencies) {
    view.agencies.push_back(row);
  }
  std::sort(view.agencies.begin(), view.agencies.end(),
            [](const mail::RagRow& a, const mail::RagRow& b) { return a.name < b.name; });
  return view;
}

}  // namespace plan_reminder::policy
