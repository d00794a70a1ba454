#include "service/wall_clock_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace plan_reminder::service {
namespace {

int make_timer() {
  int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) {
    throw std::runtime_error(std::string("cannot create a timer: ") + std::strerror(errno));
  }
  return fd;
}

}  // namespace

std::chrono::nanoseconds clock_set_by(const ClockReading& before, const ClockReading& after) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>((after.system - before.system) -
                                                              (after.steady - before.steady));
}

WallClockTimer::WallClockTimer(boost::asio::io_context& io, std::chrono::seconds offset)
    : offset_(offset), descriptor_(io, make_timer()) {}

WallClockTimer::~WallClockTimer() = default;

date::sys_seconds WallClockTimer::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
         offset_;
}

void WallClockTimer::arm(date::sys_seconds deadline) {
  itimerspec spec{};
  // The service's moment on the system's clock.
  spec.it_value.tv_sec = static_cast<time_t>((deadline - offset_).time_since_epoch().count());
  // A moment already past still has to fire: timerfd treats zero as "disarm".
  if (spec.it_value.tv_sec <= 0) {
    spec.it_value.tv_sec = 1;
  }
  // The kernel refuses to arm a timer whose clock was set since it was last read (ECANCELED):
  // armed again, it waits from the clock as it is now.
  for (int tries = 0;; ++tries) {
    if (::timerfd_settime(descriptor_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, nullptr) == 0) {
      return;
    }
    if (errno != ECANCELED || tries == 100) {
      throw std::runtime_error(std::string("cannot set the timer: ") + std::strerror(errno));
    }
  }
}

void WallClockTimer::wait_until(date::sys_seconds deadline,
                                std::function<void(bool clock_changed)> handler) {
  handler_ = std::move(handler);
  deadline_ = deadline;
  armed_ = ClockReading::now();
  unsigned generation = ++generation_;
  arm(deadline);
  wait(generation);
}

void WallClockTimer::wait(unsigned generation) {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this, generation](const boost::system::error_code& error) {
                           if (error || generation != generation_) {
                             return;
                           }
                           std::uint64_t expirations = 0;
                           ssize_t got = ::read(descriptor_.native_handle(), &expirations,
                                                sizeof expirations);
                           bool clock_changed = got < 0 && errno == ECANCELED;
                           if (got < 0 && !clock_changed) {
                             return;  // EAGAIN: a spurious wake-up of a timer re-armed meanwhile
                           }
                           if (clock_changed) {
                             const auto by = clock_set_by(armed_, ClockReading::now());
                             if (by < smallest_clock_change && -by < smallest_clock_change) {
                               // Kept in line, not changed: the same moment, the same wait.
                               arm(deadline_);
                               wait(generation);
                               return;
                             }
                           }
                           auto handler = std::move(handler_);
                           handler_ = nullptr;
                           if (handler) {
                             handler(clock_changed);
                           }
                         });
}

void WallClockTimer::cancel() {
  ++generation_;
  handler_ = nullptr;
  itimerspec disarm{};
  ::timerfd_settime(descriptor_.native_handle(), 0, &disarm, nullptr);
  descriptor_.cancel();
}

}  // namespace plan_reminder::service
