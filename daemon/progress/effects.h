// What the coordinator's accepted updates (SPEC §9) make of the plans, without touching the
// files: a completion stops every notice from its day; a new target becomes the milestone's
// revised target (its schedule restarts, because notice keys carry the due date); a progress
// note is shown, dated; "will not be implemented" closes the milestone with its reason; and any
// accepted update quiets the milestone's overdue repeats for 28 days (SPEC §4). Pure: the
// updates come from the state, the plans from the files, the day of a decision from the zone.
#pragma once

#include "calendar/time_zone.h"
#include "plan/snapshot.h"
#include "store/state_store.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plan_reminder::progress {

// How long an accepted update quiets a milestone's overdue repeats.
inline constexpr int quiet_days = 28;

// Where an accepted update stands against the plan file its milestone is in.
struct UpdateStanding {
  enum class Kind {
    not_in_file,       // in effect, but the file does not say it yet
    in_file,           // the file already says the same
    file_disagrees,    // the file says otherwise: the file wins
    replaced,          // a later accepted update of the same kind for the milestone replaced it
    no_milestone,      // the plans no longer have its milestone
    target_unreadable  // its new target wording no longer resolves (a changed quarter style)
  };
  Kind kind = Kind::not_in_file;
  std::int64_t id = 0;
  std::string file;    // the plan file, when its review is still loaded
  std::string about;   // "dhr-david 1.1 scoping"
  std::string detail;  // what the file says instead, or why the wording fails
};

struct AppliedUpdates {
  // The plans with the updates in effect: plans without accepted updates are shared with the
  // input (a national pass copies only the plans the updates touch).
  std::shared_ptr<const plan::Snapshot> snapshot;
  std::vector<UpdateStanding> standings;  // one per accepted update, in the order decided
};

// Applies `accepted` (accepted updates, applied in the order decided; others are ignored) to
// `snapshot`; the day of a decision is taken in the snapshot's time zone. An update the file
// already says (`done:`, `revised_target:`, a `progress:` containing the note, `status:
// not_implemented`) is in_file; where the file says otherwise (done on another day, done
// against "will not be implemented" and the reverse), the file wins.
AppliedUpdates apply_accepted(const std::shared_ptr<const plan::Snapshot>& snapshot,
                              const std::vector<store::UpdateRecord>& accepted);

// "accepted update 7 (dhr-david 1.1 scoping) is not in plans/david.yaml yet", for `check`,
// `agenda` and the log; "" for an update the file already says.
std::string describe(const UpdateStanding& standing);

}  // namespace plan_reminder::progress
