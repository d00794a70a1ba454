// Tests of the board page (/board): what a chair sees before a meeting, per review and
// recommendation, and its pages at national scale.
#include "pages/board_page.h"

#include "page_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace plan_reminder::pages {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace test;

int count_of(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

std::string board_page(const plan::Snapshot& snapshot, date::year_month_day today, int page = 1,
                       std::vector<mail::AuditRow> changes = {}) {
  const BoardView view = board_view(snapshot, today, std::move(changes), {});
  std::optional<std::string> html = render_board(shipped_templates(), view, {page, kBoardLink});
  if (!html) {
    throw std::runtime_error("no board page " + std::to_string(page));
  }
  return *html;
}

// A review whose one recommendation has an overdue, a due-soon, an undated and a complete
// milestone.
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

// Tests that the example deployment's board shows every recommendation of the review 'David'
// with its text, its RAG word and the share of its milestones complete.
TEST(BoardPage, ExampleShowsEachRecommendationWithRatingAndShareComplete) {
  const auto snapshot = example_snapshot();
  const std::string html = board_page(*snapshot, 2020_y / 3 / 20);
  keep_for_viewing("board", html);
  EXPECT_THAT(html, HasSubstr("<h2 class=\"heading-m\" id=\"review-dhr-david\">Domestic Homicide "
                              "Review: &#39;David&#39;</h2>"));
  for (const char* id : {"1", "2", "3", "4", "5"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<span class=\"table__id\">") + id + "</span>"));
  }
  EXPECT_THAT(html, HasSubstr("Implement the needs-led and trauma-informed approach"));
  // Each recommendation's rating is a word, never a colour alone.
  EXPECT_EQ(
      count_of(html, "<td data-label=\"Rating\"><strong class=\"tag tag--red\">Red</strong>") +
          count_of(html, "<strong class=\"tag tag--amber\">Amber</strong>") +
          count_of(html, "<strong class=\"tag tag--green\">Green</strong>"),
      count_of(html, "data-label=\"Rating\""));
  EXPECT_TRUE(std::regex_search(html, std::regex(R"(<td data-label="Complete">\d+% <span)")));
  EXPECT_THAT(html, HasSubstr("Safer Sunderland Partnership"));
  EXPECT_THAT(html, HasSubstr("As of Friday 20 March 2020"));
}

// Tests that the board heads each review with its name: the title after the review type's full
// name (SPEC §11's "Domestic Abuse Related Death Review 'David'"), and the attention list too.
TEST(BoardPage, ReviewIsHeadedWithItsTypesFullName) {
  auto plan = std::const_pointer_cast<plan::Plan>(mixed_review("dardr-david"));
  plan->review.title = "'David'";
  plan->review.type = plan::ReviewType::dardr;
  const std::string html = board_page(snapshot_of({plan}), kToday);
  EXPECT_THAT(html, HasSubstr("id=\"review-dardr-david\">Domestic Abuse Related Death Review "
                              "&#39;David&#39;</h2>"));
}

// Tests that the board lists an overdue milestone with its lead and how many days it is late,
// a due-soon one with the days left, and an undated one with what it needs; complete ones are
// not listed but counted in the share complete.
TEST(BoardPage, ListsMilestonesNeedingAttentionWithLeadAndDays) {
  const plan::Snapshot snapshot = snapshot_of({mixed_review("dhr-a")});
  const std::string html = board_page(snapshot, kToday);
  EXPECT_THAT(html, HasSubstr("Training plan agreed</th>\n<td data-label=\"Lead\">Example "
                              "Police</td>\n<td data-label=\"When\">3 days overdue"));
  EXPECT_THAT(html, HasSubstr("First session held</th>\n<td data-label=\"Lead\">Example "
                              "Police</td>\n<td data-label=\"When\">Due on Saturday 8 June 2024"));
  EXPECT_THAT(html, HasSubstr("Refresher course booked</th>\n<td data-label=\"Lead\">Example "
                              "Police</td>\n<td data-label=\"When\">Needs a target date"));
  EXPECT_THAT(html, Not(HasSubstr("Trainer appointed")));
  EXPECT_THAT(html, HasSubstr("<td data-label=\"Complete\">25% <span class=\"secondary\">(1 of 4 "
                              "milestones)</span>"));
  EXPECT_THAT(html, HasSubstr("<strong class=\"tag tag--red\">Red</strong>"));
}

// Tests that the overdue milestones come before the due-soon ones, most overdue first.
TEST(BoardPage, MostUrgentFirst) {
  const plan::Snapshot snapshot = snapshot_of({plan_of(
      "dhr-a", "Review A",
      {recommendation_of("1", "Text",
                         {action_of("1.1", {"police"}, {},
                                    {milestone_in(9, "Later"), milestone_in(-2, "Two late"),
                                     milestone_in(-20, "Twenty late")})})})});
  const std::string html = board_page(snapshot, kToday);
  EXPECT_LT(html.find("Twenty late"), html.find("Two late"));
  EXPECT_LT(html.find("Two late"), html.find("Later"));
}

// Tests that plan text is shown as text: a milestone or recommendation holding markup cannot
// add it to the page.
TEST(BoardPage, EscapesPlanText) {
  const plan::Snapshot snapshot = snapshot_of({plan_of(
      "dhr-a", "Review <b>A</b>",
      {recommendation_of("1", "Stop \"<img src=x onerror=alert(1)>\"",
                         {action_of("1.1", {"police"}, {},
                                    {milestone_in(-1, "<script>alert('x')</script>")})})})});
  const std::string html = board_page(snapshot, kToday);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("Stop &quot;&lt;img src=x onerror=alert(1)&gt;&quot;"));
  EXPECT_THAT(html, HasSubstr("Review &lt;b&gt;A&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
}

std::vector<std::shared_ptr<const plan::Plan>> many_reviews(int count) {
  std::vector<std::shared_ptr<const plan::Plan>> plans;
  for (int i = 1; i <= count; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "dhr-%04d", i);
    plans.push_back(mixed_review(id));
  }
  return plans;
}

// Tests that the board shows at most kReviewsPerPage reviews a page: page 2 has the rest, with
// a link back that keeps the token, and a page past the end is empty (the caller's 404).
TEST(BoardPage, PaginatesReviewsAndLinksKeepTheToken) {
  const plan::Snapshot snapshot = snapshot_of(many_reviews(25));
  const BoardView view = board_view(snapshot, kToday, {}, {});
  const std::string first = *render_board(shipped_templates(), view, {1, kBoardLink});
  const std::optional<std::string> second =
      render_board(shipped_templates(), view, {2, kBoardLink});
  ASSERT_TRUE(second.has_value());
  keep_for_viewing("board-page-2", *second);

  EXPECT_EQ(count_of(first, "<section class=\"review\""), 20);
  EXPECT_THAT(first, HasSubstr("dhr-0020"));
  EXPECT_THAT(first, Not(HasSubstr("dhr-0021")));
  EXPECT_THAT(first, HasSubstr("Page 1 of 2"));
  EXPECT_THAT(first, HasSubstr("href=\"https://dhr.example.org/board?t=SIGNED&amp;page=2\" "
                               "rel=\"next\""));
  EXPECT_THAT(first, Not(HasSubstr("rel=\"prev\"")));

  EXPECT_EQ(count_of(*second, "<section class=\"review\""), 5);
  EXPECT_THAT(*second, HasSubstr("dhr-0021"));
  EXPECT_THAT(*second, HasSubstr("dhr-0025"));
  EXPECT_THAT(*second, HasSubstr("href=\"https://dhr.example.org/board?t=SIGNED\" rel=\"prev\""));
  EXPECT_THAT(*second, Not(HasSubstr("rel=\"next\"")));

  EXPECT_FALSE(render_board(shipped_templates(), view, {3, kBoardLink}).has_value());
  EXPECT_FALSE(render_board(shipped_templates(), view, {0, kBoardLink}).has_value());
}

// Tests that a board of one page has no page links at all.
TEST(BoardPage, OnePageHasNoPageLinks) {
  const plan::Snapshot snapshot = snapshot_of(many_reviews(3));
  const std::string html = board_page(snapshot, kToday);
  EXPECT_THAT(html, Not(HasSubstr("class=\"pagination\"")));
}

// Tests that what changed since the last digest (the digest's log rows) is on the first page
// only, each notice with when, what, to whom and its result.
TEST(BoardPage, ShowsWhatChangedSinceTheLastDigestOnTheFirstPage) {
  const plan::Snapshot snapshot = snapshot_of(many_reviews(25));
  mail::AuditRow row;
  row.when = date::local_days{kToday} + std::chrono::hours(9);
  row.kind = mail::EmailKind::overdue;
  row.recipient = "Example Police";
  row.about = "dhr-0001 1.1 Training plan agreed";
  row.state = mail::DeliveryState::sent;
  const std::string first = board_page(snapshot, kToday, 1, {row});
  const std::string second = board_page(snapshot, kToday, 2, {row});
  EXPECT_THAT(first, HasSubstr("What changed since the last digest"));
  EXPECT_THAT(first, HasSubstr("<td data-label=\"When\">Mon 3 Jun 2024 09:00</td>\n<td "
                               "data-label=\"Notice\">overdue</td>\n<td data-label=\"To\">Example "
                               "Police</td>\n<td data-label=\"About\">dhr-0001 1.1 Training plan "
                               "agreed</td>\n<td data-label=\"Result\">Sent</td>"));
  EXPECT_THAT(second, Not(HasSubstr("What changed since the last digest")));

  const std::string quiet = board_page(snapshot, kToday, 1);
  EXPECT_THAT(quiet, HasSubstr("No notices since the last digest."));
}

// Tests that updates waiting for the coordinator are not mentioned while there are none, and
// are announced when there are.
TEST(BoardPage, UpdatesWaitingShownOnlyWhenThereAreSome) {
  const plan::Snapshot snapshot = snapshot_of(many_reviews(1));
  BoardView view = board_view(snapshot, kToday, {}, {});
  EXPECT_THAT(*render_board(shipped_templates(), view, {1, kBoardLink}),
              Not(HasSubstr("Updates waiting")));
  view.updates_waiting = 3;
  EXPECT_THAT(
      *render_board(shipped_templates(), view, {1, kBoardLink}),
      HasSubstr("3 updates wait for the coordinator: <code>plan-reminder updates list</code>"));
}

// Tests that a review with more milestones needing attention than a page lists counts the rest.
TEST(BoardPage, CountsWhatItDoesNotList) {
  std::vector<plan::Milestone> milestones;
  for (int i = 0; i < 40; ++i) {
    milestones.push_back(milestone_in(-1 - i, "Late " + std::to_string(i)));
  }
  const plan::Snapshot snapshot = snapshot_of(
      {plan_of("dhr-a", "Review A",
               {recommendation_of("1", "Text", {action_of("1.1", {"police"}, {}, milestones)})})});
  const std::string html = board_page(snapshot, kToday);
  EXPECT_EQ(count_of(html, "data-label=\"Lead\""), static_cast<int>(kListedPerReview));
  EXPECT_THAT(html, HasSubstr("And 25 more milestones need attention"));
}

// Tests that at national scale (1,500 reviews, over 100,000 milestones) every page stays small
// enough for a browser to show at once, and the last page is where the count says.
TEST(BoardPage, PageSizeBoundedAtNationalScale) {
  std::vector<std::shared_ptr<const plan::Plan>> plans;
  for (int i = 1; i <= 1500; ++i) {
    std::vector<plan::Recommendation> recommendations;
    for (int r = 1; r <= 6; ++r) {
      std::vector<plan::Action> actions;
      for (int a = 1; a <= 3; ++a) {
        std::vector<plan::Milestone> milestones;
        for (int m = 0; m < 4; ++m) {
          milestones.push_back(milestone_in(-30 + (i + r + a + m) % 90,
                                            "Milestone text of some ordinary length, as "
                                            "written in a published action plan"));
        }
        actions.push_back(action_of(std::to_string(r) + "." + std::to_string(a), {"police"},
                                    {"council"}, milestones));
      }
      recommendations.push_back(recommendation_of(
          std::to_string(r), std::string(300, 'x') + " recommendation text of a typical length",
          actions));
    }
    plans.push_back(
        plan_of("dhr-" + std::to_string(i), "Review " + std::to_string(i), recommendations));
  }
  const plan::Snapshot snapshot = snapshot_of(plans);
  const BoardView view = board_view(snapshot, kToday, {}, {});
  EXPECT_EQ(view.total, 1500 * 6 * 3 * 4);
  const std::string first = *render_board(shipped_templates(), view, {1, kBoardLink});
  const std::optional<std::string> last = render_board(shipped_templates(), view, {75, kBoardLink});
  ASSERT_TRUE(last.has_value());
  keep_for_viewing("board-national", first);
  EXPECT_LT(first.size(), std::size_t{256} * 1024);
  EXPECT_LT(last->size(), std::size_t{256} * 1024);
  EXPECT_THAT(first, HasSubstr("Page 1 of 75"));
  EXPECT_FALSE(render_board(shipped_templates(), view, {76, kBoardLink}).has_value());
}

}  // namespace
}  // namespace plan_reminder::pages
