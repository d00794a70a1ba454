// Tests of the words emails use for days and times (mail/views.h).
#include "mail/views.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace plan_reminder::mail {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

// Tests the day and time wordings on known days.
TEST(ViewsTest, DaysAndTimesInWords) {
  EXPECT_EQ(plain_day(2020_y / 5 / 31), "31 May 2020");
  EXPECT_EQ(long_day(2020_y / 5 / 31), "Sunday 31 May 2020");
  EXPECT_EQ(long_day(2026_y / 12 / 7), "Monday 7 December 2026");
  EXPECT_EQ(short_time(date::local_days{2020_y / 2 / 3} + 9h + 5min), "Mon 3 Feb 2020 09:05");
  EXPECT_EQ(short_time(date::local_days{2026_y / 9 / 30} + 23h + 59min + 59s),
            "Wed 30 Sep 2026 23:59");
  EXPECT_EQ(plain_day(999_y / 1 / 1), "1 January 0999");
}

// Tests that every day of two centuries, and a time on it, reads as the date library writes it
// in English.
TEST(ViewsTest, EveryDayReadsAsTheDateLibraryWritesIt) {
  for (date::sys_days day = date::sys_days{1950_y / 1 / 1}; day < date::sys_days{2150_y / 1 / 1};
       day += date::days{1}) {
    const date::year_month_day ymd{day};
    const std::string number = std::to_string(static_cast<unsigned>(ymd.day()));
    ASSERT_EQ(plain_day(ymd), number + date::format(" %B %Y", ymd));
    ASSERT_EQ(long_day(ymd), date::format("%A ", ymd) + number + date::format(" %B %Y", ymd));
    // A different minute of the day each day (days before 1970 count below zero).
    const auto minute = ((day.time_since_epoch().count() * 37) % 1440 + 1440) % 1440;
    const date::local_seconds time = date::local_days{ymd} + std::chrono::minutes{minute};
    ASSERT_EQ(short_time(time),
              date::format("%a ", ymd) + number + date::format(" %b %Y %H:%M", time));
  }
}

}  // namespace
}  // namespace plan_reminder::mail
