// Days as "YYYY-MM-DD" (see iso_day.h).
#include "base/iso_day.h"

#include <charconv>

namespace plan_reminder::base {

std::optional<date::year_month_day> parse_iso_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  auto number = [&text](std::size_t at, std::size_t length, auto& value) {
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, value);
    return ec == std::errc() && end == text.data() + at + length;
  };
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) {
    return std::nullopt;
  }
  date::year_month_day day{date::year{y}, date::month{m}, date::day{d}};
  if (!day.ok()) {
    return std::nullopt;
  }
  return day;
}

std::string iso_day(const std::optional<date::year_month_day>& day) {
  if (!day) {
    return {};
  }
  const int year = static_cast<int>(day->year());
  if (!day->ok() || year < 0 || year > 9999) {
    return date::format("%F", *day);  // as the library writes what is not a plain day
  }
  // By hand: a pass writes hundreds of thousands of notice keys, and date::format goes
  // through a stream each time.
  const auto month = static_cast<unsigned>(day->month());
  const auto of_month = static_cast<unsigned>(day->day());
  std::string text = "0000-00-00";
  text[0] = static_cast<char>('0' + year / 1000);
  text[1] = static_cast<char>('0' + year / 100 % 10);
  text[2] = static_cast<char>('0' + year / 10 % 10);
  text[3] = static_cast<char>('0' + year % 10);
  text[5] = static_cast<char>('0' + month / 10);
  text[6] = static_cast<char>('0' + month % 10);
  text[8] = static_cast<char>('0' + of_month / 10);
  text[9] = static_cast<char>('0' + of_month % 10);
  return text;
}

}  // namespace plan_reminder::base
