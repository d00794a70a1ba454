// Tests for ASCII case folding: addresses and keywords compare without regard to case, people's
// accented text is left as written.
#include "base/ascii.h"

#include <gtest/gtest.h>

namespace plan_reminder::base {
namespace {

// Tests that only A-Z change, so that UTF-8 text passes through intact.
TEST(AsciiLower, FoldsAsciiLettersOnly) {
  EXPECT_EQ(ascii_lower("Jane.Doe@Example.ORG"), "jane.doe@example.org");
  EXPECT_EQ(ascii_lower("ÉCOLE 1-2 [Z]"), "École 1-2 [z]");
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_lower('@'), '@');
}

// Tests that text equal but for ASCII case compares equal, and nothing else does.
TEST(EqualsIgnoringAsciiCase, ComparesWithoutCase) {
  EXPECT_TRUE(equals_ignoring_ascii_case("MARCH", "march"));
  EXPECT_TRUE(equals_ignoring_ascii_case("", ""));
  EXPECT_FALSE(equals_ignoring_ascii_case("march", "marc"));
  EXPECT_FALSE(equals_ignoring_ascii_case("École", "école"));
}

}  // namespace
}  // namespace plan_reminder::base
