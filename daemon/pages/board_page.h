// The board page (/board, SPEC §8): the partnership's status at a glance, per review and
// recommendation, as the weekly digest counts it (policy/digest.h): a RAG, the share of
// milestones complete, the overdue, due-soon, pending and undated milestones with their lead
// and days, the updates waiting for the coordinator, and what changed since the last digest.
// Pure: the day, the snapshot and the log come in as arguments.
#pragma once

#include "base/key_set.h"
#include "mail/views.h"
#include "pages/page_layout.h"
#include "pages/web_templates.h"
#include "plan/snapshot.h"

#include <date/date.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::pages {

// At national scale (1,500 reviews, 100,000 milestones) a page stays a size a browser shows at
// once: at most this many reviews per page, and per review this many milestones needing
// attention listed (most urgent first; the rest are counted and the agency pages list them).
inline constexpr std::size_t kReviewsPerPage = 20;
inline constexpr std::size_t kListedPerReview = 15;
// What changed since the last digest, on the first page: the newest entries of the log.
inline constexpr std::size_t kChangesListed = 50;

struct BoardRecommendation {
  std::string id;
  std::string text;
  mail::RagRow tally;  // the digest's row: RAG and counts
};

struct BoardReview {
  std::string id;
  std::string title;
  std::vector<BoardRecommendation> recommendations;  // in plan order
  // Overdue, then due soon, then pending and undated: what the digest lists, for this review.
  std::vector<mail::MilestoneView> attention;
};

struct BoardView {
  std::string partnership;
  date::year_month_day today{};
  int horizon_days = 28;                // "due soon": within this many days
  std::vector<BoardReview> reviews;     // in plan file order
  std::vector<mail::AuditRow> changes;  // the digest's log rows since the last digest
  int updates_waiting = 0;              // agencies' updates for the coordinator (SPEC §9)
  int overdue = 0;
  int due_soon = 0;
  int undated = 0;
  int complete = 0;
  int total = 0;
};

// The board as of `today`: computed once per snapshot and day (it walks every milestone; the
// caller keeps it and renders pages from it). `changes` are the log rows since the last
// digest, as the digest would list them; `log` the notification log's keys (which overdue
// milestones were escalated).
BoardView board_view(const plan::Snapshot& snapshot, date::year_month_day today,
                     std::vector<mail::AuditRow> changes, const base::KeySet& log);

// Page `request.page` of the board, or nothing when that page does not exist (404).
std::optional<std::string> render_board(const WebTemplates& templates, const BoardView& view,
                                        const PageRequest& request);

}  // namespace plan_reminder::pages
