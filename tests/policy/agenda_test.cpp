// Tests of milestone standings and the agenda: the states and RAG a coordinator sees.
#include "policy/agenda.h"

#include <gtest/gtest.h>

namespace plan_reminder::policy {
namespace {

using date::year_month_day;
using namespace date::literals;

plan::Milestone dated(std::string id, year_month_day due, std::string wording = "a day") {
  plan::Milestone m;
  m.id = std::move(id);
  m.text = "Milestone " + m.id;
  m.target = plan::Target{std::move(wording), due};
  return m;
}

plan::Action action_with(std::vector<plan::Milestone> milestones,
                         std::vector<std::string> leads = {"wwin"}) {
  plan::Action a;
  a.id = "1.1";
  for (auto& lead : leads) {
    a.lead.push_back(plan::AgencyRef{lead, 1, 1});
  }
  a.milestones = std::move(milestones);
  return a;
}

MilestoneStanding on(const plan::Milestone& m, year_month_day as_of,
                     plan::ActionStatus status = plan::ActionStatus::open,
                     std::optional<year_month_day> published = std::nullopt) {
  plan::Action a = action_with({m});
  a.status = status;
  plan::Review review;
  review.published = published;
  return standing(a.milestones[0], a, review, as_of, 28);
}

// Tests that a dated milestone moves from later to upcoming to due to overdue as days pass.
TEST(Standing, FollowsTheDueDate) {
  plan::Milestone m = dated("1", 2020_y / 3 / 31);
  EXPECT_EQ(on(m, 2020_y / 2 / 1).state, MilestoneState::later);
  EXPECT_EQ(on(m, 2020_y / 3 / 3).state, MilestoneState::upcoming);  // 28 days ahead
  EXPECT_EQ(on(m, 2020_y / 3 / 2).state, MilestoneState::later);     // 29 days ahead
  EXPECT_EQ(on(m, 2020_y / 3 / 31).state, MilestoneState::due);
  EXPECT_EQ(on(m, 2020_y / 4 / 1).state, MilestoneState::overdue);
  EXPECT_EQ(*on(m, 2020_y / 4 / 1).days, -1);
  EXPECT_EQ(*on(m, 2020_y / 3 / 30).days, 1);
}

// Tests the RAG boundaries: amber from 14 days before the due date, red from the day after.
TEST(Standing, RatesRedAmberGreen) {
  plan::Milestone m = dated("1", 2020_y / 3 / 31);
  EXPECT_EQ(on(m, 2020_y / 3 / 16).rag, Rag::green);  // 15 days
  EXPECT_EQ(on(m, 2020_y / 3 / 17).rag, Rag::amber);  // 14 days
  EXPECT_EQ(on(m, 2020_y / 3 / 31).rag, Rag::amber);
  EXPECT_EQ(on(m, 2020_y / 4 / 1).rag, Rag::red);
}

// Tests that completion by status or by a done date wins over lateness.
TEST(Standing, CompleteIsGreenEvenAfterTheDueDate) {
  plan::Milestone m = dated("1", 2019_y / 3 / 31);
  EXPECT_EQ(on(m, 2020_y / 1 / 1, plan::ActionStatus::complete).state, MilestoneState::complete);
  m.done = 2019_y / 3 / 20;
  MilestoneStanding s = on(m, 2020_y / 1 / 1);
  EXPECT_EQ(s.state, MilestoneState::complete);
  EXPECT_EQ(s.rag, Rag::green);
}

// Tests that a done date is when the milestone became complete: as of an earlier day (an
// `agenda --as-of` in the past) it is still open, and overdue once its due date has passed.
TEST(Standing, DoneDateCountsOnlyFromThatDay) {
  plan::Milestone m = dated("1", 2019_y / 12 / 31);
  m.done = 2020_y / 3 / 17;
  EXPECT_EQ(on(m, 2019_y / 9 / 2).state, MilestoneState::later);
  MilestoneStanding late = on(m, 2020_y / 3 / 16);
  EXPECT_EQ(late.state, MilestoneState::overdue);
  EXPECT_EQ(late.rag, Rag::red);
  EXPECT_EQ(on(m, 2020_y / 3 / 17).state, MilestoneState::complete);
}

// Tests that an action on hold is never shown as overdue.
TEST(Standing, OnHoldIsNotOverdue) {
  MilestoneStanding s =
      on(dated("1", 2019_y / 3 / 31), 2020_y / 1 / 1, plan::ActionStatus::on_hold);
  EXPECT_EQ(s.state, MilestoneState::on_hold);
  EXPECT_EQ(s.rag, Rag::amber);
}

// Tests undated, ongoing and pending targets, and that publication turns pending into dated.
TEST(Standing, UndatedOngoingAndPending) {
  plan::Milestone tbc;
  tbc.target = plan::Target{"TBC", plan::Undated{}};
  EXPECT_EQ(on(tbc, 2020_y / 1 / 1).state, MilestoneState::undated);
  EXPECT_EQ(on(tbc, 2020_y / 1 / 1).rag, Rag::amber);

  plan::Milestone ongoing;
  ongoing.target = plan::Target{"Ongoing", plan::Ongoing{}};
  EXPECT_EQ(on(ongoing, 2030_y / 1 / 1).state, MilestoneState::ongoing);
  EXPECT_EQ(on(ongoing, 2030_y / 1 / 1).rag, Rag::green);

  plan::Milestone relative;
  relative.target = plan::Target{"Within one month of publication",
                                 plan::PublicationOffset{1, plan::PublicationOffset::Unit::months}};
  EXPECT_EQ(on(relative, 2020_y / 3 / 1).state, MilestoneState::pending);
  MilestoneStanding published =
      on(relative, 2020_y / 3 / 1, plan::ActionStatus::open, 2020_y / 1 / 20);
  EXPECT_EQ(published.state, MilestoneState::overdue);
  EXPECT_EQ(*published.due, 2020_y / 2 / 20);
}

// Tests that a revised target replaces the original one for scheduling.
TEST(Standing, RevisedTargetReschedules) {
  plan::Milestone m = dated("1", 2020_y / 3 / 31, "March 2020");
  m.revised_target = plan::Target{"June 2020", 2020_y / 6 / 30};
  MilestoneStanding s = on(m, 2020_y / 4 / 15);
  EXPECT_EQ(s.state, MilestoneState::later);
  EXPECT_EQ(*s.due, 2020_y / 6 / 30);
  EXPECT_EQ(m.target_display(), "March 2020 (revised: June 2020)");
}

std::shared_ptr<const plan::Plan> plan_of(std::string id, std::vector<plan::Action> actions) {
  auto p = std::make_shared<plan::Plan>();
  p->review.id = std::move(id);
  plan::Recommendation r;
  r.id = "1";
  r.actions = std::move(actions);
  p->recommendations.push_back(std::move(r));
  return p;
}

// Tests that the agenda lists overdue first, then by due date, and filters by agency and review.
TEST(Agenda, OrdersByStateThenDueDateAndFilters) {
  plan::Action wwin = action_with({dated("late", 2020_y / 1 / 10), dated("soon", 2020_y / 2 / 10),
                                   dated("sooner", 2020_y / 2 / 5)},
                                  {"wwin"});
  plan::Action police = action_with({dated("p", 2020_y / 1 / 5)}, {"police"});
  police.support.push_back(plan::AgencyRef{"council", 1, 1});
  std::vector<std::shared_ptr<const plan::Plan>> plans{plan_of("dhr-a", {wwin, police}),
                                                       plan_of("dhr-b", {wwin})};
  AgendaOptions options;
  options.as_of = 2020_y / 2 / 1;
  auto items = build_agenda(plans, options);
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[0].milestone->id, "p");
  EXPECT_EQ(items[1].milestone->id, "late");
  EXPECT_EQ(items[1].plan->review.id, "dhr-a");
  EXPECT_EQ(items[2].milestone->id, "late");
  EXPECT_EQ(items[2].plan->review.id, "dhr-b");
  EXPECT_EQ(items[3].milestone->id, "sooner");
  EXPECT_EQ(items[6].milestone->id, "soon");

  options.agency = "council";  // supports the police action
  EXPECT_EQ(build_agenda(plans, options).size(), 1u);
  options.agency.reset();
  options.review = "dhr-b";
  EXPECT_EQ(build_agenda(plans, options).size(), 3u);
}

}  // namespace
}  // namespace plan_reminder::policy
