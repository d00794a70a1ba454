// The partnership's local time for what the service writes (see local_time.h).
#include "service/local_time.h"

#include "mail/views.h"

namespace plan_reminder::service {

std::chrono::minutes utc_offset(const policy::Clock& clock, date::sys_seconds now) {
  auto local = clock.zone.local_time(now).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::minutes>(local - now.time_since_epoch());
}

std::string short_local_time(const policy::Clock& clock, date::sys_seconds instant) {
  return mail::short_time(clock.zone.local_time(instant));
}

}  // namespace plan_reminder::service
