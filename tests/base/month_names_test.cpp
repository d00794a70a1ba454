// Tests for the month names that dates are shown and read back with.
#include "base/month_names.h"

#include <gtest/gtest.h>

namespace plan_reminder::base {
namespace {

// Tests that months are named in English with a capital letter.
TEST(MonthName, NamesEachMonth) {
  EXPECT_EQ(month_name(1), "January");
  EXPECT_EQ(month_name(9), "September");
  EXPECT_EQ(month_name(12), "December");
}

// Tests that a month's full name reads back as its number in any case, and nothing else does.
TEST(MonthFromName, ReadsFullNamesInAnyCase) {
  EXPECT_EQ(month_from_name("february"), 2U);
  EXPECT_EQ(month_from_name("FEBRUARY"), 2U);
  EXPECT_EQ(month_from_name("December"), 12U);
  EXPECT_FALSE(month_from_name("Feb"));
  EXPECT_FALSE(month_from_name(""));
  EXPECT_FALSE(month_from_name("Februaryy"));
}

}  // namespace
}  // namespace plan_reminder::base
