// Tests for writing a whole buffer to a descriptor: a message is never half-written unnoticed.
#include "base/write_all.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace plan_reminder::base {
namespace {

std::string read_everything(int fd) {
  std::string out;
  char buffer[4096];
  for (ssize_t got = 0; (got = ::read(fd, buffer, sizeof buffer)) > 0;) {
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return out;
}

// Tests that a buffer larger than a pipe holds at once arrives whole.
TEST(WriteAll, WritesEveryByteThroughShortWrites) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
  const std::string bytes(1 << 20, 'x');
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ends[0]);
    ::_exit(write_all(ends[1], bytes, Descriptor::socket) ? 0 : 1);
  }
  ::close(ends[1]);
  EXPECT_EQ(read_everything(ends[0]).size(), bytes.size());
  ::close(ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(status, 0);
}

// Tests that writing to a file works and a closed descriptor is reported with errno.
TEST(WriteAll, ReportsAFailedWrite) {
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  EXPECT_TRUE(write_all(ends[1], "hello"));
  ::close(ends[1]);
  EXPECT_EQ(read_everything(ends[0]), "hello");
  ::close(ends[0]);
  errno = 0;
  EXPECT_FALSE(write_all(ends[1], "hello"));
  EXPECT_EQ(errno, EBADF);
}

// Tests that a socket whose peer has gone is an error, not a SIGPIPE that ends the process.
TEST(WriteAll, APeerThatWentIsAnErrorNotASignal) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
  ::close(ends[0]);
  EXPECT_FALSE(write_all(ends[1], "hello", Descriptor::socket));
  EXPECT_EQ(errno, EPIPE);
  ::close(ends[1]);
}

}  // namespace
}  // namespace plan_reminder::base
