// Tests of intake/csv_reader.h: CSV as spreadsheets and people save it.
#include "intake/csv_reader.h"

#include <gtest/gtest.h>

namespace plan_reminder::intake {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows rows_of(std::string_view text) {
  auto table = read_csv(text, "plan.csv");
  EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().message);
  return table.ok() ? table->rows : Rows{};
}

// Tests that Excel's "CSV UTF-8" (a byte-order mark and CRLF) reads as the cells it shows.
TEST(CsvReader, ReadsExcelsUtf8WithByteOrderMarkAndCrlf) {
  EXPECT_EQ(rows_of("\xEF\xBB\xBFRecommendation,Lead agency\r\n(1) Do,WWiN\r\n"),
            (Rows{{"Recommendation", "Lead agency"}, {"(1) Do", "WWiN"}}));
}

// Tests that LF line ends and a missing last line end read the same.
TEST(CsvReader, ReadsLfAndNoFinalLineEnd) {
  EXPECT_EQ(rows_of("a,b\nc,d"), (Rows{{"a", "b"}, {"c", "d"}}));
}

// Tests that a quoted field keeps its commas, doubled quotes and line breaks (as LF).
TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  EXPECT_EQ(
      rows_of("\"Council, Women's Aid and OPCC\",\"say \"\"hi\"\"\",\"By Dec 2019\r\nTBC\"\r\n"),
      (Rows{{"Council, Women's Aid and OPCC", "say \"hi\"", "By Dec 2019\nTBC"}}));
}

// Tests that empty fields, at the end of a line too, are kept as empty cells.
TEST(CsvReader, KeepsEmptyFields) {
  EXPECT_EQ(rows_of("a,,\r\n,b,\r\n"), (Rows{{"a", "", ""}, {"", "b", ""}}));
}

// Tests that a quote never closed is an error naming the file and where the field began.
TEST(CsvReader, UnclosedQuoteIsAnErrorWithItsPlace) {
  auto table = read_csv("a,b\r\nc,\"never closed\r\n", "plan.csv");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message, "plan.csv:2:3: a quoted field is never closed");
}

// Tests that a stray quote in an unquoted field is an error, not a guess.
TEST(CsvReader, StrayQuoteIsAnError) {
  auto table = read_csv("a,b\"c\r\n", "plan.csv");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("plan.csv:1:4: a quote inside an unquoted field"),
            std::string::npos);
}

// Tests that text in another encoding (Windows-1252 "Women’s") is refused with the fix.
TEST(CsvReader, RefusesTextThatIsNotUtf8) {
  auto table = read_csv("Women\x92s Aid\r\n", "plan.csv");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("save it as \"CSV UTF-8\""), std::string::npos);
}

// Tests that a huge sheet is refused at the row limit rather than read whole.
TEST(CsvReader, RefusesMoreRowsThanTheLimit) {
  std::string text;
  for (int i = 0; i < 20; ++i) {
    text += "x,y\r\n";
  }
  Limits limits;
  limits.max_rows = 10;
  auto table = read_csv(text, "plan.csv", limits);
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("more than 10 rows"), std::string::npos);
}

}  // namespace
}  // namespace plan_reminder::intake
