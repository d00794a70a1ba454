// How every engine writes values as text and reads them back: recipients one per line, kinds
// and states as their tokens, days as YYYY-MM-DD. A value no version wrote means the state was
// damaged or edited: std::runtime_error saying which.
#pragma once

#include "store/email_kind.h"
#include "store/update_kind.h"

#include <date/date.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::store {

// A message's text as the state keeps it (from schema version 6): from 64 KiB, packed with
// zstd at its fastest level, with a checksum; smaller, as it is (a partnership's emails are a
// few kilobytes, its digest tens, and libzstd is then never loaded). A national catch-up's email
// lists hundreds of milestones in text and HTML, about 0.8 MB, which packs 14 times smaller: a
// fourteenth of the writing and of the state's growth, for a fraction of a second's work in a whole
// catch-up. A text packed already is kept as it is (a message starts with a header, never with
// zstd's magic number), so a caller may pack it beforehand, off the writing thread. Throws
// std::runtime_error when libzstd cannot be loaded.
std::string packed_text(std::string_view text);
// The text `stored` holds: unpacked when packed_text made it, as it is when an older version
// stored it plain (a message starts with a header, never with zstd's magic number). Throws
// DamagedText when the packed text does not unpack whole, std::runtime_error when libzstd
// cannot be loaded.
std::string unpacked_text(std::string stored);
struct DamagedText : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws std::invalid_argument for a recipient holding a line break.
std::string join_recipients(const std::vector<std::string>& recipients);
std::vector<std::string> split_recipients(std::string_view joined);

// "" reads as no day.
std::optional<date::year_month_day> stored_day(const std::string& text);

template <typename Enum>
Enum stored_token(const std::string& token, std::optional<Enum> (*from_token)(std::string_view),
                  const char* what) {
  if (auto value = from_token(token)) {
    return *value;
  }
  throw std::runtime_error(std::string("unknown ") + what + " in the state database: \"" + token +
                           "\"");
}

inline EmailKind stored_kind(const std::string& token) {
  return stored_token<EmailKind>(token, email_kind_from_token, "kind of email");
}
inline DeliveryState stored_state(const std::string& token) {
  return stored_token<DeliveryState>(token, delivery_state_from_token, "delivery state");
}
inline UpdateKind stored_update_kind(const std::string& token) {
  return stored_token<UpdateKind>(token, update_kind_from_token, "kind of update");
}
inline UpdateState stored_update_state(const std::string& token) {
  return stored_token<UpdateState>(token, update_state_from_token, "update state");
}

}  // namespace plan_reminder::store
