// Tests of the write-back of accepted updates into plan files (SPEC §9): on the example plan
// every kind of update changes only the lines of its milestone and the result loads saying what
// was accepted, with every update then "in the file"; notes that look like YAML stay text; line
// ends, a missing final newline, block and quoted values are handled; flow and shared
// milestones are refused; and the diff shown is exact.
#include "progress/write_back.h"

#include "plan/loaders.h"
#include "plan/snapshot.h"
#include "plan/yaml_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace plan_reminder::progress {
namespace {

using namespace date::literals;
using store::UpdateKind;
using store::UpdateRecord;
using store::UpdateState;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kExample = std::string(PR_SOURCE_DIR) + "/config/plans/david.yaml";

std::string example_text() {
  auto text = plan::read_file(kExample);
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : std::string();
}

plan::Plan load(std::string_view text) {
  plan::Diagnostics problems;
  auto plan = plan::parse_plan(text, "plans/david.yaml", plan::QuarterStyle::calendar, problems);
  EXPECT_THAT(problems.lines(), IsEmpty());
  return plan.value_or(plan::Plan{});
}

const plan::Milestone& milestone(const plan::Plan& plan, std::string_view action,
                                 std::string_view id) {
  const plan::Milestone* found = plan::find_milestone(plan, action, id);
  EXPECT_NE(found, nullptr) << action << " " << id;
  static const plan::Milestone none;
  return found != nullptr ? *found : none;
}

// `text` with `from` (which must occur once) replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) {
    text.replace(at, from.size(), to);
  }
  return text;
}

UpdateRecord accepted(std::int64_t id, std::string action, std::string milestone, UpdateKind kind) {
  UpdateRecord update;
  update.id = id;
  update.review = "dhr-david";
  update.action = std::move(action);
  update.milestone = std::move(milestone);
  update.agency = "wwin";
  update.kind = kind;
  update.note = "Note " + std::to_string(id);
  // 1 December 2026, 10:00 in London.
  update.submitted = date::sys_days(2026_y / 12 / 1) + std::chrono::hours(10);
  update.state = UpdateState::accepted;
  update.decided = update.submitted + std::chrono::hours(2);
  return update;
}

std::shared_ptr<const plan::Snapshot> snapshot_of(plan::Plan plan) {
  auto snapshot = std::make_shared<plan::Snapshot>();
  snapshot->config.timezone = "Europe/London";
  snapshot->plans.push_back(std::make_shared<const plan::Plan>(std::move(plan)));
  return snapshot;
}

// The small plan of the tests below, with one milestone list and one single-target action.
constexpr std::string_view kSmall =
    "review:\n"
    "  id: dhr-test\n"
    "  title: Test\n"
    "recommendations:\n"
    "  - id: \"1\"\n"
    "    scope: local\n"
    "    text: One\n"
    "    actions:\n"
    "      - id: \"1.1\"\n"
    "        text: Action one\n"
    "        lead: [wwin]\n"
    "        milestones:\n"
    "          - id: a\n"
    "            text: First\n"
    "            target: March 2020\n"
    "      - id: \"1.2\"\n"
    "        text: Action two\n"
    "        lead: [wwin]\n"
    "        progress: >-\n"
    "          Work started in\n"
    "          January.\n"
    "        # The coordinator's own comment.\n"
    "        target: 'June 2020'   # as agreed\n"
    "        status: open\n";

MilestoneEdit edit(std::string action, std::string milestone) {
  MilestoneEdit out;
  out.action = std::move(action);
  out.milestone = std::move(milestone);
  return out;
}

// Tests that one update of each kind, written into the example plan, changes only the lines of
// its milestone (every other byte is as it was: comments, quoting, the anchors of the
// outcomes), that the result loads saying what was accepted, and that every update then stands
// in the file, so `check` has nothing to report and the agenda the same states as before.
TEST(WriteBack, EveryKindOnTheExamplePlanChangesOnlyItsMilestone) {
  const std::string original = example_text();
  const plan::Plan before = load(original);
  std::vector<UpdateRecord> updates;
  updates.push_back(accepted(1, "1.1", "scoping", UpdateKind::completed));
  updates.back().done_on = 2026_y / 11 / 30;
  updates.push_back(accepted(2, "1.4", "ppit-in-training", UpdateKind::new_target));
  updates.back().target = "June 2027";
  updates.push_back(accepted(3, "1.2", "pathway", UpdateKind::progress));
  updates.back().note = "Pathway agreed with police";
  updates.push_back(accepted(4, "5.2", "support-offer", UpdateKind::not_implemented));
  updates.back().note = "Funding withdrawn";
  // Two in one milestone: the last of a list, followed by its siblings.
  updates.push_back(accepted(5, "2.3", "staff-groups", UpdateKind::new_target));
  updates.back().target = "Q2 2027";
  updates.push_back(accepted(6, "2.3", "staff-groups", UpdateKind::progress));
  updates.back().note = "Groups named";

  const auto applied = apply_accepted(snapshot_of(before), updates);
  ASSERT_EQ(applied.standings.size(), updates.size());
  for (const auto& standing : applied.standings) {
    EXPECT_EQ(standing.kind, UpdateStanding::Kind::not_in_file) << standing.id;
  }
  const auto zone = calendar::TimeZone::named("Europe/London");
  const auto edits = edits_for("plans/david.yaml", applied.standings, updates, zone);
  ASSERT_EQ(edits.size(), 5U);
  auto written = write_back(original, "plans/david.yaml", edits, plan::QuarterStyle::calendar);
  ASSERT_TRUE(written.ok()) << written.error().message;

  std::string expected = original;
  expected = replaced(expected, "            target: March 2020\n\n      - id: \"1.2\"",
                      "            target: March 2020\n            done: 2026-11-30\n\n"
                      "      - id: \"1.2\"");
  expected =
      replaced(expected, "            text: Pathway in place\n            target: March 2020\n",
               "            text: Pathway in place\n            target: March 2020\n"
               "            progress: \"1 December 2026: Pathway agreed with police\"\n");
  expected = replaced(expected,
                      "            text: PPIT tool included in level 3 DAPS training\n"
                      "            target: March 2020\n",
                      "            text: PPIT tool included in level 3 DAPS training\n"
                      "            target: March 2020\n"
                      "            revised_target: \"June 2027\"\n");
  expected = replaced(expected,
                      "            text: Staff groups identified for S&T training\n"
                      "            target: By March 2020\n",
                      "            text: Staff groups identified for S&T training\n"
                      "            target: By March 2020\n"
                      "            revised_target: \"Q2 2027\"\n"
                      "            progress: \"1 December 2026: Groups named\"\n");
  expected =
      replaced(expected,
               "            text: Wider and more flexible support offer funded and in place\n"
               "            target: By March 2020\n",
               "            text: Wider and more flexible support offer funded and in place\n"
               "            target: By March 2020\n"
               "            status: not_implemented\n"
               "            reason: \"Funding withdrawn\"\n");
  EXPECT_EQ(*written, expected);

  const plan::Plan after = load(*written);
  EXPECT_EQ(milestone(after, "1.1", "scoping").done, 2026_y / 11 / 30);
  EXPECT_EQ(milestone(after, "1.4", "ppit-in-training").revised_target->wording, "June 2027");
  EXPECT_EQ(milestone(after, "1.2", "pathway").progress,
            "1 December 2026: Pathway agreed with police");
  EXPECT_EQ(milestone(after, "5.2", "support-offer").not_implemented, "Funding withdrawn");

  const auto again = apply_accepted(snapshot_of(after), updates);
  for (const auto& standing : again.standings) {
    EXPECT_EQ(standing.kind, UpdateStanding::Kind::in_file) << standing.id;
    EXPECT_EQ(describe(standing), "");
  }
  EXPECT_THAT(edits_for("plans/david.yaml", again.standings, updates, zone), IsEmpty());
}

// Tests that existing values are replaced whole, whatever their style: a folded block on the
// single-target action (the comment after it stays), a quoted target with a comment after it
// (kept), and the action's status, where "will not be implemented" goes.
TEST(WriteBack, ExistingValuesAreReplacedWhole) {
  MilestoneEdit one = edit("1.2", "1");
  one.progress = "1 December 2026: Done at last";
  one.revised_target = "July 2020";
  one.not_implemented = "Merged into 1.1";
  auto written = write_back(kSmall, "plan.yaml", {one}, plan::QuarterStyle::calendar);
  ASSERT_TRUE(written.ok()) << written.error().message;
  std::string expected(kSmall);
  expected = replaced(expected, ">-\n          Work started in\n          January.\n",
                      "\"1 December 2026: Done at last\"\n");
  expected = replaced(expected, "        status: open\n",
                      "        status: not_implemented\n"
                      "        revised_target: \"July 2020\"\n"
                      "        reason: \"Merged into 1.1\"\n");
  EXPECT_EQ(*written, expected);
  const plan::Plan plan = load(*written);
  EXPECT_EQ(milestone(plan, "1.2", "1").not_implemented, "Merged into 1.1");
}

// Tests that a note full of YAML syntax (quotes, a line break, ": ", "#", "- ", a backslash)
// is written as one double-quoted value that reads back exactly and adds no key.
TEST(WriteBack, NoteThatLooksLikeYamlStaysText) {
  const std::string note = "He said \"done\"\n- id: x\nstatus: complete # not a comment \\ end";
  MilestoneEdit one = edit("1.1", "a");
  one.progress = note;
  auto written = write_back(kSmall, "plan.yaml", {one}, plan::QuarterStyle::calendar);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_THAT(*written,
              HasSubstr("            progress: \"He said \\\"done\\\"\\n- id: x\\nstatus: "
                        "complete # not a comment \\\\ end\"\n"));
  const plan::Plan plan = load(*written);
  EXPECT_EQ(milestone(plan, "1.1", "a").progress, note);
  auto tree = plan::yaml::parse(*written);
  ASSERT_TRUE(tree.ok);
  const auto& action = tree.root.entries[1].value.items[0].entries[3].value.items[0];
  const auto& first = action.entries[3].value.items[0];
  EXPECT_EQ(first.entries.size(), 4U);  // id, text, target, progress
  EXPECT_EQ(double_quoted("a\tb\x01\xE2\x80\xA8"), "\"a\\tb\\x01\\L\"");
}

// Tests that a file with Windows line ends gets Windows line ends on its new lines, and that a
// file without a final line end is left without one.
TEST(WriteBack, LineEndsAreKept) {
  std::string crlf;
  for (char c : kSmall) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  MilestoneEdit one = edit("1.1", "a");
  one.done = 2020_y / 3 / 2;
  auto written = write_back(crlf, "plan.yaml", {one}, plan::QuarterStyle::calendar);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(*written, replaced(crlf, "target: March 2020\r\n",
                               "target: March 2020\r\n            done: 2020-03-02\r\n"));

  std::string unterminated(kSmall.substr(0, kSmall.size() - 1));
  MilestoneEdit two = edit("1.2", "1");
  two.done = 2020_y / 3 / 2;
  written = write_back(unterminated, "plan.yaml", {two}, plan::QuarterStyle::calendar);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(*written, unterminated + "\n        done: 2020-03-02");
}

// Tests that a milestone written as a flow mapping, or shared through an anchor, is refused
// at its line, naming it, and nothing is written.
TEST(WriteBack, FlowAndSharedMilestonesAreRefused) {
  std::string flow = replaced(std::string(kSmall),
                              "          - id: a\n            text: First\n"
                              "            target: March 2020\n",
                              "          - {id: a, text: First, target: March 2020}\n");
  MilestoneEdit one = edit("1.1", "a");
  one.done = 2020_y / 3 / 2;
  auto written = write_back(flow, "plan.yaml", {one}, plan::QuarterStyle::calendar);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message,
            "plan.yaml:13:13: milestone 1.1 a is a flow mapping ({...}); write it as one key per "
            "line to export updates into it");

  std::string anchored = replaced(std::string(kSmall), "          - id: a\n",
                                  "          - &first\n            id: a\n");
  written = write_back(anchored, "plan.yaml", {one}, plan::QuarterStyle::calendar);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message, HasSubstr("plan.yaml:13:13: milestone 1.1 a is shared"));

  MilestoneEdit gone = edit("1.1", "z");
  gone.done = 2020_y / 3 / 2;
  written = write_back(kSmall, "plan.yaml", {gone}, plan::QuarterStyle::calendar);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message, HasSubstr("there is no milestone 1.1 z in the file"));
}

// Tests that a value that would not load (a revised target no one can read) is refused after
// the edit, naming the problem, rather than written.
TEST(WriteBack, ResultThatWouldNotLoadIsRefused) {
  MilestoneEdit one = edit("1.1", "a");
  one.revised_target = "sometime soon";
  auto written = write_back(kSmall, "plan.yaml", {one}, plan::QuarterStyle::calendar);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message, HasSubstr("the edited plan would not load (plan.yaml:16:"));
}

// Tests the diff as printed: hunks with three lines of context, "-l,n +l,n" headers, and
// changes closer than six lines in one hunk.
TEST(WriteBack, UnifiedDiffIsExact) {
  const std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n";
  const std::string after = "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n";
  EXPECT_EQ(unified_diff(before, after, "plans/x.yaml"),
            "--- a/plans/x.yaml\n"
            "+++ b/plans/x.yaml\n"
            "@@ -1,6 +1,6 @@\n"
            " 1\n 2\n-3\n+three\n 4\n 5\n 6\n"
            "@@ -14,3 +14,4 @@\n"
            " 14\n 15\n 16\n+17\n");
  EXPECT_EQ(unified_diff(before, before, "plans/x.yaml"), "");
  EXPECT_EQ(unified_diff("a\nb", "a\nc", "p"),
            "--- a/p\n+++ b/p\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
            "+c\n\\ No newline at end of file\n");
}

}  // namespace
}  // namespace plan_reminder::progress
