// Where every milestone stands on a given day: the state, the days to or past its due date, and
// a RAG rating. A pure function of the plans and the day; it reads no clock.
#pragma once

#include "mail/views.h"
#include "plan/model.h"

#include <date/date.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::policy {

enum class MilestoneState {
  overdue,
  due,
  upcoming,
  later,
  undated,
  pending,
  ongoing,
  complete,
  on_hold,
  not_implemented  // closed by an accepted update (SPEC §9)
};
// The rating travels to the emails as it is (mail/views.h says its words).
using mail::Rag;
using mail::to_string;

std::string_view to_string(MilestoneState state);

// Red: overdue. Amber: due within 14 days (today included), undated, pending or on hold.
// Green: on track, ongoing, complete, or closed as not to be implemented (nothing left to chase;
// the state says which).
inline constexpr int amber_window_days = 14;

struct MilestoneStanding {
  MilestoneState state = MilestoneState::undated;
  std::optional<date::year_month_day> due;
  std::optional<int> days;  // due minus as-of: positive before, 0 on, negative after the due day
  Rag rag = Rag::amber;
};

// The standing of one milestone of `action` in `review` on `as_of`; `horizon_days` separates
// upcoming from later.
MilestoneStanding standing(const plan::Milestone& milestone, const plan::Action& action,
                           const plan::Review& review, date::year_month_day as_of,
                           int horizon_days);

struct AgendaItem {
  const plan::Plan* plan = nullptr;
  const plan::Recommendation* recommendation = nullptr;
  const plan::Action* action = nullptr;
  const plan::Milestone* milestone = nullptr;
  MilestoneStanding standing;
};

struct AgendaOptions {
  date::year_month_day as_of;
  int horizon_days = 28;
  std::optional<std::string> agency;  // only milestones this agency leads or supports
  std::optional<std::string> review;  // only this review
};

// Every milestone that matches, ordered by state (overdue first), then due date, then review
// and position in the plan.
std::vector<AgendaItem> build_agenda(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                                     const AgendaOptions& options);

}  // namespace plan_reminder::policy
