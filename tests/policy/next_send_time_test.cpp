// Tests of policy::next_send_time (daemon/policy/schedule.h): the moment the daemon's timer is
// set to. Every instant is passed in (the clock is injected); nothing sleeps or reads the time.
//
// next_send_time looks, on each business day from `now`'s local day on, at the earlier and
// then the later of the digest time and the send time, and returns the first strictly after
// `now`. With the defaults (digest 08:30, send 09:00) that is 08:30 and 09:00 on every business
// day: the digest time is a wake-up on every business day, not only on the digest day (the pass
// at 08:30 on a day that is not the digest day finds nothing to do).
#include "policy/schedule.h"

#include <gtest/gtest.h>

namespace plan_reminder::policy {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;
using date::April;
using date::December;
using date::January;
using date::June;
using date::March;
using date::May;
using date::October;

// An instant given as a UTC wall-clock time.
Instant utc(date::year_month_day day, std::chrono::hours hour, std::chrono::minutes minute = 0min,
            std::chrono::seconds second = 0s) {
  return date::sys_days(day) + hour + minute + second;
}

// An instant given as a local time in the configured zone.
Instant local(const Clock& clock, date::year_month_day day, std::chrono::hours hour,
              std::chrono::minutes minute = 0min) {
  return clock.zone.at(date::local_days(day), hour + minute);
}

std::string show(Instant instant) {
  return date::format("%a %F %TZ", instant);
}

class NextSendTime : public ::testing::Test {
 protected:
  plan::Config config;  // Europe/London, England and Wales bank holidays, SPEC §2's policy
  Clock clock = clock_for(config);

  Instant next(Instant now) const { return next_send_time(config.policy, clock, now); }
};

TEST_F(NextSendTime, FromFridayEveningIsMondayDigestTime) {
  // Friday 6 March 2020, 18:00 GMT: the weekend is skipped; Monday's first moment is the
  // digest at 08:30, before the 09:00 send time.
  Instant friday_evening = utc(2020_y / March / 6, 18h);
  EXPECT_EQ(show(next(friday_evening)), show(utc(2020_y / March / 9, 8h, 30min)));
  // The same from any moment of the weekend.
  EXPECT_EQ(next(utc(2020_y / March / 7, 0h)), utc(2020_y / March / 9, 8h, 30min));
  EXPECT_EQ(next(utc(2020_y / March / 8, 23h, 59min, 59s)), utc(2020_y / March / 9, 8h, 30min));
}

TEST_F(NextSendTime, MondayDigestThenSendTime) {
  // Monday 9 March 2020 (GMT): 08:30, then 09:00, then Tuesday.
  EXPECT_EQ(next(utc(2020_y / March / 9, 0h)), utc(2020_y / March / 9, 8h, 30min));
  EXPECT_EQ(next(utc(2020_y / March / 9, 8h, 29min, 59s)), utc(2020_y / March / 9, 8h, 30min));
  EXPECT_EQ(next(utc(2020_y / March / 9, 8h, 30min, 1s)), utc(2020_y / March / 9, 9h));
}

TEST_F(NextSendTime, StrictlyAfterASendTime) {
  // At exactly a send time (the moment the pass runs) the next one is the following moment,
  // never the same instant again (which would make the daemon loop).
  Instant monday_digest = utc(2020_y / March / 9, 8h, 30min);
  EXPECT_EQ(next(monday_digest), utc(2020_y / March / 9, 9h));
  Instant monday_send = utc(2020_y / March / 9, 9h);
  EXPECT_EQ(next(monday_send), utc(2020_y / March / 10, 8h, 30min));
  Instant tuesday_send = utc(2020_y / March / 10, 9h);
  EXPECT_EQ(next(tuesday_send), utc(2020_y / March / 11, 8h, 30min));
  // One second before: that send time itself.
  EXPECT_EQ(next(tuesday_send - 1s), tuesday_send);
  // Friday's send time: on to Monday.
  EXPECT_EQ(next(utc(2020_y / March / 13, 9h)), utc(2020_y / March / 16, 8h, 30min));
}

TEST_F(NextSendTime, EveryBusinessDayHasBothMoments) {
  // A Tuesday to Friday morning: the earlier of the two times comes first, whatever the day.
  for (auto day :
       {2020_y / March / 10, 2020_y / March / 11, 2020_y / March / 12, 2020_y / March / 13}) {
    SCOPED_TRACE(date::format("%F", day));
    EXPECT_EQ(next(utc(day, 7h)), utc(day, 8h, 30min));
    EXPECT_EQ(next(utc(day, 8h, 45min)), utc(day, 9h));
  }
}

TEST_F(NextSendTime, AcrossTheSpringClockChange) {
  // Clocks go forward at 01:00 UTC on Sunday 29 March 2026. From Saturday 28 March (GMT) the
  // next moment is Monday 30 March 08:30 BST, which is 07:30 UTC.
  Instant saturday = local(clock, 2026_y / March / 28, 12h);
  EXPECT_EQ(saturday, utc(2026_y / March / 28, 12h));
  EXPECT_EQ(show(next(saturday)), show(utc(2026_y / March / 30, 7h, 30min)));
  // From Friday's send time (09:00 GMT = 09:00 UTC), the same.
  EXPECT_EQ(next(utc(2026_y / March / 27, 9h)), utc(2026_y / March / 30, 7h, 30min));
  // And Monday's send time is 09:00 BST = 08:00 UTC.
  EXPECT_EQ(next(utc(2026_y / March / 30, 7h, 30min)), utc(2026_y / March / 30, 8h));
  // Between 07:30 and 08:30 UTC on Monday the digest (07:30 UTC) is past: next is 08:00 UTC.
  EXPECT_EQ(next(utc(2026_y / March / 30, 7h, 45min)), utc(2026_y / March / 30, 8h));
}

TEST_F(NextSendTime, AcrossTheAutumnClockChange) {
  // Clocks go back at 01:00 UTC on Sunday 25 October 2026. Friday 23 October's send time is
  // 09:00 BST (08:00 UTC); the next moment is Monday 26 October 08:30 GMT = 08:30 UTC.
  Instant friday_send = local(clock, 2026_y / October / 23, 9h);
  EXPECT_EQ(friday_send, utc(2026_y / October / 23, 8h));
  EXPECT_EQ(show(next(friday_send)), show(utc(2026_y / October / 26, 8h, 30min)));
  EXPECT_EQ(next(utc(2026_y / October / 26, 8h, 30min)), utc(2026_y / October / 26, 9h));
}

TEST_F(NextSendTime, AcrossChristmas2020) {
  // Friday 25 December 2020 is Christmas Day, Monday 28 December the substitute for Boxing
  // Day (a Saturday): from Thursday 24 December's send time the next moment is Tuesday 29th.
  Instant christmas_eve = utc(2020_y / December / 24, 9h);
  EXPECT_EQ(show(next(christmas_eve)), show(utc(2020_y / December / 29, 8h, 30min)));
  // From any moment of the holiday itself, the same.
  EXPECT_EQ(next(utc(2020_y / December / 25, 8h)), utc(2020_y / December / 29, 8h, 30min));
  EXPECT_EQ(next(utc(2020_y / December / 28, 8h, 59min)), utc(2020_y / December / 29, 8h, 30min));
  // New Year's Day 2021 is a Friday: from Thursday 31 December on to Monday 4 January.
  EXPECT_EQ(next(utc(2020_y / December / 31, 9h)), utc(2021_y / January / 4, 8h, 30min));
}

TEST_F(NextSendTime, AcrossThe2022Jubilee) {
  // 2022: the late May bank holiday moved from Monday 30 May to Thursday 2 June, and Friday
  // 3 June was the Platinum Jubilee holiday. Monday 30 May was a business day.
  EXPECT_EQ(show(next(local(clock, 2022_y / May / 27, 9h))),
            show(utc(2022_y / May / 30, 7h, 30min)));  // 08:30 BST
  // From Wednesday 1 June's send time: Thursday and Friday are holidays, then the weekend.
  Instant wednesday_send = local(clock, 2022_y / June / 1, 9h);
  EXPECT_EQ(wednesday_send, utc(2022_y / June / 1, 8h));
  EXPECT_EQ(show(next(wednesday_send)), show(utc(2022_y / June / 6, 7h, 30min)));
  EXPECT_EQ(next(local(clock, 2022_y / June / 2, 8h, 30min)), utc(2022_y / June / 6, 7h, 30min));
}

TEST_F(NextSendTime, AcrossEasterAndVeDay2020) {
  // Good Friday 10 April and Easter Monday 13 April 2020.
  EXPECT_EQ(next(local(clock, 2020_y / April / 9, 9h)),
            local(clock, 2020_y / April / 14, 8h, 30min));
  // VE Day: the early May bank holiday moved to Friday 8 May 2020 (Monday 4 May worked).
  EXPECT_EQ(next(local(clock, 2020_y / May / 1, 9h)), local(clock, 2020_y / May / 4, 8h, 30min));
  EXPECT_EQ(next(local(clock, 2020_y / May / 7, 9h)), local(clock, 2020_y / May / 11, 8h, 30min));
}

TEST_F(NextSendTime, SendTimeBeforeTheDigestTime) {
  // The two times are taken in order whichever is configured earlier.
  config.policy.send_time = 8h;
  config.policy.digest_time = 10h;
  EXPECT_EQ(next(utc(2020_y / March / 10, 7h)), utc(2020_y / March / 10, 8h));
  EXPECT_EQ(next(utc(2020_y / March / 10, 8h)), utc(2020_y / March / 10, 10h));
  EXPECT_EQ(next(utc(2020_y / March / 10, 10h)), utc(2020_y / March / 11, 8h));
}

TEST_F(NextSendTime, SameDigestAndSendTime) {
  // One moment a day; from that moment exactly, the next business day's.
  config.policy.digest_time = 9h;
  EXPECT_EQ(next(utc(2020_y / March / 10, 8h, 59min)), utc(2020_y / March / 10, 9h));
  EXPECT_EQ(next(utc(2020_y / March / 10, 9h)), utc(2020_y / March / 11, 9h));
  EXPECT_EQ(next(utc(2020_y / March / 13, 9h)), utc(2020_y / March / 16, 9h));
}

TEST_F(NextSendTime, InTheConfiguredTimeZone) {
  // The times are local to the partnership's zone: 08:30 in New York on Monday 9 March 2020
  // (EDT since Sunday 8 March) is 12:30 UTC. The bank holidays stay England and Wales'.
  config.timezone = "America/New_York";
  clock = clock_for(config);
  EXPECT_EQ(clock.zone.name(), "America/New_York");
  EXPECT_EQ(show(next(utc(2020_y / March / 7, 12h))), show(utc(2020_y / March / 9, 12h, 30min)));
  // Late on Friday 6 March in New York is already Saturday in UTC: the local day counts.
  EXPECT_EQ(next(utc(2020_y / March / 7, 2h)), utc(2020_y / March / 9, 12h, 30min));
}

TEST_F(NextSendTime, AlwaysStrictlyLaterAndUnderSixDaysAway) {
  // A sweep over 2020 to 2026 in steps of 7 hours 13 minutes: the result is strictly after
  // `now`, is one of the two local moments of a business day, and no business day's moment is
  // skipped (the longest gap, at Christmas, is under six days).
  Instant now = utc(2020_y / January / 1, 0h);
  Instant end = utc(2027_y / January / 1, 0h);
  int checked = 0;
  while (now < end) {
    Instant at = next(now);
    ASSERT_GT(at, now) << show(now);
    ASSERT_LT(at - now, std::chrono::hours(24 * 6)) << show(now);
    auto local_time = clock.zone.local_time(at);
    auto time_of_day = local_time - date::floor<date::days>(local_time);
    ASSERT_TRUE(time_of_day == 8h + 30min || time_of_day == 9h) << show(at);
    ASSERT_TRUE(clock.business_days.is_business_day(clock.zone.day_of(at))) << show(at);
    // Nothing in between: one second before `at` still gives `at` (when that is after now).
    if (at - 1s > now) {
      ASSERT_EQ(next(at - 1s), at) << show(now);
    }
    now += 7h + 13min;
    ++checked;
  }
  EXPECT_GT(checked, 8000);
}

}  // namespace
}  // namespace plan_reminder::policy
