// Time zones through Howard Hinnant's date/tz.h, reading the system's /usr/share/zoneinfo.
#include "calendar/time_zone.h"

#include <exception>
#include <stdexcept>

namespace plan_reminder::calendar {

base::Result<TimeZone> TimeZone::lookup(std::string_view name) {
  // Load the database on its own first, so that a missing tzdata package is not reported as a
  // misspelt zone name.
  try {
    date::get_tzdb();
  } catch (const std::exception& e) {
    return base::Error{std::string("cannot read the time zone database: ") + e.what()};
  }
  try {
    return TimeZone(date::locate_zone(name));
  } catch (const std::exception&) {
    return base::Error{"unknown time zone \"" + std::string(name) +
                       "\" (expected an IANA name such as \"Europe/London\")"};
  }
}

TimeZone TimeZone::named(std::string_view name) {
  base::Result<TimeZone> zone = lookup(name);
  if (!zone) {
    throw std::invalid_argument(zone.error().message);
  }
  return *zone;
}

TimeZone TimeZone::london() {
  return TimeZone(date::locate_zone("Europe/London"));
}

std::string_view TimeZone::name() const {
  if (zone_ == nullptr) {
    return {};
  }
  return zone_->name();
}

const date::time_zone& TimeZone::zone() const {
  if (zone_ == nullptr) {
    throw std::logic_error("TimeZone used before lookup()");
  }
  return *zone_;
}

Instant TimeZone::at(date::local_days day, std::chrono::minutes time_of_day) const {
  const date::local_seconds wall = day + time_of_day;
  // Subtracting the offset in force *before* any transition at `wall` gives all three cases at
  // once: a unique time converts normally; in an autumn overlap `first` is the earlier (summer)
  // reading; in a spring gap the old offset lands the gap's length past the jump (01:30 GMT is
  // 02:30 BST). date::choose cannot do the last one: to_sys(wall, choose::earliest) returns the
  // transition itself (02:00 BST) for every time in the gap.
  const date::local_info info = zone().get_info(wall);
  return Instant{wall.time_since_epoch()} - info.first.offset;
}

date::local_days TimeZone::day_of(Instant instant) const {
  return date::floor<date::days>(local_time(instant));
}

date::local_seconds TimeZone::local_time(Instant instant) const {
  return zone().to_local(instant);
}

}  // namespace plan_reminder::calendar
