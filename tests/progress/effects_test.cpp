// Tests of what accepted updates do to the plans and to the schedule (SPEC §9, §4): a completion
// stops the notices, a new target restarts the reminders, "will not be implemented" closes the
// milestone, a progress note is shown dated, an accepted update quiets overdue repeats for 28
// days, and the file wins where it says otherwise. Time is always passed in.
#include "progress/effects.h"

#include "policy/agenda.h"
#include "policy/digest.h"
#include "policy/notice_email.h"
#include "support/schedule_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::progress {
namespace {

using namespace date::literals;
using namespace policy::fixture;
using date::year_month_day;
using store::UpdateKind;
using store::UpdateRecord;
using store::UpdateState;
using Sent = std::map<std::string, std::vector<std::string>>;

// An update from wwin about milestone "m" of action 1.1, accepted at 10:00 on `decided`.
UpdateRecord accepted(std::int64_t id, UpdateKind kind, year_month_day decided) {
  UpdateRecord update;
  update.id = id;
  update.review = "dhr-test";
  update.action = "1.1";
  update.milestone = "m";
  update.agency = "wwin";
  update.kind = kind;
  update.note = "Note " + std::to_string(id);
  update.submitted = at(decided, 8);
  update.state = UpdateState::accepted;
  update.decided = at(decided, 10);
  return update;
}

// One milestone due Tuesday 31 March 2020, led by wwin; the service has run since February,
// so the first overdue notice went on 1 April.
struct Overdue : ::testing::Test {
  Deployment deployment{{action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)})}};
  base::KeySet handled;
  std::optional<policy::Instant> last_pass;

  void SetUp() override {
    Sent before = without_digests(simulate(deployment.snapshot, deployment.clock, 2020_y / 2 / 1,
                                           2020_y / 4 / 1, handled, last_pass));
    ASSERT_EQ(before["2020-04-01"], std::vector<std::string>{"overdue:wwin overdue/0"});
  }

  AppliedUpdates apply(const std::vector<UpdateRecord>& updates) {
    return apply_accepted(std::make_shared<const plan::Snapshot>(deployment.snapshot), updates);
  }

  // What goes from 2 April to 10 July with the updates in effect.
  Sent after(const std::vector<UpdateRecord>& updates) {
    auto applied = apply(updates);
    return without_digests(simulate(*applied.snapshot, deployment.clock, 2020_y / 4 / 2,
                                    2020_y / 7 / 10, handled, last_pass));
  }
};

// Tests that an accepted completion stops every notice about the milestone: no overdue repeat
// to the agency and no escalation to the chair, where without it both would go.
TEST_F(Overdue, CompletedUpdateStopsEveryNotice) {
  UpdateRecord done = accepted(1, UpdateKind::completed, 2020_y / 4 / 2);
  done.done_on = 2020_y / 4 / 2;
  EXPECT_EQ(after({done}), Sent{});
}

// Tests that an accepted new target of "June 2020" restarts the schedule from 30 June: the
// reminders, the due-day notice and the overdue notice of the new date, nothing of the old.
TEST_F(Overdue, NewTargetRestartsTheReminders) {
  UpdateRecord later = accepted(1, UpdateKind::new_target, 2020_y / 4 / 2);
  later.target = "June 2020";
  Sent expected{
      {"2020-06-02", {"reminder:wwin reminder/28"}},
      {"2020-06-16", {"reminder:wwin reminder/14"}},
      {"2020-06-23", {"reminder:wwin reminder/7"}},
      {"2020-06-29", {"reminder:wwin reminder/1"}},
      {"2020-06-30", {"due:wwin due/0"}},
      {"2020-07-01", {"overdue:wwin overdue/0"}},
  };
  EXPECT_EQ(after({later}), expected);
}

// Tests SPEC §4: an accepted progress update on 2 April quiets the agency's overdue repeats to
// 30 April (the repeats of 14, 20 and 27 April do not go, and the log says why), while the
// escalations to the chair still go; the repeat of 4 May goes.
TEST_F(Overdue, AcceptedUpdateQuietsOverdueRepeatsFor28Days) {
  UpdateRecord progress = accepted(1, UpdateKind::progress, 2020_y / 4 / 2);
  Sent expected{
      {"2020-04-14", {"escalation:chair escalation/0"}},
      {"2020-05-04", {"overdue:wwin overdue/4"}},
      {"2020-05-12", {"escalation:chair escalation/1"}},
      {"2020-06-09", {"escalation:chair escalation/2"}},
      {"2020-07-07", {"escalation:chair escalation/3"}},
  };
  // The pass of 14 April records the quiet repeat as dropped, saying why.
  auto applied = apply({progress});
  policy::PassInputs inputs{applied.snapshot.get(), &deployment.clock, &handled, last_pass, {}, {}};
  policy::PassPlan pass = policy::plan_pass(inputs, at(2020_y / 4 / 14, 9));
  ASSERT_EQ(pass.dropped.size(), 1U);
  EXPECT_EQ(pass.dropped[0].occurrence, 1);
  EXPECT_THAT(pass.dropped[0].dropped_because, ::testing::HasSubstr("quiet until 2020-04-30"));
  EXPECT_EQ(after({progress}), expected);
}

// Tests that after downtime in the quiet period every repeat that did not go is recorded: the
// pass of 27 April, the first since 2 April, drops the repeats of 14 and 20 April as stale and
// that of 27 April as quiet, and sends the agency nothing.
TEST_F(Overdue, QuietRepeatsMissedInDowntimeAreAllRecorded) {
  auto applied = apply({accepted(1, UpdateKind::progress, 2020_y / 4 / 2)});
  policy::PassInputs inputs{
      applied.snapshot.get(), &deployment.clock, &handled, at(2020_y / 4 / 2, 9), {}, {}};
  policy::PassPlan pass = policy::plan_pass(inputs, at(2020_y / 4 / 27, 9));
  std::vector<std::pair<int, bool>> dropped;  // (occurrence, quiet) of the agency's repeats
  for (const auto& notice : pass.dropped) {
    if (notice.recipient.id == "wwin") {
      dropped.emplace_back(notice.occurrence,
                           notice.dropped_because.find("quiet until") != std::string::npos);
    }
  }
  EXPECT_THAT(dropped, ::testing::UnorderedElementsAre(std::pair{1, false}, std::pair{2, false},
                                                       std::pair{3, true}));
  for (const auto& email : pass.emails) {
    EXPECT_NE(email.recipient.id, "wwin");
  }
}

// Tests that "will not be implemented" closes the milestone: no notices, its own state in the
// agenda, and its reason in the digest's list of its own.
TEST_F(Overdue, NotImplementedClosesTheMilestone) {
  UpdateRecord closed = accepted(1, UpdateKind::not_implemented, 2020_y / 4 / 2);
  closed.note = "Superseded by the regional service";
  auto applied = apply({closed});
  policy::AgendaOptions options;
  options.as_of = 2020_y / 4 / 6;
  auto agenda = policy::build_agenda(applied.snapshot->plans, options);
  ASSERT_EQ(agenda.size(), 1U);
  EXPECT_EQ(agenda[0].standing.state, policy::MilestoneState::not_implemented);
  mail::DigestView digest = policy::digest_view(*applied.snapshot, 2020_y / 4 / 6, {}, {}, {});
  EXPECT_TRUE(digest.overdue.empty());
  ASSERT_EQ(digest.not_implemented.size(), 1U);
  EXPECT_EQ(digest.not_implemented[0].when,
            "will not be implemented: Superseded by the regional service");
  EXPECT_EQ(after({closed}), Sent{});
}

// Tests that an accepted progress note is shown dated (the day the agency sent it), newest
// first, above the action's progress as the plan gives it.
TEST_F(Overdue, ProgressNoteIsShownDated) {
  deployment.first_action().progress = "Research proposal produced.";
  UpdateRecord first = accepted(1, UpdateKind::progress, 2020_y / 4 / 2);
  first.note = "Draft with the board";
  UpdateRecord second = accepted(2, UpdateKind::progress, 2020_y / 4 / 9);
  second.note = "Board approved the draft";
  auto applied = apply({second, first});
  const plan::Plan& plan = *applied.snapshot->plans[0];
  const plan::Action& action = plan.recommendations[0].actions[0];
  policy::MilestoneStanding standing =
      policy::standing(action.milestones[0], action, plan.review, 2020_y / 4 / 10, 28);
  mail::MilestoneView view =
      policy::milestone_view(applied.snapshot->directory, plan, plan.recommendations[0], action,
                             action.milestones[0], standing, date::local_days(2020_y / 4 / 10));
  EXPECT_EQ(view.progress, "9 April 2020: Board approved the draft\nResearch proposal produced.");
}

// Tests that where the file already says the milestone was done, the file wins and the
// disagreement is named; the same day is simply in the file.
TEST_F(Overdue, FileThatSaysDoneWins) {
  deployment.first_action().milestones[0].done = 2020_y / 3 / 20;
  UpdateRecord done = accepted(7, UpdateKind::completed, 2020_y / 4 / 2);
  done.done_on = 2020_y / 4 / 2;
  auto applied = apply({done});
  EXPECT_EQ(applied.snapshot->plans[0]->recommendations[0].actions[0].milestones[0].done,
            2020_y / 3 / 20);
  ASSERT_EQ(applied.standings.size(), 1U);
  EXPECT_EQ(applied.standings[0].kind, UpdateStanding::Kind::file_disagrees);
  EXPECT_THAT(describe(applied.standings[0]),
              ::testing::HasSubstr("accepted update 7 (dhr-test 1.1 m) disagrees"));
  EXPECT_THAT(describe(applied.standings[0]), ::testing::HasSubstr("done 2020-03-20"));

  done.done_on = 2020_y / 3 / 20;
  EXPECT_EQ(apply({done}).standings[0].kind, UpdateStanding::Kind::in_file);
  EXPECT_EQ(describe(apply({done}).standings[0]), "");
}

// Tests that a file that says the same as an update counts as saying it, for the kinds the
// export writes: a milestone `progress:` that contains the note (shown once, from the file),
// `status: not_implemented` (its own reason kept: the file wins), and that a completion
// against a file that says "will not be implemented", and the reverse, is a disagreement.
TEST_F(Overdue, FileThatSaysTheSameIsInTheFile) {
  plan::Milestone& file = deployment.first_action().milestones[0];
  file.progress = "2 April 2020: Draft with the board";
  UpdateRecord progress = accepted(1, UpdateKind::progress, 2020_y / 4 / 2);
  progress.note = "Draft with the board";
  UpdateRecord earlier = accepted(2, UpdateKind::progress, 2020_y / 4 / 1);
  earlier.note = "Draft written";
  auto applied = apply({progress, earlier});
  ASSERT_EQ(applied.standings.size(), 2U);
  EXPECT_EQ(applied.standings[0].kind, UpdateStanding::Kind::replaced);  // the earlier note
  EXPECT_EQ(applied.standings[1].kind, UpdateStanding::Kind::in_file);
  const plan::Milestone& shown =
      applied.snapshot->plans[0]->recommendations[0].actions[0].milestones[0];
  EXPECT_TRUE(shown.progress_notes.empty());

  file.progress.clear();
  file.not_implemented = "Regional service instead";
  UpdateRecord closed = accepted(3, UpdateKind::not_implemented, 2020_y / 4 / 2);
  closed.note = "Superseded";
  UpdateRecord done = accepted(4, UpdateKind::completed, 2020_y / 4 / 3);
  done.done_on = 2020_y / 4 / 3;
  applied = apply({closed, done});
  ASSERT_EQ(applied.standings.size(), 2U);
  EXPECT_EQ(applied.standings[0].kind, UpdateStanding::Kind::in_file);
  EXPECT_EQ(applied.standings[1].kind, UpdateStanding::Kind::file_disagrees);
  EXPECT_THAT(describe(applied.standings[1]),
              ::testing::HasSubstr("the file says it will not be implemented"));
  const plan::Milestone& kept =
      applied.snapshot->plans[0]->recommendations[0].actions[0].milestones[0];
  EXPECT_EQ(kept.not_implemented, "Regional service instead");
  EXPECT_FALSE(kept.done);

  file.not_implemented.reset();
  file.done = 2020_y / 3 / 30;
  EXPECT_EQ(apply({closed}).standings[0].kind, UpdateStanding::Kind::file_disagrees);
}

// Tests that a milestone's own progress in the file is shown between the latest accepted note
// and the action's progress.
TEST_F(Overdue, MilestoneProgressIsShownAboveTheActions) {
  deployment.first_action().progress = "Research proposal produced.";
  deployment.first_action().milestones[0].progress = "1 March 2020: Scoping started";
  UpdateRecord note = accepted(1, UpdateKind::progress, 2020_y / 4 / 9);
  note.note = "Board approved the draft";
  auto applied = apply({note});
  const plan::Plan& plan = *applied.snapshot->plans[0];
  const plan::Action& action = plan.recommendations[0].actions[0];
  policy::MilestoneStanding standing =
      policy::standing(action.milestones[0], action, plan.review, 2020_y / 4 / 10, 28);
  mail::MilestoneView view =
      policy::milestone_view(applied.snapshot->directory, plan, plan.recommendations[0], action,
                             action.milestones[0], standing, date::local_days(2020_y / 4 / 10));
  EXPECT_EQ(view.progress,
            "9 April 2020: Board approved the draft\n1 March 2020: Scoping started\n"
            "Research proposal produced.");
}

// Tests that an update in effect but not yet in the file says so, naming the file and how to
// write it there.
TEST_F(Overdue, UpdateNotInTheFileSaysSo) {
  const_cast<plan::Plan&>(*deployment.snapshot.plans[0]).file = "plans/test.yaml";
  UpdateRecord later = accepted(3, UpdateKind::new_target, 2020_y / 4 / 2);
  later.target = "June 2020";
  auto applied = apply({later});
  ASSERT_EQ(applied.standings.size(), 1U);
  EXPECT_EQ(applied.standings[0].kind, UpdateStanding::Kind::not_in_file);
  EXPECT_EQ(describe(applied.standings[0]),
            "accepted update 3 (dhr-test 1.1 m) is in effect but not in plans/test.yaml yet: "
            "record it in the milestone there");
}

// Tests that of two accepted new targets the one decided later is in effect, whatever the
// order they are given in.
TEST_F(Overdue, LaterDecisionWins) {
  UpdateRecord may = accepted(1, UpdateKind::new_target, 2020_y / 4 / 3);
  may.target = "May 2020";
  UpdateRecord june = accepted(2, UpdateKind::new_target, 2020_y / 4 / 2);
  june.target = "June 2020";
  auto applied = apply({may, june});
  const plan::Milestone& m =
      applied.snapshot->plans[0]->recommendations[0].actions[0].milestones[0];
  ASSERT_TRUE(m.revised_target);
  EXPECT_EQ(m.revised_target->wording, "May 2020");
  EXPECT_EQ(m.target_display(), "2020-03-31 (revised: May 2020)");
}

// Tests that an update whose milestone the plans no longer have changes nothing and says so,
// and that updates not accepted are ignored.
TEST_F(Overdue, UnknownMilestoneAndUndecidedUpdatesChangeNothing) {
  UpdateRecord gone = accepted(4, UpdateKind::completed, 2020_y / 4 / 2);
  gone.done_on = 2020_y / 4 / 2;
  gone.milestone = "removed";
  UpdateRecord waiting = accepted(5, UpdateKind::completed, 2020_y / 4 / 2);
  waiting.done_on = 2020_y / 4 / 2;
  waiting.state = UpdateState::waiting;
  auto input = std::make_shared<const plan::Snapshot>(deployment.snapshot);
  auto applied = apply_accepted(input, {gone, waiting});
  EXPECT_EQ(applied.snapshot, input);
  ASSERT_EQ(applied.standings.size(), 1U);
  EXPECT_EQ(applied.standings[0].kind, UpdateStanding::Kind::no_milestone);
}

// Tests that only the plans an update touches are copied: at national scale a pass must not
// copy 1,500 plans for one update, and the plans as loaded are never changed.
TEST_F(Overdue, OnlyTouchedPlansAreCopied) {
  auto other = std::make_shared<plan::Plan>(*deployment.snapshot.plans[0]);
  other->review.id = "dhr-other";
  deployment.snapshot.plans.push_back(other);
  auto input = std::make_shared<const plan::Snapshot>(deployment.snapshot);
  UpdateRecord done = accepted(1, UpdateKind::completed, 2020_y / 4 / 2);
  done.done_on = 2020_y / 4 / 2;
  auto applied = apply_accepted(input, {done});
  EXPECT_NE(applied.snapshot->plans[0], input->plans[0]);
  EXPECT_EQ(applied.snapshot->plans[1], input->plans[1]);
  EXPECT_FALSE(input->plans[0]->recommendations[0].actions[0].milestones[0].done);
  EXPECT_EQ(applied.snapshot->plans[0]->recommendations[0].actions[0].milestones[0].done,
            2020_y / 4 / 2);
}

}  // namespace
}  // namespace plan_reminder::progress
