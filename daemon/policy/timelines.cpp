// The occurrences of each recipient's timeline for one milestone (see timelines.h).
#include "policy/timelines.h"

#include <algorithm>

namespace plan_reminder::policy {

using date::days;
using date::local_days;

namespace {

// The lead agencies' timeline before the due date: reminders and the due-day notice.
std::vector<Occurrence> before_due(const plan::Policy& policy,
                                   const calendar::BusinessCalendar& calendar, local_days due) {
  std::vector<Occurrence> out;
  for (int k : policy.reminder_days) {
    out.push_back(Occurrence{mail::EmailKind::reminder, k, calendar.on_or_before(due - days(k))});
  }
  if (policy.due_day) {
    out.push_back(Occurrence{mail::EmailKind::due, 0, calendar.on_or_before(due)});
  }
  return out;
}

}  // namespace

// No nagging forever (SPEC §4): after the first overdue notice, an agency's repeats go
// together on one weekday, and stop after `max_repeats`; the escalations carry on.
Timeline lead_timeline(const plan::Policy& policy, const calendar::BusinessCalendar& calendar,
                       local_days due) {
  return Timeline{
      before_due(policy, calendar, due),
      Series{mail::EmailKind::overdue, due + days(policy.overdue.after_days),
             policy.overdue.every_days, policy.overdue_weekday.value_or(policy.digest_day),
             policy.overdue_max_repeats}};
}

Timeline chair_timeline(const plan::Policy& policy, local_days due) {
  return Timeline{{},
                  Series{mail::EmailKind::escalation, due + days(policy.escalation.after_days),
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

}  // namespace plan_reminder::policy
