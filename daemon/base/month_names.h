// The English month names, written once: target dates show them, templates read them back, and
// emails, pages and plan files write days with them.
#pragma once

#include <date/date.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::base {

inline constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// The name of month 1..12.
std::string_view month_name(unsigned month);

// The number 1..12 of a month's full name in any case ("march", "MARCH"), or nothing.
std::optional<unsigned> month_from_name(std::string_view name);

// "1 December 2026": a day as emails, pages and plan files write it; the year in at least four
// digits, as date::format writes it.
std::string plain_day(date::year_month_day day);

}  // namespace plan_reminder::base
