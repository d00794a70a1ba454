#include "policy/agenda.h"

#include <algorithm>
#include <tuple>

namespace plan_reminder::policy {

std::string_view to_string(MilestoneState state) {
  switch (state) {
    case MilestoneState::overdue:
      return "overdue";
    case MilestoneState::due:
      return "due";
    case MilestoneState::upcoming:
      return "upcoming";
    case MilestoneState::later:
      return "later";
    case MilestoneState::undated:
      return "undated";
    case MilestoneState::pending:
      return "pending";
    case MilestoneState::ongoing:
      return "ongoing";
    case MilestoneState::complete:
      return "complete";
    case MilestoneState::on_hold:
      return "on_hold";
    case MilestoneState::not_implemented:
      return "not_implemented";
  }
  return "undated";
}

MilestoneStanding standing(const plan::Milestone& milestone, const plan::Action& action,
                           const plan::Review& review, date::year_month_day as_of,
                           int horizon_days) {
  MilestoneStanding result;
  plan::DueDate due = plan::due_date(milestone, review);
  result.due = due.day;
  if (due.day) {
    result.days = (date::sys_days(*due.day) - date::sys_days(as_of)).count();
  }
  // A done date is when the milestone became complete: as of an earlier day it is still open.
  if ((milestone.done && *milestone.done <= as_of) ||
      action.status == plan::ActionStatus::complete) {
    result.state = MilestoneState::complete;
    result.rag = Rag::green;
    return result;
  }
  if (milestone.not_implemented) {
    result.state = MilestoneState::not_implemented;
    result.rag = Rag::green;
    return result;
  }
  if (action.status == plan::ActionStatus::on_hold) {
    result.state = MilestoneState::on_hold;
    result.rag = Rag::amber;
    return result;
  }
  switch (due.kind) {
    case plan::DueDate::Kind::pending:
      result.state = MilestoneState::pending;
      result.rag = Rag::amber;
      return result;
    case plan::DueDate::Kind::undated:
      result.state = MilestoneState::undated;
      result.rag = Rag::amber;
      return result;
    case plan::DueDate::Kind::ongoing:
      result.state = MilestoneState::ongoing;
      result.rag = Rag::green;
      return result;
    case plan::DueDate::Kind::dated:
      break;
  }
  int days = *result.days;
  if (days < 0) {
    result.state = MilestoneState::overdue;
  } else if (days == 0) {
    result.state = MilestoneState::due;
  } else if (days <= horizon_days) {
    result.state = MilestoneState::upcoming;
  } else {
    result.state = MilestoneState::later;
  }
  result.rag = days < 0 ? Rag::red : days <= amber_window_days ? Rag::amber : Rag::green;
  return result;
}

namespace {

bool involves(const plan::Action& action, std::string_view agency) {
  auto named = [agency](const plan::AgencyRef& ref) { return ref.id == agency; };
  return std::any_of(action.lead.begin(), action.lead.end(), named) ||
         std::any_of(action.support.begin(), action.support.end(), named);
}

}  // namespace

std::vector<AgendaItem> build_agenda(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                                     const AgendaOptions& options) {
  std::vector<AgendaItem> items;
  for (const auto& plan : plans) {
    if (options.review && plan->review.id != *options.review) {
      continue;
    }
    for (const auto& recommendation : plan->recommendations) {
      for (const auto& action : recommendation.actions) {
        if (options.agency && !involves(action, *options.agency)) {
          continue;
        }
        for (const auto& milestone : action.milestones) {
          items.push_back(AgendaItem{
              plan.get(), &recommendation, &action, &milestone,
              standing(milestone, action, plan->review, options.as_of, options.horizon_days)});
        }
      }
    }
  }
  // Plans, actions and milestones are already in file order; a stable sort keeps it for ties.
  std::stable_sort(items.begin(), items.end(), [](const AgendaItem& a, const AgendaItem& b) {
    auto key = [](const AgendaItem& item) {
      return std::make_tuple(static_cast<int>(item.standing.state),
                             item.standing.due.value_or(date::year_month_day{}));
    };
    return key(a) < key(b);
  });
  return items;
}

}  // namespace plan_reminder::policy
