// Business days: weekdays that are not bank holidays, and the nearest one to a given day.
#include "calendar/business_calendar.h"

namespace plan_reminder::calendar {

bool BusinessCalendar::is_business_day(date::local_days day) const {
  const date::weekday weekday{day};
  return weekday != date::Saturday && weekday != date::Sunday && !holidays_.contains(day);
}

date::local_days BusinessCalendar::on_or_before(date::local_days day) const {
  // Terminates: a holiday list is finite, so some earlier weekday is not on it.
  while (!is_business_day(day)) {
    day -= date::days{1};
  }
  return day;
}

date::local_days BusinessCalendar::on_or_after(date::local_days day) const {
  while (!is_business_day(day)) {
    day += date::days{1};
  }
  return day;
}

}  // namespace plan_reminder::calendar
