// The board paper (SPEC §11): per review and recommendation the RAG and counts the board page
// shows (pages/board_page.h), what changed since a day (completed, slipped, targets revised,
// updates accepted) and how each overdue milestone was chased (the notification log). Pure: the
// board's view, the plans with their accepted updates in effect, the log and the updates come
// in as arguments; the renderers (paper_csv.h, paper_xlsx.h, paper_html.h) only lay it out.
#pragma once

#include "calendar/time_zone.h"
#include "mail/views.h"
#include "pages/board_page.h"
#include "plan/snapshot.h"
#include "store/state_store.h"

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::reports {

using mail::Rag;

enum class ChangeKind { completed, slipped, target_revised, update_accepted };
// "completed", "slipped", "target revised", "update accepted".
std::string_view to_string(ChangeKind kind);

// One thing that changed since the paper's day, about one milestone.
struct PaperChange {
  ChangeKind kind = ChangeKind::completed;
  date::year_month_day on{};  // the day it happened (for a slip: the day the milestone fell due)
  std::string recommendation_id;
  std::string action_id;
  std::string milestone_id;
  std::string milestone_text;
  std::string detail;  // "due 31 March 2020", "new target: June 2020 (Trainer unavailable)", ...
};

// The notices of one kind sent on one day about one milestone.
struct ChaseEntry {
  store::EmailKind kind = store::EmailKind::reminder;
  date::year_month_day sent{};  // in the partnership's time zone
  std::string recipients;       // "wwin, police" or "chair"
};

struct OverdueMilestone {
  std::string recommendation_id;
  std::string action_id;
  std::string action_text;
  std::string milestone_id;
  std::string milestone_text;
  std::string lead;    // lead agency names, as the board lists them
  std::string target;  // as written, with any revision
  date::year_month_day due{};
  int days_overdue = 0;
  std::vector<ChaseEntry> chase;  // oldest first
};

struct PaperRecommendation {
  std::string id;
  std::string text;
  mail::RagRow tally;  // the board's row: RAG and counts
  // The share complete, rounded down as the board page does; none without milestones.
  std::optional<int> percent_complete;
};

struct PaperReview {
  std::string id;
  std::string name;  // the review's display name (plan::review_display_name, as on the board)
  std::vector<PaperRecommendation> recommendations;  // in plan order
  std::vector<PaperChange> changes;                  // oldest first
  std::vector<OverdueMilestone> overdue;             // most overdue first
  mail::RagRow tally;                                // the recommendations' rows summed
  std::optional<int> percent_complete;
};

struct BoardPaper {
  std::string partnership;
  std::string marking;  // a protective marking printed at the top and bottom; "" for none
  date::year_month_day today{};
  date::year_month_day since{};
  std::string since_basis;  // why that day: "the previous digest", "28 days before the paper"
  std::vector<PaperReview> reviews;  // in plan file order
};

struct PaperSources {
  const pages::BoardView* board = nullptr;  // as of the paper's day
  const plan::Snapshot* plans = nullptr;    // the plans with accepted updates in effect
  const calendar::TimeZone* zone = nullptr;
  std::vector<store::NoticeRecord> notices;  // the notification log
  std::vector<store::UpdateRecord> updates;  // the agencies' updates (only accepted ones count)
};

struct PaperOptions {
  date::year_month_day since{};
  std::string since_basis;
  std::string marking;
};

// The share complete, rounded down (100 only when every milestone is); none of none.
std::optional<int> percent_complete(int complete, int total);

BoardPaper board_paper(const PaperSources& sources, const PaperOptions& options);

}  // namespace plan_reminder::reports
