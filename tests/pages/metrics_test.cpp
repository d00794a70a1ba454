// Tests of the metrics text (SPEC §8 /metrics) line by line, as a Prometheus scraper reads it
// (text exposition format 0.0.4).
#include "pages/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace plan_reminder::pages {
namespace {

using namespace std::chrono_literals;
using store::DeliveryState;
using store::EmailKind;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

MetricsView example_view() {
  MetricsView view;
  view.version = "1.4.0";
  view.milestones = {{policy::MilestoneState::overdue, 3}, {policy::MilestoneState::complete, 17}};
  view.deliveries.notices = {{EmailKind::reminder, DeliveryState::sent, 40},
                             {EmailKind::escalation, DeliveryState::failed, 1}};
  view.deliveries.messages = {{EmailKind::reminder, DeliveryState::sent, 12},
                              {EmailKind::overdue, DeliveryState::queued, 2}};
  view.outbox_length = 2;
  view.last_pass = date::sys_seconds{1583226060s};
  view.last_pass_duration = 1250ms;
  view.plan_load_errors = 4;
  return view;
}

// Tests that every metric has its HELP and TYPE lines once, just before its samples, and that
// every other line is a sample of the metric announced last.
TEST(Metrics, HelpAndTypeOncePerMetric) {
  std::map<std::string, int> help;
  std::map<std::string, int> type;
  std::string current;
  for (const auto& line : lines_of(render_metrics(example_view()))) {
    ASSERT_THAT(line, Not(IsEmpty()));
    if (line.starts_with("# HELP ")) {
      current = line.substr(7, line.find(' ', 7) - 7);
      ++help[current];
    } else if (line.starts_with("# TYPE ")) {
      EXPECT_EQ(line, "# TYPE " + current + " gauge");
      ++type[current];
    } else {
      EXPECT_TRUE(line.starts_with(current + " ") || line.starts_with(current + "{")) << line;
    }
  }
  EXPECT_EQ(help, type);
  for (const auto& [name, count] : help) {
    EXPECT_EQ(count, 1) << name;
  }
  for (const char* name :
       {"plan_reminder_milestones", "plan_reminder_notices", "plan_reminder_emails",
        "plan_reminder_outbox_length", "plan_reminder_last_pass_timestamp_seconds",
        "plan_reminder_last_pass_duration_seconds", "plan_reminder_plan_load_errors",
        "plan_reminder_updates_waiting", "plan_reminder_leading"}) {
    EXPECT_EQ(help.count(name), 1u) << name;
  }
}

// Tests that every milestone state has a value, 0 where no milestone is in it, in the words
// the agenda uses.
TEST(Metrics, AValuePerMilestoneState) {
  const auto lines = lines_of(render_metrics(example_view()));
  for (const char* line : {
           "plan_reminder_milestones{state=\"overdue\"} 3",
           "plan_reminder_milestones{state=\"due\"} 0",
           "plan_reminder_milestones{state=\"upcoming\"} 0",
           "plan_reminder_milestones{state=\"later\"} 0",
           "plan_reminder_milestones{state=\"undated\"} 0",
           "plan_reminder_milestones{state=\"pending\"} 0",
           "plan_reminder_milestones{state=\"ongoing\"} 0",
           "plan_reminder_milestones{state=\"complete\"} 17",
           "plan_reminder_milestones{state=\"on_hold\"} 0",
       }) {
    EXPECT_THAT(lines, Contains(line));
  }
}

// Tests the delivery figures: notices and emails by kind and result, 0 for a combination that
// has not happened yet, the outbox, the last pass and the load errors.
TEST(Metrics, DeliveriesAndPasses) {
  const auto lines = lines_of(render_metrics(example_view()));
  for (const char* line : {
           "plan_reminder_notices{kind=\"reminder\",result=\"sent\"} 40",
           "plan_reminder_notices{kind=\"escalation\",result=\"failed\"} 1",
           "plan_reminder_notices{kind=\"escalation\",result=\"sent\"} 0",
           "plan_reminder_notices{kind=\"digest\",result=\"dropped\"} 0",
           "plan_reminder_emails{kind=\"reminder\",result=\"sent\"} 12",
           "plan_reminder_emails{kind=\"overdue\",result=\"queued\"} 2",
           "plan_reminder_emails{kind=\"failure\",result=\"failed\"} 0",
           "plan_reminder_outbox_length 2",
           "plan_reminder_last_pass_timestamp_seconds 1583226060",
           "plan_reminder_last_pass_duration_seconds 1.250",
           "plan_reminder_plan_load_errors 4",
           "plan_reminder_updates_waiting 0",
       }) {
    EXPECT_THAT(lines, Contains(line));
  }
  // A message is never dropped (its notices are): no such series.
  EXPECT_THAT(render_metrics(example_view()),
              Not(::testing::HasSubstr("emails{kind=\"reminder\",result=\"dropped\"}")));
}

// Tests that an instance says whether it leads the passes: 1 alone or leading, 0 while it
// follows another on a shared PostgreSQL state.
TEST(Metrics, LeadingSaysWhetherThisInstanceSends) {
  MetricsView view = example_view();
  EXPECT_THAT(lines_of(render_metrics(view)), Contains("plan_reminder_leading 1"));
  view.leading = false;
  EXPECT_THAT(lines_of(render_metrics(view)), Contains("plan_reminder_leading 0"));
}

// Tests that before the first pass there is no pass time: 0 would read as a pass in 1970.
TEST(Metrics, NoPassYetHasNoPassSample) {
  MetricsView view = example_view();
  view.last_pass.reset();
  view.last_pass_duration.reset();
  const auto lines = lines_of(render_metrics(view));
  EXPECT_THAT(lines, Contains("# TYPE plan_reminder_last_pass_timestamp_seconds gauge"));
  for (const auto& line : lines) {
    EXPECT_FALSE(line.starts_with("plan_reminder_last_pass")) << line;
  }
}

// Tests the format's escapes in a label value: backslash, double quote and line feed.
TEST(Metrics, LabelValuesAreEscaped) {
  MetricsView view = example_view();
  view.version = "1.4\\dev \"local\"\nbuild";
  EXPECT_THAT(lines_of(render_metrics(view)),
              Contains(R"(plan_reminder_build_info{version="1.4\\dev \"local\"\nbuild"} 1)"));
}

// Tests that the agenda is counted by state for the view.
TEST(Metrics, CountsTheAgendaByState) {
  std::vector<policy::AgendaItem> agenda(3);
  agenda[0].standing.state = policy::MilestoneState::overdue;
  agenda[1].standing.state = policy::MilestoneState::overdue;
  agenda[2].standing.state = policy::MilestoneState::later;
  EXPECT_EQ(count_by_state(agenda),
            (std::map<policy::MilestoneState, std::int64_t>{{policy::MilestoneState::overdue, 2},
                                                            {policy::MilestoneState::later, 1}}));
}

}  // namespace
}  // namespace plan_reminder::pages
