// Days written as "YYYY-MM-DD" (ISO 8601), as the command line takes them and the state
// database stores them: read and written in one place.
#pragma once

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::base {

// Reads "YYYY-MM-DD"; nullopt when it is not a real day.
std::optional<date::year_month_day> parse_iso_day(std::string_view text);

// "YYYY-MM-DD", or "" for no day.
std::string iso_day(const std::optional<date::year_month_day>& day);

}  // namespace plan_reminder::base
