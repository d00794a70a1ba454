// A timer for a moment on the wall clock (a send time is "09:00 on Monday", not "in 62 hours"):
// a CLOCK_REALTIME timerfd in absolute mode, which also fires early when the system clock is
// set (an NTP step, a manual change), so that the caller recomputes its next moment. After a
// suspend it fires as soon as the machine wakes if the moment has passed. The service's time
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

  std::chrono::seconds offset_;
  boost::asio::posix::stream_descriptor descriptor_;
  std::function<void(bool)> handler_;
  unsigned generation_ = 0;
};

}  // namespace plan_reminder::service
