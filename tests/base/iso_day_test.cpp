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

// Tests that no day is written as nothing, as a digest's due date is stored.
TEST(IsoDayTest, NoDayIsEmpty) {
  EXPECT_EQ(iso_day(std::nullopt), "");
}

}  // namespace
}  // namespace plan_reminder::base
