// Tests of days written as "YYYY-MM-DD".
#include "base/iso_day.h"

#include <gtest/gtest.h>

namespace plan_reminder::base {
namespace {

// Tests that a real day is read, and written back the same.
TEST(IsoDayTest, ARealDayReadsAndWritesBack) {
  auto day = parse_iso_day("2020-02-29");
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(*day, date::year{2020} / date::February / 29);
  EXPECT_EQ(iso_day(day), "2020-02-29");
}

// Tests that what is not a real day in that form is refused: a day that does not exist, a
// short form, trailing text.
TEST(IsoDayTest, WhatIsNotARealDayIsRefused) {
  EXPECT_FALSE(parse_iso_day("2021-02-29").has_value());
  EXPECT_FALSE(parse_iso_day("2020-2-29").has_value());
  EXPECT_FALSE(parse_iso_day("2020-02-29x").has_value());
  EXPECT_FALSE(parse_iso_day("").has_value());
}

// Tests that every day written is the library's own "%F" and reads back as itself: from the
// first years a plan could name to far ahead, the four-digit edges and beyond them included.
TEST(IsoDayTest, EveryDayIsWrittenAsTheLibraryWritesIt) {
  const date::sys_days first{date::year{1899} / date::January / 1};
  const date::sys_days last{date::year{2101} / date::December / 31};
  for (date::sys_days day = first; day <= last; day += date::days{1}) {
    const date::year_month_day ymd{day};
    ASSERT_EQ(iso_day(ymd), date::format("%F", ymd));
    ASSERT_EQ(parse_iso_day(iso_day(ymd)), ymd);
  }
  for (const auto& edge :
       {date::year{0} / date::January / 1, date::year{999} / date::March / 9,
        date::year{9999} / date::December / 31, date::year{10000} / date::January / 1,
        date::year{-1} / date::June / 30}) {
    EXPECT_EQ(iso_day(edge), date::format("%F", edge));
  }
  EXPECT_EQ(iso_day(date::year{999} / date::March / 9), "0999-03-09");
}

// Tests that no day is written as nothing, as a digest's due date is stored.
TEST(IsoDayTest, NoDayIsEmpty) {
  EXPECT_EQ(iso_day(std::nullopt), "");
}

}  // namespace
}  // namespace plan_reminder::base
