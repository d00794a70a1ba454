// Tests of the board paper's content: per recommendation the board's RAG and counts, what
// changed since a day, and how each overdue milestone was chased.
#include "reports/board_paper.h"

#include "base/iso_day.h"
#include "pages/page_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::reports {
namespace {

using namespace pages::test;
using store::EmailKind;

const calendar::TimeZone& london() {
  static const calendar::TimeZone zone = calendar::TimeZone::named("Europe/London");
  return zone;
}

date::year_month_day day_from_today(int days) {
  return date::year_month_day{date::sys_days(kToday) + date::days(days)};
}

store::Instant at_nine(date::year_month_day day) {
  return london().at(date::local_days(day), std::chrono::hours(9));
}

// One recommendation, one action led by the police: an overdue (due 3 days ago), a due-soon,
// an undated and a complete milestone (done today, due 10 days ago).
std::shared_ptr<const plan::Plan> mixed_review(const std::string& id) {
  return plan_of(
      id, "Review " + id,
      {recommendation_of("1", "Train every officer in coercive control.",
                         {action_of("1.1", {"police"}, {"council"},
                                    {milestone_in(-3, "Training plan agreed"),
                                     milestone_in(5, "First session held"),
                                     undated_milestone("Refresher course booked"),
                                     milestone_in(-10, "Trainer appointed", /*done=*/true)})})});
}

struct Paper {
  plan::Snapshot snapshot;
  pages::BoardView board;
  BoardPaper paper;
};

Paper paper_of(plan::Snapshot snapshot, date::year_month_day since,
               std::vector<store::NoticeRecord> notices = {},
               std::vector<store::UpdateRecord> updates = {}) {
  Paper out{std::move(snapshot), {}, {}};
  out.board = pages::board_view(out.snapshot, kToday, {}, {});
  PaperSources sources{&out.board, &out.snapshot, &london(), std::move(notices),
                       std::move(updates)};
  out.paper = board_paper(sources, PaperOptions{since, "as asked", ""});
  return out;
}

// Tests that each recommendation carries the board's RAG, its milestones complete and total,
// and the share complete rounded down; the review sums its recommendations.
TEST(BoardPaper, RecommendationsHaveTheBoardsRatingAndCounts) {
  const Paper p = paper_of(snapshot_of({mixed_review("dhr-a")}), day_from_today(-7));
  ASSERT_EQ(p.paper.reviews.size(), 1U);
  const PaperReview& review = p.paper.reviews[0];
  EXPECT_EQ(review.name, "Domestic Homicide Review Review dhr-a");  // named as on the board
  ASSERT_EQ(review.recommendations.size(), 1U);
  const PaperRecommendation& r = review.recommendations[0];
  EXPECT_EQ(r.text, "Train every officer in coercive control.");
  EXPECT_EQ(r.tally.rag, p.board.reviews[0].recommendations[0].tally.rag);
  EXPECT_EQ(r.tally.rag, Rag::red);
  EXPECT_EQ(r.tally.complete, 1);
  EXPECT_EQ(r.tally.total, 4);
  EXPECT_EQ(r.percent_complete, 25);
  EXPECT_EQ(review.tally.total, 4);
  EXPECT_EQ(review.tally.rag, Rag::red);
}

// Tests that the share complete is rounded down, so that 100% means every milestone, and that
// a recommendation without milestones has none.
TEST(BoardPaper, ShareCompleteRoundsDown) {
  EXPECT_EQ(percent_complete(2, 3), 66);
  EXPECT_EQ(percent_complete(99, 100), 99);
  EXPECT_EQ(percent_complete(3, 3), 100);
  EXPECT_EQ(percent_complete(0, 0), std::nullopt);
}

// Tests that a milestone completed since the day and one that fell due since and is still open
// are listed as changes; one that fell due before the day is not a change.
TEST(BoardPaper, CompletedAndSlippedSinceTheDay) {
  const Paper recent = paper_of(snapshot_of({mixed_review("dhr-a")}), day_from_today(-7));
  const auto& changes = recent.paper.reviews[0].changes;
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].kind, ChangeKind::slipped);
  EXPECT_EQ(changes[0].milestone_text, "Training plan agreed");
  EXPECT_EQ(changes[0].on, day_from_today(-3));
  EXPECT_EQ(changes[0].recommendation_id, "1");
  EXPECT_EQ(changes[1].kind, ChangeKind::completed);
  EXPECT_EQ(changes[1].milestone_text, "Trainer appointed");
  EXPECT_EQ(changes[1].on, kToday);

  const Paper later = paper_of(snapshot_of({mixed_review("dhr-a")}), day_from_today(-2));
  ASSERT_EQ(later.paper.reviews[0].changes.size(), 1U);
  EXPECT_EQ(later.paper.reviews[0].changes[0].kind, ChangeKind::completed);
}

store::UpdateRecord accepted(store::UpdateKind kind, date::year_month_day decided) {
  store::UpdateRecord update;
  update.review = "dhr-a";
  update.action = "1.1";
  update.milestone = "2";
  update.agency = "police";
  update.kind = kind;
  update.target = kind == store::UpdateKind::new_target ? "December 2024" : "";
  update.note = "Trainer unavailable";
  update.state = store::UpdateState::accepted;
  update.decided = at_nine(decided);
  return update;
}

// Tests that updates accepted since the day are changes: a new target as "target revised" with
// the wording asked for, others as "update accepted"; rejected ones and ones accepted before
// the day are not.
TEST(BoardPaper, AcceptedUpdatesSinceTheDay) {
  std::vector<store::UpdateRecord> updates{
      accepted(store::UpdateKind::new_target, day_from_today(-1)),
      accepted(store::UpdateKind::progress, day_from_today(-2)),
      accepted(store::UpdateKind::progress, day_from_today(-30)),
      accepted(store::UpdateKind::completed, day_from_today(-1))};
  updates[3].state = store::UpdateState::rejected;
  const Paper p = paper_of(snapshot_of({mixed_review("dhr-a")}), day_from_today(-2), {}, updates);
  std::vector<ChangeKind> kinds;
  for (const PaperChange& change : p.paper.reviews[0].changes) {
    kinds.push_back(change.kind);
    if (change.kind == ChangeKind::target_revised) {
      EXPECT_THAT(change.detail, ::testing::HasSubstr("December 2024"));
      EXPECT_EQ(change.milestone_text, "First session held");
      EXPECT_EQ(change.on, day_from_today(-1));
    }
  }
  EXPECT_THAT(kinds, ::testing::ElementsAre(ChangeKind::update_accepted, ChangeKind::target_revised,
                                            ChangeKind::completed));
}

store::NoticeRecord notice(EmailKind kind, std::string recipient, date::year_month_day sent,
                           std::string milestone = "1",
                           store::DeliveryState state = store::DeliveryState::sent) {
  store::NoticeRecord record;
  record.key = std::string(store::token(kind)) + recipient + base::iso_day(sent) + milestone;
  record.kind = kind;
  record.review = "dhr-a";
  record.action = "1.1";
  record.milestone = std::move(milestone);
  record.recipient = std::move(recipient);
  record.state = state;
  record.recorded = at_nine(sent);
  return record;
}

// Tests that an overdue milestone lists the notices sent about it, oldest first, one line per
// kind and day with every recipient; notices not sent (dropped) and notices about other
// milestones are not part of its history.
TEST(BoardPaper, OverdueMilestoneHasItsChaseHistory) {
  const std::vector<store::NoticeRecord> notices{
      notice(EmailKind::overdue, "police", day_from_today(-2)),
      notice(EmailKind::reminder, "police", day_from_today(-10)),
      notice(EmailKind::overdue, "coordinator", day_from_today(-2)),
      notice(EmailKind::due, "police", day_from_today(-3), "1", store::DeliveryState::dropped),
      notice(EmailKind::reminder, "police", day_from_today(-9), "2"),
      notice(EmailKind::escalation, "chair", day_from_today(0))};
  const Paper p = paper_of(snapshot_of({mixed_review("dhr-a")}), day_from_today(-7), notices);
  const auto& overdue = p.paper.reviews[0].overdue;
  ASSERT_EQ(overdue.size(), 1U);
  EXPECT_EQ(overdue[0].milestone_text, "Training plan agreed");
  EXPECT_EQ(overdue[0].days_overdue, 3);
  EXPECT_EQ(overdue[0].due, day_from_today(-3));
  EXPECT_EQ(overdue[0].lead, "Example Police");
  const auto& chase = overdue[0].chase;
  ASSERT_EQ(chase.size(), 3U);
  EXPECT_EQ(chase[0].kind, EmailKind::reminder);
  EXPECT_EQ(chase[0].sent, day_from_today(-10));
  EXPECT_EQ(chase[1].kind, EmailKind::overdue);
  EXPECT_EQ(chase[1].recipients, "police, coordinator");
  EXPECT_EQ(chase[2].kind, EmailKind::escalation);
  EXPECT_EQ(chase[2].recipients, "chair");
}

// Tests that a paper made as of an earlier day shows the chasing as it stood on that day, not
// the notices sent after it.
TEST(BoardPaper, ChaseHistoryStopsAtThePapersDay) {
  const std::vector<store::NoticeRecord> notices{
      notice(EmailKind::overdue, "police", day_from_today(-2)),
      notice(EmailKind::escalation, "chair", day_from_today(1))};
  const Paper p = paper_of(snapshot_of({mixed_review("dhr-a")}), day_from_today(-7), notices);
  const auto& overdue = p.paper.reviews[0].overdue;
  ASSERT_EQ(overdue.size(), 1U);
  ASSERT_EQ(overdue[0].chase.size(), 1U);
  EXPECT_EQ(overdue[0].chase[0].kind, EmailKind::overdue);
}

}  // namespace
}  // namespace plan_reminder::reports
