// The words emails (and the command line) use for kinds, days, times and due dates: the one
// place where dates become text.
#include "mail/views.h"

namespace plan_reminder::mail {

const char* to_string(EmailKind kind) {
  return store::token(kind).data();  // the tokens are literals, so null-terminated
}

std::string_view to_string(Rag rag) {
  switch (rag) {
    case Rag::red:
      return "red";
    case Rag::amber:
      return "amber";
    case Rag::green:
      return "green";
  }
  return "amber";
}

std::string plain_day(date::year_month_day day) {
  return std::to_string(static_cast<unsigned>(day.day())) + date::format(" %B %Y", day);
}

std::string long_day(date::year_month_day day) {
  return date::format("%A ", day) + plain_day(day);
}

std::string short_time(date::local_seconds time) {
  const date::year_month_day day{date::floor<date::days>(time)};
  return date::format("%a ", day) + std::to_string(static_cast<unsigned>(day.day())) +
         date::format(" %b %Y %H:%M", time);
}

std::string when_due(date::year_month_day due, date::year_month_day today, DueWording wording) {
  const int days = (date::sys_days(due) - date::sys_days(today)).count();
  const bool dated = wording == DueWording::with_date;
  auto count = [](int n) { return std::to_string(n) + (n == 1 ? " day" : " days"); };
  if (days < 0) {
    return count(-days) + " overdue" + (dated ? " (due " + plain_day(due) + ")" : "");
  }
  if (days == 0) {
    return "due today" + (dated ? ", " + long_day(due) : "");
  }
  if (days == 1) {
    return "due tomorrow" + (dated ? ", " + long_day(due) : "");
  }
  // Within the week the day's name says more than a count.
  if (days < 7) {
    return "due on " + long_day(due);
  }
  return "due in " + count(days) + (dated ? ", on " + plain_day(due) : "");
}

}  // namespace plan_reminder::mail
