// The one table of the kinds of email: for each kind its urgency among milestone notices, who
// is copied, whether it stands only until the due date, and the label emails use for it. A new
// kind of notice is a row here, a template set in templates/ (`<token>.subject|text|html`), and
// their tests; policy/, service/ and the templates read these facts instead of switching on
// the kind. The enum and its stored token are in store/email_kind.h (the log records kinds);
// this table sits in mail/, the lowest layer that needs its words, so that policy/ and service/
// above can read it too.
#pragma once

#include "store/email_kind.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace plan_reminder::mail {

using store::EmailKind;

// Who is copied on a milestone notice, besides its recipient's own copy list.
struct Copies {
  bool support = false;      // the supporting agencies of each action
  bool coordinator = false;  // the partnership's coordinator
  bool leads = false;        // the lead agencies of each action (when it goes to the chair)
};

struct KindFacts {
  EmailKind kind;
  // Milestone notices only: a higher rank is more urgent. A later notice of a higher rank
  // replaces a lower one (catch-up, stale messages), and an email about several milestones
  // takes the kind of its most urgent notice. None for emails not about milestones.
  std::optional<int> urgency;
  // Reminders and due-day notices say something only until the due date has passed.
  bool only_before_due = false;
  Copies copies;
  // How a milestone's line in an email names the notice ("Due date"); what it says about the
  // date is worded from the dates.
  std::string_view label;
  // A copy of the templates made before this kind existed lacks its files: they come from the
  // installed templates until the copy has its own.
  bool installed_fallback = false;
};

// In the enum's order (checked below and by tests/mail/notice_kinds_test.cpp).
inline constexpr std::array<KindFacts, 8> kKindTable = {{
    {EmailKind::reminder, 0, true, {.support = true}, "Reminder", false},
    {EmailKind::due, 1, true, {}, "Due date", false},
    {EmailKind::overdue, 2, false, {.coordinator = true}, "Overdue", false},
    {EmailKind::escalation, 3, false, {.coordinator = true, .leads = true}, "Escalated", false},
    {EmailKind::digest, std::nullopt, false, {}, "", false},
    {EmailKind::failure, std::nullopt, false, {}, "", false},
    {EmailKind::problem, std::nullopt, false, {}, "", false},
    {EmailKind::test, std::nullopt, false, {}, "", true},
}};

// facts(kind) indexes the table by the enum: a row out of place is a compile error.
static_assert(
    [] {
      for (std::size_t i = 0; i < kKindTable.size(); ++i) {
        if (static_cast<std::size_t>(kKindTable[i].kind) != i) {
          return false;
        }
      }
      return true;
    }(),
    "kKindTable must list the kinds in EmailKind's order");

constexpr const KindFacts& facts(EmailKind kind) {
  return kKindTable.at(static_cast<std::size_t>(kind));
}

// Whether the kind is a notice about milestones (it has an urgency).
constexpr bool is_milestone_notice(EmailKind kind) {
  return facts(kind).urgency.has_value();
}

// Whether `a` is a more urgent milestone notice than `b`.
constexpr bool more_urgent(EmailKind a, EmailKind b) {
  return facts(a).urgency.value_or(-1) > facts(b).urgency.value_or(-1);
}

}  // namespace plan_reminder::mail
