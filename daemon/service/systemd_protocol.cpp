#include "service/systemd_protocol.h"

#include "base/file_descriptor.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace plan_reminder::service {
namespace {

// A variable's value as a whole unsigned number, or nothing when it is unset or not one.
std::optional<unsigned long long> number_variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  unsigned long long number = 0;
  const char* end = value + std::strlen(value);
  auto [stop, error] = std::from_chars(value, end, number);
  if (error != std::errc() || stop != end) {
    return std::nullopt;
  }
  return number;
}

bool names_this_process(const char* variable) {
  auto pid = number_variable(variable);
  return pid && *pid == static_cast<unsigned long long>(::getpid());
}

}  // namespace

bool systemd_notify(std::string_view state) {
  const char* socket_name = std::getenv("NOTIFY_SOCKET");
  if (socket_name == nullptr || (socket_name[0] != '/' && socket_name[0] != '@')) {
    return false;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = std::strlen(socket_name);
  if (length >= sizeof address.sun_path) {
    return false;
  }
  std::memcpy(address.sun_path, socket_name, length);
  socklen_t address_length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  if (socket_name[0] == '@') {
    address.sun_path[0] = '\0';  // an abstract name: its length counts, no terminator
  } else {
    address_length += 1;
  }
  base::FileDescriptor fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return false;
  }
  ssize_t sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                          reinterpret_cast<const sockaddr*>(&address), address_length);
  return sent == static_cast<ssize_t>(state.size());
}

std::optional<std::chrono::microseconds> systemd_watchdog_usec() {
  auto usec = number_variable("WATCHDOG_USEC");
  if (!usec || *usec == 0) {
    return std::nullopt;
  }
  if (std::getenv("WATCHDOG_PID") != nullptr && !names_this_process("WATCHDOG_PID")) {
    return std::nullopt;  // meant for another process (our parent)
  }
  return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(*usec));
}

std::vector<int> systemd_listen_fds() {
  std::vector<int> fds;
  if (names_this_process("LISTEN_PID")) {
    auto count = number_variable("LISTEN_FDS");
    // More than a few thousand is not something systemd passes: a damaged variable.
    for (unsigned long long i = 0; count && i < *count && i < 4096; ++i) {
      const int fd = kFirstListenFd + static_cast<int>(i);
      const int flags = ::fcntl(fd, F_GETFD);
      if (flags < 0) {
        continue;  // not open: nothing to take
      }
      ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
      fds.push_back(fd);
    }
  }
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  return fds;
}

bool is_listening_stream_socket(int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) {
    return false;
  }
  int type = 0;
  socklen_t size = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_STREAM) {
    return false;
  }
  int listening = 0;
  size = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0 && listening != 0;
}

}  // namespace plan_reminder::service
