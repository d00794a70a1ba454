// The two systemd protocols the service speaks, written here rather than linked from
// libsystemd, which (with the libgcrypt and libgpg-error it loads) kept 0.8 MB resident in an
// idle daemon for two small, documented and stable interfaces (sd_notify(3), sd_listen_fds(3)):
//   - notification: datagrams to the Unix socket named by $NOTIFY_SOCKET (a path, or an
//     abstract name after '@'); the watchdog's interval from $WATCHDOG_USEC, for this process
//     when $WATCHDOG_PID names it;
//   - socket activation: $LISTEN_FDS descriptors from 3 on, when $LISTEN_PID is this process.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace plan_reminder::service {

// Sends `state` ("READY=1\nSTATUS=...") to $NOTIFY_SOCKET: false when there is none or the
// send failed (the service then runs on, as without systemd).
bool systemd_notify(std::string_view state);

// $WATCHDOG_USEC when systemd asked this process for watchdog pings.
std::optional<std::chrono::microseconds> systemd_watchdog_usec();

// The first descriptor systemd passes (SD_LISTEN_FDS_START).
inline constexpr int kFirstListenFd = 3;

// The descriptors systemd passed this process ($LISTEN_FDS from 3 on, when $LISTEN_PID is this
// process), each made close-on-exec; the three variables are then unset, so that no child
// (the SMTP relay) takes them for its own.
std::vector<int> systemd_listen_fds();

// Whether `fd` is a stream socket in the listening state.
bool is_listening_stream_socket(int fd);

}  // namespace plan_reminder::service
