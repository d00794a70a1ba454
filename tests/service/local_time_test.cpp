// Tests of the partnership's local time as the service writes it: the Date header's offset and
// instants in the log and on the command line.
#include "service/local_time.h"

#include <gtest/gtest.h>

namespace plan_reminder::service {
namespace {

using namespace std::chrono_literals;

// Tests that the Date header's offset follows British Summer Time: +01:00 in April, +00:00 in
// January.
TEST(LocalTimeTest, TheOffsetFollowsSummerTime) {
  const policy::Clock clock = policy::clock_for(plan::Config{});
  const date::sys_seconds april = date::sys_days{date::year{2020} / date::April / 1} + 8h;
  const date::sys_seconds january = date::sys_days{date::year{2020} / date::January / 6} + 9h;
  EXPECT_EQ(utc_offset(clock, april), 60min);
  EXPECT_EQ(utc_offset(clock, january), 0min);
}

// Tests that an instant is shown in the partnership's wall-clock time, not UTC.
TEST(LocalTimeTest, AnInstantIsShownInLocalTime) {
  const policy::Clock clock = policy::clock_for(plan::Config{});
  const date::sys_seconds april = date::sys_days{date::year{2020} / date::April / 1} + 8h;
  EXPECT_EQ(short_local_time(clock, april), "Wed 1 Apr 2020 09:00");
}

}  // namespace
}  // namespace plan_reminder::service
