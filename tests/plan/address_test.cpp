// Tests of email address checks for the directory and the sender.
#include "plan/address.h"

#include <gtest/gtest.h>

namespace plan_reminder::plan {
namespace {

// Tests that ordinary role mailboxes are accepted.
TEST(Address, AcceptsRoleMailboxes) {
  EXPECT_EQ(address_problem("dhr-lead@wwin.example.org"), "");
  EXPECT_EQ(address_problem("first.last+dhr@council.example.org"), "");
  EXPECT_EQ(address_problem("a@b.invalid"), "");
}

// Tests that each kind of malformed address is named in the problem.
TEST(Address, NamesWhatIsWrong) {
  EXPECT_EQ(address_problem("dhr-lead.example.org"), "has no '@'");
  EXPECT_EQ(address_problem("@example.org"), "has nothing before the '@'");
  EXPECT_EQ(address_problem("lead@"), "has no domain after the '@'");
  EXPECT_EQ(address_problem("lead@localhost"), "has a domain without a '.'");
  EXPECT_EQ(address_problem("lead@-bad.example.org"), "has an invalid domain '-bad.example.org'");
  EXPECT_EQ(address_problem("lead@example..org"), "has an invalid domain 'example..org'");
  EXPECT_EQ(address_problem("le ad@example.org"),
            "has a character that is not allowed before the '@': ' '");
  EXPECT_EQ(address_problem("lead.@example.org"), "has a misplaced '.' before the '@'");
}

// Tests that a sender with a display name is split into name and address.
TEST(Address, ReadsDisplayNameAndAddress) {
  std::string problem;
  auto named = parse_named_address(
      "Safer Sunderland Partnership <dhr-actions@partnership.example.org>", problem);
  ASSERT_TRUE(named) << problem;
  EXPECT_EQ(named->name, "Safer Sunderland Partnership");
  EXPECT_EQ(named->address, "dhr-actions@partnership.example.org");

  auto quoted = parse_named_address("\"Board, DHR\" <board@example.org>", problem);
  ASSERT_TRUE(quoted) << problem;
  EXPECT_EQ(quoted->name, "Board, DHR");

  auto bare = parse_named_address("board@example.org", problem);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->name, "");
}

// Tests that a sender that could smuggle a second address or header is refused.
TEST(Address, RefusesAmbiguousSenders) {
  std::string problem;
  EXPECT_FALSE(parse_named_address("A <a@example.org> <b@example.org>", problem));
  EXPECT_FALSE(parse_named_address("A <a@example.org", problem));
  EXPECT_FALSE(parse_named_address("A \"x <a@example.org>", problem));
}

}  // namespace
}  // namespace plan_reminder::plan
