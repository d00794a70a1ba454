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

// Tests that the character classes are ASCII's alone: a UTF-8 byte is never a letter or a space.
TEST(AsciiClasses, KnowOnlyAscii) {
  EXPECT_TRUE(is_ascii_alpha('z') && is_ascii_alpha('A') && !is_ascii_alpha('1'));
  EXPECT_TRUE(is_ascii_digit('0') && is_ascii_digit('9') && !is_ascii_digit('a'));
  EXPECT_TRUE(is_ascii_alnum('q') && is_ascii_alnum('7') && !is_ascii_alnum('-'));
  EXPECT_TRUE(is_ascii_space(' ') && is_ascii_space('\t') && is_ascii_space('\v'));
  EXPECT_FALSE(is_ascii_space('x'));
  EXPECT_FALSE(is_ascii_alpha('\xC3'));  // the first byte of "É"
  EXPECT_FALSE(is_ascii_space('\xA0'));  // the second byte of a no-break space
}

}  // namespace
}  // namespace plan_reminder::base
