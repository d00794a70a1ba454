// A timer for a moment on the wall clock (a send time is "09:00 on Monday", not "in 62 hours"):
// a CLOCK_REALTIME timerfd in absolute mode, which also fires early when the system clock is
// set (an NTP step, a manual change), so that the caller recomputes its next moment. After a
// suspend it fires as soon as the machine wakes if the moment has passed.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <date/date.h>

#include <functional>

namespace plan_reminder::service {

class WallClockTimer {
 public:
  explicit WallClockTimer(boost::asio::io_context& io);
  ~WallClockTimer();
  WallClockTimer(const WallClockTimer&) = delete;
  WallClockTimer& operator=(const WallClockTimer&) = delete;

  // Calls `handler(false)` at `deadline`, or `handler(true)` earlier if the clock is set.
  // A new wait replaces the previous one, whose handler is not called.
  void wait_until(date::sys_seconds deadline, std::function<void(bool clock_changed)> handler);
  void cancel();

 private:
  void arm(date::sys_seconds deadline);

  boost::asio::posix::stream_descriptor descriptor_;
  std::function<void(bool)> handler_;
  unsigned generation_ = 0;
};

}  // namespace plan_reminder::service
