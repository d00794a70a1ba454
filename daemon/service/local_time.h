// The partnership's local time for what the service writes: the Date header's offset from UTC,
// and instants as the log and the command line show them.
#pragma once

#include "policy/schedule.h"

#include <date/date.h>

#include <chrono>
#include <string>

namespace plan_reminder::service {

// The partnership's offset from UTC at `now`, for the Date header.
std::chrono::minutes utc_offset(const policy::Clock& clock, date::sys_seconds now);

// mail::short_time in the partnership's time zone: "Mon 3 Feb 2020 09:00".
std::string short_local_time(const policy::Clock& clock, date::sys_seconds instant);

}  // namespace plan_reminder::service
