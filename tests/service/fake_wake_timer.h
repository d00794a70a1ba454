// A WakeTimer whose time moves only when a test moves it: a wait fires (on the io_context, as
// the real timer's does) once the test has advanced the clock to its deadline.
#pragma once

#include <utility>  // Boost 1.74's Asio misses it under C++20

#include "service/wake_timer.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <optional>
#include <vector>

namespace plan_reminder::service::testing {

class FakeWakeTimer final : public WakeTimer {
 public:
  FakeWakeTimer(boost::asio::io_context& io, date::sys_seconds start) : io_(io), now_(start) {}

  date::sys_seconds now() const override { return now_.load(); }

  void wait_until(date::sys_seconds deadline,
                  std::function<void(bool clock_changed)> handler) override {
    ++generation_;
    deadline_ = deadline;
    handler_ = std::move(handler);
    waits_.push_back(deadline);
    if (deadline <= now_.load()) {
      fire(false);
    }
  }

  void cancel() override {
    ++generation_;
    deadline_.reset();
    handler_ = nullptr;
  }

  // Moves the clock on to `moment` (from any thread: a slow server's send moves it too); a
  // wait due by then fires. A wait is only ever armed from the io_context's thread.
  void advance_to(date::sys_seconds moment) { now_ = moment; }
  // Fires the pending wait if the clock has reached it. Call it on the io_context's thread.
  void fire_if_due() {
    if (deadline_ && *deadline_ <= now_.load()) {
      fire(false);
    }
  }
  // Sets the system clock, as an NTP step does: the pending wait fires at once, early.
  void set_clock(date::sys_seconds moment) {
    now_ = moment;
    if (deadline_) {
      fire(true);
    }
  }

  // The pending wait's deadline, if any.
  std::optional<date::sys_seconds> deadline() const { return deadline_; }
  // Every deadline the daemon asked for, in order.
  const std::vector<date::sys_seconds>& waits() const { return waits_; }

 private:
  void fire(bool clock_changed) {
    auto handler = std::move(handler_);
    handler_ = nullptr;
    deadline_.reset();
    unsigned generation = generation_;
    boost::asio::post(io_, [this, generation, handler, clock_changed] {
      if (generation == generation_ && handler) {
        handler(clock_changed);
      }
    });
  }

  boost::asio::io_context& io_;
  std::atomic<date::sys_seconds> now_;
  std::optional<date::sys_seconds> deadline_;
  std::function<void(bool)> handler_;
  unsigned generation_ = 0;
  std::vector<date::sys_seconds> waits_;
};

}  // namespace plan_reminder::service::testing
