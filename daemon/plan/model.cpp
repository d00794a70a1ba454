#include "plan/model.h"

#include <algorithm>

namespace plan_reminder::plan {

std::string Milestone::target_display() const {
  if (!revised_target) {
    return target.wording;
  }
  return target.wording + " (revised: " + revised_target->wording + ")";
}

const Milestone* find_milestone(const Plan& plan, std::string_view action_id,
                                std::string_view milestone_id) {
  for (const auto& recommendation : plan.recommendations) {
    for (const auto& action : recommendation.actions) {
      if (action.id != action_id) {
        continue;
      }
      for (const auto& milestone : action.milestones) {
        if (milestone.id == milestone_id) {
          return &milestone;
        }
      }
    }
  }
  return nullptr;
}

bool Action::is_complete() const {
  if (status == ActionStatus::complete) {
    return true;
  }
  return !milestones.empty() && std::all_of(milestones.begin(), milestones.end(),
                                            [](const Milestone& m) { return m.done.has_value(); });
}

DueDate due_date(const Milestone& milestone, const Review& review) {
  const TargetMeaning& meaning = milestone.scheduling_target().meaning;
  if (const auto* day = std::get_if<date::year_month_day>(&meaning)) {
    return DueDate{DueDate::Kind::dated, *day};
  }
  if (const auto* offset = std::get_if<PublicationOffset>(&meaning)) {
    if (!review.published) {
      return DueDate{DueDate::Kind::pending, std::nullopt};
    }
    return DueDate{DueDate::Kind::dated, apply_offset(*review.published, *offset)};
  }
  if (std::holds_alternative<Ongoing>(meaning)) {
    return DueDate{DueDate::Kind::ongoing, std::nullopt};
  }
  return DueDate{DueDate::Kind::undated, std::nullopt};
}

std::string_view to_string(ActionStatus status) {
  switch (status) {
    case ActionStatus::open:
      return "open";
    case ActionStatus::complete:
      return "complete";
    case ActionStatus::on_hold:
      return "on_hold";
  }
  return "open";
}

std::string_view to_string(Scope scope) {
  switch (scope) {
    case Scope::local:
      return "local";
    case Scope::regional:
      return "regional";
    case Scope::national:
      return "national";
  }
  return "local";
}

const Agency* Directory::find(std::string_view id) const {
  auto found = agencies.find(id);
  return found == agencies.end() ? nullptr : &found->second;
}

}  // namespace plan_reminder::plan
