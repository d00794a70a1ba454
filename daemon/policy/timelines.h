// The notification schedule of SPEC §4. For each open, dated milestone with due date D:
//   reminders  on the business day on or before D-k for each k (only while D has not passed)
//   due        on the business day on or before D (likewise)
//   overdue    on the business day on or after D+after; then at most `max_repeats` repeats on
//              the overdue weekday, the first at least `repeat` days later, then every
//              `repeat` days rounded up to whole weeks, each moved to the next business day
//   escalation on the business day on or after D+after, then every `repeat` days, to the chair
// Occurrences are computed directly from the date, never enumerated over years, so a pass over
// 100,000 milestones stays cheap however old the plans are. Which stages there are, and which
// outranks which, is in mail/notice_kinds.h.
#pragma once

#include "calendar/business_calendar.h"
#include "mail/notice_kinds.h"
#include "plan/config.h"
#include "plan/model.h"

#include <date/date.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <vector>

namespace plan_reminder::policy {

// One point of a recipient's timeline for one milestone.
struct Occurrence {
  mail::EmailKind stage = mail::EmailKind::reminder;
  int occurrence = 0;
  date::local_days day{};
};

// Later day wins; on the same day the more advanced stage wins (a due notice over a reminder,
// the reminder nearer the due date over an earlier one).
inline bool later(const Occurrence& a, const Occurrence& b) {
  if (a.day != b.day) {
    return a.day > b.day;
  }
  if (a.stage != b.stage) {
    return mail::more_urgent(a.stage, b.stage);
  }
  return a.stage == mail::EmailKind::reminder ? a.occurrence < b.occurrence
                                              : a.occurrence > b.occurrence;
}

// Occurrences of a repeating stage, n = 0, 1, ...: the first on or after `first`, the others
// on or after first+n*every, or, with a weekday, on that weekday: the first repeat at least
// `every` days after `first`, then every `every` days rounded up to whole weeks. With `last`,
// none after occurrence `last`.
struct Series {
  mail::EmailKind stage;
  date::local_days first;
  int every = 0;
  std::optional<date::weekday> weekday;
  std::optional<int> last;

  int weeks() const { return std::max(1, (every + 6) / 7); }
  date::local_days nominal(int n) const {
    if (n == 0 || !weekday) {
      return first + date::days(n * every);
    }
    date::local_days one = first + date::days(every);
    one += *weekday - date::weekday{one};
    return one + date::days(7 * weeks() * (n - 1));
  }
  int final_occurrence() const { return every > 0 ? last.value_or(INT_MAX) : 0; }
  // The occurrence whose nominal day is the last on or before `day` (0 before the first).
  int estimate(date::local_days day) const {
    if (every <= 0 || day < first) {
      return 0;
    }
    if (!weekday) {
      return static_cast<int>((day - first).count() / every);
    }
    date::local_days one = nominal(1);
    return day < one ? 0 : 1 + static_cast<int>((day - one).count() / (7 * weeks()));
  }
  date::local_days day(const calendar::BusinessCalendar& calendar, int n) const {
    return calendar.on_or_after(nominal(n));
  }
  // The largest n whose day is on or before `today`, if any.
  std::optional<Occurrence> latest(const calendar::BusinessCalendar& calendar,
                                   date::local_days today) const {
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
  void between(const calendar::BusinessCalendar& calendar, date::local_days from,
               date::local_days to, std::vector<Occurrence>& out) const {
    if (to < first) {
      return;
    }
    // Start one step early: a business-day move can carry an occurrence into the range.
    for (int n = std::max(0, estimate(from) - 1); n <= final_occurrence(); ++n) {
      if (nominal(n) > to) {
        break;
      }
      date::local_days d = day(calendar, n);
      if (d >= from && d <= to) {
        out.push_back(Occurrence{stage, n, d});
      }
    }
  }
};

struct Timeline {
  std::vector<Occurrence> fixed;  // reminders and due: only while today <= due
  std::optional<Series> series;   // overdue or escalation
};

// The lead agencies' timeline: reminders, the due-day notice, then overdue notices.
Timeline lead_timeline(const plan::Policy& policy, const calendar::BusinessCalendar& calendar,
                       date::local_days due);
// The chair's timeline: escalations.
Timeline chair_timeline(const plan::Policy& policy, date::local_days due);

// The latest occurrence on or before `today`, if any.
std::optional<Occurrence> latest_on_or_before(const Timeline& timeline,
                                              const calendar::BusinessCalendar& calendar,
                                              date::local_days due, date::local_days today);
// Every occurrence with a day in [from, to].
std::vector<Occurrence> occurrences_between(const Timeline& timeline,
                                            const calendar::BusinessCalendar& calendar,
                                            date::local_days due, date::local_days from,
                                            date::local_days to);

}  // namespace plan_reminder::policy
