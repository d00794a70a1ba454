// A pass of the notification schedule (SPEC §4): for each open, dated milestone, the latest
// occurrence of each recipient's timeline (timelines.h) that has come and is not in the log is
// sent; the others since the previous pass are dropped as stale. Notices are grouped into one
// email per recipient (notice_email.h); digests are planned in digest.h.
#include "policy/schedule.h"

#include "base/iso_day.h"
#include "policy/digest.h"
#include "policy/notice_email.h"
#include "policy/timelines.h"

#include <algorithm>
#include <map>

namespace plan_reminder::policy {
namespace {

using date::days;
using date::local_days;

bool in_window(const Clock& clock, Instant now, std::chrono::minutes from_time) {
  local_days today = clock.zone.day_of(now);
  return clock.business_days.is_business_day(today) && now >= clock.zone.at(today, from_time);
}

// One milestone that notices may be about, with its due date.
struct DatedMilestone {
  const plan::Plan* plan = nullptr;
  const plan::Recommendation* recommendation = nullptr;
  const plan::Action* action = nullptr;
  const plan::Milestone* milestone = nullptr;
  date::year_month_day due;
};

// Collects a pass's notices, one email per recipient, and the stale notices it drops.
class NoticeCollector {
 public:
  NoticeCollector(const PassInputs& inputs, Instant now, std::vector<Notice>& dropped)
      : inputs_(inputs),
        clock_(*inputs.clock),
        policy_(inputs.snapshot->config.policy),
        today_(clock_.zone.day_of(now)),
        dropped_(dropped) {
    // Stale notices are those that fell due since the last pass (downtime), at most a year
    // back. On the very first pass nothing was ever due for this service, so nothing is stale.
    stale_from_ = today_ + days(1);
    if (inputs.last_pass) {
      stale_from_ = std::max(today_ - days(400), clock_.zone.day_of(*inputs.last_pass) + days(1));
    }
  }

  void add_plan(const plan::Plan& plan) {
    for (const auto& recommendation : plan.recommendations) {
      for (const auto& action : recommendation.actions) {
        if (action.status != plan::ActionStatus::open) {
          continue;
        }
        for (const auto& milestone : action.milestones) {
          add_milestone(plan, recommendation, action, milestone);
        }
      }
    }
  }

  // The emails, finished but for their rows; none without notices or addresses.
  std::vector<PlannedEmail> emails() {
    std::vector<PlannedEmail> out;
    for (auto& [recipient, email] : emails_) {
      finish_notice_email(email, *inputs_.snapshot, today_);
      if (!email.notices.empty() && !email.to.empty()) {
        out.push_back(std::move(email));
      }
    }
    return out;
  }

 private:
  void add_milestone(const plan::Plan& plan, const plan::Recommendation& recommendation,
                     const plan::Action& action, const plan::Milestone& milestone) {
    // Done from its done date on: a pass before it (--now) still finds it open.
    if (milestone.done && *milestone.done <= date::year_month_day{today_}) {
      return;
    }
    // Closed by the partnership: it will not be implemented (SPEC §9).
    if (milestone.not_implemented) {
      return;
    }
    plan::DueDate due = plan::due_date(milestone, plan.review);
    if (due.kind != plan::DueDate::Kind::dated) {
      return;
    }
    const DatedMilestone dated{&plan, &recommendation, &action, &milestone, *due.day};
    const local_days due_day{*due.day};
    const Timeline lead = lead_timeline(policy_, clock_.business_days, due_day);
    for (const auto& ref : action.lead) {
      consider(dated, lead, Recipient{Recipient::Kind::agency, ref.id});
    }
    consider(dated, chair_timeline(policy_, due_day), Recipient{Recipient::Kind::chair, "chair"});
  }

  // The latest occurrence of the recipient's timeline is sent unless already in the log; the
  // earlier ones since the last pass, never sent, are dropped.
  void consider(const DatedMilestone& dated, const Timeline& timeline, const Recipient& recipient) {
    const local_days due_day{dated.due};
    auto latest = latest_on_or_before(timeline, clock_.business_days, due_day, today_);
    if (!latest) {
      return;
    }
    Notice notice = make_notice(dated, *latest, recipient);
    if (inputs_.handled->count(notice.key) != 0) {
      return;
    }
    for (const auto& stale :
         occurrences_between(timeline, clock_.business_days, due_day, stale_from_, today_)) {
      if (stale.stage == latest->stage && stale.occurrence == latest->occurrence) {
        continue;
      }
      Notice dropped = make_notice(dated, stale, recipient);
      if (inputs_.handled->count(dropped.key) == 0) {
        dropped.dropped_because = std::string("superseded by the ") +
                                  mail::to_string(latest->stage) + " notice of " +
                                  date::format("%F", date::year_month_day{latest->day});
        dropped_.push_back(std::move(dropped));
      }
    }
    if (quiet(*dated.milestone, *latest, recipient)) {
      // Recorded as dropped, so that the audit trail says why the agency heard nothing.
      notice.dropped_because = "quiet until " + date::format("%F", *dated.milestone->quiet_until) +
                               ": the coordinator accepted an update on this milestone";
      dropped_.push_back(std::move(notice));
      return;
    }
    PlannedEmail& email = emails_[recipient];
    email.recipient = recipient;
    email.notices.push_back(std::move(notice));
  }

  // An accepted update quiets the milestone's overdue repeats to its lead agencies (SPEC §4);
  // the first overdue notice and the escalations to the chair still go.
  bool quiet(const plan::Milestone& milestone, const Occurrence& occurrence,
             const Recipient& recipient) const {
    return milestone.quiet_until && recipient.kind == Recipient::Kind::agency &&
           occurrence.stage == mail::EmailKind::overdue && occurrence.occurrence > 0 &&
           occurrence.day <= local_days{*milestone.quiet_until};
  }

  Notice make_notice(const DatedMilestone& dated, const Occurrence& occurrence,
                     const Recipient& recipient) const {
    Notice notice;
    notice.stage = occurrence.stage;
    notice.occurrence = occurrence.occurrence;
    notice.scheduled = clock_.zone.at(occurrence.day, policy_.send_time);
    notice.plan = dated.plan;
    notice.recommendation = dated.recommendation;
    notice.action = dated.action;
    notice.milestone = dated.milestone;
    notice.due = dated.due;
    notice.recipient = recipient;
    notice.key = notice_key(*dated.plan, *dated.action, *dated.milestone, dated.due,
                            occurrence.stage, occurrence.occurrence, recipient);
    return notice;
  }

  const PassInputs& inputs_;
  const Clock& clock_;
  const plan::Policy& policy_;
  local_days today_;
  local_days stale_from_;
  std::vector<Notice>& dropped_;
  std::map<Recipient, PlannedEmail> emails_;
};

}  // namespace

std::string notice_key(const plan::Plan& plan, const plan::Action& action,
                       const plan::Milestone& milestone, date::year_month_day due,
                       mail::EmailKind stage, int occurrence, const Recipient& recipient) {
  std::string key = plan.review.id;
  key += '/';
  key += action.id;
  key += '/';
  key += milestone.id;
  key += '/';
  key += base::iso_day(due);
  key += '/';
  // Overdue repeats once came every 7 days from the first (overdue/1 was D+8); the weekday
  // repeats of "No nagging forever" have keys of their own, so that a key already in a log
  // never changes meaning.
  key += stage == mail::EmailKind::overdue && occurrence > 0 ? "overdue-repeat"
                                                             : mail::to_string(stage);
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
  PassPlan result = plan_pass_outline(inputs, now);
  for (auto& email : result.emails) {
    add_notice_rows(email, *inputs.snapshot);
  }
  return result;
}

PassPlan plan_pass_outline(const PassInputs& inputs, Instant now) {
  PassPlan result;
  const Clock& clock = *inputs.clock;
  const plan::Policy& policy = inputs.snapshot->config.policy;
  // Digests first: they have their own, earlier, send time.
  if (in_window(clock, now, policy.digest_time)) {
    result.emails = plan_digests(inputs, now);
  }
  if (!in_window(clock, now, policy.send_time)) {
    return result;
  }
  result.notice_window = true;
  NoticeCollector collector(inputs, now, result.dropped);
  for (const auto& plan : inputs.snapshot->plans) {
    collector.add_plan(*plan);
  }
  for (auto& email : collector.emails()) {
    result.emails.push_back(std::move(email));
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

}  // namespace plan_reminder::policy
