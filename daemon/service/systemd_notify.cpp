#include "service/systemd_notify.h"

#include "service/systemd_protocol.h"

#include <ctime>

namespace plan_reminder::service {
namespace {

void notify(const std::string& state) {
  systemd_notify(state);
}

std::string monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return std::to_string(static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000);
}

}  // namespace

void SystemdNotifier::ready(const std::string& status) const {
  notify("READY=1\nSTATUS=" + status);
}

// MONOTONIC_USEC lets systemd 253+ (Type=notify-reload) match the reload; older ones ignore it.
void SystemdNotifier::reloading() const {
  notify("RELOADING=1\nMONOTONIC_USEC=" + monotonic_usec() + "\nSTATUS=Reloading");
}

void SystemdNotifier::stopping() const {
  notify("STOPPING=1\nSTATUS=Stopping");
}

void SystemdNotifier::status(const std::string& status) const {
  notify("STATUS=" + status);
}

void SystemdNotifier::watchdog() const {
  if (watchdog_interval()) {
    notify("WATCHDOG=1");
  }
}

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() const {
  if (auto usec = systemd_watchdog_usec()) {
    return *usec / 2;
  }
  return std::nullopt;
}

}  // namespace plan_reminder::service
