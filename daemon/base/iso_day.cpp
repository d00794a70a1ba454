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
  return day ? date::format("%F", *day) : std::string();
}

}  // namespace plan_reminder::base
