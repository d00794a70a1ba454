// Delivery of composed messages: to a Maildir folder, or to an SMTP server through libcurl
// (STARTTLS required unless smtps:// or allowed plaintext on loopback; certificates verified;
// AUTH with a password read from a file or $CREDENTIALS_DIRECTORY; one connection reused for
// a batch; optional rate limit). Only mail/ knows libcurl.
#pragma once

#include "plan/model.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::mail {

struct SendResult {
  enum class Status {
    delivered,
    transient,  // connection refused, timeout, 4xx: try again later
    permanent,  // 5xx: never try again
  };
  Status status = Status::delivered;
  std::string detail;  // the server's reply or the error, never a credential
  // The failure is the server's or the configuration's, not this message's (no connection,
  // TLS, STARTTLS, AUTH, 421): the rest of a batch would fail the same way, so stop it.
  bool stop_batch = false;

  bool delivered() const { return status == Status::delivered; }
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers one message. Keeps the connection open so that the next call reuses it.
  virtual SendResult send(std::string_view envelope_from,
                          const std::vector<std::string>& recipients,
                          std::string_view raw_message) = 0;
  // Ends a batch: closes any open connection.
  virtual void close() {}
  // "maildir /var/lib/plan-reminder/Maildir" or "smtp smtp://mail.example.org:587".
  virtual std::string describe() const = 0;
};

// Waits between messages to honour a rate limit; injectable so tests do not sleep.
struct Pacing {
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  std::function<void(std::chrono::steady_clock::duration)> wait;  // empty: sleep_for
};

// The configured transport. Reads the SMTP password (password_file, or `credential` under
// $CREDENTIALS_DIRECTORY); on failure returns null and sets `error` (which never contains the
// password).
std::unique_ptr<Transport> make_transport(const plan::Transport& settings, std::string& error,
                                          Pacing pacing = {});

// As make_transport, for the long-running daemon: SMTP delivery runs in a child process for
// each batch (mail/smtp_relay.h), so that the daemon never loads libcurl; the rate limit is
// kept here, across batches.
std::unique_ptr<Transport> make_daemon_transport(const plan::Transport& settings,
                                                 std::string& error);

}  // namespace plan_reminder::mail
