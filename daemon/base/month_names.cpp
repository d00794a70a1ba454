#include "base/month_names.h"

#include "base/ascii.h"

namespace plan_reminder::base {

std::string_view month_name(unsigned month) {
  return kMonthNames.at(month - 1);
}

std::optional<unsigned> month_from_name(std::string_view name) {
  for (unsigned i = 0; i < kMonthNames.size(); ++i) {
    if (equals_ignoring_ascii_case(name, kMonthNames[i])) {
      return i + 1;
    }
  }
  return std::nullopt;
}

std::string plain_day(date::year_month_day day) {
  std::string out = std::to_string(static_cast<unsigned>(day.day()));
  out += ' ';
  out += month_name(static_cast<unsigned>(day.month()));
  out += ' ';
  const int year = static_cast<int>(day.year());
  std::string digits = std::to_string(year < 0 ? -year : year);
  if (digits.size() < 4) {
    digits.insert(0, 4 - digits.size(), '0');
  }
  out += year < 0 ? "-" + digits : digits;
  return out;
}

}  // namespace plan_reminder::base
