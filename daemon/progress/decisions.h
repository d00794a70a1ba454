// The coordinator's decision on an agency's update (SPEC §9), the same from the command line
// (`updates accept|reject`) and from the coordinator's page: a waiting update is accepted or
// rejected once, a rejection says why, and only an update about a milestone still in the plans
// can be accepted. The decision and its note go into the state, where `history` finds them.
#pragma once

#include "plan/snapshot.h"
#include "store/state_store.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace plan_reminder::progress {

struct Decision {
  enum class Outcome {
    decided,
    no_update,        // there is no update with that id
    already_decided,  // accepted, rejected or superseded before
    no_milestone,     // to accept: the plans no longer have its milestone
    no_reason,        // to reject: the note is blank
  };
  Outcome outcome = Outcome::decided;
  store::UpdateRecord update;  // as it was before the decision (when there is one)
};

// Accepts or rejects (`decision`) the waiting update `id` at `now` with `note`.
Decision decide(store::StateStore& state, const plan::Snapshot& snapshot, std::int64_t id,
                store::UpdateState decision, store::Instant now, std::string_view note);

// What the outcome means, in a sentence that names the update: "update 7 is already accepted;
// nothing changed". Empty for `decided`.
std::string explain(const Decision& decision, std::int64_t id);

// The milestone `update` is about, as `snapshot` has it; null when the plans no longer have it.
const plan::Milestone* find_milestone(const plan::Snapshot& snapshot,
                                      const store::UpdateRecord& update);

// "dhr-david 1.1 scoping": the review, action and milestone an update is about.
std::string about(const store::UpdateRecord& update);

// "completed on 2026-11-20", "progress", "new target \"June 2027\"", "will not be implemented".
std::string request(const store::UpdateRecord& update);

}  // namespace plan_reminder::progress
