// The English month names, written once: target dates show them and templates read them back.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace plan_reminder::base {

inline constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// The name of month 1..12.
std::string_view month_name(unsigned month);

// The number 1..12 of a month's full name in any case ("march", "MARCH"), or nothing.
std::optional<unsigned> month_from_name(std::string_view name);

}  // namespace plan_reminder::base
