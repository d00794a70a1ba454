// Tests of the per-link limit on submissions (SPEC §9): a burst is allowed, the rest wait until
// the oldest try leaves the window; keys are counted apart; memory stays bounded.
#include "web/rate_limit.h"

#include <gtest/gtest.h>

namespace plan_reminder::web {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const RateLimit::Instant kStart{seconds(1'800'000'000)};

// Tests that 10 tries in 10 minutes go ahead and the 11th is told how long to wait, and that
// it may go once the first try is 10 minutes old.
TEST(RateLimitTest, BurstThenWait) {
  RateLimit limit(10, minutes(10), 100);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(limit.attempt("link", kStart + seconds(i)));
  }
  auto wait = limit.attempt("link", kStart + seconds(30));
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, seconds(570));
  EXPECT_TRUE(limit.attempt("link", kStart + minutes(10) - seconds(1)));
  EXPECT_FALSE(limit.attempt("link", kStart + minutes(10)));
}

// Tests that one link's flood does not stop another's.
TEST(RateLimitTest, KeysAreCountedApart) {
  RateLimit limit(2, minutes(1), 100);
  EXPECT_FALSE(limit.attempt("a", kStart));
  EXPECT_FALSE(limit.attempt("a", kStart));
  EXPECT_TRUE(limit.attempt("a", kStart));
  EXPECT_FALSE(limit.attempt("b", kStart));
}

// Tests that beyond max_keys the least recently used key is forgotten (and starts afresh),
// and that a clock set back never locks a key out.
TEST(RateLimitTest, BoundedAndSafeWhenTheClockGoesBack) {
  RateLimit limit(1, minutes(10), 2);
  EXPECT_FALSE(limit.attempt("a", kStart));
  EXPECT_FALSE(limit.attempt("b", kStart));
  EXPECT_TRUE(limit.attempt("a", kStart));   // a is now the most recent
  EXPECT_FALSE(limit.attempt("c", kStart));  // forgets b
  EXPECT_FALSE(limit.attempt("b", kStart));  // forgets a
  EXPECT_FALSE(limit.attempt("a", kStart));
  EXPECT_FALSE(limit.attempt("a", kStart - minutes(60)));
}

}  // namespace
}  // namespace plan_reminder::web
