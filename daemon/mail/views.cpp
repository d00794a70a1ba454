// The words emails (and the command line) use for kinds, days, times and due dates: the one
// place where dates become text.
#include "mail/views.h"

#include "base/month_names.h"

#include <array>

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

namespace {

// Sunday first, as date::weekday counts.
constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string_view weekday_name(date::weekday weekday) {
  return kWeekdayNames.at(weekday.c_encoding());
}

// Written by hand rather than with date::format, whose stream and locale cost a national
// catch-up a third of a second of CPU: its rows write three dates each. As date::format writes
// them: a year in at least four digits, hours and minutes in two.
void append_digits(std::string& out, int value, int width) {
  if (value < 0) {
    out += '-';
    value = -value;
  }
  const std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  }
  out += digits;
}

}  // namespace

std::string long_day(date::year_month_day day) {
  return std::string(weekday_name(date::weekday{day})) + ' ' + base::plain_day(day);
}

std::string short_time(date::local_seconds time) {
  const auto midnight = date::floor<date::days>(time);
  const date::year_month_day day{midnight};
  const date::hh_mm_ss clock{time - midnight};
  std::string out(weekday_name(date::weekday{day}).substr(0, 3));
  out += ' ';
  out += std::to_string(static_cast<unsigned>(day.day()));
  out += ' ';
  out += base::month_name(static_cast<unsigned>(day.month())).substr(0, 3);
  out += ' ';
  append_digits(out, static_cast<int>(day.year()), 4);
  out += ' ';
  append_digits(out, static_cast<int>(clock.hours().count()), 2);
  out += ':';
  append_digits(out, static_cast<int>(clock.minutes().count()), 2);
  return out;
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
