// Accepted updates applied to copies of the plans they touch (see effects.h).
#include "progress/effects.h"

#include "base/iso_day.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>

namespace plan_reminder::progress {
namespace {

using Kind = UpdateStanding::Kind;
using store::UpdateKind;
using store::UpdateRecord;

std::string about(const UpdateRecord& update) {
  return update.review + " " + update.action + " " + update.milestone;
}

// The plans of a snapshot, copied on first write.
class PlanCopies {
 public:
  explicit PlanCopies(const plan::Snapshot& snapshot) : snapshot_(snapshot) {
    for (std::size_t i = 0; i < snapshot.plans.size(); ++i) {
      by_review_.emplace(snapshot.plans[i]->review.id, i);
    }
  }

  // The plan of `review`, as loaded; null when no plan has that review.
  const plan::Plan* find(const std::string& review) const {
    auto found = by_review_.find(review);
    return found == by_review_.end() ? nullptr : snapshot_.plans[found->second].get();
  }

  // The milestone in the plan's copy, made now if this is the plan's first change.
  plan::Milestone* milestone(const UpdateRecord& update) {
    auto found = by_review_.find(update.review);
    if (found == by_review_.end()) {
      return nullptr;
    }
    auto& copy = copies_[found->second];
    if (!copy) {
      copy = std::make_shared<plan::Plan>(*snapshot_.plans[found->second]);
    }
    // The copy is this class's own: its milestones may change.
    return const_cast<plan::Milestone*>(
        plan::find_milestone(*copy, update.action, update.milestone));
  }

  std::shared_ptr<const plan::Snapshot> result(const std::shared_ptr<const plan::Snapshot>& in) {
    if (copies_.empty()) {
      return in;
    }
    auto out = std::make_shared<plan::Snapshot>(*in);
    for (auto& [index, copy] : copies_) {
      out->plans[index] = std::move(copy);
    }
    return out;
  }

 private:
  const plan::Snapshot& snapshot_;
  std::unordered_map<std::string, std::size_t> by_review_;
  std::map<std::size_t, std::shared_ptr<plan::Plan>> copies_;
};

// The action `action_id` of `plan`, or null.
const plan::Action* find_action(const plan::Plan& plan, std::string_view action_id) {
  for (const auto& recommendation : plan.recommendations) {
    for (const auto& action : recommendation.actions) {
      if (action.id == action_id) {
        return &action;
      }
    }
  }
  return nullptr;
}

// Whether the file already says the progress note of `update`: the milestone's `progress:`, or
// its action's (the one an action with a single `target` has), contains the note.
bool file_says_progress(const plan::Plan& plan, const UpdateRecord& update) {
  const plan::Milestone* file = plan::find_milestone(plan, update.action, update.milestone);
  const plan::Action* action = find_action(plan, update.action);
  if (file == nullptr || action == nullptr) {
    return false;
  }
  return file->progress.find(update.note) != std::string::npos ||
         action->progress.find(update.note) != std::string::npos;
}

// Applies one update to `milestone` and says how it stands against `file` (the milestone as
// the file gives it; `progress_in_file`: the file says this progress note). The file wins.
Kind apply(const UpdateRecord& update, const plan::Milestone& file, bool progress_in_file,
           plan::Milestone& milestone, plan::QuarterStyle quarters, const calendar::TimeZone& zone,
           std::string& detail) {
  switch (update.kind) {
    case UpdateKind::completed:
      if (file.done) {
        if (*file.done == update.done_on) {
          return Kind::in_file;
        }
        detail = "the file says done " + base::iso_day(*file.done);
        return Kind::file_disagrees;
      }
      if (file.not_implemented) {
        detail = "the file says it will not be implemented";
        return Kind::file_disagrees;
      }
      milestone.done = update.done_on;
      return Kind::not_in_file;
    case UpdateKind::new_target: {
      auto meaning = plan::read_target(update.target, quarters);
      if (!meaning) {
        detail = meaning.error().message;
        return Kind::target_unreadable;
      }
      milestone.revised_target = plan::Target{update.target, *meaning};
      return file.revised_target && file.revised_target->wording == update.target
                 ? Kind::in_file
                 : Kind::not_in_file;
    }
    case UpdateKind::progress:
      // The file shows the note itself (dated, as written back): not twice.
      if (progress_in_file) {
        return Kind::in_file;
      }
      milestone.progress_notes.insert(
          milestone.progress_notes.begin(),
          plan::ProgressNote{date::year_month_day{zone.day_of(update.submitted)}, update.note});
      return Kind::not_in_file;
    case UpdateKind::not_implemented:
      if (file.not_implemented) {
        return Kind::in_file;
      }
      if (file.done) {
        detail = "the file says done " + base::iso_day(*file.done);
        return Kind::file_disagrees;
      }
      milestone.not_implemented = update.note;
      return Kind::not_in_file;
  }
  return Kind::not_in_file;
}

}  // namespace

AppliedUpdates apply_accepted(const std::shared_ptr<const plan::Snapshot>& snapshot,
                              const std::vector<UpdateRecord>& accepted) {
  AppliedUpdates out;
  if (accepted.empty()) {
    out.snapshot = snapshot;
    return out;
  }
  // The zone was checked when the config was loaded.
  const calendar::TimeZone zone = calendar::TimeZone::named(snapshot->config.timezone);
  PlanCopies copies(*snapshot);
  // In the order they were decided: a later accepted update of the same kind replaces an
  // earlier one. Progress notes add up, until the file says one: the file keeps the latest
  // note, so the notes before it are replaced.
  std::vector<std::size_t> order(accepted.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(accepted[a].decided, accepted[a].id) <
           std::tie(accepted[b].decided, accepted[b].id);
  });
  std::set<std::tuple<std::string, std::string, std::string, UpdateKind>> later;
  std::vector<bool> replaced(accepted.size(), false);
  std::vector<bool> progress_in_file(accepted.size(), false);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const UpdateRecord& update = accepted[*it];
    if (update.state != store::UpdateState::accepted) {
      continue;
    }
    const std::size_t i = *it;
    if (update.kind != UpdateKind::progress) {
      replaced[i] =
          !later.emplace(update.review, update.action, update.milestone, update.kind).second;
    } else if (later.contains({update.review, update.action, update.milestone, update.kind})) {
      replaced[i] = true;
    } else if (const plan::Plan* plan = copies.find(update.review);
               plan != nullptr && file_says_progress(*plan, update)) {
      progress_in_file[i] = true;
      later.emplace(update.review, update.action, update.milestone, update.kind);
    }
  }
  const plan::QuarterStyle quarters = snapshot->config.quarters;
  for (std::size_t i : order) {
    const UpdateRecord& update = accepted[i];
    if (update.state != store::UpdateState::accepted) {
      continue;
    }
    UpdateStanding standing;
    standing.id = update.id;
    standing.about = about(update);
    const plan::Plan* plan = copies.find(update.review);
    // The milestone as the file gave it, for comparing with the update (the copy may already
    // carry earlier updates).
    const plan::Milestone* file =
        plan != nullptr ? plan::find_milestone(*plan, update.action, update.milestone) : nullptr;
    if (plan != nullptr) {
      standing.file = plan->file;
    }
    if (file == nullptr) {
      standing.kind = Kind::no_milestone;
    } else if (replaced[i]) {
      standing.kind = Kind::replaced;
    } else {
      plan::Milestone& milestone = *copies.milestone(update);
      standing.kind =
          apply(update, *file, progress_in_file[i], milestone, quarters, zone, standing.detail);
      if (update.decided) {
        const date::year_month_day quiet{zone.day_of(*update.decided) + date::days(quiet_days)};
        milestone.quiet_until = std::max(milestone.quiet_until.value_or(quiet), quiet);
      }
    }
    out.standings.push_back(std::move(standing));
  }
  out.snapshot = copies.result(snapshot);
  return out;
}

std::string describe(const UpdateStanding& standing) {
  const std::string update =
      "accepted update " + std::to_string(standing.id) + " (" + standing.about + ")";
  switch (standing.kind) {
    case Kind::not_in_file:
      return update + " is in effect but not in " + standing.file +
             " yet: record it in the milestone there";
    case Kind::in_file:
    case Kind::replaced:
      return "";
    case Kind::file_disagrees:
      return update + " disagrees with " + standing.file + ", which wins: " + standing.detail;
    case Kind::no_milestone:
      return update + " has no milestone to apply to: the plans no longer have it";
    case Kind::target_unreadable:
      return update + " is not applied: " + standing.detail;
  }
  return "";
}

}  // namespace plan_reminder::progress
