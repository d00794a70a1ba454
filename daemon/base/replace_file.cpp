// Atomic replacement of a file that must not have changed (see replace_file.h).
#include "base/replace_file.h"

#include "base/file_descriptor.h"
#include "base/write_all.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

namespace plan_reminder::base {
namespace {

std::string failure(const std::string& what, const std::string& path) {
  return "cannot " + what + " " + path + ": " + std::strerror(errno);
}

// The whole of an open file, or nothing on a read error.
std::optional<std::string> read_all(int fd) {
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return std::nullopt;
    }
    if (got == 0) {
      return out;
    }
    out.append(buffer, static_cast<std::size_t>(got));
  }
}

// Whether the file at `path` holds exactly `expected`.
Result<bool> holds(const std::string& path, std::string_view expected) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    return Error{failure("read", path)};
  }
  auto now = read_all(fd.get());
  if (!now) {
    return Error{failure("read", path)};
  }
  return *now == expected;
}

}  // namespace

Result<void> replace_file_if_unchanged(const std::string& path, std::string_view expected,
                                       std::string_view contents) {
  std::error_code error;
  const std::filesystem::path target = std::filesystem::canonical(path, error);
  if (error) {
    return Error{"cannot find " + path + ": " + error.message()};
  }
  const std::string target_name = target.string();
  struct stat original {};
  if (::stat(target_name.c_str(), &original) != 0) {
    return Error{failure("read", path)};
  }
  if (!S_ISREG(original.st_mode)) {
    return Error{path + " is not a regular file; nothing was written"};
  }
  const std::string changed =
      path + " changed since it was read; nothing was written to it (run the command again)";
  auto same = holds(target_name, expected);
  if (!same) {
    return same.error();
  }
  if (!*same) {
    return Error{changed};
  }
  const std::filesystem::path folder = target.parent_path();
  const std::string temporary =
      (folder / ("." + target.filename().string() + ".new-" + std::to_string(::getpid()))).string();
  const mode_t mode = original.st_mode & 07777;
  FileDescriptor out(
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!out) {
    return Error{failure("create", temporary)};
  }
  auto discard = [&](const std::string& message) {
    ::unlink(temporary.c_str());
    return Error{message};
  };
  // The umask may have narrowed the mode; the owner stays the writer's (a plan file edited by
  // its owner keeps its owner).
  if (::fchmod(out.get(), mode) != 0 || !write_all(out.get(), contents) ||
      ::fsync(out.get()) != 0 || out.close() != 0) {
    return discard(failure("write", temporary));
  }
  // Looked at again as late as possible: an editor's save in the meantime wins.
  same = holds(target_name, expected);
  if (!same || !*same) {
    return discard(same ? changed : same.error().message);
  }
  if (::rename(temporary.c_str(), target_name.c_str()) != 0) {
    return discard(failure("replace", path));
  }
  FileDescriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory || ::fsync(directory.get()) != 0) {
    return Error{failure("sync the folder of", path)};
  }
  return {};
}

Result<void> write_file_atomically(const std::string& path, std::string_view contents,
                                   bool overwrite) {
  const std::filesystem::path target(path);
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) {
    folder = ".";
  }
  const std::string temporary =
      (folder / ("." + target.filename().string() + ".new-" + std::to_string(::getpid()))).string();
  FileDescriptor out(
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666));
  if (!out) {
    return Error{failure("create", temporary)};
  }
  auto discard = [&](const std::string& message) {
    ::unlink(temporary.c_str());
    return Error{message};
  };
  if (!write_all(out.get(), contents) || ::fsync(out.get()) != 0 || out.close() != 0) {
    return discard(failure("write", temporary));
  }
  if (overwrite ? ::rename(temporary.c_str(), path.c_str()) != 0
                : ::link(temporary.c_str(), path.c_str()) != 0) {
    const bool exists = errno == EEXIST;
    return discard(exists ? path + " exists already; nothing was written" : failure("write", path));
  }
  if (!overwrite) {
    ::unlink(temporary.c_str());
  }
  FileDescriptor directory(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory || ::fsync(directory.get()) != 0) {
    return Error{failure("sync the folder of", path)};
  }
  return {};
}

}  // namespace plan_reminder::base
