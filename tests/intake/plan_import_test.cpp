// Tests of intake/plan_import.h, intake/header_row.h and intake/agency_names.h: rows of a table
// into recommendations, actions and milestones, names into agency ids.
#include "intake/plan_import.h"
#include "intake/agency_names.h"
#include "intake/header_row.h"
#include "plan/loaders.h"

#include <gtest/gtest.h>

namespace plan_reminder::intake {
namespace {

plan::Directory directory() {
  plan::Directory out;
  out.file = "agencies.yaml";
  out.partnership = "Safer Sunderland Partnership";
  auto add = [&](std::string id, std::string name, std::vector<std::string> aliases) {
    out.agencies.emplace(id, plan::Agency{id, plan::Mailbox{std::move(name), {"a@b.example"}, {}},
                                          std::move(aliases)});
  };
  add("wwin", "Wearside Women in Need", {"WWiN"});
  add("police", "Northumbria Police", {"Police"});
  add("council", "Sunderland City Council", {"Council", "Council on behalf of the CSP"});
  add("womens-aid", "Women's Aid", {});
  add("opcc", "Office of the Police and Crime Commissioner", {"OPCC"});
  add("tfc", "Together for Children", {"TfC", "TfC (Early Help)"});
  add("da-strategic-projects-group", "Domestic Abuse Strategic Projects Group", {});
  return out;
}

// Tests that the header names partnerships write are matched loosely to the plan's fields.
TEST(HeaderRow, MatchesTheUsualNamesLoosely) {
  EXPECT_EQ(field_of_header("Action(s)"), Field::action);
  EXPECT_EQ(field_of_header("Lead Agency/ies"), Field::lead);
  EXPECT_EQ(field_of_header("Key milestones"), Field::milestones);
  EXPECT_EQ(field_of_header("Timescale"), Field::target);
  EXPECT_EQ(field_of_header("Target Date"), Field::target);
  EXPECT_EQ(field_of_header("Date of completion and outcome"), Field::progress);
  EXPECT_EQ(field_of_header("Outcome"), Field::outcome);
  EXPECT_EQ(field_of_header("Progress"), Field::progress);
  EXPECT_EQ(field_of_header("Recommendation"), Field::recommendation);
  EXPECT_EQ(field_of_header("Scope"), Field::scope);
  EXPECT_EQ(field_of_header("Notes to self"), std::nullopt);
}

// Tests that the header row is found below a title row.
TEST(HeaderRow, IsFoundBelowATitle) {
  Table table{"table 1", {{"David - Action Plan"}, {"Action", "Lead agency", "Timescale"}}};
  auto columns = find_header(table);
  ASSERT_TRUE(columns);
  EXPECT_EQ(columns->header_row, 1U);
  EXPECT_EQ(columns->at[static_cast<std::size_t>(Field::target)], 2U);
}

// Tests that names joined by commas and "and" become several leads, that "with support from"
// starts the support agencies, and that a name with "and" in it is kept whole.
TEST(AgencyNames, SplitsLeadsAndSupport) {
  plan::Directory agencies = directory();
  AgencyNames names(agencies);
  auto read = names.read("Council, Women's Aid and OPCC");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->lead, (std::vector<std::string>{"council", "womens-aid", "opcc"}));
  read = names.read("TfC with support from the Domestic Abuse Strategic Projects Group");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->lead, std::vector<std::string>{"tfc"});
  EXPECT_EQ(read->support, std::vector<std::string>{"da-strategic-projects-group"});
  read = names.read("Office of the Police and Crime Commissioner and WWiN");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->lead, (std::vector<std::string>{"opcc", "wwin"}));
  read = names.read("Women\xE2\x80\x99s Aid and TfC (Early Help)");  // Word's apostrophe
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->lead, (std::vector<std::string>{"womens-aid", "tfc"}));
}

// Tests that an unknown name is an error that names it and suggests a near miss.
TEST(AgencyNames, UnknownNameIsAnErrorWithDidYouMean) {
  plan::Directory agencies = directory();
  auto read = AgencyNames(agencies).read("WWiN and Polise");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("unknown agency \"Polise\" (did you mean \"police\"?)"),
            std::string::npos);
  read = AgencyNames(agencies).read("Probation");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message.find("did you mean"), std::string::npos);
}

const std::vector<std::string> kHeader = {"Recommendation",
                                          "Scope",
                                          "Action(s)",
                                          "Lead agency",
                                          "Key milestones",
                                          "Target date",
                                          "Date of completion and outcome"};

base::Result<ImportedPlan> build(std::vector<std::vector<std::string>> rows) {
  rows.insert(rows.begin(), kHeader);
  return build_plan({Table{"table 1", rows}}, "plan.docx", {"dhr-x", "X", ""}, directory());
}

// Tests that several milestones and targets in one cell pair in order, and that a
// continuation row (no action number) adds its milestones to the action above.
TEST(BuildPlan, PairsMultiLineMilestonesAndContinuesRows) {
  auto plan = build({{"(2) Support", "Local", "2.3 Support TfC", "TfC", "Plan\nAudit",
                      "March 2019\nBy Dec 2019", ""},
                     {"(2) Support", "Local", "", "", "Begins", "TBC", ""}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->recommendations.size(), 1U);
  const auto& action = plan->recommendations[0].actions.at(0);
  EXPECT_EQ(action.id, "2.3");
  ASSERT_EQ(action.milestones.size(), 3U);
  EXPECT_EQ(action.milestones[1].text, "Audit");
  EXPECT_EQ(action.milestones[1].target, "By Dec 2019");
  EXPECT_EQ(action.milestones[2].target, "TBC");
}

// Tests that only a completion cell starting with "Completed" or "Complete" completes an
// action: "Meetings completed by WWiN" does not.
TEST(BuildPlan, CompletedOnlyAtTheStart) {
  auto plan = build({{"(1) R", "Local", "1.1 A", "WWiN", "M", "March 2020", "Completed: yes"},
                     {"(1) R", "Local", "1.2. B", "WWiN", "M", "March 2020",
                      "Meetings completed by WWiN with Police"},
                     {"(1) R", "Local", "1.3 C", "WWiN", "M", "March 2020", "Complete."}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const auto& actions = plan->recommendations[0].actions;
  ASSERT_EQ(actions.size(), 3U);
  EXPECT_TRUE(actions[0].complete);
  EXPECT_FALSE(actions[1].complete);
  EXPECT_EQ(actions[1].id, "1.2");
  EXPECT_TRUE(actions[2].complete);
}

// Tests that an unknown lead is an error naming the file, table, row and column.
TEST(BuildPlan, UnknownLeadNamesTheRowAndColumn) {
  auto plan = build({{"(1) R", "Local", "1.1 A", "Probation", "M", "March 2020", ""}});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(
      plan.error().message.rfind(
          "plan.docx: table 1, row 2, column \"Lead agency\": unknown agency \"Probation\"", 0),
      0U);
}

// Tests that a table without a recognisable header row is an error, not an empty plan.
TEST(BuildPlan, NoHeaderIsAnError) {
  auto plan = build_plan({Table{"table 1", {{"a", "b"}, {"1", "2"}}}}, "plan.docx",
                         {"dhr-x", "X", ""}, directory());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("plan.docx: no table with a header row"), std::string::npos);
}

// Tests that the YAML written loads back as the same texts, quotes and line breaks included,
// with uncertain places marked by comments.
TEST(BuildPlan, YamlLoadsBackExactly) {
  auto plan = build({{"(1) Say \"no\": now", "", "1.1 Line one\nline: two #3", "WWiN", "",
                      "Within one month of the review being published", ""}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const std::string yaml = to_yaml(*plan);
  EXPECT_NE(yaml.find("# import: no scope in the table: local assumed"), std::string::npos);
  plan::Diagnostics problems;
  auto loaded = plan::parse_plan(yaml, "x.yaml", plan::QuarterStyle::calendar, problems);
  ASSERT_TRUE(loaded && problems.empty()) << (problems.empty() ? "" : problems.lines().front());
  EXPECT_EQ(loaded->recommendations[0].text, "Say \"no\": now");
  const auto& action = loaded->recommendations[0].actions[0];
  EXPECT_EQ(action.text, "Line one\nline: two #3");
  EXPECT_EQ(action.milestones.at(0).target.wording,
            "Within one month of the review being published");
}

}  // namespace
}  // namespace plan_reminder::intake
