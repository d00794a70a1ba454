// The coordinator's decision (see decisions.h).
#include "progress/decisions.h"

#include "base/iso_day.h"

namespace plan_reminder::progress {
namespace {

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

Decision decide(store::StateStore& state, const plan::Snapshot& snapshot, std::int64_t id,
                store::UpdateState decision, store::Instant now, std::string_view note) {
  Decision out;
  auto update = state.update(id);
  if (!update) {
    out.outcome = Decision::Outcome::no_update;
    return out;
  }
  out.update = *update;
  if (update->state != store::UpdateState::waiting) {
    out.outcome = Decision::Outcome::already_decided;
  } else if (decision == store::UpdateState::rejected && blank(note)) {
    out.outcome = Decision::Outcome::no_reason;
  } else if (decision == store::UpdateState::accepted &&
             find_milestone(snapshot, *update) == nullptr) {
    out.outcome = Decision::Outcome::no_milestone;
  } else if (!state.decide_update(id, decision, now, std::string(note))) {
    // Decided by someone else between reading and writing.
    out.outcome = Decision::Outcome::already_decided;
    if (auto now_stored = state.update(id)) {
      out.update = *now_stored;
    }
  }
  return out;
}

std::string explain(const Decision& decision, std::int64_t id) {
  const std::string update = "update " + std::to_string(id);
  switch (decision.outcome) {
    case Decision::Outcome::decided:
      return "";
    case Decision::Outcome::no_update:
      return "there is no " + update;
    case Decision::Outcome::already_decided:
      return update + " is already " + std::string(store::token(decision.update.state)) +
             "; nothing changed";
    case Decision::Outcome::no_milestone:
      return "the plans no longer have " + about(decision.update) + "; reject " + update +
             " with a note instead";
    case Decision::Outcome::no_reason:
      return "a rejection must say why (the agency is told); nothing changed";
  }
  return "";
}

const plan::Milestone* find_milestone(const plan::Snapshot& snapshot,
                                      const store::UpdateRecord& update) {
  for (const auto& plan : snapshot.plans) {
    if (plan->review.id == update.review) {
      return plan::find_milestone(*plan, update.action, update.milestone);
    }
  }
  return nullptr;
}

std::string about(const store::UpdateRecord& update) {
  return update.review + " " + update.action + " " + update.milestone;
}

std::string request(const store::UpdateRecord& update) {
  switch (update.kind) {
    case store::UpdateKind::completed:
      return "completed on " + base::iso_day(update.done_on);
    case store::UpdateKind::progress:
      return "progress";
    case store::UpdateKind::new_target:
      return "new target \"" + update.target + "\"";
    case store::UpdateKind::not_implemented:
      return "will not be implemented";
  }
  return "";
}

}  // namespace plan_reminder::progress
