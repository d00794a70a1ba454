// Writing accepted updates (SPEC §9) back into a plan file, as text edits that keep the rest:
// only the lines of the milestones written to change; comments, key order, quoting and layout
// elsewhere stay byte for byte. Pure: bytes in, bytes out; reading and replacing the file is the
// command's (cli/updates_command.cpp).
#pragma once

#include "base/result.h"
#include "calendar/time_zone.h"
#include "plan/target_date.h"
#include "progress/effects.h"
#include "store/state_store.h"

#include <date/date.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::progress {

// What one milestone of a plan file is to say after the write-back. Unset fields are left as
// the file has them.
struct MilestoneEdit {
  std::string action;     // the action's id
  std::string milestone;  // the milestone's id ("1" for an action with a single `target`)
  std::vector<std::int64_t> updates;  // the accepted updates written, in the order decided
  std::optional<date::year_month_day> done;
  std::optional<std::string> revised_target;   // the wording
  std::optional<std::string> progress;         // "1 December 2026: Pathway agreed"
  std::optional<std::string> not_implemented;  // the reason
};

// The edits that make `file` say every accepted update that stands not_in_file against it,
// one per milestone, in the order of `standings` (apply_accepted's: as decided, so a later
// update of a kind wins). A progress note is written dated, the day the agency sent it in
// `zone`, as the emails show it.
std::vector<MilestoneEdit> edits_for(const std::string& file,
                                     const std::vector<UpdateStanding>& standings,
                                     const std::vector<store::UpdateRecord>& accepted,
                                     const calendar::TimeZone& zone);

// `text`, the plan file `file` (its name for messages), with `edits` written into the
// milestones' mappings: a key the mapping has gets its value replaced (a plain, quoted or block
// value, whole); a key it lacks is added on a new line after its last entry, at its
// indentation, with the file's line ends. Values are written double-quoted with escapes, so no
// text can add a key. The result is parsed and loaded again and must say what the edits say.
// A milestone that cannot be edited safely (a flow mapping `{...}`, one shared through an
// anchor or alias, a value that is not text) is an error that names it at its line, and
// nothing is written.
base::Result<std::string> write_back(std::string_view text, const std::string& file,
                                     const std::vector<MilestoneEdit>& edits,
                                     plan::QuarterStyle quarters);

// `text` as a YAML double-quoted scalar: `"`, `\`, line breaks and control characters escaped.
std::string double_quoted(std::string_view text);

// The unified diff (`--- a/PATH`, `+++ b/PATH`, `@@ -l,n +l,n @@` hunks with `context` lines
// around each change) from `before` to `after`; "" when they are the same.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& path,
                         int context = 3);

}  // namespace plan_reminder::progress
