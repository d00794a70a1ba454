// Tests for business days: weekends and bank holidays, and moving a day onto a business day.
#include "calendar/business_calendar.h"

#include <gtest/gtest.h>

#include <string>

namespace plan_reminder::calendar {
namespace {

using namespace date::literals;

date::local_days day(date::year_month_day ymd) {
  return date::local_days{ymd};
}

// Tests that Saturdays and Sundays are never business days and ordinary weekdays are.
TEST(BusinessCalendarTest, WeekendsAreNotBusinessDays) {
  const BusinessCalendar calendar;
  EXPECT_TRUE(calendar.is_business_day(day(2026_y / 3 / 6)));   // Friday
  EXPECT_FALSE(calendar.is_business_day(day(2026_y / 3 / 7)));  // Saturday
  EXPECT_FALSE(calendar.is_business_day(day(2026_y / 3 / 8)));  // Sunday
  EXPECT_TRUE(calendar.is_business_day(day(2026_y / 3 / 9)));   // Monday
}

// Tests that the default calendar is England and Wales: bank holidays are not business days.
TEST(BusinessCalendarTest, DefaultsToEnglandAndWalesBankHolidays) {
  const BusinessCalendar calendar;
  EXPECT_FALSE(calendar.is_business_day(day(2020_y / 4 / 10)));  // Good Friday
  EXPECT_FALSE(calendar.is_business_day(day(2020_y / 5 / 8)));   // VE Day
  EXPECT_TRUE(calendar.is_business_day(day(2020_y / 5 / 4)));    // the usual early May, moved
  EXPECT_FALSE(calendar.is_business_day(day(2022_y / 9 / 19)));  // State Funeral
  EXPECT_TRUE(calendar.holidays().contains(day(2023_y / 5 / 8)));
}

// Tests that a business day is its own nearest business day in both directions.
TEST(BusinessCalendarTest, BusinessDayStaysPut) {
  const BusinessCalendar calendar;
  EXPECT_EQ(calendar.on_or_before(day(2020_y / 12 / 24)), day(2020_y / 12 / 24));
  EXPECT_EQ(calendar.on_or_after(day(2020_y / 12 / 24)), day(2020_y / 12 / 24));
}

// Tests that a reminder due over Easter 2020 moves back to the Thursday before Good Friday, and
// an overdue notice forward to the Tuesday after Easter Monday.
TEST(BusinessCalendarTest, MovesAroundEaster2020) {
  const BusinessCalendar calendar;
  for (const auto ymd : {2020_y / 4 / 10, 2020_y / 4 / 11, 2020_y / 4 / 12, 2020_y / 4 / 13}) {
    SCOPED_TRACE(date::format("%F", day(ymd)));
    EXPECT_EQ(calendar.on_or_before(day(ymd)), day(2020_y / 4 / 9));
    EXPECT_EQ(calendar.on_or_after(day(ymd)), day(2020_y / 4 / 14));
  }
}

// Tests that sends move around Christmas 2020, when Boxing Day (a Saturday) is observed on
// Monday 28th: back to Thursday 24th, forward to Tuesday 29th.
TEST(BusinessCalendarTest, MovesAroundChristmas2020) {
  const BusinessCalendar calendar;
  EXPECT_EQ(calendar.on_or_before(day(2020_y / 12 / 28)), day(2020_y / 12 / 24));
  EXPECT_EQ(calendar.on_or_after(day(2020_y / 12 / 25)), day(2020_y / 12 / 29));
  EXPECT_EQ(calendar.on_or_before(day(2020_y / 12 / 26)), day(2020_y / 12 / 24));
  EXPECT_EQ(calendar.on_or_after(day(2020_y / 12 / 27)), day(2020_y / 12 / 29));
}

// Tests that sends move around Christmas 2021 (a Saturday), observed on Monday 27th and
// Tuesday 28th.
TEST(BusinessCalendarTest, MovesAroundChristmas2021) {
  const BusinessCalendar calendar;
  EXPECT_EQ(calendar.on_or_after(day(2021_y / 12 / 25)), day(2021_y / 12 / 29));
  EXPECT_EQ(calendar.on_or_before(day(2021_y / 12 / 28)), day(2021_y / 12 / 24));
}

// Tests that the four-day Platinum Jubilee weekend of 2022 is skipped as a whole.
TEST(BusinessCalendarTest, MovesAroundThePlatinumJubilee) {
  const BusinessCalendar calendar;
  EXPECT_EQ(calendar.on_or_before(day(2022_y / 6 / 5)), day(2022_y / 6 / 1));
  EXPECT_EQ(calendar.on_or_after(day(2022_y / 6 / 2)), day(2022_y / 6 / 6));
  EXPECT_TRUE(calendar.is_business_day(day(2022_y / 5 / 30)));  // the usual spring holiday
}

// Tests that moves cross a year end: New Year 2022 (a Saturday) is observed on Monday 3rd.
TEST(BusinessCalendarTest, MovesAcrossTheYearEnd) {
  const BusinessCalendar calendar;
  EXPECT_EQ(calendar.on_or_before(day(2022_y / 1 / 3)), day(2021_y / 12 / 31));
  EXPECT_EQ(calendar.on_or_after(day(2021_y / 12 / 25)), day(2021_y / 12 / 29));
  EXPECT_EQ(calendar.on_or_after(day(2022_y / 1 / 1)), day(2022_y / 1 / 4));
}

// Tests that a calendar built from a gov.uk file honours that file's one-off holiday and not the
// built-in list.
TEST(BusinessCalendarTest, UsesTheHolidaysItIsGiven) {
  auto holidays = BankHolidays::from_gov_uk_json(
      R"({"england-and-wales": {"division": "england-and-wales", "events": [
          {"title": "Bank holiday for a made-up occasion", "date": "2031-06-13",
           "notes": "", "bunting": true}]}})",
      "england-and-wales");
  ASSERT_TRUE(holidays) << holidays.error().message;
  const BusinessCalendar calendar(std::move(*holidays));
  // Friday 13 June 2031 is the made-up holiday; the weekend follows.
  EXPECT_EQ(calendar.on_or_before(day(2031_y / 6 / 13)), day(2031_y / 6 / 12));
  EXPECT_EQ(calendar.on_or_after(day(2031_y / 6 / 13)), day(2031_y / 6 / 16));
  // Not in the file, so a business day here even though it is Good Friday in England.
  EXPECT_TRUE(calendar.is_business_day(day(2031_y / 4 / 11)));
}

// Tests that with no holidays only weekends are skipped.
TEST(BusinessCalendarTest, NoHolidaysMeansOnlyWeekends) {
  const BusinessCalendar calendar{BankHolidays{}};
  EXPECT_TRUE(calendar.is_business_day(day(2020_y / 12 / 25)));
  EXPECT_EQ(calendar.on_or_before(day(2020_y / 12 / 27)), day(2020_y / 12 / 25));
  EXPECT_EQ(calendar.on_or_after(day(2020_y / 12 / 26)), day(2020_y / 12 / 28));
}

}  // namespace
}  // namespace plan_reminder::calendar
