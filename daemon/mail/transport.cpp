// make_transport: picks the configured transport, reads the SMTP password (a file, or a systemd
// credential under $CREDENTIALS_DIRECTORY) and wraps the transport in rate-limit pacing.
#include "mail/transport.h"

#include "base/secret_file.h"
#include "mail/smtp_relay.h"
#include "mail/transports.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>
#include <utility>

namespace plan_reminder::mail {
namespace {

// A password longer than this is a wrong file (a key, a log), not a password.
constexpr std::size_t kMaxPasswordBytes = 4096;

// Reads the SMTP password (base/secret_file.h: password_file, or the credential under the
// directory systemd makes for LoadCredential=). The file must be a regular file that not every
// user can read (group-readable is allowed, for root:service-group 0640); one trailing newline
// is dropped. No error ever quotes the file's content.
std::optional<std::string> read_password(const plan::SmtpSettings& settings, std::string& error) {
  auto path = base::secret_file_path(settings.password_file, settings.credential, "transport.smtp",
                                     "password_file");
  if (!path) {
    error = path.error().message;
    return std::nullopt;
  }
  std::string password(kMaxPasswordBytes, '\0');
  auto size = base::read_secret_file(*path, "the SMTP password file", password);
  if (!size) {
    error = size.error().message;
    return std::nullopt;
  }
  password.resize(*size);
  if (!password.empty() && password.back() == '\n') {
    password.pop_back();
    if (!password.empty() && password.back() == '\r') {
      password.pop_back();
    }
  }
  if (password.empty()) {
    error = "the SMTP password file " + *path + " is empty";
    return std::nullopt;
  }
  if (password.find_first_of("\r\n") != std::string::npos) {
    error = "the SMTP password file " + *path +
            " holds more than one line; it must hold only the password";
    return std::nullopt;
  }
  return password;
}

class RateLimitedTransport final : public Transport {
 public:
  RateLimitedTransport(std::unique_ptr<Transport> inner, plan::RateLimit limit, Pacing pacing)
      : inner_(std::move(inner)),
        messages_(static_cast<std::size_t>(limit.messages)),
        period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit.per)),
        pacing_(std::move(pacing)) {
    if (!pacing_.now) {
      pacing_.now = std::chrono::steady_clock::now;
    }
    if (!pacing_.wait) {
      pacing_.wait = [](std::chrono::steady_clock::duration delay) {
        std::this_thread::sleep_for(delay);
      };
    }
  }

  SendResult send(std::string_view envelope_from, const std::vector<std::string>& recipients,
                  std::string_view raw_message) override {
    auto start = pacing_.now();
    // Sliding window over the starts of the last `messages_` sends: every attempt counts,
    // because servers count attempts too.
    if (starts_.size() >= messages_) {
      auto free_at = starts_.front() + period_;
      if (free_at > start) {
        pacing_.wait(free_at - start);
        start = std::max(pacing_.now(), free_at);
      }
      starts_.pop_front();
    }
    starts_.push_back(start);
    return inner_->send(envelope_from, recipients, raw_message);
  }

  void close() override { inner_->close(); }
  void interrupt(std::chrono::steady_clock::duration grace) override { inner_->interrupt(grace); }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<Transport> inner_;
  std::size_t messages_;
  std::chrono::steady_clock::duration period_;
  Pacing pacing_;
  std::deque<std::chrono::steady_clock::time_point> starts_;
};

}  // namespace

namespace {

struct CauseText {
  SendResult::Cause cause;
  std::string_view name;
  std::string_view advice;
};

constexpr CauseText kCauses[] = {
    {SendResult::Cause::none, "none", ""},
    {SendResult::Cause::unreachable, "unreachable",
     "Check transport.smtp.url in plan-reminder.yaml and that the mail server is up and "
     "reachable from this machine (name, port, firewall, STARTTLS)."},
    {SendResult::Cause::timeout, "timeout",
     "The mail server stopped answering; if it keeps happening, ask its administrator."},
    {SendResult::Cause::certificate, "certificate",
     "The mail server's TLS certificate is not trusted: check the host name in "
     "transport.smtp.url, or set transport.smtp.ca_file to the CA that signed it."},
    {SendResult::Cause::credentials, "credentials",
     "The mail server refused the login: check transport.smtp.username and the password "
     "file or credential."},
    {SendResult::Cause::sender_refused, "sender_refused",
     "The mail server refused the sender address: check `from` in plan-reminder.yaml and that "
     "the SMTP account may send as it."},
    {SendResult::Cause::recipients_refused, "recipients_refused",
     "The mail server refused the recipient address: check the address in agencies.yaml."},
    {SendResult::Cause::message_refused, "message_refused",
     "The mail server refused the message itself (size, content or policy): its reply says "
     "why."},
    {SendResult::Cause::server_busy, "server_busy",
     "The mail server was busy or closing the connection; the message will be tried again."},
    {SendResult::Cause::local, "local",
     "This machine could not hand the message over (memory, disk, Maildir permissions)."},
};

}  // namespace

std::string_view advice_for(SendResult::Cause cause) {
  for (const CauseText& text : kCauses) {
    if (text.cause == cause) {
      return text.advice;
    }
  }
  return {};
}

std::string_view cause_name(SendResult::Cause cause) {
  for (const CauseText& text : kCauses) {
    if (text.cause == cause) {
      return text.name;
    }
  }
  return "none";
}

std::optional<SendResult::Cause> parse_cause(std::string_view name) {
  for (const CauseText& text : kCauses) {
    if (text.name == name) {
      return text.cause;
    }
  }
  return std::nullopt;
}

std::unique_ptr<Transport> make_rate_limited_transport(std::unique_ptr<Transport> inner,
                                                       plan::RateLimit limit, Pacing pacing) {
  if (limit.messages <= 0 || limit.per <= std::chrono::seconds::zero()) {
    return inner;
  }
  return std::make_unique<RateLimitedTransport>(std::move(inner), limit, std::move(pacing));
}

namespace {

std::unique_ptr<Transport> assemble_transport(const plan::Transport& settings, std::string& error,
                                              Pacing pacing, const SmtpTimeouts& timeouts,
                                              const std::string& relay_program) {
  error.clear();
  if (settings.kind == plan::Transport::Kind::maildir) {
    if (settings.maildir.empty()) {
      error = "transport.maildir: no folder given";
      return nullptr;
    }
    return make_maildir_transport(settings.maildir);
  }
  // The config loader has checked what needs no network (a username with a password, one
  // source of it, the password file's kind and mode, plaintext only to loopback).
  const plan::SmtpSettings& smtp = settings.smtp;
  bool has_password = !smtp.password_file.empty() || !smtp.credential.empty();
  std::string password;
  if (has_password) {
    auto read = read_password(smtp, error);
    if (!read) {
      return nullptr;
    }
    password = std::move(*read);
  }
  auto transport =
      relay_program.empty()
          ? make_smtp_transport(smtp, std::move(password), timeouts, error)
          : make_smtp_relay_transport(smtp, std::move(password), relay_program, error, timeouts);
  if (!transport) {
    return nullptr;
  }
  if (smtp.rate_limit) {
    transport =
        make_rate_limited_transport(std::move(transport), *smtp.rate_limit, std::move(pacing));
  }
  return transport;
}

}  // namespace

std::unique_ptr<Transport> make_transport(const plan::Transport& settings, std::string& error,
                                          Pacing pacing, const SmtpTimeouts& timeouts) {
  return assemble_transport(settings, error, std::move(pacing), timeouts, {});
}

std::unique_ptr<Transport> make_daemon_transport(const plan::Transport& settings,
                                                 std::string& error) {
  // The running binary, even after an upgrade has replaced the file: the relay speaks its
  // protocol.
  return assemble_transport(settings, error, {}, {}, "/proc/self/exe");
}

}  // namespace plan_reminder::mail
