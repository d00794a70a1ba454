// The daemon's sense of time: what time it is for the service, and a wake-up at a moment on
// that clock. The real one is the wall clock (service/wall_clock_timer.h); tests give the
// daemon one whose time they move by hand, so that a day of the service runs in milliseconds.
#pragma once

#include <date/date.h>

#include <functional>

namespace plan_reminder::service {

class WakeTimer {
 public:
  virtual ~WakeTimer() = default;

  // The service's time now.
  virtual date::sys_seconds now() const = 0;
  // Calls `handler(false)` at `deadline` (at once when it has passed), or `handler(true)`
  // earlier if the clock is set. The handler runs on the daemon's io_context. A new wait
  // replaces the previous one, whose handler is not called.
  virtual void wait_until(date::sys_seconds deadline,
                          std::function<void(bool clock_changed)> handler) = 0;
  // Drops the pending wait: its handler is not called.
  virtual void cancel() = 0;
};

}  // namespace plan_reminder::service
