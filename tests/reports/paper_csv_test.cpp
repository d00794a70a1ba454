// Tests of the board paper as CSV for Excel: the encoding Excel reads as UTF-8, quoting, and no
// cell that Excel would run as a formula.
#include "reports/paper_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace date::literals;

BoardPaper small_paper(std::string marking = "") {
  BoardPaper paper;
  paper.partnership = "Example Partnership";
  paper.marking = std::move(marking);
  paper.today = 2024_y / 6 / 3;
  paper.since = 2024_y / 5 / 27;
  paper.since_basis = "the previous digest";
  PaperReview review;
  review.id = "dhr-a";
  review.name = "Review 'A', 2024";
  PaperRecommendation r;
  r.id = "1";
  r.text = "Train officers, \"all\" of them\nby June";
  r.tally.rag = Rag::amber;
  r.tally.complete = 1;
  r.tally.total = 3;
  r.percent_complete = 33;
  review.recommendations.push_back(r);
  OverdueMilestone m;
  m.action_id = "1.1";
  m.milestone_text = "=HYPERLINK(\"http://evil\")";
  m.due = 2024_y / 5 / 31;
  m.days_overdue = 3;
  m.chase.push_back(ChaseEntry{store::EmailKind::overdue, 2024_y / 6 / 1, "police"});
  review.overdue.push_back(m);
  paper.reviews.push_back(review);
  return paper;
}

// Tests that a cell Excel would take for a formula (= + - @) is shown as text, with a leading
// apostrophe, and other text is left alone.
TEST(PaperCsv, FormulaLikeCellsAreText) {
  EXPECT_EQ(csv_cell("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(csv_cell("+44 191"), "'+44 191");
  EXPECT_EQ(csv_cell("-1"), "'-1");
  EXPECT_EQ(csv_cell("@cmd"), "'@cmd");
  EXPECT_EQ(csv_cell("Police"), "Police");
  EXPECT_EQ(csv_cell(""), "");
}

// Tests that commas, quotes and line breaks are quoted as RFC 4180 says (quotes doubled).
TEST(PaperCsv, QuotesAsRfc4180) {
  EXPECT_EQ(csv_cell("a, b"), "\"a, b\"");
  EXPECT_EQ(csv_cell("say \"yes\""), "\"say \"\"yes\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("=1,2"), "\"'=1,2\"");
}

// Tests that the paper starts with a byte-order mark (Excel then reads UTF-8) and ends every
// line with CRLF, with no bare line feed outside a quoted cell.
TEST(PaperCsv, ExcelEncoding) {
  const std::string csv = paper_csv(small_paper());
  EXPECT_THAT(csv, StartsWith("\xEF\xBB\xBFreview,review_name,section,"));
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    quoted = csv[i] == '"' ? !quoted : quoted;
    if (csv[i] == '\n' && !quoted) {
      EXPECT_EQ(csv[i - 1], '\r') << "a bare line feed at " << i;
    }
  }
  EXPECT_THAT(csv, HasSubstr("\"Train officers, \"\"all\"\" of them\nby June\",amber,1,3,33,"));
  EXPECT_THAT(csv, HasSubstr(",\"'=HYPERLINK(\"\"http://evil\"\")\","));
  EXPECT_THAT(csv, HasSubstr(",chased,"));
  EXPECT_THAT(csv, HasSubstr(",2024-06-01,Overdue to police\r\n"));
}

// Tests that a protective marking is the first and the last line, and that without one the
// header comes first.
TEST(PaperCsv, MarkingFirstAndLast) {
  const std::string csv = paper_csv(small_paper("OFFICIAL-SENSITIVE"));
  EXPECT_THAT(csv, StartsWith("\xEF\xBB\xBFOFFICIAL-SENSITIVE\r\nreview,"));
  EXPECT_EQ(csv.substr(csv.size() - 22), "\r\nOFFICIAL-SENSITIVE\r\n");
}

}  // namespace
}  // namespace plan_reminder::reports
