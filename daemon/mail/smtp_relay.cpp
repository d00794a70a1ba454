#include "mail/smtp_relay.h"

#include "base/exit_codes.h"
#include "base/file_descriptor.h"
#include "mail/relay_protocol.h"
#include "mail/transports.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace plan_reminder::mail {
namespace {

using base::FileDescriptor;

std::string milliseconds_text(std::chrono::milliseconds duration) {
  return std::to_string(duration.count());
}

std::optional<std::chrono::milliseconds> parse_milliseconds(const std::string& text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(value);
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

// A pipe that wakes a thread waiting in poll() from another thread.
class Wakeup {
 public:
  Wakeup() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) == 0) {
      read_end_ = FileDescriptor(ends[0]);
      write_end_ = FileDescriptor(ends[1]);
    }
  }
  int fd() const { return read_end_.get(); }
  void wake() const {
    char byte = 1;
    while (::write(write_end_.get(), &byte, 1) < 0 && errno == EINTR) {
    }
  }

 private:
  FileDescriptor read_end_;
  FileDescriptor write_end_;
};

// The relay process, owned: however the transport ends, the process is reaped (killed first
// if it is still running when nothing waits for it any more), never left a zombie.
class RelayProcess {
 public:
  using Clock = std::chrono::steady_clock;

  RelayProcess() = default;
  explicit RelayProcess(pid_t pid) : pid_(pid) {}
  RelayProcess(const RelayProcess&) = delete;
  RelayProcess& operator=(const RelayProcess&) = delete;
  RelayProcess(RelayProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  RelayProcess& operator=(RelayProcess&& other) noexcept {
    if (this != &other) {
      reset();
      pid_ = std::exchange(other.pid_, -1);
    }
    return *this;
  }
  ~RelayProcess() { reset(); }

  explicit operator bool() const { return pid_ > 0; }

  void kill() const {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
    }
  }

  // Waits for the process to end and returns its wait status (0 if none was running). With a
  // deadline, waits no longer than it, then kills the process.
  int wait(std::optional<Clock::time_point> deadline) {
    int status = 0;
    if (pid_ <= 0) {
      return status;
    }
    for (;;) {
      pid_t done = ::waitpid(pid_, &status, deadline ? WNOHANG : 0);
      if (done == pid_ || (done < 0 && errno != EINTR)) {
        break;
      }
      if (done == 0) {
        if (Clock::now() >= *deadline) {
          ::kill(pid_, SIGKILL);
          while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
          }
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    pid_ = -1;
    return status;
  }

 private:
  void reset() {
    kill();
    wait(std::nullopt);
  }

  pid_t pid_ = -1;
};

class RelayTransport final : public Transport {
 public:
  using Clock = std::chrono::steady_clock;

  RelayTransport(const plan::SmtpSettings& settings, std::string password, std::string program,
                 const SmtpTimeouts& timeouts)
      : settings_(settings),
        password_(std::move(password)),
        program_(std::move(program)),
        timeouts_(timeouts) {}

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
    FileDescriptor daemon_end(ends[0]);
    FileDescriptor relay_end(ends[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the copies: the child keeps only its stdin and stdout.
    posix_spawn_file_actions_adddup2(&actions, relay_end.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, relay_end.get(), STDOUT_FILENO);
    std::string name = "plan-reminder";
    std::string command = "smtp-relay";
    char* argv[] = {name.data(), command.data(), nullptr};
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, program_.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    // Only the relay holds its end from now on, so that its exit reads as the end of the socket.
    relay_end.close();
    if (failed != 0) {
      error = "cannot start the SMTP relay (" + program_ + " smtp-relay): " + std::strerror(failed);
      return false;
    }
    process_ = RelayProcess(pid);
    fd_ = std::move(daemon_end);
    std::string connect = milliseconds_text(timeouts_.connect);
    std::string stall = milliseconds_text(timeouts_.stall);
    std::string final_reply = milliseconds_text(timeouts_.final_reply);
    std::vector<std::string_view> hello{"smtp",
                                        settings_.url,
                                        settings_.username,
                                        password_,
                                        settings_.ca_file,
                                        settings_.allow_plaintext ? "1" : "0",
                                        connect,
                                        stall,
                                        final_reply};
    std::optional<Frame> answer;
    if (write_frame(fd_.get(), hello) && wait_for_reply()) {
      answer = read_frame(fd_.get());
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
    if (interrupted_) {
      return stopped("the service is stopping; the message was not attempted");
    }
    if (!fd_) {
      std::string error;
      if (!start(error)) {
        return {SendResult::Status::transient, SendResult::Cause::local, error, true, {}};
      }
    }
    std::vector<std::string_view> request{"send", envelope_from, raw_message};
    request.insert(request.end(), recipients.begin(), recipients.end());
    std::optional<Frame> reply;
    bool waited = false;
    if (write_frame(fd_.get(), request)) {
      waited = wait_for_reply();
      if (waited) {
        reply = read_frame(fd_.get());
      }
    }
    if (!waited && interrupted_) {
      abandon();
      return stopped(
          "the service stopped while the server had not yet answered for this message; it "
          "stays queued (if the server did take it, it may arrive twice, with the same "
          "Message-ID)");
    }
    std::optional<SendResult> result;
    if (reply) {
      result = parse_reply(*reply);
    }
    if (!result) {
      // Whether the server took the message is unknown: it stays queued, and a repeat carries
      // the same Message-ID.
      return {SendResult::Status::transient,
              SendResult::Cause::local,
              "the SMTP relay process ended during delivery (" + termination(abandon()) + ")",
              true,
              {}};
    }
    return std::move(*result);
  }

  void close() override { stop(); }

  void interrupt(Clock::duration grace) override {
    // The first call sets the deadline, before the flag that makes others read it.
    Clock::rep unset = 0;
    deadline_.compare_exchange_strong(unset, (Clock::now() + grace).time_since_epoch().count());
    interrupted_ = true;
    wakeup_.wake();
  }

  std::string describe() const override { return "smtp " + settings_.url; }

 private:
  static SendResult stopped(std::string detail) {
    return {SendResult::Status::transient, SendResult::Cause::local, std::move(detail), true, {}};
  }

  Clock::time_point deadline() const {
    return Clock::time_point(Clock::duration(deadline_.load()));
  }

  // Waits until the relay has something to say (or has gone); false when interrupt()'s grace
  // ran out first.
  bool wait_for_reply() {
    for (;;) {
      int timeout = -1;
      if (interrupted_) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline() - Clock::now());
        if (left <= std::chrono::milliseconds::zero()) {
          return false;
        }
        timeout = static_cast<int>(std::min<std::chrono::milliseconds::rep>(left.count(), 60000));
      }
      // Once interrupted, the pipe stays readable: then only the relay and the deadline count.
      bool watch_wakeup = !interrupted_ && wakeup_.fd() >= 0;
      pollfd watched[2] = {{fd_.get(), POLLIN, 0}, {wakeup_.fd(), POLLIN, 0}};
      int ready = ::poll(watched, watch_wakeup ? 2 : 1, timeout);
      if (ready < 0 && errno != EINTR) {
        return true;  // the read that follows reports the broken socket
      }
      if (ready > 0 && watched[0].revents != 0) {
        return true;
      }
      // Woken by interrupt(), a signal or the timeout: look at the deadline again.
    }
  }

  // After a broken exchange: makes sure the relay is gone (it may already have exited, and then
  // its own status is reported), then stops.
  int abandon() {
    process_.kill();
    return stop();
  }

  // Closes the socket (the relay then says QUIT and exits) and waits for the relay; returns
  // its wait status (0 if none was running). After interrupt(), waits no longer than its
  // grace, then kills the relay.
  int stop() {
    fd_.close();
    return process_.wait(interrupted_ ? std::optional(deadline()) : std::nullopt);
  }

  plan::SmtpSettings settings_;
  std::string password_;
  std::string program_;
  SmtpTimeouts timeouts_;
  RelayProcess process_;
  FileDescriptor fd_;  // the daemon's end of the socket, while a relay runs
  Wakeup wakeup_;
  std::atomic<bool> interrupted_{false};
  std::atomic<Clock::rep> deadline_{0};  // of interrupt()'s grace, once interrupted
};

}  // namespace

std::unique_ptr<Transport> make_smtp_relay_transport(const plan::SmtpSettings& settings,
                                                     std::string password, std::string program,
                                                     std::string& error,
                                                     const SmtpTimeouts& timeouts) {
  auto relay =
      std::make_unique<RelayTransport>(settings, std::move(password), std::move(program), timeouts);
  if (!relay->start(error)) {
    return nullptr;
  }
  relay->close();
  return relay;
}

int serve_smtp_relay(int fd) {
  // systemd sends SIGTERM to every process of the service at once: the stop is the daemon's to
  // handle. It lets this message finish for a bounded grace, then kills this process.
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) {
    std::signal(signal, SIG_IGN);
  }
  auto hello = read_frame(fd);
  if (!hello || hello->size() != 9 || (*hello)[0] != "smtp") {
    return base::usage;
  }
  plan::SmtpSettings settings;
  settings.url = (*hello)[1];
  settings.username = (*hello)[2];
  settings.ca_file = (*hello)[4];
  settings.allow_plaintext = (*hello)[5] == "1";
  auto connect = parse_milliseconds((*hello)[6]);
  auto stall = parse_milliseconds((*hello)[7]);
  auto final_reply = parse_milliseconds((*hello)[8]);
  if (!connect || !stall || !final_reply) {
    return base::usage;
  }
  SmtpTimeouts timeouts{*connect, *stall, *final_reply};
  std::string error;
  auto transport = make_smtp_transport(settings, std::move((*hello)[3]), timeouts, error);
  if (!transport) {
    write_frame(fd, {"error", error});
    return base::config_error;
  }
  if (!write_frame(fd, {"ready"})) {
    return 0;
  }
  while (auto request = read_frame(fd)) {
    if (request->size() < 3 || (*request)[0] != "send") {
      return base::usage;
    }
    std::vector<std::string> recipients(request->begin() + 3, request->end());
    SendResult result = transport->send((*request)[1], recipients, (*request)[2]);
    Frame reply = reply_frame(result);
    if (!write_frame(fd, std::vector<std::string_view>(reply.begin(), reply.end()))) {
      break;
    }
  }
  transport->close();
  return 0;
}

}  // namespace plan_reminder::mail
