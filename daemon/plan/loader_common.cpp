#include "plan/loader_common.h"

#include "plan/loaders.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

namespace plan_reminder::plan {

base::Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat() then refuses it.
  int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (descriptor < 0) {
    return base::Error{std::strerror(errno)};
  }
  std::unique_ptr<int, void (*)(int*)> owner(&descriptor, [](int* fd) { ::close(*fd); });
  struct stat status {};
  if (::fstat(descriptor, &status) != 0) {
    return base::Error{std::strerror(errno)};
  }
  if (S_ISDIR(status.st_mode)) {
    return base::Error{"it is a folder, not a file"};
  }
  if (!S_ISREG(status.st_mode)) {
    return base::Error{std::string("it is not a regular file (") +
                       (S_ISFIFO(status.st_mode)   ? "a FIFO"
                        : S_ISSOCK(status.st_mode) ? "a socket"
                                                   : "a device") +
                       ")"};
  }
  constexpr std::size_t kMiB = std::size_t{1024} * 1024;
  const base::Error too_large{
      max_bytes >= kMiB ? "it is larger than " + std::to_string(max_bytes / kMiB) +
                              " MiB, too large for a plan, directory or configuration file"
                        : "it is larger than " + std::to_string(max_bytes / 1024) +
                              " KiB, too large for such a file"};
  if (status.st_size > static_cast<off_t>(max_bytes)) {
    return too_large;
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(status.st_size));
  char buffer[65536];
  for (;;) {
    ssize_t count = ::read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      return base::Error{std::strerror(errno)};
    }
    if (count == 0) {
      return text;
    }
    // The file may grow while it is read.
    if (text.size() + static_cast<std::size_t>(count) > max_bytes) {
      return too_large;
    }
    text.append(buffer, static_cast<std::size_t>(count));
  }
}

std::optional<yaml::Node> parse_document(FileContext& context, std::string_view text) {
  yaml::ParseResult parsed = yaml::parse(text);
  if (!parsed.ok) {
    context.error(parsed.error_mark, "", "invalid YAML: " + parsed.error);
    return std::nullopt;
  }
  if (parsed.root.is_null()) {
    context.error(yaml::Mark{1, 1}, "", "the file is empty");
    return std::nullopt;
  }
  return std::move(parsed.root);
}

std::string resolve_path(const std::string& file, const std::string& value) {
  std::filesystem::path path(value);
  if (path.is_absolute()) {
    return path.lexically_normal().string();
  }
  std::filesystem::path base = std::filesystem::path(file).parent_path();
  return (base / path).lexically_normal().string();
}

}  // namespace plan_reminder::plan
