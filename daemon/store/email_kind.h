// The vocabulary every layer shares about an email: its kind and what became of it, as enums
// with the stable tokens the notification log stores. It lives here, in the lowest layer that
// must name a kind (the log records one per notice and per message), so that store/ can carry
// the enums while mail/, policy/, service/ and cli/ above it use the same ones. What each kind
// means (its templates, urgency, who is copied, its words) is one table above, in
// mail/notice_kinds.h; this header holds only the names, which never change once written to a
// log.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace plan_reminder::store {

enum class EmailKind { reminder, due, overdue, escalation, digest, failure, problem, test };

// What became of a notice or a message: messages are only ever queued, sent or failed.
enum class DeliveryState { queued, sent, failed, dropped };

namespace detail {
// Indexed by the enums' values: the tokens stored in the log (and the template file stems).
constexpr std::array<std::string_view, 8> kKindTokens = {
    "reminder", "due", "overdue", "escalation", "digest", "failure", "problem", "test"};
constexpr std::array<std::string_view, 4> kStateTokens = {"queued", "sent", "failed", "dropped"};

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> from_token(const std::array<std::string_view, N>& tokens,
                                         std::string_view token) {
  for (std::size_t i = 0; i < N; ++i) {
    if (tokens[i] == token) {
      return static_cast<Enum>(i);
    }
  }
  return std::nullopt;
}
}  // namespace detail

// "reminder", "due", ...: as stored in the log, and the stem of the kind's template files.
constexpr std::string_view token(EmailKind kind) {
  return detail::kKindTokens.at(static_cast<std::size_t>(kind));
}

// "queued", "sent", "failed", "dropped": as stored in the log.
constexpr std::string_view token(DeliveryState state) {
  return detail::kStateTokens.at(static_cast<std::size_t>(state));
}

// The kind or state a stored token names; none for a token no version ever wrote.
constexpr std::optional<EmailKind> email_kind_from_token(std::string_view token) {
  return detail::from_token<EmailKind>(detail::kKindTokens, token);
}

constexpr std::optional<DeliveryState> delivery_state_from_token(std::string_view token) {
  return detail::from_token<DeliveryState>(detail::kStateTokens, token);
}

}  // namespace plan_reminder::store
