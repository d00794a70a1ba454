// A timer for a moment on the wall clock (a send time is "09:00 on Monday", not "in 62 hours"):
// a CLOCK_REALTIME timerfd in absolute mode, which also fires early when the system clock is
// set (an NTP step, a manual change), so that the caller recomputes its next moment. A step of
// less than a second (some virtual machines' time synchronisation sets the clock several times a
// second) leaves the deadline as it was, and the caller is not told. After a suspend it fires
// as soon as the machine wakes if the moment has passed. The service's time
// may be the wall clock shifted by an offset (rehearsals and tests start the service "as if"
// at another moment, and time then runs normally).
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include "service/wake_timer.h"

#include <date/date.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <chrono>
#include <functional>

namespace plan_reminder::service {

// The system clock and the steady clock, read together.
struct ClockReading {
  std::chrono::system_clock::time_point system;
  std::chrono::steady_clock::time_point steady;
  static ClockReading now() {
    return {std::chrono::system_clock::now(), std::chrono::steady_clock::now()};
  }
};
// How far the system clock was set between two readings: how much further (or less far) it
// moved than the steady clock.
std::chrono::nanoseconds clock_set_by(const ClockReading& before, const ClockReading& after);
// A smaller setting is not a change of the service's time (see above).
inline constexpr std::chrono::seconds smallest_clock_change{1};

class WallClockTimer final : public WakeTimer {
 public:
  explicit WallClockTimer(boost::asio::io_context& io, std::chrono::seconds offset = {});
  ~WallClockTimer() override;
  WallClockTimer(const WallClockTimer&) = delete;
  WallClockTimer& operator=(const WallClockTimer&) = delete;

  date::sys_seconds now() const override;
  void wait_until(date::sys_seconds deadline,
                  std::function<void(bool clock_changed)> handler) override;
  void cancel() override;

 private:
  void arm(date::sys_seconds deadline);
  void wait(unsigned generation);

  std::chrono::seconds offset_;
  boost::asio::posix::stream_descriptor descriptor_;
  std::function<void(bool)> handler_;
  unsigned generation_ = 0;
  date::sys_seconds deadline_;
  ClockReading armed_;  // when the wait began: the clock's settings since add up from here
};

}  // namespace plan_reminder::service
