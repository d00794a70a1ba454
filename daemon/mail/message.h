// An email as the service composes it, and its RFC 5322 / RFC 2045 form: CRLF line ends,
// RFC 2047 encoded headers where not ASCII, multipart/alternative text + HTML in UTF-8
// quoted-printable, a Message-ID derived from the notice keys, References for threading and
// Auto-Submitted. No CR or LF from any field ever reaches a header.
#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::mail {

struct Address {
  std::string name;     // display name, UTF-8, may be empty
  std::string address;  // addr-spec, ASCII
};

struct Message {
  Address from;
  std::vector<Address> to;
  std::vector<Address> cc;
  std::optional<Address> reply_to;
  std::string subject;                  // UTF-8
  std::string message_id;               // with angle brackets: "<...@...>"
  std::vector<std::string> references;  // Message-IDs with angle brackets, oldest first
  date::sys_seconds date;               // the Date header's instant
  std::chrono::minutes utc_offset{0};   // the local offset the Date header is written in
  std::string text;                     // UTF-8, '\n' line ends
  std::string html;                     // UTF-8, '\n' line ends
  // The protective marking (plan::Config::classification), sent as the header kMarkingHeader
  // (mail/marking.h); empty: none. apply_marking() also marks the subject and both bodies.
  std::string classification;
};

// The message as bytes to send: headers and body with CRLF line ends, lines at most 78
// characters in headers (folded) and 76 in quoted-printable bodies.
std::string compose(const Message& message);

// Every address the message goes to: To then Cc, without duplicates.
std::vector<std::string> envelope_recipients(const Message& message);

// A stable Message-ID from the keys of the notices the message carries: the same keys give
// the same ID, so a retry after a crash reuses it. `domain` is the sender's domain.
std::string message_id_for(const std::vector<std::string>& keys, std::string_view domain);

// The ID that threads every mail about one action: the References header of each notice
// about it names this ID.
std::string thread_id_for(std::string_view review_id, std::string_view action_id,
                          std::string_view domain);

}  // namespace plan_reminder::mail
