#include "mail/smtp_relay.h"

#include "mail/transports.h"

#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace plan_reminder::mail {
namespace {

// A frame: a count, then each string as a length and its bytes; numbers are 4 bytes, little
// endian. One frame is one request or one reply.
using Frame = std::vector<std::string>;

// The largest string a frame may carry: a message far above any SMTP server's size limit.
constexpr std::uint32_t kMaxString = 1U << 30;
constexpr std::uint32_t kMaxStrings = 100000;

constexpr int kUsage = 64;
constexpr int kConfigError = 78;

void put_number(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out += static_cast<char>((value >> shift) & 0xffU);
  }
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    // MSG_NOSIGNAL: a peer that died is an error to report, not a SIGPIPE that kills us.
    ssize_t written = ::send(fd, data, size, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    ssize_t got = ::read(fd, data, size);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return false;
    }
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

std::optional<std::uint32_t> read_number(int fd) {
  unsigned char bytes[4];
  if (!read_all(fd, reinterpret_cast<char*>(bytes), sizeof bytes)) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
         static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

// Written from views, so that a message is not copied to be sent.
bool write_frame(int fd, const std::vector<std::string_view>& frame) {
  std::string header;
  put_number(header, static_cast<std::uint32_t>(frame.size()));
  if (!write_all(fd, header.data(), header.size())) {
    return false;
  }
  for (std::string_view text : frame) {
    std::string length;
    put_number(length, static_cast<std::uint32_t>(text.size()));
    if (!write_all(fd, length.data(), length.size()) || !write_all(fd, text.data(), text.size())) {
      return false;
    }
  }
  return true;
}

// nullopt when the peer closed the socket, died, or sent something that is not a frame.
std::optional<Frame> read_frame(int fd) {
  auto count = read_number(fd);
  if (!count || *count > kMaxStrings) {
    return std::nullopt;
  }
  Frame frame(*count);
  for (std::string& text : frame) {
    auto length = read_number(fd);
    if (!length || *length > kMaxString) {
      return std::nullopt;
    }
    text.resize(*length);
    if (!read_all(fd, text.data(), text.size())) {
      return std::nullopt;
    }
  }
  return frame;
}

const char* status_name(SendResult::Status status) {
  switch (status) {
    case SendResult::Status::delivered:
      return "delivered";
    case SendResult::Status::transient:
      return "transient";
    case SendResult::Status::permanent:
      return "permanent";
  }
  return "transient";
}

std::optional<SendResult::Status> parse_status(const std::string& name) {
  for (auto status : {SendResult::Status::delivered, SendResult::Status::transient,
                      SendResult::Status::permanent}) {
    if (name == status_name(status)) {
      return status;
    }
  }
  return std::nullopt;
}

// How a process ended, for an error: "exit status 70", "killed by signal 9".
std::string termination(int status) {
  if (WIFEXITED(status)) {
    return "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return "status " + std::to_string(status);
}

class RelayTransport final : public Transport {
 public:
  RelayTransport(const plan::SmtpSettings& settings, std::string password, std::string program)
      : settings_(settings), password_(std::move(password)), program_(std::move(program)) {}

  RelayTransport(const RelayTransport&) = delete;
  RelayTransport& operator=(const RelayTransport&) = delete;
  ~RelayTransport() override { stop(); }

  // Starts a relay and hands it the settings; false with `error` (the relay's own words when
  // it refused the settings) if it cannot serve.
  bool start(std::string& error) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
      error = std::string("cannot start the SMTP relay: socketpair: ") + std::strerror(errno);
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the copies: the child keeps only its stdin and stdout.
    posix_spawn_file_actions_adddup2(&actions, ends[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
    std::string name = "plan-reminder";
    std::string command = "smtp-relay";
    char* argv[] = {name.data(), command.data(), nullptr};
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, program_.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(ends[1]);
    if (failed != 0) {
      ::close(ends[0]);
      error = "cannot start the SMTP relay (" + program_ + " smtp-relay): " + std::strerror(failed);
      return false;
    }
    pid_ = pid;
    fd_ = ends[0];
    std::vector<std::string_view> hello{
        "smtp",    settings_.url,     settings_.username,
        password_, settings_.ca_file, settings_.allow_plaintext ? "1" : "0"};
    std::optional<Frame> answer;
    if (write_frame(fd_, hello)) {
      answer = read_frame(fd_);
    }
    if (answer && answer->size() == 1 && (*answer)[0] == "ready") {
      return true;
    }
    if (answer && answer->size() == 2 && (*answer)[0] == "error") {
      error = (*answer)[1];
      stop();
    } else {
      error =
          "the SMTP relay (" + program_ + " smtp-relay) did not start: " + termination(abandon());
    }
    return false;
  }

  SendResult send(std::string_view envelope_from, const std::vector<std::string>& recipients,
                  std::string_view raw_message) override {
    if (fd_ < 0) {
      std::string error;
      if (!start(error)) {
        return {SendResult::Status::transient, SendResult::Cause::local, error, true, {}};
      }
    }
    std::vector<std::string_view> request{"send", envelope_from, raw_message};
    request.insert(request.end(), recipients.begin(), recipients.end());
    std::optional<Frame> reply;
    if (write_frame(fd_, request)) {
      reply = read_frame(fd_);
    }
    std::optional<SendResult::Status> status;
    if (reply && reply->size() == 3) {
      status = parse_status((*reply)[0]);
    }
    if (!status) {
      // Whether the server took the message is unknown: it stays queued, and a repeat carries
      // the same Message-ID.
      return {SendResult::Status::transient,
              SendResult::Cause::local,
              "the SMTP relay process ended during delivery (" + termination(abandon()) + ")",
              true,
              {}};
    }
    return {*status, SendResult::Cause::none, std::move((*reply)[1]), (*reply)[2] == "1", {}};
  }

  void close() override { stop(); }

  std::string describe() const override { return "smtp " + settings_.url; }

 private:
  // After a broken exchange: makes sure the relay is gone (it may already have exited, and then
  // its own status is reported), then stops.
  int abandon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
    }
    return stop();
  }

  // Closes the socket (the relay then says QUIT and exits) and waits for the relay; returns
  // its wait status (0 if none was running).
  int stop() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int status = 0;
    if (pid_ > 0) {
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    return status;
  }

  plan::SmtpSettings settings_;
  std::string password_;
  std::string program_;
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<Transport> make_smtp_relay_transport(const plan::SmtpSettings& settings,
                                                     std::string password, std::string program,
                                                     std::string& error) {
  auto relay = std::make_unique<RelayTransport>(settings, std::move(password), std::move(program));
  if (!relay->start(error)) {
    return nullptr;
  }
  relay->close();
  return relay;
}

int serve_smtp_relay(int fd) {
  // A stop is the daemon's to handle: it lets this message finish, then closes the socket.
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) {
    std::signal(signal, SIG_IGN);
  }
  auto hello = read_frame(fd);
  if (!hello || hello->size() != 6 || (*hello)[0] != "smtp") {
    return kUsage;
  }
  plan::SmtpSettings settings;
  settings.url = (*hello)[1];
  settings.username = (*hello)[2];
  settings.ca_file = (*hello)[4];
  settings.allow_plaintext = (*hello)[5] == "1";
  std::string error;
  auto transport = make_smtp_transport(settings, std::move((*hello)[3]), error);
  if (!transport) {
    write_frame(fd, {"error", error});
    return kConfigError;
  }
  if (!write_frame(fd, {"ready"})) {
    return 0;
  }
  while (auto request = read_frame(fd)) {
    if (request->size() < 3 || (*request)[0] != "send") {
      return kUsage;
    }
    std::vector<std::string> recipients(request->begin() + 3, request->end());
    SendResult result = transport->send((*request)[1], recipients, (*request)[2]);
    if (!write_frame(fd,
                     {status_name(result.status), result.detail, result.stop_batch ? "1" : "0"})) {
      break;
    }
  }
  transport->close();
  return 0;
}

}  // namespace plan_reminder::mail
