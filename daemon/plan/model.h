// The plan as the coordinator wrote it, after validation: reviews, recommendations, actions,
// milestones and the agency directory. Immutable once loaded. The daemon's own settings are in
// plan/config.h.
#pragma once

#include "plan/review_types.h"
#include "plan/target_date.h"

#include <date/date.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {

// A reference to an agency from a plan, with where it was written, so that a directory edit
// can be checked against plans that were not re-read.
struct AgencyRef {
  std::string id;
  int line = 0;
  int column = 0;
};

// A target as written and what it means.
struct Target {
  std::string wording;
  TargetMeaning meaning = Undated{};
};

// Where a milestone's schedule stands, given the review's publication date.
struct DueDate {
  enum class Kind { dated, pending, undated, ongoing };
  Kind kind = Kind::undated;
  std::optional<date::year_month_day> day;  // set when dated
};

// A progress note from the milestone's lead agency that the coordinator accepted (SPEC §9).
struct ProgressNote {
  date::year_month_day on;  // the day the agency sent it
  std::string text;
};

struct Milestone {
  std::string id;  // as given, or the 1-based position
  std::string text;
  Target target;
  std::optional<Target> revised_target;  // replaces target for scheduling
  std::optional<date::year_month_day> done;
  // The milestone's own `progress:` in the file (the single-target form has only the action's).
  std::string progress;
  // What accepted updates (SPEC §9) add to the milestone the file describes
  // (progress/effects.h); the plan loader leaves the notes empty.
  std::vector<ProgressNote> progress_notes;  // newest first
  // Why not: closed, no notices. From the file's `status: not_implemented` and `reason:`, or
  // from an accepted update.
  std::optional<std::string> not_implemented;
  // Overdue repeats are quiet through this day: an update was accepted (SPEC §4).
  std::optional<date::year_month_day> quiet_until;

  const Target& scheduling_target() const { return revised_target ? *revised_target : target; }
  // "March 2020", or "March 2020 (revised: June 2020)".
  std::string target_display() const;
};

enum class ActionStatus { open, complete, on_hold };
enum class Scope { local, regional, national };

struct Action {
  std::string id;
  std::string text;
  std::vector<AgencyRef> lead;
  std::vector<AgencyRef> support;
  std::string outcome;
  std::string progress;
  ActionStatus status = ActionStatus::open;
  std::vector<Milestone> milestones;

  // Complete when its status says so or every milestone is done.
  bool is_complete() const;
};

struct Recommendation {
  std::string id;
  Scope scope = Scope::local;
  std::string text;
  std::vector<Action> actions;
};

struct Review {
  std::string id;
  int id_line = 0;
  int id_column = 0;
  std::string title;
  std::string partnership;
  std::optional<date::year_month_day> published;
  ReviewType type = ReviewType::dhr;  // `review.type`; how it is named: review_display_name()
};

struct Plan {
  std::string file;
  Review review;
  std::vector<Recommendation> recommendations;
};

DueDate due_date(const Milestone& milestone, const Review& review);

// The milestone `milestone_id` of action `action_id` in `plan`, or null.
const Milestone* find_milestone(const Plan& plan, std::string_view action_id,
                                std::string_view milestone_id);

std::string_view to_string(ActionStatus status);
std::string_view to_string(Scope scope);

// --- The agency directory (config/agencies.yaml) ---

// A role mailbox: who receives mail for a role, never a named person.
struct Mailbox {
  std::string name;
  std::vector<std::string> to;
  std::vector<std::string> cc;
};

struct Agency {
  std::string id;
  Mailbox mailbox;
  // Other names plans and imported tables use for it ("WWiN"); optional.
  std::vector<std::string> aliases{};
};

// The id the partnership's own web links use (the board page and the feed of every agency's
// milestones), so no agency may have it.
inline constexpr std::string_view kBoardLinkId = "board";

struct Directory {
  std::string file;
  std::string partnership;
  Mailbox chair;
  Mailbox coordinator;
  Mailbox digest;
  bool digest_is_list = false;  // one shared address: recipients may see each other
  std::map<std::string, Agency, std::less<>> agencies;

  const Agency* find(std::string_view id) const;
};

}  // namespace plan_reminder::plan
