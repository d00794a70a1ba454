#include "store/sqlite/clean_close.h"

#include "base/file_descriptor.h"
#include "base/write_all.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <optional>

namespace plan_reminder::store::sqlite {
namespace {

// "device inode size modified changed", the times in nanoseconds; nothing when the file
// cannot be looked at.
std::optional<std::string> stamp_text(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return std::nullopt;
  }
  auto ns = [](const timespec& t) {
    return std::to_string(t.tv_sec) + "." + std::to_string(t.tv_nsec);
  };
  return "plan-reminder clean close 1\n" + std::to_string(status.st_dev) + " " +
         std::to_string(status.st_ino) + " " + std::to_string(status.st_size) + " " +
         ns(status.st_mtim) + " " + ns(status.st_ctim) + "\n";
}

// No write-ahead log, or an empty one: nothing is waiting to be copied into the file.
bool no_waiting_log(const std::string& state_path) {
  struct stat status {};
  if (::stat((state_path + "-wal").c_str(), &status) != 0) {
    return errno == ENOENT;
  }
  return S_ISREG(status.st_mode) && status.st_size == 0;
}

}  // namespace

std::string clean_close_file(const std::string& state_path) {
  return state_path + ".checked";
}

bool unchanged_since_clean_close(const std::string& state_path) {
  base::FileDescriptor fd(
      ::open(clean_close_file(state_path).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    return false;
  }
  std::array<char, 512> buffer{};
  std::string noted;
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      if (got < 0) {
        return false;
      }
      break;
    }
    noted.append(buffer.data(), static_cast<std::size_t>(got));
    if (noted.size() > 4096) {
      return false;  // not a note this program wrote
    }
  }
  const auto now = stamp_text(state_path);
  return now && *now == noted && no_waiting_log(state_path);
}

void note_clean_close(const std::string& state_path) {
  const std::string note = clean_close_file(state_path);
  const auto stamp = stamp_text(state_path);
  if (!stamp || !no_waiting_log(state_path)) {
    forget_clean_close(state_path);
    return;
  }
  // A temporary file renamed over the note, so a reader sees a whole note or none.
  const std::string temporary = note + ".tmp." + std::to_string(::getpid());
  base::FileDescriptor fd(
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd || !base::write_all(fd.get(), *stamp) || fd.close() != 0 ||
      ::rename(temporary.c_str(), note.c_str()) != 0) {
    ::unlink(temporary.c_str());
    forget_clean_close(state_path);
  }
}

void forget_clean_close(const std::string& state_path) {
  ::unlink(clean_close_file(state_path).c_str());
}

}  // namespace plan_reminder::store::sqlite
