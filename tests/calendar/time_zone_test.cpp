// Tests for time zones: looking names up and DST-safe conversions between local and UTC.
#include "calendar/time_zone.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace plan_reminder::calendar {
namespace {

using namespace std::chrono_literals;

date::local_days day(int year, unsigned month, unsigned day_of_month) {
  return date::local_days{date::year{year} / date::month{month} / date::day{day_of_month}};
}
Instant utc(int year, unsigned month, unsigned day_of_month, std::chrono::seconds time) {
  return date::sys_days{date::year{year} / date::month{month} / date::day{day_of_month}} + time;
}

TimeZone zone(std::string_view name) {
  base::Result<TimeZone> found = TimeZone::lookup(name);
  EXPECT_TRUE(found.ok()) << found.error().message;
  return found.ok() ? *found : TimeZone();
}

// Tests that an IANA name is found and kept.
TEST(TimeZoneTest, LooksUpIanaNames) {
  EXPECT_EQ(zone("Europe/London").name(), "Europe/London");
  EXPECT_EQ(zone("America/New_York").name(), "America/New_York");
  EXPECT_EQ(TimeZone::london().name(), "Europe/London");
}

// Tests that a misspelt name is refused with a message quoting it.
TEST(TimeZoneTest, UnknownNameIsAnError) {
  base::Result<TimeZone> misspelt = TimeZone::lookup("Europe/Londn");
  ASSERT_FALSE(misspelt.ok());
  EXPECT_EQ(misspelt.error().message,
            "unknown time zone \"Europe/Londn\" (expected an IANA name such as "
            "\"Europe/London\")");

  base::Result<TimeZone> empty = TimeZone::lookup("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message,
            "unknown time zone \"\" (expected an IANA name such as \"Europe/London\")");
}

// Tests that a zone that should have been checked at load is never replaced by London: an
// unknown name is an error with lookup()'s message.
TEST(TimeZoneTest, NamedZoneNeverFallsBackToLondon) {
  EXPECT_EQ(TimeZone::named("America/New_York").name(), "America/New_York");
  try {
    (void)TimeZone::named("Europe/Londn");
    ADD_FAILURE() << "an unknown zone was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "unknown time zone \"Europe/Londn\" (expected an IANA name such as "
                 "\"Europe/London\")");
  }
}

// Tests that 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
TEST(TimeZoneTest, SendTimeInWinterAndSummer) {
  const TimeZone london = TimeZone::london();
  EXPECT_EQ(london.at(day(2026, 1, 15), 9h), utc(2026, 1, 15, 9h));
  EXPECT_EQ(london.at(day(2026, 7, 15), 9h), utc(2026, 7, 15, 8h));
}

// Tests that 09:00 on the days the clocks change is 09:00 local: 08:00 UTC on the day BST
// starts, 09:00 UTC on the day it ends.
TEST(TimeZoneTest, SendTimeOnTheDaysTheClocksChange) {
  const TimeZone london = TimeZone::london();
  EXPECT_EQ(london.at(day(2026, 3, 29), 9h), utc(2026, 3, 29, 8h));
  EXPECT_EQ(london.at(day(2026, 10, 25), 9h), utc(2026, 10, 25, 9h));
}

// Tests that a local time skipped by the spring-forward gap moves forward by the gap:
// 01:30 on 29 March 2026 does not exist in London, so it is 02:30 BST (01:30 UTC).
TEST(TimeZoneTest, NonexistentTimeMovesForwardByTheGap) {
  const TimeZone london = TimeZone::london();
  const Instant sent = london.at(day(2026, 3, 29), 1h + 30min);
  EXPECT_EQ(sent, utc(2026, 3, 29, 1h + 30min));
  EXPECT_EQ(london.local_time(sent), day(2026, 3, 29) + 2h + 30min);
  // The edges of the gap: 01:00 GMT is the last minute before the jump, 02:00 the first after.
  EXPECT_EQ(london.at(day(2026, 3, 29), 1h), utc(2026, 3, 29, 1h));
  EXPECT_EQ(london.at(day(2026, 3, 29), 2h), utc(2026, 3, 29, 1h));
}

// Tests that a gap of other than an hour is honoured too: Lord Howe Island moves its clocks
// forward by 30 minutes at 02:00 on 4 October 2026.
TEST(TimeZoneTest, NonexistentTimeMovesByAHalfHourGap) {
  const TimeZone lord_howe = zone("Australia/Lord_Howe");
  const Instant sent = lord_howe.at(day(2026, 10, 4), 2h + 15min);
  EXPECT_EQ(lord_howe.local_time(sent), day(2026, 10, 4) + 2h + 45min);
}

// Tests that a local time that happens twice in the autumn overlap is taken at its first
// occurrence: 01:30 on 25 October 2026 is 01:30 BST (00:30 UTC), so the send happens once.
TEST(TimeZoneTest, AmbiguousTimeTakesTheFirstOccurrence) {
  const TimeZone london = TimeZone::london();
  EXPECT_EQ(london.at(day(2026, 10, 25), 1h + 30min), utc(2026, 10, 25, 30min));
}

// Tests that the local day of an instant follows the local clock near midnight, on both sides of
// each change.
TEST(TimeZoneTest, DayOfNearMidnightAcrossDst) {
  const TimeZone london = TimeZone::london();
  // Winter: UTC and local agree.
  EXPECT_EQ(london.day_of(utc(2026, 3, 28, 23h + 30min)), day(2026, 3, 28));
  // The first night of BST: 23:30 UTC is already 00:30 the next day.
  EXPECT_EQ(london.day_of(utc(2026, 3, 29, 23h + 30min)), day(2026, 3, 30));
  EXPECT_EQ(london.day_of(utc(2026, 3, 29, 22h + 59min + 59s)), day(2026, 3, 29));
  // The last night of BST: 23:30 UTC on the 24th is 00:30 BST on the 25th.
  EXPECT_EQ(london.day_of(utc(2026, 10, 24, 23h + 30min)), day(2026, 10, 25));
  // Back on GMT the same evening.
  EXPECT_EQ(london.day_of(utc(2026, 10, 25, 23h + 30min)), day(2026, 10, 25));
  EXPECT_EQ(london.day_of(utc(2026, 10, 26, 0h)), day(2026, 10, 26));
}

// Tests that local_time gives the wall clock, including both readings of the repeated hour.
TEST(TimeZoneTest, LocalTimeShowsTheWallClock) {
  const TimeZone london = TimeZone::london();
  EXPECT_EQ(london.local_time(utc(2026, 7, 1, 12h)), day(2026, 7, 1) + 13h);
  // 01:30 on 25 October 2026 happens twice: at 00:30 UTC (BST) and at 01:30 UTC (GMT).
  const date::local_seconds repeated = day(2026, 10, 25) + 1h + 30min;
  EXPECT_EQ(london.local_time(utc(2026, 10, 25, 30min)), repeated);
  EXPECT_EQ(london.local_time(utc(2026, 10, 25, 1h + 30min)), repeated);
}

// Tests that at() and local_time() agree for every quarter hour of a year's clock-change days.
TEST(TimeZoneTest, AtRoundTripsOutsideTheGap) {
  const TimeZone london = TimeZone::london();
  const date::local_days spring_forward = day(2026, 3, 29);
  const date::local_days fall_back = day(2026, 10, 25);
  for (const date::local_days clock_change : {spring_forward, fall_back}) {
    for (std::chrono::minutes time{0}; time < std::chrono::hours{24};
         time += std::chrono::minutes{15}) {
      const bool in_gap = clock_change == spring_forward && time >= std::chrono::hours{1} &&
                          time < std::chrono::hours{2};
      if (in_gap) {
        continue;
      }
      EXPECT_EQ(london.local_time(london.at(clock_change, time)), clock_change + time)
          << date::format("%F ", clock_change) << time.count() << " min";
    }
  }
}

// Tests that another zone's gap is handled the same way: 02:30 on 8 March 2026 in New York is
// 03:30 EDT.
TEST(TimeZoneTest, OtherZonesAreDstSafeToo) {
  const TimeZone new_york = zone("America/New_York");
  EXPECT_EQ(new_york.at(day(2026, 3, 8), 2h + 30min), utc(2026, 3, 8, 7h + 30min));
  EXPECT_EQ(new_york.at(day(2026, 11, 1), 1h + 30min), utc(2026, 11, 1, 5h + 30min));
}

// Tests that a time zone that was never looked up says so rather than crashing.
TEST(TimeZoneTest, UnsetZoneIsAProgrammingError) {
  const TimeZone unset;
  EXPECT_EQ(unset.name(), "");
  EXPECT_THROW(unset.at(day(2026, 1, 1), 9h), std::logic_error);
  EXPECT_THROW(unset.day_of(utc(2026, 1, 1, 9h)), std::logic_error);
}

}  // namespace
}  // namespace plan_reminder::calendar
