// Tests of the board paper as a workbook: the sheet names Excel accepts. (The workbook itself is
// opened back with openpyxl by tests/integration/test_report.py.)
#include "reports/paper_xlsx.h"

#include "base/utf8.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::reports {
namespace {

using ::testing::ElementsAre;

// Tests that the characters Excel refuses in a sheet name are replaced and a name is cut to 31
// characters (whole UTF-8 characters).
TEST(SheetNames, ValidForExcel) {
  const auto names =
      sheet_names({"dhr/2020:a*b?[c]\\d", "a-review-id-that-is-much-longer-than-excel-allows",
                   "'quoted'", "sar-é-é-é-é-é-é-é-é-é-é-é-é-é-é-é"},
                  {});
  EXPECT_EQ(names[0], "dhr-2020-a-b--c--d");
  EXPECT_EQ(names[1], "a-review-id-that-is-much-longer");
  EXPECT_EQ(names[1].size(), 31U);
  EXPECT_EQ(names[2], "quoted");
  EXPECT_EQ(names[3], "sar-é-é-é-é-é-é-é-é-é-é-é-é-é-é");
  EXPECT_EQ(base::count_characters(names[3]), 31U);
}

// Tests that names are unique regardless of case, the summary sheet's included, by numbering
// the later ones within the limit.
TEST(SheetNames, UniqueIgnoringCase) {
  const auto names = sheet_names(
      {"summary", "dhr-a", "DHR-A", std::string(40, 'x'), std::string(35, 'x')}, {"Summary"});
  EXPECT_THAT(names, ElementsAre("summary (2)", "dhr-a", "DHR-A (2)", std::string(31, 'x'),
                                 std::string(27, 'x') + " (2)"));
}

// Tests that a workbook is written (a zip, as every .xlsx is) and the scratch file is removed.
TEST(PaperXlsx, WritesAWorkbookAndLeavesNoScratchFile) {
  test_support::TempDir folder("pr-report");
  BoardPaper paper;
  paper.partnership = "Example Partnership";
  paper.marking = "OFFICIAL & SENSITIVE";
  paper.today = date::year_month_day{date::year(2024), date::month(6), date::day(3)};
  paper.since = date::year_month_day{date::year(2024), date::month(5), date::day(27)};
  PaperReview review;
  review.id = "dhr-a";
  review.name = "Review A";
  paper.reviews.push_back(review);
  auto bytes = paper_xlsx(paper, folder.path().string());
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  EXPECT_TRUE(std::filesystem::is_empty(folder.path()));
}

// Tests that a scratch folder that does not exist is an error that names it, not a crash.
TEST(PaperXlsx, MissingScratchFolderIsAnError) {
  auto bytes = paper_xlsx(BoardPaper{}, "/nonexistent/folder");
  ASSERT_FALSE(bytes);
  EXPECT_THAT(bytes.error().message, ::testing::HasSubstr("/nonexistent/folder"));
}

}  // namespace
}  // namespace plan_reminder::reports
