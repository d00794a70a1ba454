// Tests for the error convention's Result: a value or an error, never both, never neither.
#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace plan_reminder::base {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') {
    return Error{std::string("expected a digit, got '") + c + "'"};
  }
  return c - '0';
}

// Tests that a success carries its value and a failure its message.
TEST(Result, HoldsAValueOrAnError) {
  const Result<int> seven = parse_digit('7');
  ASSERT_TRUE(seven.ok());
  EXPECT_EQ(*seven, 7);
  const Result<int> letter = parse_digit('x');
  ASSERT_FALSE(letter);
  EXPECT_EQ(letter.error().message, "expected a digit, got 'x'");
}

// Tests that asking for the wrong half is a programming error that cannot go unnoticed.
TEST(Result, AskingForTheMissingHalfThrows) {
  EXPECT_THROW((void)parse_digit('x').value(), std::logic_error);
  EXPECT_THROW((void)parse_digit('1').error(), std::logic_error);
  EXPECT_THROW((void)Result<void>().error(), std::logic_error);
}

// Tests that a move-only value can be returned and taken out.
TEST(Result, CarriesMoveOnlyValues) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(3);
  std::unique_ptr<int> taken = std::move(result).value();
  EXPECT_EQ(*taken, 3);
}

// Tests that a Result<void> says only whether it worked.
TEST(Result, VoidResultSaysWhetherItWorked) {
  EXPECT_TRUE(Result<void>().ok());
  const Result<void> failed = Error{"no"};
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "no");
}

}  // namespace
}  // namespace plan_reminder::base
