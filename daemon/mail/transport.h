// Delivery of composed messages: to a Maildir folder, or to an SMTP server through libcurl
// (STARTTLS required unless smtps:// or allowed plaintext on loopback; certificates verified;
// AUTH with a password read from a file or $CREDENTIALS_DIRECTORY; one connection reused for
// a batch; optional rate limit). Only mail/ knows libcurl.
#pragma once

#include "plan/config.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::mail {

// A recipient the server refused while it accepted others.
struct RefusedRecipient {
  std::string address;
  std::string reply;  // the server's words: "550 5.1.1 <x@example.org>: Recipient unknown"
};

struct SendResult {
  enum class Status {
    delivered,  // to at least one recipient (see `refused` for the others)
    transient,  // connection refused, timeout, 4xx: try again later
    permanent,  // 5xx: never try again
  };
  // What went wrong, for advice that fits (SPEC §5): never libcurl's labels.
  enum class Cause {
    none,
    unreachable,         // no connection, name not found, dropped, no STARTTLS
    timeout,             // the server stopped answering
    certificate,         // its certificate is not trusted
    credentials,         // AUTH refused, or the server wants AUTH (530)
    sender_refused,      // MAIL FROM refused: a settings problem, the same for every message
    recipients_refused,  // every RCPT TO refused
    message_refused,     // the server refused the content (after DATA)
    server_busy,         // 421, 4xx outside a recipient: the server, not this message
    local,               // this side: out of memory, a Maildir that cannot be written, ...
  };
  Status status = Status::delivered;
  Cause cause = Cause::none;
  // "the server refused the sender address: 550 5.7.1 relaying denied"; never a credential.
  std::string detail;
  // Settings or server problem (no connection, TLS, AUTH, MAIL FROM, 421): the rest of the
  // batch would fail the same way, so stop it and keep the messages queued.
  bool stop_batch = false;
  // Delivered to the others; each refused one with the server's reply. status is delivered
  // when at least one recipient accepted; permanent with cause recipients_refused when all
  // refused.
  std::vector<RefusedRecipient> refused;

  bool delivered() const { return status == Status::delivered; }
};

// One sentence of advice for a cause ("Check the agency's address in agencies.yaml", ...);
// empty for Cause::none.
std::string_view advice_for(SendResult::Cause cause);

// A short name for a cause ("sender_refused"), for the relay's protocol and logs; and back.
std::string_view cause_name(SendResult::Cause cause);
std::optional<SendResult::Cause> parse_cause(std::string_view name);

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers one message. Keeps the connection open so that the next call reuses it.
  virtual SendResult send(std::string_view envelope_from,
                          const std::vector<std::string>& recipients,
                          std::string_view raw_message) = 0;
  // Ends a batch: closes any open connection.
  virtual void close() {}
  // From another thread (the daemon's stop): lets a send in progress go on for at most
  // `grace`, then gives it up (transient, stop_batch, the message stays queued: at worst it is
  // sent again later with the same Message-ID); sends after it fail at once. Thread-safe.
  virtual void interrupt(std::chrono::steady_clock::duration /*grace*/) {}
  // "maildir /var/lib/plan-reminder/Maildir" or "smtp smtp://mail.example.org:587".
  virtual std::string describe() const = 0;
};

// Waits between messages to honour a rate limit; injectable so tests do not sleep.
struct Pacing {
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  std::function<void(std::chrono::steady_clock::duration)> wait;  // empty: sleep_for
};

// How long SMTP delivery waits. The reply to the end of a message gets the 10 minutes RFC 5321
// §4.5.3.2.6 asks for: giving up sooner on a server that did accept it makes a duplicate at
// every retry. Injectable so that tests use seconds.
struct SmtpTimeouts {
  std::chrono::milliseconds connect = std::chrono::seconds(30);  // TCP, TLS and the greeting
  // No reply to a command, or no progress sending the message, for this long: the server
  // stalled.
  std::chrono::milliseconds stall = std::chrono::seconds(60);
  std::chrono::milliseconds final_reply = std::chrono::minutes(10);  // after the end of DATA
};

// The configured transport. Reads the SMTP password (password_file, or `credential` under
// $CREDENTIALS_DIRECTORY); on failure returns null and sets `error` (which never contains the
// password).
std::unique_ptr<Transport> make_transport(const plan::Transport& settings, std::string& error,
                                          Pacing pacing = {}, const SmtpTimeouts& timeouts = {});

// As make_transport, for the long-running daemon: SMTP delivery runs in a child process for
// each batch (mail/smtp_relay.h), so that the daemon never loads libcurl; the rate limit is
// kept here, across batches.
std::unique_ptr<Transport> make_daemon_transport(const plan::Transport& settings,
                                                 std::string& error);

}  // namespace plan_reminder::mail
