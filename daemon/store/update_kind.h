// The vocabulary of agencies' updates (SPEC §9): what an agency reports about a milestone and
// where its update stands, as enums with the stable tokens the state stores (the pattern of
// store/email_kind.h). The tokens never change once written.
#pragma once

#include "store/email_kind.h"

#include <array>
#include <optional>
#include <string_view>

namespace plan_reminder::store {

// The four outcomes national reviews of action plans count.
enum class UpdateKind {
  completed,        // done on a day, with a note
  progress,         // a progress note
  new_target,       // a new target date asked for, with a reason
  not_implemented,  // will not be implemented, with a reason
};

// waiting until the coordinator decides; superseded when the same agency sent a newer update
// for the same milestone before the decision.
enum class UpdateState { waiting, accepted, rejected, superseded };

namespace detail {
constexpr std::array<std::string_view, 4> kUpdateKindTokens = {"completed", "progress",
                                                               "new_target", "not_implemented"};
constexpr std::array<std::string_view, 4> kUpdateStateTokens = {"waiting", "accepted", "rejected",
                                                                "superseded"};
}  // namespace detail

constexpr std::string_view token(UpdateKind kind) {
  return detail::kUpdateKindTokens.at(static_cast<std::size_t>(kind));
}

constexpr std::string_view token(UpdateState state) {
  return detail::kUpdateStateTokens.at(static_cast<std::size_t>(state));
}

// The kind or state a stored token names; none for a token no version ever wrote.
constexpr std::optional<UpdateKind> update_kind_from_token(std::string_view token) {
  return detail::from_token<UpdateKind>(detail::kUpdateKindTokens, token);
}

constexpr std::optional<UpdateState> update_state_from_token(std::string_view token) {
  return detail::from_token<UpdateState>(detail::kUpdateStateTokens, token);
}

}  // namespace plan_reminder::store
