// The partnership's time zone (IANA name, default Europe/London) and DST-safe conversions
// between local wall-clock times and instants.
#pragma once

#include "base/result.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <string>
#include <string_view>

namespace plan_reminder::calendar {

using Instant = date::sys_seconds;

class TimeZone {
 public:
  // An unset zone, to be filled by lookup(): name() is empty and the conversions throw
  // std::logic_error, as using one is a programming error.
  TimeZone() = default;

  // The zone of an IANA name, or an error such as `unknown time zone "Europe/Londn"` (or that the
  // time zone database cannot be read). Throws nothing.
  static base::Result<TimeZone> lookup(std::string_view name);
  // The zone of a name that was checked when the config was loaded: an unknown one is a broken
  // invariant and throws std::invalid_argument with lookup()'s message, never a fallback zone.
  static TimeZone named(std::string_view name);
  // Europe/London. Throws std::runtime_error if the system's time zone database lacks it.
  static TimeZone london();

  std::string_view name() const;

  // The instant at which the local clock shows `time_of_day` on `day`. In a spring-forward gap
  // the time moves forward by the gap (01:30 → 02:30 BST); in an autumn overlap the first
  // occurrence is taken, so a send time happens once.
  Instant at(date::local_days day, std::chrono::minutes time_of_day) const;
  // The local calendar day at an instant.
  date::local_days day_of(Instant instant) const;
  date::local_seconds local_time(Instant instant) const;

 private:
  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone& zone() const;

  const date::time_zone* zone_ = nullptr;
};

}  // namespace plan_reminder::calendar
