// The board page (see board_page.h): the digest's content grouped by review, and its pages.
#include "pages/board_page.h"

#include "mail/template_data.h"
#include "mail/template_text.h"
#include "plan/review_types.h"
#include "policy/agenda.h"
#include "policy/digest.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace plan_reminder::pages {
namespace {

// "40%": the share complete, rounded down, so that 100% means every milestone is complete.
std::string percent_complete(int complete, int total) {
  return total == 0 ? std::string() : std::to_string(complete * 100 / total) + "%";
}

void add_to_totals(BoardView& view, const mail::RagRow& row) {
  view.overdue += row.overdue;
  view.due_soon += row.due_soon;
  view.undated += row.undated;
  view.complete += row.complete;
  view.total += row.total;
}

mail::mustache::data recommendation_data(const BoardRecommendation& recommendation) {
  mail::mustache::data out = mail::rag_row_data(recommendation.tally);
  out.set("id", recommendation.id);
  out.set("text", recommendation.text);
  out.set("has_milestones", recommendation.tally.total > 0);
  out.set("percent_complete",
          percent_complete(recommendation.tally.complete, recommendation.tally.total));
  return out;
}

mail::mustache::data review_data(const BoardReview& review) {
  mail::mustache::data out;
  out.set("review_id", review.id);
  out.set("review_title", review.title);
  std::vector<mail::mustache::data> recommendations;
  recommendations.reserve(review.recommendations.size());
  for (const BoardRecommendation& recommendation : review.recommendations) {
    recommendations.push_back(recommendation_data(recommendation));
  }
  mail::set_moved(out, "recommendations", mail::list_of(std::move(recommendations)));
  out.set("has_recommendations", !review.recommendations.empty());
  std::vector<mail::mustache::data> attention;
  attention.reserve(std::min(review.attention.size(), kListedPerReview));
  for (std::size_t i = 0; i < review.attention.size() && i < kListedPerReview; ++i) {
    attention.push_back(mail::milestone_data(review.attention[i]));
  }
  mail::set_moved(out, "attention", mail::list_of(std::move(attention)));
  out.set("has_attention", !review.attention.empty());
  const int more = review.attention.size() > kListedPerReview
                       ? static_cast<int>(review.attention.size() - kListedPerReview)
                       : 0;
  out.set("attention_more", more > 0);
  out.set("attention_more_text",
          mail::plural(more, "more milestone needs", "more milestones need") + " attention");
  return out;
}

void set_changes(mail::mustache::data& out, const std::vector<mail::AuditRow>& changes,
                 bool shown) {
  std::vector<mail::mustache::data> list;
  list.reserve(std::min(changes.size(), kChangesListed));
  for (std::size_t i = 0; i < changes.size() && i < kChangesListed; ++i) {
    list.push_back(mail::audit_row_data(changes[i]));
  }
  const int count = static_cast<int>(changes.size());
  out.set("show_changes", shown);
  mail::set_moved(out, "changes", mail::list_of(std::move(list)));
  out.set("has_changes", count > 0);
  out.set("changes_count_text", mail::plural(count, "notice", "notices"));
  const int more =
      changes.size() > kChangesListed ? static_cast<int>(changes.size() - kChangesListed) : 0;
  out.set("changes_more", more > 0);
  out.set("changes_more_text", mail::plural(more, "more notice", "more notices"));
}

void set_summary(mail::mustache::data& out, const BoardView& view) {
  out.set("review_count_text",
          mail::plural(static_cast<int>(view.reviews.size()), "review", "reviews"));
  out.set("total_text", mail::plural(view.total, "milestone", "milestones"));
  out.set("overdue", std::to_string(view.overdue));
  out.set("due_soon", std::to_string(view.due_soon));
  out.set("undated", std::to_string(view.undated));
  out.set("complete", std::to_string(view.complete));
  out.set("percent_complete", percent_complete(view.complete, view.total));
  out.set("has_milestones", view.total > 0);
  out.set("amber_window_days", std::to_string(policy::amber_window_days));
  out.set("horizon_days", std::to_string(view.horizon_days));
  out.set("updates_waiting", std::to_string(view.updates_waiting));
  out.set("has_updates_waiting", view.updates_waiting > 0);
  out.set("updates_waiting_text",
          mail::plural(view.updates_waiting, "update waits", "updates wait"));
}

}  // namespace

BoardView board_view(const plan::Snapshot& snapshot, date::year_month_day today,
                     std::vector<mail::AuditRow> changes, const base::KeySet& log) {
  mail::DigestView digest = policy::digest_view(snapshot, today, std::move(changes), {}, log);
  BoardView view;
  view.partnership = digest.partnership;
  view.today = today;
  view.horizon_days = digest.horizon_days;
  view.changes = std::move(digest.audit);

  std::unordered_map<std::string, std::vector<mail::MilestoneView>> attention;
  for (auto* list : {&digest.overdue, &digest.due_soon, &digest.undated, &digest.not_implemented}) {
    for (mail::MilestoneView& milestone : *list) {
      attention[milestone.review_id].push_back(std::move(milestone));
    }
  }
  // The digest has one row per recommendation with milestones, in plan order.
  std::size_t next_row = 0;
  for (const auto& plan : snapshot.plans) {
    BoardReview review;
    review.id = plan->review.id;
    review.title = plan::review_display_name(plan->review);
    for (const plan::Recommendation& recommendation : plan->recommendations) {
      BoardRecommendation row;
      row.id = recommendation.id;
      row.text = recommendation.text;
      const bool has_milestones =
          std::any_of(recommendation.actions.begin(), recommendation.actions.end(),
                      [](const plan::Action& action) { return !action.milestones.empty(); });
      if (has_milestones) {
        if (next_row >= digest.recommendations.size()) {
          throw std::logic_error("the digest has fewer recommendation rows than the plans");
        }
        row.tally = std::move(digest.recommendations[next_row++]);
        add_to_totals(view, row.tally);
      }
      review.recommendations.push_back(std::move(row));
    }
    auto found = attention.find(review.id);
    if (found != attention.end()) {
      review.attention = std::move(found->second);
    }
    view.reviews.push_back(std::move(review));
  }
  return view;
}

std::optional<std::string> render_board(const WebTemplates& templates, const BoardView& view,
                                        const PageRequest& request) {
  const std::optional<PageSlice> slice =
      page_slice(view.reviews.size(), kReviewsPerPage, request.page);
  if (!slice) {
    return std::nullopt;
  }
  mail::mustache::data out = page_data("Action plan status", view.partnership, view.today);
  set_summary(out, view);
  std::vector<mail::mustache::data> reviews;
  reviews.reserve(slice->end - slice->first);
  for (std::size_t i = slice->first; i < slice->end; ++i) {
    reviews.push_back(review_data(view.reviews[i]));
  }
  mail::set_moved(out, "reviews", mail::list_of(std::move(reviews)));
  out.set("has_reviews", !view.reviews.empty());
  set_changes(out, view.changes, slice->page == 1);
  set_pagination(out, *slice, request.link);
  return templates.render("board", std::move(out));
}

}  // namespace plan_reminder::pages
