// The names of the kinds of email (template file stems and the words used in logs), and the
// words emails use for days and due dates.
#include "mail/views.h"

namespace plan_reminder::mail {

const char* to_string(EmailKind kind) {
  switch (kind) {
    case EmailKind::reminder:
      return "reminder";
    case EmailKind::due:
      return "due";
    case EmailKind::overdue:
      return "overdue";
    case EmailKind::escalation:
      return "escalation";
    case EmailKind::digest:
      return "digest";
    case EmailKind::failure:
      return "failure";
    case EmailKind::problem:
      return "problem";
    case EmailKind::test:
      return "test";
  }
  return "reminder";
}

std::string plain_day(date::year_month_day day) {
  return std::to_string(static_cast<unsigned>(day.day())) + date::format(" %B %Y", day);
}

std::string long_day(date::year_month_day day) {
  return date::format("%A ", day) + plain_day(day);
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
