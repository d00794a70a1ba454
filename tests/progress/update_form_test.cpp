// Tests of the update page's checks (SPEC §9): what an agency may report about the milestones
// of its link, and the message it sees next to a field that is wrong. Nothing is stored unless
// every field is right.
#include "progress/update_form.h"

#include "support/schedule_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::progress {
namespace {

using namespace date::literals;
using namespace policy::fixture;
using store::UpdateKind;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

// Two milestones of action 1.1 (wwin leads) and one of 1.2 (police leads), published 2026-01-20;
// today is 30 November 2026.
struct UpdateFormTest : ::testing::Test {
  Deployment deployment{
      {action("1.1", {"wwin"},
              {milestone("a", 2026_y / 10 / 31), milestone("b", 2026_y / 11 / 30)}),
       action("1.2", {"police"}, {milestone("c", 2026_y / 10 / 31)})}};
  SubmissionContext context{"wwin", 2026_y / 11 / 30, at(2026_y / 11 / 30, 10), {}, "link-1"};

  UpdateFormTest() {
    const_cast<plan::Plan&>(*deployment.snapshot.plans[0]).review.published = 2026_y / 1 / 20;
  }

  static store::NoticeRecord notice(std::string action, std::string milestone) {
    store::NoticeRecord record;
    record.review = "dhr-test";
    record.action = std::move(action);
    record.milestone = std::move(milestone);
    return record;
  }

  std::vector<LinkedMilestone> linked() {
    return linked_milestones(deployment.snapshot, {notice("1.1", "a"), notice("1.1", "b")}, "wwin");
  }

  Submission submit(std::map<std::string, std::string> form) {
    return read_submission(form, linked(), context);
  }
};

// Tests that a link opens only the milestones its agency leads, once each, in the email's
// order: an escalation's notices about another agency's action are left out, and so is a
// milestone the plans no longer have.
TEST_F(UpdateFormTest, LinkOpensOnlyTheAgencysOwnMilestones) {
  auto milestones = linked_milestones(deployment.snapshot,
                                      {notice("1.1", "b"), notice("1.2", "c"), notice("1.1", "b"),
                                       notice("1.1", "gone"), notice("1.1", "a")},
                                      "wwin");
  ASSERT_EQ(milestones.size(), 2U);
  EXPECT_EQ(milestones[0].milestone->id, "b");
  EXPECT_EQ(milestones[1].milestone->id, "a");
  EXPECT_TRUE(linked_milestones(deployment.snapshot, {notice("1.2", "c")}, "wwin").empty());
}

// Tests that a completion and a new target with its reason become two updates, as typed.
TEST_F(UpdateFormTest, ValidEntriesBecomeUpdates) {
  Submission result = submit({{"kind-1", "completed"},
                              {"done-1", "27/11/2026"},
                              {"note-1", "  Report signed off  "},
                              {"kind-2", "new_target"},
                              {"target-2", "March 2027"},
                              {"note-2", "Trainer unavailable"}});
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.updates.size(), 2U);
  EXPECT_EQ(result.updates[0].kind, UpdateKind::completed);
  EXPECT_EQ(result.updates[0].done_on, 2026_y / 11 / 27);
  EXPECT_EQ(result.updates[0].note, "Report signed off");
  EXPECT_EQ(result.updates[0].agency, "wwin");
  EXPECT_EQ(result.updates[0].token_id, "link-1");
  EXPECT_EQ(result.updates[1].kind, UpdateKind::new_target);
  EXPECT_EQ(result.updates[1].target, "March 2027");
  EXPECT_EQ(result.updates[1].milestone, "b");
}

// Tests the message next to each wrong field, and that nothing is to be stored when any field
// is wrong, even where another milestone's entry was right.
TEST_F(UpdateFormTest, WrongFieldsAreNamedAndNothingIsStored) {
  auto problem = [](std::size_t index, const char* field, const char* words) {
    return ::testing::AllOf(Field(&FieldProblem::index, index), Field(&FieldProblem::field, field),
                            Field(&FieldProblem::message, HasSubstr(words)));
  };
  EXPECT_THAT(submit({{"kind-1", "completed"}, {"done-1", "1 December 2026"}}).problems,
              ElementsAre(problem(0, "done", "today or in the past")));
  EXPECT_THAT(submit({{"kind-1", "completed"}, {"done-1", "10/01/2026"}}).problems,
              ElementsAre(problem(0, "done", "on or after the review was published (20/01/2026)")));
  EXPECT_THAT(submit({{"kind-1", "completed"}, {"done-1", "31/02/2026"}}).problems,
              ElementsAre(problem(0, "done", "a real date")));
  EXPECT_THAT(submit({{"kind-1", "progress"}, {"note-1", "  "}}).problems,
              ElementsAre(problem(0, "note", "what progress has been made")));
  EXPECT_THAT(
      submit({{"kind-1", "new_target"}, {"target-1", "Spring 2027"}, {"note-1", "x"}}).problems,
      ElementsAre(problem(0, "target", "as a date")));
  EXPECT_THAT(
      submit({{"kind-1", "new_target"}, {"target-1", "October 2026"}, {"note-1", "x"}}).problems,
      ElementsAre(problem(0, "target", "in the future")));
  EXPECT_THAT(submit({{"kind-1", "new_target"}, {"target-1", "TBC"}, {"note-1", "x"}}).problems,
              ElementsAre(problem(0, "target", "that is a date")));
  EXPECT_THAT(submit({{"kind-1", "new_target"}, {"target-1", "June 2027"}}).problems,
              ElementsAre(problem(0, "note", "why a new target date is needed")));
  EXPECT_THAT(submit({{"kind-1", "not_implemented"}}).problems,
              ElementsAre(problem(0, "note", "why this will not be implemented")));
  EXPECT_THAT(submit({{"kind-1", "delete_everything"}}).problems,
              ElementsAre(problem(0, "kind", "Choose what to report")));
  EXPECT_THAT(submit({{"kind-1", "progress"}, {"note-1", "bell\a"}}).problems,
              ElementsAre(problem(0, "note", "special characters")));
  EXPECT_THAT(submit({{"kind-1", "progress"}, {"note-1", std::string(2001, 'x')}}).problems,
              ElementsAre(problem(0, "note", "2000 characters or fewer")));

  Submission mixed = submit(
      {{"kind-1", "progress"}, {"note-1", "Going well"}, {"kind-2", "completed"}, {"done-2", ""}});
  EXPECT_THAT(mixed.problems, ElementsAre(problem(1, "done", "Enter the date")));
  EXPECT_TRUE(mixed.updates.empty());
  EXPECT_EQ(mixed.entries[0].note, "Going well");
}

// Tests that an empty form asks for at least one milestone, and that fields of a milestone not
// reported on, or of milestones the link does not open, are ignored.
TEST_F(UpdateFormTest, EmptyFormAndStrayFields) {
  EXPECT_THAT(submit({{"note-1", "typed but no choice"}}).problems,
              ElementsAre(Field(&FieldProblem::message, HasSubstr("at least one milestone"))));
  Submission result = submit({{"kind-2", "progress"},
                              {"note-2", "Half done"},
                              {"kind-3", "completed"},
                              {"done-3", "27/11/2026"}});
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.updates.size(), 1U);
  EXPECT_EQ(result.updates[0].milestone, "b");
}

}  // namespace
}  // namespace plan_reminder::progress
