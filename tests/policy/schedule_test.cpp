// Tests of the notification policy (SPEC §4): when each stage goes, to whom, business days,
// catch-up after downtime, exactly once, and the weekly digest. Time is always passed in.
#include "policy/schedule.h"
#include "mail/templates.h"
#include "plan/snapshot.h"
#include "policy/digest.h"
#include "support/schedule_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace plan_reminder::policy {
namespace {

using namespace date::literals;
using date::year_month_day;

using namespace fixture;

// Tests the whole default schedule of one milestone due Tuesday 31 March 2020: reminders 28,
// 14, 7 and 1 days before, the due day, overdue the day after, then four repeats on Mondays
// (the digest day) at least a week apart, Easter Monday moving one to the Tuesday, and then
// no more; the escalation to the chair 14 days after, then every 28 days.
TEST(Schedule, DefaultStagesForOneMilestone) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)})});
  base::KeySet handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 2 / 1, 2020_y / 7 / 10, handled));
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-03-03", {"reminder:wwin reminder/28"}},
      {"2020-03-17", {"reminder:wwin reminder/14"}},
      {"2020-03-24", {"reminder:wwin reminder/7"}},
      {"2020-03-30", {"reminder:wwin reminder/1"}},
      {"2020-03-31", {"due:wwin due/0"}},
      {"2020-04-01", {"overdue:wwin overdue/0"}},
      {"2020-04-14", {"overdue:wwin overdue/1", "escalation:chair escalation/0"}},
      {"2020-04-20", {"overdue:wwin overdue/2"}},
      {"2020-04-27", {"overdue:wwin overdue/3"}},
      {"2020-05-04", {"overdue:wwin overdue/4"}},
      {"2020-05-12", {"escalation:chair escalation/1"}},
      {"2020-06-09", {"escalation:chair escalation/2"}},
      {"2020-07-07", {"escalation:chair escalation/3"}},
  };
  EXPECT_EQ(sent, expected);
}

// Tests SPEC §4 "No nagging forever": an agency with milestones due on different weekdays gets
// each one's first overdue notice the day after its due date, then all the repeats together in
// one email a week on the overdue weekday (the first at least a week after the first notice),
// four of each at most, then none: a whole year gives it 4 first notices and 6 repeat emails,
// not a hundred. (Reminders and due-day notices are left out of this policy.)
TEST(Schedule, OverdueRepeatsGoTogetherOnOneWeekdayAndStop) {
  Deployment deployment(
      {action("1.1", {"wwin"},
              {milestone("mon", 2020_y / 6 / 1), milestone("tue", 2020_y / 6 / 2),
               milestone("wed", 2020_y / 6 / 10), milestone("thu", 2020_y / 6 / 18)})});
  deployment.snapshot.config.policy.reminder_days.clear();
  deployment.snapshot.config.policy.due_day = false;
  base::KeySet handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 6 / 1, 2021_y / 5 / 31, handled));
  std::map<std::string, std::vector<std::string>> overdue;
  for (const auto& [day, lines] : sent) {
    for (const auto& line : lines) {
      if (line.rfind("overdue:wwin", 0) == 0) {
        overdue[day].push_back(line);
      }
    }
  }
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-06-02", {"overdue:wwin overdue/0"}},  // mon
      {"2020-06-03", {"overdue:wwin overdue/0"}},  // tue
      {"2020-06-11", {"overdue:wwin overdue/0"}},  // wed
      {"2020-06-15", {"overdue:wwin overdue/1 overdue/1"}},
      {"2020-06-19", {"overdue:wwin overdue/0"}},  // thu
      {"2020-06-22", {"overdue:wwin overdue/2 overdue/2 overdue/1"}},
      {"2020-06-29", {"overdue:wwin overdue/3 overdue/3 overdue/2 overdue/1"}},
      {"2020-07-06", {"overdue:wwin overdue/4 overdue/4 overdue/3 overdue/2"}},
      {"2020-07-13", {"overdue:wwin overdue/4 overdue/3"}},
      {"2020-07-20", {"overdue:wwin overdue/4"}},
  };
  EXPECT_EQ(overdue, expected);
}

// Tests that the overdue weekday and the number of repeats come from the policy, and that a
// repeat whose weekday is a bank holiday goes on the next business day.
TEST(Schedule, OverdueWeekdayAndRepeatsAreConfigurable) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 4 / 30)})});
  deployment.snapshot.config.policy.overdue_weekday = date::Friday;
  deployment.snapshot.config.policy.overdue_max_repeats = 2;
  base::KeySet handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 5 / 1, 2020_y / 6 / 30, handled));
  std::vector<std::string> overdue;
  for (const auto& [day, lines] : sent) {
    for (const auto& line : lines) {
      if (line.rfind("overdue:", 0) == 0) {
        overdue.push_back(day + " " + line);
      }
    }
  }
  // Due Thursday 30 April: first Friday 1 May; repeats on Fridays from 8 May (VE Day, a bank
  // holiday: Monday 11 May), then 15 May; then no more.
  EXPECT_THAT(overdue, ::testing::ElementsAre("2020-05-01 overdue:wwin overdue/0",
                                              "2020-05-11 overdue:wwin overdue/1",
                                              "2020-05-15 overdue:wwin overdue/2"));
}

// Tests that the first overdue notice keeps its key and that the weekday repeats have keys of
// their own: a repeat sent under the old rule (overdue/1, a week after the first) is not taken
// for one under the new.
TEST(Schedule, OverdueRepeatKeysAreNew) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)})});
  const plan::Plan& plan = *deployment.snapshot.plans[0];
  const plan::Action& a = plan.recommendations[0].actions[0];
  const Recipient wwin{Recipient::Kind::agency, "wwin"};
  EXPECT_EQ(
      notice_key(plan, a, a.milestones[0], 2020_y / 3 / 31, mail::EmailKind::overdue, 0, wwin),
      "dhr-test/1.1/m/2020-03-31/overdue/0/wwin");
  EXPECT_EQ(
      notice_key(plan, a, a.milestones[0], 2020_y / 3 / 31, mail::EmailKind::overdue, 1, wwin),
      "dhr-test/1.1/m/2020-03-31/overdue-repeat/1/wwin");
  base::KeySet handled{"dhr-test/1.1/m/2020-03-31/overdue/0/wwin",
                       "dhr-test/1.1/m/2020-03-31/overdue/1/wwin"};
  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 4 / 9, 9), {}, {}};
  PassPlan pass = plan_pass(inputs, at(2020_y / 4 / 14, 9));
  auto emails = notice_emails(pass);
  ASSERT_EQ(emails.size(), 2u);  // the chair's escalation and wwin's first weekday repeat
  EXPECT_EQ(emails[0]->notices.at(0).key, "dhr-test/1.1/m/2020-03-31/overdue-repeat/1/wwin");
}

// Tests that sends falling on a weekend or bank holiday move: reminders and the due notice
// earlier (never late), overdue notices later. Due Friday 8 May 2020, the VE Day holiday.
TEST(Schedule, BusinessDayMoves) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 5 / 8)})});
  base::KeySet handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 4 / 1, 2020_y / 5 / 12, handled));
  // D-28 = Fri 10 Apr (Good Friday) -> Thu 9 Apr; D-14 = Fri 24 Apr; D-7 = Fri 1 May;
  // D-1 = Thu 7 May, and the due day (a holiday) also moves to Thu 7 May: one notice, "due".
  // Overdue D+1 = Sat 9 May -> Mon 11 May.
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-04-09", {"reminder:wwin reminder/28"}}, {"2020-04-24", {"reminder:wwin reminder/14"}},
      {"2020-05-01", {"reminder:wwin reminder/7"}},  {"2020-05-07", {"due:wwin due/0"}},
      {"2020-05-11", {"overdue:wwin overdue/0"}},
  };
  EXPECT_EQ(sent, expected);
}

// Tests that nothing is sent on a weekend or bank holiday, even at the send time.
TEST(Schedule, NothingOnNonBusinessDays) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 1 / 1)})});
  base::KeySet handled;
  for (Instant now : {at(2020_y / 3 / 7, 9), at(2020_y / 3 / 8, 12), at(2020_y / 4 / 10, 9),
                      at(2020_y / 12 / 25, 10)}) {
    PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, std::nullopt, {}, {}};
    PassPlan pass = plan_pass(inputs, now);
    EXPECT_TRUE(pass.emails.empty()) << date::format("%F %T", now);
    EXPECT_FALSE(pass.notice_window);
  }
  // Before the send time on a business day, no notice either (the 08:30 digest may go).
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, std::nullopt, {}, {}};
  EXPECT_TRUE(notice_emails(plan_pass(inputs, at(2020_y / 3 / 9, 8, 59))).empty());
  EXPECT_EQ(notice_emails(plan_pass(inputs, at(2020_y / 3 / 9, 9))).size(), 2u);  // lead, chair
}

// Tests that a pass repeated at the same moment, with its notices recorded, sends nothing more.
TEST(Schedule, ExactlyOnce) {
  Deployment deployment({action("1.1", {"wwin", "police"}, {milestone("m", 2020_y / 3 / 31)})});
  base::KeySet handled;
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, std::nullopt, {}, {}};
  PassPlan first = plan_pass(inputs, at(2020_y / 3 / 3, 9));
  ASSERT_EQ(notice_emails(first).size(), 2u);  // one per lead agency
  for (const auto& email : first.emails) {
    for (const auto& notice : email.notices) {
      handled.insert(notice.key);
    }
    if (!email.digest_key.empty()) {
      handled.insert(email.digest_key);
    }
  }
  EXPECT_TRUE(plan_pass(inputs, at(2020_y / 3 / 3, 9)).emails.empty());
  EXPECT_TRUE(plan_pass(inputs, at(2020_y / 3 / 3, 17)).emails.empty());
}

// Tests that a pass planned in outline (as one that renders an email at a time is) leaves each
// email without its rows until they are added, and then has one row per notice, once.
TEST(Schedule, AnOutlinedPassGetsEachEmailsRowsWhenAsked) {
  Deployment deployment({action(
      "1.1", {"wwin"}, {milestone("a", 2020_y / 3 / 31), milestone("b", 2020_y / 4 / 20)})});
  base::KeySet handled;
  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 3 / 16, 9), {}, {}};
  PassPlan outline = plan_pass_outline(inputs, at(2020_y / 4 / 17, 9));
  std::vector<std::string> rows;
  for (PlannedEmail& email : outline.emails) {
    if (email.kind == mail::EmailKind::digest) {
      continue;
    }
    EXPECT_FALSE(email.to.empty());
    EXPECT_TRUE(std::get<mail::NoticeEmailView>(email.view).items.empty());
    add_notice_rows(email, deployment.snapshot);
    add_notice_rows(email, deployment.snapshot);  // once only
    for (const auto& row : std::get<mail::NoticeEmailView>(email.view).items) {
      rows.push_back(email.recipient.id + " " + row.milestone_id + " " +
                     mail::to_string(*row.stage) + " " + std::to_string(row.days));
    }
  }
  // On Friday 17 April: a (due 31 March) is 17 days overdue, b (due 20 April) 3 days away.
  EXPECT_THAT(rows, ::testing::UnorderedElementsAre("wwin a overdue -17", "wwin b reminder 3",
                                                    "chair a escalation -17"));
}

// Tests that an email's rows past those it lists carry what its counts read (ids, dates,
// stage) but not the texts it never shows: a national escalation has tens of thousands.
TEST(Schedule, RowsPastTheListedOnesAreCountedOnly) {
  std::vector<plan::Milestone> many;
  for (std::size_t i = 0; i <= mail::kMaxListed; ++i) {
    many.push_back(milestone("m" + std::to_string(i), 2020_y / 3 / 31));
  }
  Deployment deployment({action("1.1", {"wwin"}, many)});
  base::KeySet handled;
  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 4 / 2, 9), {}, {}};
  const PassPlan pass = plan_pass(inputs, at(2020_y / 4 / 3, 9));
  const auto emails = notice_emails(pass);
  ASSERT_FALSE(emails.empty());
  const auto& rows = std::get<mail::NoticeEmailView>(emails.front()->view).items;
  ASSERT_EQ(rows.size(), mail::kMaxListed + 1);
  const mail::MilestoneView& listed = rows[mail::kMaxListed - 1];
  const mail::MilestoneView& counted = rows[mail::kMaxListed];
  EXPECT_FALSE(listed.milestone_text.empty());
  EXPECT_FALSE(listed.target.empty());
  EXPECT_TRUE(counted.milestone_text.empty());
  EXPECT_TRUE(counted.target.empty());
  EXPECT_EQ(counted.review_id, listed.review_id);
  EXPECT_EQ(counted.action_id, "1.1");
  EXPECT_EQ(counted.due_day, listed.due_day);
  EXPECT_EQ(counted.days, listed.days);
  EXPECT_EQ(counted.stage, listed.stage);
}

// Tests that after 30 days of downtime only the latest stage of each milestone goes, once, and
// the stale ones are dropped, not sent late.
TEST(Schedule, CatchUpAfterDowntimeSendsOnlyTheLatestStage) {
  Deployment deployment({action(
      "1.1", {"wwin"}, {milestone("a", 2020_y / 3 / 31), milestone("b", 2020_y / 4 / 20)})});
  base::KeySet handled;
  simulate(deployment, 2020_y / 2 / 1, 2020_y / 3 / 16, handled);  // up to the day before D-14
  // Down from 17 March to 16 April; back on Friday 17 April at 09:00.
  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 3 / 16, 9), {}, {}};
  PassPlan pass = plan_pass(inputs, at(2020_y / 4 / 17, 9));
  std::vector<std::string> sent;
  for (const auto* email : notice_emails(pass)) {
    for (const auto& notice : email->notices) {
      sent.push_back(email->recipient.id + " " + notice.milestone->id + " " +
                     mail::to_string(notice.stage) + "/" + std::to_string(notice.occurrence));
    }
  }
  // a: due 31 Mar, overdue notices on 1 Apr and (the first Monday repeat, Easter Monday moving
  // it) 14 Apr: only overdue/1 goes; the escalation of 14 Apr goes to the chair. b: due Mon 20
  // Apr; reminders on 23 Mar (28 days), 6 Apr (14), Thu 9 Apr (7 days: Easter Monday moves it
  // back over Good Friday) and today, Fri 17 Apr (1 day: Sunday moves back): only today's goes.
  EXPECT_THAT(sent, ::testing::UnorderedElementsAre("wwin a overdue/1", "wwin b reminder/1",
                                                    "chair a escalation/0"));
  // Both of wwin's notices travel in one email.
  EXPECT_EQ(notice_emails(pass).size(), 2u);
  std::vector<std::string> dropped;
  for (const auto& notice : pass.dropped) {
    dropped.push_back(notice.milestone->id + " " + mail::to_string(notice.stage) + "/" +
                      std::to_string(notice.occurrence));
  }
  EXPECT_THAT(dropped, ::testing::UnorderedElementsAre(
                           "a reminder/14", "a reminder/7", "a reminder/1", "a due/0",
                           "a overdue/0", "b reminder/28", "b reminder/14", "b reminder/7"));
}

// Tests that a plan first loaded long after its targets gives one overdue email per agency and
// one escalation email to the chair, not one per stage or per milestone.
TEST(Schedule, PlanLoadedYearsLateGivesOneEmailPerRecipient) {
  std::vector<plan::Milestone> many;
  for (int i = 1; i <= 12; ++i) {
    many.push_back(
        milestone("m" + std::to_string(i), year_month_day{2019_y / date::month(i) / date::last}));
  }
  Deployment deployment({action("1.1", {"wwin"}, many), action("1.2", {"wwin", "police"}, many)});
  base::KeySet handled;
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, std::nullopt, {}, {}};
  PassPlan pass = plan_pass(inputs, at(2026_y / 11 / 26, 9));
  std::map<std::string, std::size_t> per_recipient;
  for (const auto* email : notice_emails(pass)) {
    per_recipient[email->recipient.id] += email->notices.size();
  }
  EXPECT_EQ(notice_emails(pass).size(), 3u);
  EXPECT_EQ(per_recipient["wwin"], 24u);
  EXPECT_EQ(per_recipient["police"], 12u);
  EXPECT_EQ(per_recipient["chair"], 24u);
  for (const auto* email : notice_emails(pass)) {
    EXPECT_EQ(email->kind, email->recipient.id == "chair" ? mail::EmailKind::escalation
                                                          : mail::EmailKind::overdue);
  }
}

// Tests who each stage goes to: reminders copy supporting agencies, overdue notices copy the
// coordinator, escalations go to the chair copying leads and the coordinator.
TEST(Schedule, RecipientsPerStage) {
  plan::Action a = action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)});
  a.support.push_back(plan::AgencyRef{"council", 1, 1});
  Deployment deployment({a});
  base::KeySet handled;
  auto addresses = [](const std::vector<mail::Address>& list) {
    std::vector<std::string> out;
    for (const auto& address : list) {
      out.push_back(address.address);
    }
    return out;
  };
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, std::nullopt, {}, {}};
  PassPlan reminder_pass = plan_pass(inputs, at(2020_y / 3 / 3, 9));
  auto reminder = notice_emails(reminder_pass);
  ASSERT_EQ(reminder.size(), 1u);
  EXPECT_THAT(addresses(reminder[0]->to), ::testing::ElementsAre("lead@wwin.example.org"));
  EXPECT_THAT(addresses(reminder[0]->cc), ::testing::ElementsAre("dhr@council.example.org"));

  PassPlan overdue_pass = plan_pass(inputs, at(2020_y / 4 / 1, 9));
  auto overdue = notice_emails(overdue_pass);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_THAT(addresses(overdue[0]->cc), ::testing::ElementsAre("coordinator@council.example.org"));

  PassPlan escalation = plan_pass(inputs, at(2020_y / 4 / 14, 9));
  const PlannedEmail* chair = nullptr;
  for (const auto& email : escalation.emails) {
    if (email.recipient.kind == Recipient::Kind::chair) {
      chair = &email;
    }
  }
  ASSERT_NE(chair, nullptr);
  EXPECT_THAT(addresses(chair->to), ::testing::ElementsAre("chair@partnership.example.org"));
  EXPECT_THAT(
      addresses(chair->cc),
      ::testing::UnorderedElementsAre("lead@wwin.example.org", "coordinator@council.example.org"));
}

// Tests that completed, on-hold, undated and ongoing milestones get no notices.
TEST(Schedule, NoNoticesForClosedOrUndatedMilestones) {
  plan::Milestone done = milestone("done", 2020_y / 3 / 31);
  done.done = 2020_y / 3 / 1;
  plan::Milestone tbc;
  tbc.id = "tbc";
  tbc.target = plan::Target{"TBC", plan::Undated{}};
  plan::Milestone ongoing;
  ongoing.id = "ongoing";
  ongoing.target = plan::Target{"Ongoing", plan::Ongoing{}};
  plan::Action held = action("1.2", {"police"}, {milestone("held", 2020_y / 3 / 31)});
  held.status = plan::ActionStatus::on_hold;
  plan::Action complete = action("1.3", {"police"}, {milestone("c", 2020_y / 3 / 31)});
  complete.status = plan::ActionStatus::complete;
  Deployment deployment({action("1.1", {"wwin"}, {done, tbc, ongoing}), held, complete});
  base::KeySet handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 2 / 1, 2020_y / 6 / 1, handled));
  EXPECT_TRUE(sent.empty());
}

// Tests that a milestone done later than the pass is still open at that pass (a pass simulated
// with --now before the done date sends), and gets nothing from its done date on.
TEST(Schedule, DoneDateStopsNoticesOnlyFromThatDay) {
  plan::Milestone m = milestone("m", 2020_y / 3 / 31);
  m.done = 2020_y / 4 / 2;
  Deployment deployment({action("1.1", {"wwin"}, {m})});
  base::KeySet handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 3 / 23, 2020_y / 4 / 30, handled));
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-03-23", {"reminder:wwin reminder/14"}},  // the first pass catches up
      {"2020-03-24", {"reminder:wwin reminder/7"}},
      {"2020-03-30", {"reminder:wwin reminder/1"}},
      {"2020-03-31", {"due:wwin due/0"}},
      {"2020-04-01", {"overdue:wwin overdue/0"}},
  };
  EXPECT_EQ(sent, expected);
}

// Tests that keys ignore wording edits but a new due date starts a new schedule.
TEST(Schedule, KeysSurviveEditsButNotANewDueDate) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)})});
  base::KeySet handled;
  simulate(deployment, 2020_y / 2 / 1, 2020_y / 3 / 3, handled);  // the 28-day reminder
  plan::Action& a = deployment.first_action();
  a.text = "Reworded action";
  a.milestones[0].text = "Reworded milestone";
  a.milestones[0].target.wording = "By March 2020";
  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 3 / 3, 9), {}, {}};
  EXPECT_TRUE(plan_pass(inputs, at(2020_y / 3 / 3, 9)).emails.empty());
  // The target moves to 30 June: the schedule starts again from the new date.
  a.milestones[0].revised_target = plan::Target{"June 2020", year_month_day{2020_y / 6 / 30}};
  auto sent = without_digests(simulate(deployment, 2020_y / 3 / 4, 2020_y / 6 / 2, handled));
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-06-02", {"reminder:wwin reminder/28"}}};
  EXPECT_EQ(sent, expected);
}

// Tests the weekly digest: Mondays at 08:30, on the Tuesday after a bank-holiday Monday, and a
// separate copy per board member unless the address is a list.
TEST(Schedule, WeeklyDigest) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 9 / 30)})}, false);
  base::KeySet handled;
  auto sent = simulate(deployment, 2020_y / 5 / 18, 2020_y / 6 / 2, handled);
  std::vector<std::string> digest_days;
  for (const auto& [day, lines] : sent) {
    for (const auto& line : lines) {
      if (line.rfind("digest:", 0) == 0) {
        digest_days.push_back(day + " " + line);
      }
    }
  }
  // 25 May 2020 is the spring bank holiday.
  EXPECT_THAT(digest_days,
              ::testing::ElementsAre("2020-05-18 digest:digest:board@partnership.example.org",
                                     "2020-05-18 digest:digest:deputy@example.org",
                                     "2020-05-26 digest:digest:board@partnership.example.org",
                                     "2020-05-26 digest:digest:deputy@example.org",
                                     "2020-06-01 digest:digest:board@partnership.example.org",
                                     "2020-06-01 digest:digest:deputy@example.org"));
}

// Tests that the week's log (the audit trail and failures) is read only for a pass that sends
// a digest, once however many copies go, and that each copy carries it.
TEST(Schedule, WeeksLogReadOnlyForADigest) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 9 / 30)})}, false);
  base::KeySet handled;
  int audit_reads = 0;
  int failure_reads = 0;
  PassInputs inputs{
      &deployment.snapshot,
      &deployment.clock,
      &handled,
      std::nullopt,
      [&] {
        ++audit_reads;
        return std::vector<mail::AuditRow>{
            {date::local_days{2020_y / 5 / 11} + std::chrono::hours(9), mail::EmailKind::reminder,
             "a@example.org", "1.1 m", mail::DeliveryState::sent, ""}};
      },
      [&] {
        ++failure_reads;
        return std::vector<mail::AuditRow>{};
      }};
  // Monday 18 May 2020 at 08:30: two copies of the digest (board and deputy), one read.
  PassPlan monday = plan_pass(inputs, at(2020_y / 5 / 18, 8, 30));
  EXPECT_EQ(audit_reads, 1);
  EXPECT_EQ(failure_reads, 1);
  int digests = 0;
  for (const auto& email : monday.emails) {
    if (email.kind == mail::EmailKind::digest) {
      ++digests;
      const auto& view = std::get<mail::DigestView>(email.view);
      ASSERT_EQ(view.audit.size(), 1u);
      EXPECT_EQ(view.audit[0].about, "1.1 m");
      handled.insert(email.digest_key);
    }
  }
  EXPECT_EQ(digests, 2);
  // Monday at 09:00 and Tuesday: the digest is done, so the log is not read again.
  plan_pass(inputs, at(2020_y / 5 / 18, 9));
  plan_pass(inputs, at(2020_y / 5 / 19, 9));
  EXPECT_EQ(audit_reads, 1);
  EXPECT_EQ(failure_reads, 1);
}

// Tests the digest's content: overdue with days and escalation, due soon, undated, RAG rows.
TEST(Schedule, DigestContent) {
  plan::Milestone tbc;
  tbc.id = "tbc";
  tbc.text = "Needs a date";
  tbc.target = plan::Target{"TBC", plan::Undated{}};
  plan::Milestone done = milestone("done", 2020_y / 6 / 30);
  done.done = 2020_y / 5 / 28;
  Deployment deployment({action("1.1", {"wwin"}, {milestone("late", 2020_y / 5 / 1), tbc, done}),
                         action("1.2", {"police"}, {milestone("soon", 2020_y / 6 / 10)})});
  base::KeySet log{"dhr-test/1.1/late/2020-05-01/escalation/0/chair"};
  mail::DigestView view = digest_view(deployment.snapshot, 2020_y / 6 / 1, {}, {}, log);
  ASSERT_EQ(view.overdue.size(), 1u);
  EXPECT_EQ(view.overdue[0].milestone_id, "late");
  EXPECT_EQ(view.overdue[0].days, -31);
  EXPECT_TRUE(view.overdue[0].escalated);
  ASSERT_EQ(view.due_soon.size(), 1u);
  EXPECT_EQ(view.due_soon[0].due_day, year_month_day{2020_y / 6 / 10});
  EXPECT_EQ(view.due_soon[0].days, 9);
  ASSERT_EQ(view.undated.size(), 1u);
  ASSERT_EQ(view.completed.size(), 1u);
  EXPECT_EQ(view.total, 4);
  ASSERT_EQ(view.recommendations.size(), 1u);
  EXPECT_EQ(view.recommendations[0].rag, mail::Rag::red);
  ASSERT_EQ(view.agencies.size(), 2u);
  EXPECT_EQ(view.agencies[0].name, "Police");
  EXPECT_EQ(view.agencies[0].rag, mail::Rag::amber);
  EXPECT_EQ(view.agencies[1].name, "WWiN");
  EXPECT_EQ(view.agencies[1].rag, mail::Rag::red);
}

// Tests that a digest email's lists keep only the rows an email shows, the earliest due first,
// while counting every milestone: a national digest has tens of thousands overdue.
TEST(Schedule, DigestListsKeepTheFirstRowsAndCountThemAll) {
  std::vector<plan::Milestone> late;
  for (int day = 5; day >= 1; --day) {
    late.push_back(milestone("late" + std::to_string(day), 2020_y / 5 / day));
  }
  Deployment deployment({action("1.1", {"wwin"}, late)});
  const mail::DigestView all = digest_view(deployment.snapshot, 2020_y / 6 / 1, {}, {}, {});
  const mail::DigestView cut = digest_view(deployment.snapshot, 2020_y / 6 / 1, {}, {}, {}, 2);
  ASSERT_EQ(all.overdue.size(), 5u);
  ASSERT_EQ(cut.overdue.size(), 2u);
  EXPECT_EQ(cut.overdue[0].milestone_id, "late1");
  EXPECT_EQ(cut.overdue[1].milestone_id, "late2");
  EXPECT_EQ(cut.counts.overdue, 5u);
  EXPECT_EQ(all.counts.overdue, 5u);
  EXPECT_EQ(cut.total, all.total);
  ASSERT_EQ(cut.recommendations.size(), 1u);
  EXPECT_EQ(cut.recommendations[0].overdue, 5) << "the RAG rows count every milestone";
}

// Tests that the digest says "escalated" only once an escalation is in the log: not at 08:30 on
// the day the 09:00 escalation goes (nor for an older milestone whose escalation was never
// sent), and from the next digest on once it has gone.
TEST(Schedule, DigestSaysEscalatedOnlyOnceSent) {
  // Due Monday 16 March 2020: the escalation (D+14) goes on Monday 30 March at 09:00.
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 16)})});
  base::KeySet handled;
  auto digest_of = [&](Instant now) {
    PassInputs inputs{
        &deployment.snapshot, &deployment.clock, &handled, now - date::days(1), {}, {}};
    for (const auto& email : plan_pass(inputs, now).emails) {
      if (email.kind == mail::EmailKind::digest) {
        return std::get<mail::DigestView>(email.view);
      }
    }
    ADD_FAILURE() << "no digest at " << date::format("%F %R", now);
    return mail::DigestView{};
  };
  mail::DigestView morning = digest_of(at(2020_y / 3 / 30, 8, 30));
  ASSERT_EQ(morning.overdue.size(), 1u);
  EXPECT_FALSE(morning.overdue[0].escalated);

  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 3 / 27, 9), {}, {}};
  PassPlan escalation = plan_pass(inputs, at(2020_y / 3 / 30, 9));
  for (const auto* email : notice_emails(escalation)) {
    for (const auto& notice : email->notices) {
      handled.insert(notice.key);
    }
  }
  mail::DigestView next = digest_of(at(2020_y / 4 / 6, 8, 30));
  ASSERT_EQ(next.overdue.size(), 1u);
  EXPECT_TRUE(next.overdue[0].escalated);
}

// Tests that a due-day notice sent early, because the due date is a Sunday, says when it is due
// from the dates ("due on Sunday 31 May 2020") in its subject, heading and item, and never
// "due today"; and that one sent on its due date still says "due today".
TEST(Schedule, DueDayNoticeSentEarlyIsWordedFromTheDates) {
  plan::Diagnostics problems;
  auto templates = mail::Templates::load(PR_SOURCE_DIR "/templates", problems);
  ASSERT_TRUE(templates.has_value());
  Deployment deployment({action("1.1", {"wwin"}, {milestone("sunday", 2020_y / 5 / 31)}),
                         action("1.2", {"police"}, {milestone("friday", 2020_y / 5 / 29)})});
  base::KeySet handled;
  PassInputs inputs{
      &deployment.snapshot, &deployment.clock, &handled, at(2020_y / 5 / 28, 9), {}, {}};
  std::map<std::string, mail::RenderedEmail> rendered;
  PassPlan pass = plan_pass(inputs, at(2020_y / 5 / 29, 9));
  for (const auto* email : notice_emails(pass)) {
    ASSERT_EQ(email->kind, mail::EmailKind::due);
    rendered[email->recipient.id] = templates->render(std::get<mail::NoticeEmailView>(email->view));
  }
  ASSERT_EQ(rendered.size(), 2u);
  const mail::RenderedEmail& early = rendered["wwin"];
  EXPECT_EQ(early.subject, "[Test Partnership] Due on Sunday 31 May 2020: 1.1 Milestone sunday");
  for (const std::string& part : {early.text, early.html}) {
    EXPECT_THAT(part, ::testing::HasSubstr("is due on Sunday 31 May 2020."));
    EXPECT_THAT(part, ::testing::Not(::testing::HasSubstr("due today")));
    EXPECT_THAT(part, ::testing::Not(::testing::HasSubstr("Due today")));
  }
  const mail::RenderedEmail& on_time = rendered["police"];
  EXPECT_EQ(on_time.subject, "[Test Partnership] Due today: 1.2 Milestone friday");
  EXPECT_THAT(on_time.text, ::testing::HasSubstr("is due today, Friday 29 May 2020."));
}

// Tests the one wording of a due date from two dates: today, tomorrow, the day's name within
// the week, a count of days beyond it, and days overdue; with the date where asked.
TEST(Schedule, DueDateWording) {
  const year_month_day today = 2020_y / 5 / 29;  // a Friday
  using mail::DueWording;
  EXPECT_EQ(mail::when_due(2020_y / 5 / 29, today), "due today");
  EXPECT_EQ(mail::when_due(2020_y / 5 / 29, today, DueWording::with_date),
            "due today, Friday 29 May 2020");
  EXPECT_EQ(mail::when_due(2020_y / 5 / 30, today), "due tomorrow");
  EXPECT_EQ(mail::when_due(2020_y / 5 / 31, today), "due on Sunday 31 May 2020");
  EXPECT_EQ(mail::when_due(2020_y / 6 / 4, today), "due on Thursday 4 June 2020");
  EXPECT_EQ(mail::when_due(2020_y / 6 / 5, today), "due in 7 days");
  EXPECT_EQ(mail::when_due(2020_y / 6 / 5, today, DueWording::with_date),
            "due in 7 days, on 5 June 2020");
  EXPECT_EQ(mail::when_due(2020_y / 5 / 28, today), "1 day overdue");
  EXPECT_EQ(mail::when_due(2020_y / 5 / 1, today, DueWording::with_date),
            "28 days overdue (due 1 May 2020)");
}

}  // namespace
}  // namespace plan_reminder::policy
