// The agency's update page (SPEC §9) as data: the milestones one update link opens, what the
// agency may report for each, and the server-side checks of a submission, with a message for
// each field that is wrong. Pure: the day, the plans and the form's fields come in as arguments.
#pragma once

#include "plan/snapshot.h"
#include "store/state_store.h"

#include <date/date.h>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::progress {

// The longest note or reason, and the longest target wording, a form may send.
inline constexpr std::size_t kMaxNoteCharacters = 2000;
inline constexpr std::size_t kMaxTargetCharacters = 100;

// One milestone an update link opens, as the plans have it now.
struct LinkedMilestone {
  const plan::Plan* plan = nullptr;
  const plan::Recommendation* recommendation = nullptr;
  const plan::Action* action = nullptr;
  const plan::Milestone* milestone = nullptr;
};

// The milestones of an email's notices whose action `agency` leads, in the email's order, each
// once. A notice whose milestone the plans no longer have is left out; so is any milestone the
// agency does not lead (an escalation to the chair lists every lead's), so that a link never
// shows or takes an update about another agency's milestone.
std::vector<LinkedMilestone> linked_milestones(const plan::Snapshot& snapshot,
                                               const std::vector<store::NoticeRecord>& notices,
                                               std::string_view agency);

// What the form sent for the milestone at `index` (from 0, in page order), as typed: the fields
// "kind-N", "done-N", "target-N" and "note-N", N = index + 1.
struct MilestoneEntry {
  std::string kind;  // "", or an update kind's token
  std::string done_on;
  std::string target;
  std::string note;
};

// A field of the form that is wrong, and what to do about it (GOV.UK's error message style).
struct FieldProblem {
  static constexpr std::size_t kWholeForm = static_cast<std::size_t>(-1);
  std::size_t index = kWholeForm;  // the milestone, or kWholeForm
  std::string field;               // "kind", "done", "target" or "note"; "" for the whole form
  std::string message;
};

struct Submission {
  std::vector<MilestoneEntry> entries;       // one per linked milestone, as sent
  std::vector<FieldProblem> problems;        // in page order; none when the updates may be stored
  std::vector<store::UpdateRecord> updates;  // set only when there are no problems
};

// What the checks need to know besides the form.
struct SubmissionContext {
  std::string agency;
  date::year_month_day today;  // in the partnership's time zone
  date::sys_seconds now;
  plan::QuarterStyle quarters = plan::QuarterStyle::calendar;
  std::string token_id;  // the link the form came through (web::token_id)
};

// Reads the entries of `form` for `milestones` and checks them: a completion date given, real,
// not in the future and not before the review was published; a progress note given; a new
// target given, in the target-date language, and after today; a reason for a new target and
// for "will not be implemented"; at least one milestone reported on; notes and targets of a
// bounded size, without control characters. Fields of milestones that are not reported on are
// ignored.
Submission read_submission(const std::map<std::string, std::string>& form,
                           const std::vector<LinkedMilestone>& milestones,
                           const SubmissionContext& context);

// The form field of milestone `index`: "kind-3" for ("kind", 2).
std::string field_name(std::string_view field, std::size_t index);

}  // namespace plan_reminder::progress
