// Tests for what every page shares (pages/page_layout.h): the protective marking
// (`classification:`, SPEC §11) at the top and bottom of each page, and no change without one.
#include "pages/page_layout.h"
#include "page_fixtures.h"
#include "pages/board_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace plan_reminder::pages {
namespace {

using namespace test;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kBanner = "<div class=\"classification\" role=\"note\">OFFICIAL-SENSITIVE</div>";

WebTemplates marked_templates() {
  plan::Diagnostics diagnostics;
  std::optional<WebTemplates> loaded =
      load_web_templates(kShippedTemplates, diagnostics, "OFFICIAL-SENSITIVE");
  if (!loaded) {
    throw std::runtime_error("shipped web templates do not load:\n" + messages_of(diagnostics));
  }
  return std::move(*loaded);
}

std::string example_board(const WebTemplates& templates) {
  const auto snapshot = example_snapshot();
  const BoardView view = board_view(*snapshot, kToday, {}, {});
  return *render_board(templates, view, {1, kBoardLink});
}

// Where the page's visible content starts and ends: right after <body> and before </body>.
std::string first_after_body(const std::string& html) {
  const auto start = html.find('>', html.find("<body")) + 1;
  return html.substr(start + 1, kBanner.size());  // past the line break after the tag
}
std::string last_before_body_end(const std::string& html) {
  const auto end = html.find("</body>");
  return html.substr(end - kBanner.size() - 1, kBanner.size());
}

// Tests that with a classification the board page opens and closes with the marking, before the
// skip link and after the footer, so that it is the first and last thing read.
TEST(PageMarking, BoardPageShowsTheMarkingAtTopAndBottom) {
  const std::string html = example_board(marked_templates());
  EXPECT_EQ(first_after_body(html), kBanner);
  EXPECT_EQ(last_before_body_end(html), kBanner);
  EXPECT_NE(html.find(kBanner), html.rfind(kBanner));  // two banners, not one found twice
}

// Tests that the pages that show no data (not found, error) carry the marking too.
TEST(PageMarking, NotFoundAndErrorPagesAreMarked) {
  const WebTemplates templates = marked_templates();
  for (const std::string* page : {&templates.not_found_page(), &templates.error_page()}) {
    EXPECT_EQ(first_after_body(*page), kBanner);
    EXPECT_EQ(last_before_body_end(*page), kBanner);
  }
}

// Tests that without a classification the pages are exactly as before: no banner at all.
TEST(PageMarking, NoClassificationLeavesPagesUnmarked) {
  const std::string html = example_board(shipped_templates());
  EXPECT_THAT(html, Not(HasSubstr("class=\"classification\"")));
  EXPECT_EQ(mark_page(html, ""), html);
}

// Tests that the stylesheet styles the banner, so that it stands apart from the page's header.
TEST(PageMarking, StylesheetHasTheBannerStyle) {
  EXPECT_THAT(shipped_templates().stylesheet(), HasSubstr(".classification {"));
}

}  // namespace
}  // namespace plan_reminder::pages
