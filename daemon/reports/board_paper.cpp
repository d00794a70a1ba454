// The board paper's content (see board_paper.h): the board's view regrouped, the changes since a
// day from the plans and the accepted updates, the chase history from the notification log.
#include "reports/board_paper.h"

#include "mail/notice_kinds.h"
#include "policy/agenda.h"

#include <stdexcept>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace plan_reminder::reports {
namespace {

using date::year_month_day;

// Where a milestone sits in its plan: its recommendation and its text.
struct MilestonePlace {
  std::string recommendation_id;
  std::string text;
};

// (action id, milestone id) -> where it sits, for the updates and notices that name them.
using PlanIndex = std::map<std::pair<std::string, std::string>, MilestonePlace>;

std::string milestone_text(const plan::Action& action, const plan::Milestone& milestone) {
  return milestone.text.empty() ? action.text : milestone.text;
}

PlanIndex index_plan(const plan::Plan& plan) {
  PlanIndex index;
  for (const auto& recommendation : plan.recommendations) {
    for (const auto& action : recommendation.actions) {
      for (const auto& milestone : action.milestones) {
        index[{action.id, milestone.id}] = {recommendation.id, milestone_text(action, milestone)};
      }
    }
  }
  return index;
}

bool within(year_month_day day, year_month_day since, year_month_day today) {
  return since <= day && day <= today;
}

// Completed milestones (done on a day since) and slipped ones (fell due since, still open).
void add_plan_changes(PaperReview& review, const plan::Plan& plan, year_month_day since,
                      year_month_day today) {
  for (const auto& recommendation : plan.recommendations) {
    for (const auto& action : recommendation.actions) {
      for (const auto& milestone : action.milestones) {
        PaperChange change{ChangeKind::completed,
                           {},
                           recommendation.id,
                           action.id,
                           milestone.id,
                           milestone_text(action, milestone),
                           {}};
        if (milestone.done && within(*milestone.done, since, today)) {
          change.on = *milestone.done;
          change.detail = "completed on " + mail::plain_day(*milestone.done);
          review.changes.push_back(change);
          continue;
        }
        const policy::MilestoneStanding standing =
            policy::standing(milestone, action, plan.review, today, 0);
        if (standing.state == policy::MilestoneState::overdue && standing.due &&
            within(*standing.due, since, today)) {
          change.kind = ChangeKind::slipped;
          change.on = *standing.due;
          change.detail = "due " + mail::plain_day(*standing.due) + ", target " +
                          milestone.target_display() + ", still open";
          review.changes.push_back(std::move(change));
        }
      }
    }
  }
}

std::string update_detail(const store::UpdateRecord& update) {
  std::string detail;
  switch (update.kind) {
    case store::UpdateKind::completed:
      detail = update.done_on ? "completed on " + mail::plain_day(*update.done_on) : "completed";
      break;
    case store::UpdateKind::progress:
      detail = "progress";
      break;
    case store::UpdateKind::new_target:
      detail = "new target: " + update.target;
      break;
    case store::UpdateKind::not_implemented:
      detail = "will not be implemented";
      break;
  }
  return update.note.empty() ? detail : detail + " (" + update.note + ")";
}

// The accepted updates decided since: a new target is a revised target; the others say what
// the agency reported. From `from` the first instant of `since` to the end of `today`.
void add_update_changes(PaperReview& review, const PlanIndex& index,
                        const std::vector<store::UpdateRecord>& updates,
                        const calendar::TimeZone& zone, year_month_day since,
                        year_month_day today) {
  for (const auto& update : updates) {
    if (update.review != review.id || update.state != store::UpdateState::accepted ||
        !update.decided) {
      continue;
    }
    const year_month_day decided{zone.day_of(*update.decided)};
    if (!within(decided, since, today)) {
      continue;
    }
    auto found = index.find({update.action, update.milestone});
    PaperChange change;
    change.kind = update.kind == store::UpdateKind::new_target ? ChangeKind::target_revised
                                                               : ChangeKind::update_accepted;
    change.on = decided;
    change.action_id = update.action;
    change.milestone_id = update.milestone;
    if (found != index.end()) {
      change.recommendation_id = found->second.recommendation_id;
      change.milestone_text = found->second.text;
    }
    change.detail = update_detail(update);
    review.changes.push_back(std::move(change));
  }
}

// The sent notices about one milestone, one entry per kind and day, oldest first.
std::vector<ChaseEntry> chase_history(const std::vector<const store::NoticeRecord*>& notices,
                                      const calendar::TimeZone& zone) {
  std::vector<ChaseEntry> chase;
  for (const store::NoticeRecord* notice : notices) {
    const year_month_day sent{zone.day_of(notice->recorded)};
    auto same = std::find_if(chase.begin(), chase.end(), [&](const ChaseEntry& entry) {
      return entry.kind == notice->kind && entry.sent == sent;
    });
    if (same == chase.end()) {
      chase.push_back(ChaseEntry{notice->kind, sent, notice->recipient});
    } else if (same->recipients.find(notice->recipient) == std::string::npos) {
      same->recipients += ", " + notice->recipient;
    }
  }
  std::stable_sort(chase.begin(), chase.end(),
                   [](const ChaseEntry& a, const ChaseEntry& b) { return a.sent < b.sent; });
  return chase;
}

using NoticesByMilestone = std::map<std::tuple<std::string, std::string, std::string>,
                                    std::vector<const store::NoticeRecord*>>;

// The notices sent about each milestone up to the paper's day: a paper made `--as-of` an
// earlier day shows the chasing as it stood then.
NoticesByMilestone sent_chases(const std::vector<store::NoticeRecord>& notices,
                               const calendar::TimeZone& zone, date::year_month_day today) {
  NoticesByMilestone out;
  for (const auto& notice : notices) {
    if (notice.state == store::DeliveryState::sent && mail::is_milestone_notice(notice.kind) &&
        date::year_month_day{zone.day_of(notice.recorded)} <= today) {
      out[{notice.review, notice.action, notice.milestone}].push_back(&notice);
    }
  }
  return out;
}

// The overdue milestones the board lists for the review (red ones), with their chase history.
void add_overdue(PaperReview& review, const pages::BoardReview& board,
                 const NoticesByMilestone& chases, const calendar::TimeZone& zone) {
  for (const mail::MilestoneView& milestone : board.attention) {
    if (milestone.rag != Rag::red || !milestone.due_day) {
      continue;
    }
    OverdueMilestone row{milestone.recommendation_id,
                         milestone.action_id,
                         milestone.action_text,
                         milestone.milestone_id,
                         milestone.milestone_text,
                         milestone.lead,
                         milestone.target,
                         *milestone.due_day,
                         -milestone.days,
                         {}};
    auto found = chases.find({review.id, milestone.action_id, milestone.milestone_id});
    if (found != chases.end()) {
      row.chase = chase_history(found->second, zone);
    }
    review.overdue.push_back(std::move(row));
  }
  std::stable_sort(review.overdue.begin(), review.overdue.end(),
                   [](const OverdueMilestone& a, const OverdueMilestone& b) {
                     return a.days_overdue > b.days_overdue;
                   });
}

void add_to(mail::RagRow& total, const mail::RagRow& row) {
  if (row.rag == Rag::red || !total.rag || (row.rag == Rag::amber && total.rag == Rag::green)) {
    total.rag = row.rag ? row.rag : total.rag;
  }
  total.overdue += row.overdue;
  total.due_soon += row.due_soon;
  total.undated += row.undated;
  total.complete += row.complete;
  total.total += row.total;
}

}  // namespace

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::completed:
      return "completed";
    case ChangeKind::slipped:
      return "slipped";
    case ChangeKind::target_revised:
      return "target revised";
    case ChangeKind::update_accepted:
      return "update accepted";
  }
  return "";
}

std::optional<int> percent_complete(int complete, int total) {
  if (total <= 0) {
    return std::nullopt;
  }
  return complete * 100 / total;
}

BoardPaper board_paper(const PaperSources& sources, const PaperOptions& options) {
  const pages::BoardView& board = *sources.board;
  BoardPaper paper;
  paper.partnership = board.partnership;
  paper.marking = options.marking;
  paper.today = board.today;
  paper.since = options.since;
  paper.since_basis = options.since_basis;
  const NoticesByMilestone chases = sent_chases(sources.notices, *sources.zone, paper.today);
  // The board lists the reviews in plan file order, as the snapshot holds them.
  for (std::size_t i = 0; i < board.reviews.size() && i < sources.plans->plans.size(); ++i) {
    const pages::BoardReview& row = board.reviews[i];
    const plan::Plan& plan = *sources.plans->plans[i];
    if (plan.review.id != row.id) {
      throw std::logic_error("the board view and the plans list the reviews in another order");
    }
    PaperReview review;
    review.id = row.id;
    review.name = row.title;
    for (const pages::BoardRecommendation& recommendation : row.recommendations) {
      review.recommendations.push_back(PaperRecommendation{
          recommendation.id, recommendation.text, recommendation.tally,
          percent_complete(recommendation.tally.complete, recommendation.tally.total)});
      add_to(review.tally, recommendation.tally);
    }
    review.percent_complete = percent_complete(review.tally.complete, review.tally.total);
    add_plan_changes(review, plan, options.since, paper.today);
    add_update_changes(review, index_plan(plan), sources.updates, *sources.zone, options.since,
                       paper.today);
    std::stable_sort(review.changes.begin(), review.changes.end(),
                     [](const PaperChange& a, const PaperChange& b) { return a.on < b.on; });
    add_overdue(review, row, chases, *sources.zone);
    paper.reviews.push_back(std::move(review));
  }
  return paper;
}

}  // namespace plan_reminder::reports
