// Tests of the notification policy (SPEC §4): when each stage goes, to whom, business days,
// catch-up after downtime, exactly once, and the weekly digest. Time is always passed in.
#include "plan/snapshot.h"
#include "policy/schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace plan_reminder::policy {
namespace {

using namespace date::literals;
using date::year_month_day;

plan::Mailbox box(std::string name, std::string address) {
  return plan::Mailbox{std::move(name), {std::move(address)}, {}};
}

plan::Milestone milestone(std::string id, year_month_day due) {
  plan::Milestone m;
  m.id = std::move(id);
  m.text = "Milestone " + m.id;
  m.target = plan::Target{date::format("%F", due), due};
  return m;
}

plan::Action action(std::string id, std::vector<std::string> leads,
                    std::vector<plan::Milestone> milestones) {
  plan::Action a;
  a.id = std::move(id);
  a.text = "Action " + a.id;
  for (auto& lead : leads) {
    a.lead.push_back(plan::AgencyRef{lead, 1, 1});
  }
  a.milestones = std::move(milestones);
  return a;
}

// A deployment with two agencies, a chair, a coordinator and a board, and one plan.
struct Deployment {
  plan::Snapshot snapshot;
  Clock clock = clock_for(plan::Config{});

  explicit Deployment(std::vector<plan::Action> actions, bool digest_list = true) {
    snapshot.config.from = "Partnership <dhr@partnership.example.org>";
    auto& d = snapshot.directory;
    d.partnership = "Test Partnership";
    d.chair = box("Chair", "chair@partnership.example.org");
    d.coordinator = box("Coordinator", "coordinator@council.example.org");
    d.digest = plan::Mailbox{"Board", {"board@partnership.example.org", "deputy@example.org"}, {}};
    d.digest_is_list = digest_list;
    d.agencies["wwin"] = plan::Agency{"wwin", box("WWiN", "lead@wwin.example.org")};
    d.agencies["police"] = plan::Agency{"police", box("Police", "dhr@police.example.org")};
    d.agencies["council"] = plan::Agency{"council", box("Council", "dhr@council.example.org")};
    auto p = std::make_shared<plan::Plan>();
    p->review.id = "dhr-test";
    p->review.title = "Review 'Test'";
    plan::Recommendation r;
    r.id = "1";
    r.actions = std::move(actions);
    p->recommendations.push_back(std::move(r));
    snapshot.plans.push_back(p);
  }

  plan::Action& first_action() {
    return const_cast<plan::Plan&>(*snapshot.plans[0]).recommendations[0].actions[0];
  }
};

Instant at(year_month_day day, int hour, int minute = 0) {
  return calendar::TimeZone::london().at(date::local_days(day),
                                         std::chrono::hours(hour) + std::chrono::minutes(minute));
}

// Runs passes at 08:30 and 09:00 of every day in [from, to], as the daemon would, marking
// everything handled; returns what was sent, by day, as "kind:recipient:stage/occurrence...".
std::map<std::string, std::vector<std::string>> simulate(const Deployment& deployment,
                                                         year_month_day from, year_month_day to,
                                                         std::unordered_set<std::string>& handled) {
  std::map<std::string, std::vector<std::string>> sent;
  std::optional<Instant> last_pass;
  for (auto day = date::sys_days(from); day <= date::sys_days(to); day += date::days(1)) {
    for (auto time : {std::pair{8, 30}, std::pair{9, 0}}) {
      Instant now = at(year_month_day{day}, time.first, time.second);
      PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, last_pass, {}, {}};
      PassPlan pass = plan_pass(inputs, now);
      for (const auto& email : pass.emails) {
        std::string line = std::string(mail::to_string(email.kind)) + ":" + email.recipient.id;
        for (const auto& notice : email.notices) {
          line += std::string(" ") + to_string(notice.stage) + "/" +
                  std::to_string(notice.occurrence);
          handled.insert(notice.key);
        }
        if (!email.digest_key.empty()) {
          handled.insert(email.digest_key);
        }
        sent[date::format("%F", year_month_day{day})].push_back(line);
      }
      for (const auto& dropped : pass.dropped) {
        handled.insert(dropped.key);
      }
      if (pass.notice_window) {
        last_pass = now;
      }
    }
  }
  return sent;
}

// The emails of a pass other than digests.
std::vector<const PlannedEmail*> notice_emails(const PassPlan& pass) {
  std::vector<const PlannedEmail*> out;
  for (const auto& email : pass.emails) {
    if (email.kind != mail::EmailKind::digest) {
      out.push_back(&email);
    }
  }
  return out;
}

std::map<std::string, std::vector<std::string>> without_digests(
    std::map<std::string, std::vector<std::string>> sent) {
  for (auto it = sent.begin(); it != sent.end();) {
    std::erase_if(it->second, [](const std::string& s) { return s.rfind("digest:", 0) == 0; });
    it = it->second.empty() ? sent.erase(it) : std::next(it);
  }
  return sent;
}

// Tests the whole default schedule of one milestone due Tuesday 31 March 2020: reminders 28,
// 14, 7 and 1 days before, the due day, overdue from the day after and weekly, and the
// escalation to the chair 14 days after, then every 28 days.
TEST(Schedule, DefaultStagesForOneMilestone) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)})});
  std::unordered_set<std::string> handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 2 / 1, 2020_y / 5 / 20, handled));
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-03-03", {"reminder:wwin reminder/28"}},
      {"2020-03-17", {"reminder:wwin reminder/14"}},
      {"2020-03-24", {"reminder:wwin reminder/7"}},
      {"2020-03-30", {"reminder:wwin reminder/1"}},
      {"2020-03-31", {"due:wwin due/0"}},
      {"2020-04-01", {"overdue:wwin overdue/0"}},
      {"2020-04-08", {"overdue:wwin overdue/1"}},
      {"2020-04-14", {"escalation:chair escalation/0"}},
      {"2020-04-15", {"overdue:wwin overdue/2"}},
      {"2020-04-22", {"overdue:wwin overdue/3"}},
      {"2020-04-29", {"overdue:wwin overdue/4"}},
      {"2020-05-06", {"overdue:wwin overdue/5"}},
      {"2020-05-12", {"escalation:chair escalation/1"}},
      {"2020-05-13", {"overdue:wwin overdue/6"}},
      {"2020-05-20", {"overdue:wwin overdue/7"}},
  };
  EXPECT_EQ(sent, expected);
}

// Tests that sends falling on a weekend or bank holiday move: reminders and the due notice
// earlier (never late), overdue notices later. Due Friday 8 May 2020, the VE Day holiday.
TEST(Schedule, BusinessDayMoves) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 5 / 8)})});
  std::unordered_set<std::string> handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 4 / 1, 2020_y / 5 / 12, handled));
  // D-28 = Fri 10 Apr (Good Friday) -> Thu 9 Apr; D-14 = Fri 24 Apr; D-7 = Fri 1 May;
  // D-1 = Thu 7 May, and the due day (a holiday) also moves to Thu 7 May: one notice, "due".
  // Overdue D+1 = Sat 9 May -> Mon 11 May.
  std::map<std::string, std::vector<std::string>> expected{
      {"2020-04-09", {"reminder:wwin reminder/28"}},
      {"2020-04-24", {"reminder:wwin reminder/14"}},
      {"2020-05-01", {"reminder:wwin reminder/7"}},
      {"2020-05-07", {"due:wwin due/0"}},
      {"2020-05-11", {"overdue:wwin overdue/0"}},
  };
  EXPECT_EQ(sent, expected);
}

// Tests that nothing is sent on a weekend or bank holiday, even at the send time.
TEST(Schedule, NothingOnNonBusinessDays) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 1 / 1)})});
  std::unordered_set<std::string> handled;
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
  std::unordered_set<std::string> handled;
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

// Tests that after 30 days of downtime only the latest stage of each milestone goes, once, and
// the stale ones are dropped, not sent late.
TEST(Schedule, CatchUpAfterDowntimeSendsOnlyTheLatestStage) {
  Deployment deployment({action("1.1", {"wwin"},
                                {milestone("a", 2020_y / 3 / 31), milestone("b", 2020_y / 4 / 20)})});
  std::unordered_set<std::string> handled;
  simulate(deployment, 2020_y / 2 / 1, 2020_y / 3 / 16, handled);  // up to the day before D-14
  // Down from 17 March to 16 April; back on Friday 17 April at 09:00.
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, at(2020_y / 3 / 16, 9),
                    {}, {}};
  PassPlan pass = plan_pass(inputs, at(2020_y / 4 / 17, 9));
  std::vector<std::string> sent;
  for (const auto* email : notice_emails(pass)) {
    for (const auto& notice : email->notices) {
      sent.push_back(email->recipient.id + " " + notice.milestone->id + " " +
                     to_string(notice.stage) + "/" + std::to_string(notice.occurrence));
    }
  }
  // a: due 31 Mar, overdue notices on 1, 8 and 15 Apr: only overdue/2 goes; the escalation of
  // 14 Apr goes to the chair. b: due Mon 20 Apr; reminders on 23 Mar (28 days), 6 Apr (14),
  // Thu 9 Apr (7 days: Easter Monday moves it back over Good Friday) and today, Fri 17 Apr
  // (1 day: Sunday moves back): only today's goes.
  EXPECT_THAT(sent, ::testing::UnorderedElementsAre("wwin a overdue/2", "wwin b reminder/1",
                                                    "chair a escalation/0"));
  // Both of wwin's notices travel in one email.
  EXPECT_EQ(notice_emails(pass).size(), 2u);
  std::vector<std::string> dropped;
  for (const auto& notice : pass.dropped) {
    dropped.push_back(notice.milestone->id + " " + to_string(notice.stage) + "/" +
                      std::to_string(notice.occurrence));
  }
  EXPECT_THAT(dropped, ::testing::UnorderedElementsAre("a reminder/14", "a reminder/7",
                                                       "a reminder/1", "a due/0", "a overdue/0",
                                                       "a overdue/1", "b reminder/28",
                                                       "b reminder/14", "b reminder/7"));
}

// Tests that a plan first loaded long after its targets gives one overdue email per agency and
// one escalation email to the chair, not one per stage or per milestone.
TEST(Schedule, PlanLoadedYearsLateGivesOneEmailPerRecipient) {
  std::vector<plan::Milestone> many;
  for (int i = 1; i <= 12; ++i) {
    many.push_back(milestone("m" + std::to_string(i),
                             year_month_day{2019_y / date::month(i) / date::last}));
  }
  Deployment deployment({action("1.1", {"wwin"}, many), action("1.2", {"wwin", "police"}, many)});
  std::unordered_set<std::string> handled;
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
  std::unordered_set<std::string> handled;
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
  EXPECT_THAT(addresses(overdue[0]->cc),
              ::testing::ElementsAre("coordinator@council.example.org"));

  PassPlan escalation = plan_pass(inputs, at(2020_y / 4 / 14, 9));
  const PlannedEmail* chair = nullptr;
  for (const auto& email : escalation.emails) {
    if (email.recipient.kind == Recipient::Kind::chair) {
      chair = &email;
    }
  }
  ASSERT_NE(chair, nullptr);
  EXPECT_THAT(addresses(chair->to), ::testing::ElementsAre("chair@partnership.example.org"));
  EXPECT_THAT(addresses(chair->cc),
              ::testing::UnorderedElementsAre("lead@wwin.example.org",
                                              "coordinator@council.example.org"));
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
  std::unordered_set<std::string> handled;
  auto sent = without_digests(simulate(deployment, 2020_y / 2 / 1, 2020_y / 6 / 1, handled));
  EXPECT_TRUE(sent.empty());
}

// Tests that keys ignore wording edits but a new due date starts a new schedule.
TEST(Schedule, KeysSurviveEditsButNotANewDueDate) {
  Deployment deployment({action("1.1", {"wwin"}, {milestone("m", 2020_y / 3 / 31)})});
  std::unordered_set<std::string> handled;
  simulate(deployment, 2020_y / 2 / 1, 2020_y / 3 / 3, handled);  // the 28-day reminder
  plan::Action& a = deployment.first_action();
  a.text = "Reworded action";
  a.milestones[0].text = "Reworded milestone";
  a.milestones[0].target.wording = "By March 2020";
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, at(2020_y / 3 / 3, 9),
                    {}, {}};
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
  std::unordered_set<std::string> handled;
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
  std::unordered_set<std::string> handled;
  int audit_reads = 0;
  int failure_reads = 0;
  PassInputs inputs{&deployment.snapshot, &deployment.clock, &handled, std::nullopt,
                    [&] {
                      ++audit_reads;
                      return std::vector<mail::AuditRow>{
                          {"Mon 11 May 2020 09:00", "reminder", "a@example.org", "1.1 m", "sent",
                           ""}};
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
      ASSERT_EQ(email.digest_view.audit.size(), 1u);
      EXPECT_EQ(email.digest_view.audit[0].about, "1.1 m");
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
  Deployment deployment(
      {action("1.1", {"wwin"}, {milestone("late", 2020_y / 5 / 1), tbc, done}),
       action("1.2", {"police"}, {milestone("soon", 2020_y / 6 / 10)})});
  mail::DigestView view = digest_view(deployment.snapshot, 2020_y / 6 / 1, {}, {});
  ASSERT_EQ(view.overdue.size(), 1u);
  EXPECT_EQ(view.overdue[0].milestone_id, "late");
  EXPECT_EQ(view.overdue[0].days, -31);
  EXPECT_TRUE(view.overdue[0].escalated);
  ASSERT_EQ(view.due_soon.size(), 1u);
  EXPECT_EQ(view.due_soon[0].when, "due in 9 days");
  ASSERT_EQ(view.undated.size(), 1u);
  ASSERT_EQ(view.completed.size(), 1u);
  EXPECT_EQ(view.total, 4);
  ASSERT_EQ(view.recommendations.size(), 1u);
  EXPECT_EQ(view.recommendations[0].rag, "red");
  ASSERT_EQ(view.agencies.size(), 2u);
  EXPECT_EQ(view.agencies[0].name, "Police");
  EXPECT_EQ(view.agencies[0].rag, "amber");
  EXPECT_EQ(view.agencies[1].name, "WWiN");
  EXPECT_EQ(view.agencies[1].rag, "red");
}

}  // namespace
}  // namespace plan_reminder::policy
