// The partnership's time zone (IANA name, default Europe/London) and DST-safe conversions
// between local wall-clock times and instants.
#pragma once

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

  // Throws nothing: on an unknown name (or an unreadable time zone database) returns false,
  // leaves `out` alone and sets `error`, e.g. `unknown time zone "Europe/Londn"`.
  static bool lookup(std::string_view name, TimeZone& out, std::string& error);
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
