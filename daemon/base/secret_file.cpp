#include "base/secret_file.h"

#include "base/file_descriptor.h"
#include "base/write_all.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace plan_reminder::base {
namespace {

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

Result<std::string> secret_file_path(const std::string& file, const std::string& credential,
                                     std::string_view setting, std::string_view file_key) {
  if (!file.empty()) {
    return file;
  }
  const std::string key = std::string(setting) + ".credential";
  if (credential.empty() || credential == "." || credential == ".." ||
      credential.find('/') != std::string::npos) {
    return Error{key + " '" + credential + "' is not a credential name (a file name without '/')"};
  }
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  if (directory == nullptr || *directory == '\0') {
    return Error{
        key + " '" + credential +
        "' needs $CREDENTIALS_DIRECTORY, which systemd sets for LoadCredential=" + credential +
        ":FILE; it is not set (run under systemd, or use " + std::string(file_key) + ")"};
  }
  return (std::filesystem::path(directory) / credential).string();
}

Result<std::size_t> read_secret_file(const std::string& path, std::string_view what,
                                     std::span<char> into) {
  const std::string file = std::string(what) + " " + path;
  // O_NONBLOCK: opening a FIFO must not hang the reader; fstat() then refuses it.
  FileDescriptor opened(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (opened.get() < 0) {
    return Error{"cannot read " + file + ": " + std::strerror(errno)};
  }
  struct stat status {};
  if (::fstat(opened.get(), &status) != 0) {
    return Error{"cannot read " + file + ": " + std::strerror(errno)};
  }
  if (S_ISDIR(status.st_mode)) {
    return Error{file + " is not a regular file (a folder)"};
  }
  if (!S_ISREG(status.st_mode)) {
    return Error{file + " is not a regular file"};
  }
  if ((status.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    return Error{file + " can be read or written by every user (mode " + mode_text(status.st_mode) +
                 "): run chmod 600 " + path + " (or 640 with the service's group)"};
  }
  std::size_t size = 0;
  for (;;) {
    // One byte more than fits: a file that fills `into` exactly is read whole, a longer one is
    // refused without reading the rest.
    char probe = 0;
    const bool full = size == into.size();
    ssize_t count = full ? ::read(opened.get(), &probe, 1)
                         : ::read(opened.get(), into.data() + size, into.size() - size);
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      return Error{"cannot read " + file + ": " + std::strerror(errno)};
    }
    if (count == 0) {
      return size;
    }
    if (full) {
      return Error{file + " is too large (more than " + std::to_string(into.size()) + " bytes)"};
    }
    size += static_cast<std::size_t>(count);
  }
}

Result<bool> create_secret_file(const std::string& path, std::span<const char> bytes) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (std::error_code error; !parent.empty() && !std::filesystem::is_directory(parent, error)) {
    // Like the state's folder: made when missing, for the service's user alone.
    std::filesystem::create_directories(parent, error);
    if (error) {
      return Error{"cannot make the folder of the secret file " + path + ": " + error.message()};
    }
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all, error);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return false;
    }
    return Error{"cannot make the secret file " + path + ": " + std::strerror(errno)};
  }
  FileDescriptor opened(fd);
  if (!write_all(fd, std::string_view(bytes.data(), bytes.size())) || ::fsync(fd) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    return Error{"cannot write the secret file " + path + ": " + std::strerror(error)};
  }
  return true;
}

}  // namespace plan_reminder::base
