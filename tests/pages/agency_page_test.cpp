// Tests of an agency's page (/agency/ID): its open milestones only, most urgent first, saying
// whether it leads or supports each, and its pages.
#include "pages/agency_page.h"

#include "page_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace plan_reminder::pages {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace test;

const std::string kPoliceLink = "https://dhr.example.org/agency/police?t=SIGNED";

int count_of(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

plan::Snapshot two_agencies() {
  return snapshot_of(
      {plan_of("dhr-a", "Review A",
               {recommendation_of(
                   "1", "Text",
                   {action_of("1.1", {"police"}, {"council"},
                              {milestone_in(12, "Police leads, due in 12 days"),
                               milestone_in(-4, "Police leads, 4 days late"),
                               milestone_in(-8, "Police finished", /*done=*/true)}),
                    action_of("1.2", {"council"}, {"police"}, {milestone_in(30, "Council leads")}),
                    action_of("1.3", {"health"}, {}, {milestone_in(-1, "Health alone")})})})});
}

// Tests that an agency's page lists the open milestones of the actions it leads or supports,
// saying which, and nothing of another agency's actions nor anything complete.
TEST(AgencyPage, ListsOnlyThatAgencysOpenMilestones) {
  const plan::Snapshot snapshot = two_agencies();
  const std::optional<AgencyView> view = agency_view(snapshot, "police", kToday);
  ASSERT_TRUE(view.has_value());
  const std::string html = *render_agency(shipped_templates(), *view, {1, kPoliceLink});
  keep_for_viewing("agency", html);
  EXPECT_THAT(html, HasSubstr("<title>Example Police – Example Partnership – DHR action "
                              "plans</title>"));
  EXPECT_THAT(html, HasSubstr("3 open milestones"));
  EXPECT_THAT(html, HasSubstr("Police leads, due in 12 days"));
  EXPECT_THAT(html, HasSubstr("Council leads"));
  EXPECT_THAT(html, Not(HasSubstr("Health alone")));
  EXPECT_THAT(html, Not(HasSubstr("Police finished")));
  EXPECT_EQ(count_of(html, "<td data-label=\"Role\">Lead</td>"), 2);
  EXPECT_EQ(count_of(html, "<td data-label=\"Role\">Support</td>"), 1);
}

// Tests that each milestone shows its action, its target as written, its due date, the days in
// plain words and its RAG word, most urgent first.
TEST(AgencyPage, MostUrgentFirstWithTargetDaysAndRating) {
  const plan::Snapshot snapshot = two_agencies();
  const std::string html = *render_agency(
      shipped_templates(), *agency_view(snapshot, "police", kToday), {1, kPoliceLink});
  EXPECT_LT(html.find("4 days late"), html.find("due in 12 days"));
  EXPECT_LT(html.find("due in 12 days"), html.find("Council leads"));
  EXPECT_THAT(
      html,
      HasSubstr("<td data-label=\"Target\">30 May 2024</td>\n<td data-label=\"Due "
                "date\" class=\"table__date\">30 May 2024</td>\n<td data-label=\"When\">4 days "
                "overdue</td>\n<td data-label=\"Rating\"><strong class=\"tag "
                "tag--red\">Red</strong></td>"));
  EXPECT_THAT(html, HasSubstr("Due in 12 days"));
  EXPECT_THAT(html, HasSubstr("<strong class=\"tag tag--amber\">Amber</strong>"));
  EXPECT_THAT(html, HasSubstr("<strong class=\"tag tag--green\">Green</strong>"));
  EXPECT_THAT(html, HasSubstr("Action: Action 1.1"));
}

// Tests that an agency the directory does not know has no page (the caller's 404).
TEST(AgencyPage, UnknownAgencyHasNoPage) {
  const plan::Snapshot snapshot = two_agencies();
  EXPECT_FALSE(agency_view(snapshot, "nobody", kToday).has_value());
}

// Tests that an agency with nothing open is told so.
TEST(AgencyPage, NothingOpenIsSaidPlainly) {
  const plan::Snapshot snapshot = snapshot_of({plan_of(
      "dhr-a", "Review A",
      {recommendation_of(
          "1", "Text",
          {action_of("1.1", {"police"}, {}, {milestone_in(-8, "Done", /*done=*/true)})})})});
  const std::string html = *render_agency(
      shipped_templates(), *agency_view(snapshot, "police", kToday), {1, kPoliceLink});
  EXPECT_THAT(html, HasSubstr("This agency has no open milestones."));
}

// Tests that a long list is split into pages of kMilestonesPerPage whose links keep the token,
// and that a page past the end is empty (the caller's 404).
TEST(AgencyPage, PaginatesAndLinksKeepTheToken) {
  std::vector<plan::Milestone> milestones;
  for (int i = 0; i < 60; ++i) {
    milestones.push_back(milestone_in(i, "Step " + std::to_string(i)));
  }
  const plan::Snapshot snapshot = snapshot_of(
      {plan_of("dhr-a", "Review A",
               {recommendation_of("1", "Text", {action_of("1.1", {"police"}, {}, milestones)})})});
  const AgencyView view = *agency_view(snapshot, "police", kToday);
  const std::string first = *render_agency(shipped_templates(), view, {1, kPoliceLink});
  const std::optional<std::string> second =
      render_agency(shipped_templates(), view, {2, kPoliceLink});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(count_of(first, "data-label=\"Role\""), 50);
  EXPECT_EQ(count_of(*second, "data-label=\"Role\""), 10);
  EXPECT_THAT(*second, HasSubstr("Step 59"));
  EXPECT_THAT(first,
              HasSubstr("href=\"https://dhr.example.org/agency/police?t=SIGNED&amp;page=2\""));
  EXPECT_THAT(*second,
              HasSubstr("href=\"https://dhr.example.org/agency/police?t=SIGNED\" rel=\"prev\""));
  EXPECT_FALSE(render_agency(shipped_templates(), view, {3, kPoliceLink}).has_value());
}

// Tests the example deployment: Wearside Women in Need's page lists the milestones of the
// actions it leads in the review 'David'.
TEST(AgencyPage, ExampleAgency) {
  const auto snapshot = example_snapshot();
  const std::optional<AgencyView> view = agency_view(*snapshot, "wwin", 2020_y / 3 / 20);
  ASSERT_TRUE(view.has_value());
  const std::string html = *render_agency(shipped_templates(), *view,
                                          {1, "https://dhr.example.org/agency/wwin?t=SIGNED"});
  keep_for_viewing("agency-wwin", html);
  EXPECT_THAT(html, HasSubstr("Wearside Women in Need</h1>"));
  EXPECT_THAT(html, HasSubstr("Domestic Homicide Review: &#39;David&#39;, recommendation 1."));
  EXPECT_GT(count_of(html, "<td data-label=\"Role\">Lead</td>"), 3);
}

}  // namespace
}  // namespace plan_reminder::pages
