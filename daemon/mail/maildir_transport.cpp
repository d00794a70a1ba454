// Delivery into a Maildir folder: each message is written to tmp/, flushed to disk, renamed
// into new/ and the folder flushed, so that a crash leaves either no message or a whole one.
#include "base/file_descriptor.h"
#include "base/write_all.h"
#include "mail/transports.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace plan_reminder::mail {
namespace {

using base::FileDescriptor;

// Distinguishes messages written by this process within one microsecond.
std::atomic<unsigned long> delivery_counter{0};

// This machine's name as the Maildir convention writes it: '/' and ':' escaped.
std::string maildir_hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  std::string escaped;
  for (const char* c = name; *c != '\0'; ++c) {
    if (*c == '/') {
      escaped += "\\057";
    } else if (*c == ':') {
      escaped += "\\072";
    } else {
      escaped += *c;
    }
  }
  return escaped;
}

// seconds.M<microseconds>P<pid>Q<counter>.<hostname>, unique on this machine.
std::string unique_name() {
  using namespace std::chrono;
  auto since_epoch = duration_cast<microseconds>(system_clock::now().time_since_epoch());
  auto seconds = duration_cast<std::chrono::seconds>(since_epoch);
  auto micro = (since_epoch - seconds).count();
  return std::to_string(seconds.count()) + ".M" + std::to_string(micro) + "P" +
         std::to_string(::getpid()) + "Q" + std::to_string(++delivery_counter) + "." +
         maildir_hostname();
}

// An OS error: transient (a full disk or a permission can be fixed), except that a path which
// is not a directory is a configuration error no retry will cure.
SendResult os_failure(const std::string& what, int error_number) {
  SendResult result;
  result.status =
      error_number == ENOTDIR ? SendResult::Status::permanent : SendResult::Status::transient;
  result.cause = SendResult::Cause::local;
  result.detail = what + ": " + std::strerror(error_number);
  result.stop_batch = true;
  return result;
}

SendResult not_a_directory(const std::filesystem::path& path) {
  SendResult result;
  result.status = SendResult::Status::permanent;
  result.cause = SendResult::Cause::local;
  result.detail = "the Maildir path " + path.string() + " is not a directory";
  result.stop_batch = true;
  return result;
}

// Flushes a folder's entries (a rename, a new subfolder) to disk.
int sync_directory(const std::filesystem::path& path) {
  FileDescriptor folder(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!folder) {
    return errno;
  }
  return ::fsync(folder.get()) == 0 ? 0 : errno;
}

// Removes a file in tmp/ unless the delivery got as far as new/.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (!path_.empty()) {
      ::unlink(path_.c_str());
    }
  }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

class MaildirTransport final : public Transport {
 public:
  explicit MaildirTransport(std::filesystem::path folder) : folder_(std::move(folder)) {}

  SendResult send(std::string_view /*envelope_from*/, const std::vector<std::string>& recipients,
                  std::string_view raw_message) override {
    if (recipients.empty()) {
      return {SendResult::Status::permanent,
              SendResult::Cause::local,
              "the message has no recipients",
              false,
              {}};
    }
    // Every time, so that a folder removed while the service runs comes back.
    if (auto failure = create_folders()) {
      return *failure;
    }
    std::string name = unique_name();
    std::filesystem::path temporary = folder_ / "tmp" / name;
    std::filesystem::path delivered = folder_ / "new" / name;

    FileDescriptor file(
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!file) {
      return os_failure("cannot create " + temporary.string(), errno);
    }
    TemporaryFile cleanup(temporary);
    if (!base::write_all(file.get(), raw_message)) {
      return os_failure("cannot write " + temporary.string(), errno);
    }
    if (::fsync(file.get()) != 0) {
      return os_failure("cannot flush " + temporary.string() + " to disk", errno);
    }
    if (file.close() != 0) {
      return os_failure("cannot write " + temporary.string(), errno);
    }
    if (::rename(temporary.c_str(), delivered.c_str()) != 0) {
      return os_failure("cannot move the message into " + delivered.string(), errno);
    }
    cleanup.release();
    if (int error = sync_directory(folder_ / "new"); error != 0) {
      // Not known to be on disk: take it back so that the retry does not deliver it twice.
      // If a mail reader already took it, it was delivered.
      if (::unlink(delivered.c_str()) == 0) {
        return os_failure("cannot flush " + (folder_ / "new").string() + " to disk", error);
      }
    }
    return {SendResult::Status::delivered, SendResult::Cause::none, delivered.string(), false, {}};
  }

  std::string describe() const override { return "maildir " + folder_.string(); }

 private:
  // Creates the folder (and any missing parents) and tmp/, new/, cur/ with mode 0700.
  std::optional<SendResult> create_folders() const {
    bool created = false;
    if (auto failure = create_folder(folder_, true, created)) {
      return failure;
    }
    for (const char* sub : {"tmp", "new", "cur"}) {
      if (auto failure = create_folder(folder_ / sub, false, created)) {
        return failure;
      }
    }
    if (created) {
      if (int error = sync_directory(folder_); error != 0) {
        return os_failure("cannot flush " + folder_.string() + " to disk", error);
      }
    }
    return std::nullopt;
  }

  static std::optional<SendResult> create_folder(const std::filesystem::path& path,
                                                 bool with_parents, bool& created) {
    if (with_parents && path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
      if (ec && ec.value() == ENOTDIR) {
        return os_failure("cannot create " + path.parent_path().string(), ec.value());
      }
      // Other errors show again, more precisely, in mkdir() below.
    }
    if (::mkdir(path.c_str(), 0700) == 0) {
      created = true;
      return std::nullopt;
    }
    int error = errno;
    if (error != EEXIST) {
      return os_failure("cannot create " + path.string(), error);
    }
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
      return os_failure("cannot read " + path.string(), errno);
    }
    if (!S_ISDIR(status.st_mode)) {
      return not_a_directory(path);
    }
    return std::nullopt;
  }

  std::filesystem::path folder_;
};

}  // namespace

std::unique_ptr<Transport> make_maildir_transport(std::filesystem::path folder) {
  return std::make_unique<MaildirTransport>(std::move(folder));
}

}  // namespace plan_reminder::mail
