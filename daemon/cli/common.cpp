#include "cli/common.h"

#include "calendar/time_zone.h"

#include <charconv>
#include <chrono>
#include <ostream>

namespace plan_reminder::cli {

void print_diagnostics(const plan::Diagnostics& diagnostics, std::ostream& out) {
  for (const auto& diagnostic : diagnostics.items()) {
    out << diagnostic.to_string() << '\n';
  }
}

ExitCode exit_code_for(const plan::Diagnostics& diagnostics) {
  using plan::FileKind;
  if (diagnostics.any_of_kind(FileKind::config) || diagnostics.any_of_kind(FileKind::directory) ||
      diagnostics.any_of_kind(FileKind::templates)) {
    return config_error;
  }
  return diagnostics.empty() ? ok : data_error;
}

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

date::year_month_day today_in(const std::string& time_zone) {
  calendar::TimeZone zone = calendar::TimeZone::london();
  std::string error;
  calendar::TimeZone::lookup(time_zone, zone, error);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return date::year_month_day{zone.day_of(now)};
}

}  // namespace plan_reminder::cli
