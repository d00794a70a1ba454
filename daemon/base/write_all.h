// Writing a whole buffer to a file descriptor, through short writes and EINTR.
#pragma once

#include <string_view>

namespace plan_reminder::base {

enum class Descriptor {
  file,
  // Written with send(MSG_NOSIGNAL): a peer that died is an error to report, not a SIGPIPE that
  // kills the process.
  socket,
};

// Writes all of `bytes` to `fd`. False on an error, with errno saying which.
bool write_all(int fd, std::string_view bytes, Descriptor kind = Descriptor::file);

}  // namespace plan_reminder::base
