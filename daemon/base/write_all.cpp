#include "base/write_all.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace plan_reminder::base {

bool write_all(int fd, std::string_view bytes, Descriptor kind) {
  while (!bytes.empty()) {
    const ssize_t written = kind == Descriptor::socket
                                ? ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL)
                                : ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace plan_reminder::base
