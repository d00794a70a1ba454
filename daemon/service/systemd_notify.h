// Tells systemd how the service is (Type=notify): READY, RELOADING, STOPPING, STATUS and
// WATCHDOG. Every call is a no-op when the service was not started by systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace plan_reminder::service {

class SystemdNotifier {
 public:
  void ready(const std::string& status) const;
  void reloading() const;
  void stopping() const;
  void status(const std::string& status) const;
  void watchdog() const;
  // How often to ping the watchdog (half of WatchdogSec), if systemd asked for pings.
  std::optional<std::chrono::microseconds> watchdog_interval() const;
};

}  // namespace plan_reminder::service
