// Tests for the built-in England and Wales bank holidays and for gov.uk bank-holidays.json files.
#include "calendar/bank_holidays.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace plan_reminder::calendar {
namespace {

using namespace date::literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The holidays of one calendar year, in date order.
std::vector<date::year_month_day> holidays_in(const BankHolidays& holidays, date::year year) {
  std::vector<date::year_month_day> out;
  for (const auto& [day, title] : holidays.days()) {
    const date::year_month_day ymd{day};
    if (ymd.year() == year) {
      out.push_back(ymd);
    }
  }
  return out;
}

// Tests that the computed list matches, day for day, what gov.uk published for England and Wales
// in every year from 2018 to 2027, one-off moves and extra days included.
TEST(BankHolidaysTest, EnglandAndWalesMatchesPublishedDates2018To2027) {
  const std::map<int, std::vector<date::year_month_day>> published{
      {2018,
       {2018_y / 1 / 1, 2018_y / 3 / 30, 2018_y / 4 / 2, 2018_y / 5 / 7, 2018_y / 5 / 28,
        2018_y / 8 / 27, 2018_y / 12 / 25, 2018_y / 12 / 26}},
      {2019,
       {2019_y / 1 / 1, 2019_y / 4 / 19, 2019_y / 4 / 22, 2019_y / 5 / 6, 2019_y / 5 / 27,
        2019_y / 8 / 26, 2019_y / 12 / 25, 2019_y / 12 / 26}},
      {2020,
       {2020_y / 1 / 1, 2020_y / 4 / 10, 2020_y / 4 / 13, 2020_y / 5 / 8, 2020_y / 5 / 25,
        2020_y / 8 / 31, 2020_y / 12 / 25, 2020_y / 12 / 28}},
      {2021,
       {2021_y / 1 / 1, 2021_y / 4 / 2, 2021_y / 4 / 5, 2021_y / 5 / 3, 2021_y / 5 / 31,
        2021_y / 8 / 30, 2021_y / 12 / 27, 2021_y / 12 / 28}},
      {2022,
       {2022_y / 1 / 3, 2022_y / 4 / 15, 2022_y / 4 / 18, 2022_y / 5 / 2, 2022_y / 6 / 2,
        2022_y / 6 / 3, 2022_y / 8 / 29, 2022_y / 9 / 19, 2022_y / 12 / 26, 2022_y / 12 / 27}},
      {2023,
       {2023_y / 1 / 2, 2023_y / 4 / 7, 2023_y / 4 / 10, 2023_y / 5 / 1, 2023_y / 5 / 8,
        2023_y / 5 / 29, 2023_y / 8 / 28, 2023_y / 12 / 25, 2023_y / 12 / 26}},
      {2024,
       {2024_y / 1 / 1, 2024_y / 3 / 29, 2024_y / 4 / 1, 2024_y / 5 / 6, 2024_y / 5 / 27,
        2024_y / 8 / 26, 2024_y / 12 / 25, 2024_y / 12 / 26}},
      {2025,
       {2025_y / 1 / 1, 2025_y / 4 / 18, 2025_y / 4 / 21, 2025_y / 5 / 5, 2025_y / 5 / 26,
        2025_y / 8 / 25, 2025_y / 12 / 25, 2025_y / 12 / 26}},
      {2026,
       {2026_y / 1 / 1, 2026_y / 4 / 3, 2026_y / 4 / 6, 2026_y / 5 / 4, 2026_y / 5 / 25,
        2026_y / 8 / 31, 2026_y / 12 / 25, 2026_y / 12 / 28}},
      {2027,
       {2027_y / 1 / 1, 2027_y / 3 / 26, 2027_y / 3 / 29, 2027_y / 5 / 3, 2027_y / 5 / 31,
        2027_y / 8 / 30, 2027_y / 12 / 27, 2027_y / 12 / 28}},
  };
  const BankHolidays holidays = BankHolidays::england_and_wales();
  for (const auto& [year, expected] : published) {
    SCOPED_TRACE(year);
    EXPECT_EQ(holidays_in(holidays, date::year{year}), expected);
  }
}

// Tests that Good Friday and Easter Monday follow the Gregorian Easter for 2028 to 2030, beyond
// the years gov.uk has published.
TEST(BankHolidaysTest, EasterHolidaysFollowTheComputus2028To2030) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  // Easter Sunday: 2028-04-16, 2029-04-01, 2030-04-21.
  EXPECT_EQ(holidays.title(date::local_days{2028_y / 4 / 14}), "Good Friday");
  EXPECT_EQ(holidays.title(date::local_days{2028_y / 4 / 17}), "Easter Monday");
  EXPECT_EQ(holidays.title(date::local_days{2029_y / 3 / 30}), "Good Friday");
  EXPECT_EQ(holidays.title(date::local_days{2029_y / 4 / 2}), "Easter Monday");
  EXPECT_EQ(holidays.title(date::local_days{2030_y / 4 / 19}), "Good Friday");
  EXPECT_EQ(holidays.title(date::local_days{2030_y / 4 / 22}), "Easter Monday");
  EXPECT_FALSE(holidays.contains(date::local_days{2028_y / 4 / 16}));
}

// Tests that the whole of 2028 to 2030 follows the rules, substitute days included (Christmas
// 2028 is a Monday, New Year 2028 a Saturday).
TEST(BankHolidaysTest, EnglandAndWalesRulesFor2028To2030) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  EXPECT_THAT(holidays_in(holidays, 2028_y),
              ElementsAre(2028_y / 1 / 3, 2028_y / 4 / 14, 2028_y / 4 / 17, 2028_y / 5 / 1,
                          2028_y / 5 / 29, 2028_y / 8 / 28, 2028_y / 12 / 25, 2028_y / 12 / 26));
  EXPECT_THAT(holidays_in(holidays, 2029_y),
              ElementsAre(2029_y / 1 / 1, 2029_y / 3 / 30, 2029_y / 4 / 2, 2029_y / 5 / 7,
                          2029_y / 5 / 28, 2029_y / 8 / 27, 2029_y / 12 / 25, 2029_y / 12 / 26));
  EXPECT_THAT(holidays_in(holidays, 2030_y),
              ElementsAre(2030_y / 1 / 1, 2030_y / 4 / 19, 2030_y / 4 / 22, 2030_y / 5 / 6,
                          2030_y / 5 / 27, 2030_y / 8 / 26, 2030_y / 12 / 25, 2030_y / 12 / 26));
}

// Tests that holidays carry gov.uk's titles, including the substitute days and the one-offs.
TEST(BankHolidaysTest, TitlesAreGovUkTitles) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  const auto title = [&](date::year_month_day day) {
    return holidays.title(date::local_days{day});
  };
  EXPECT_EQ(title(2022_y / 1 / 3), "New Year’s Day");
  EXPECT_EQ(title(2020_y / 4 / 10), "Good Friday");
  EXPECT_EQ(title(2020_y / 4 / 13), "Easter Monday");
  EXPECT_EQ(title(2021_y / 5 / 3), "Early May bank holiday");
  EXPECT_EQ(title(2020_y / 5 / 8), "Early May bank holiday (VE day)");
  EXPECT_EQ(title(2022_y / 6 / 2), "Spring bank holiday");
  EXPECT_EQ(title(2022_y / 6 / 3), "Platinum Jubilee bank holiday");
  EXPECT_EQ(title(2022_y / 8 / 29), "Summer bank holiday");
  EXPECT_EQ(title(2022_y / 9 / 19), "Bank Holiday for the State Funeral of Queen Elizabeth II");
  EXPECT_EQ(title(2023_y / 5 / 8), "Bank holiday for the coronation of King Charles III");
  // Christmas on a Sunday: Boxing Day keeps Monday 26th, Christmas moves to Tuesday 27th.
  EXPECT_EQ(title(2022_y / 12 / 26), "Boxing Day");
  EXPECT_EQ(title(2022_y / 12 / 27), "Christmas Day");
  // Christmas on a Saturday: Christmas on Monday 27th, Boxing Day on Tuesday 28th.
  EXPECT_EQ(title(2021_y / 12 / 27), "Christmas Day");
  EXPECT_EQ(title(2021_y / 12 / 28), "Boxing Day");
  // Boxing Day on a Saturday: Monday 28th.
  EXPECT_EQ(title(2020_y / 12 / 28), "Boxing Day");
  EXPECT_EQ(title(2020_y / 12 / 29), std::nullopt);
}

// Tests that the usual days replaced by a proclamation are ordinary working days.
TEST(BankHolidaysTest, MovedHolidaysLeaveTheirUsualDay) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  EXPECT_FALSE(holidays.contains(date::local_days{2020_y / 5 / 4}));
  EXPECT_FALSE(holidays.contains(date::local_days{2022_y / 5 / 30}));
  EXPECT_FALSE(holidays.contains(date::local_days{2012_y / 5 / 28}));
  EXPECT_FALSE(holidays.contains(date::local_days{2002_y / 5 / 27}));
}

// Tests that the earlier jubilees and the 2011 royal wedding are in the list too.
TEST(BankHolidaysTest, EarlierOneOffsAreApplied) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  EXPECT_THAT(
      holidays_in(holidays, 2002_y),
      ElementsAre(2002_y / 1 / 1, 2002_y / 3 / 29, 2002_y / 4 / 1, 2002_y / 5 / 6, 2002_y / 6 / 3,
                  2002_y / 6 / 4, 2002_y / 8 / 26, 2002_y / 12 / 25, 2002_y / 12 / 26));
  EXPECT_TRUE(holidays.contains(date::local_days{2011_y / 4 / 29}));
  EXPECT_THAT(
      holidays_in(holidays, 2012_y),
      ElementsAre(2012_y / 1 / 2, 2012_y / 4 / 6, 2012_y / 4 / 9, 2012_y / 5 / 7, 2012_y / 6 / 4,
                  2012_y / 6 / 5, 2012_y / 8 / 27, 2012_y / 12 / 25, 2012_y / 12 / 26));
  EXPECT_EQ(holidays.title(date::local_days{2012_y / 6 / 5}), "Queen’s Diamond Jubilee");
}

// Tests that every year from 2000 to 2100 has its eight holidays, all on weekdays, and that the
// years outside that span have none.
TEST(BankHolidaysTest, CoversEveryYearFrom2000To2100OnWeekdays) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  const std::map<int, std::size_t> one_off_counts{
      {2002, 9}, {2011, 9}, {2012, 9}, {2022, 10}, {2023, 9}};
  for (int year = 2000; year <= 2100; ++year) {
    SCOPED_TRACE(year);
    const auto special = one_off_counts.find(year);
    const std::size_t expected = special == one_off_counts.end() ? 8 : special->second;
    EXPECT_EQ(holidays_in(holidays, date::year{year}).size(), expected);
  }
  for (const auto& [day, title] : holidays.days()) {
    const date::weekday weekday{day};
    EXPECT_TRUE(weekday != date::Saturday && weekday != date::Sunday)
        << date::year_month_day{day} << " " << title;
  }
  EXPECT_TRUE(holidays_in(holidays, 1999_y).empty());
  EXPECT_TRUE(holidays_in(holidays, 2101_y).empty());
}

// Tests that Easter is right in the computus's awkward years (earliest and latest possible).
TEST(BankHolidaysTest, EasterAtItsExtremes) {
  const BankHolidays holidays = BankHolidays::england_and_wales();
  // Easter Sunday 2008-03-23, 2011-04-24, 2038-04-25, 2049-04-18, 2076-04-19.
  EXPECT_EQ(holidays.title(date::local_days{2008_y / 3 / 21}), "Good Friday");
  EXPECT_EQ(holidays.title(date::local_days{2011_y / 4 / 25}), "Easter Monday");
  EXPECT_EQ(holidays.title(date::local_days{2038_y / 4 / 26}), "Easter Monday");
  EXPECT_EQ(holidays.title(date::local_days{2049_y / 4 / 16}), "Good Friday");
  EXPECT_EQ(holidays.title(date::local_days{2076_y / 4 / 17}), "Good Friday");
}

// ---- gov.uk bank-holidays.json ----

// A cut-down gov.uk file with a made-up one-off holiday in 2031.
constexpr std::string_view kGovUkJson = R"({
  "england-and-wales": {
    "division": "england-and-wales",
    "events": [
      {"title": "New Year’s Day", "date": "2031-01-01", "notes": "", "bunting": true},
      {"title": "Good Friday", "date": "2031-04-11", "notes": "", "bunting": false},
      {"title": "Bank holiday for the test of the reminder service", "date": "2031-06-13",
       "notes": "Extra bank holiday", "bunting": true},
      {"title": "Christmas Day", "date": "2031-12-25", "notes": "", "bunting": true}
    ]
  },
  "scotland": {
    "division": "scotland",
    "events": [
      {"title": "New Year’s Day", "date": "2031-01-01", "notes": "", "bunting": true},
      {"title": "2nd January", "date": "2031-01-02", "notes": "", "bunting": true},
      {"title": "St Andrew’s Day", "date": "2031-12-01", "notes": "Substitute day", "bunting": true}
    ]
  }
})";

// Why loading `json_text` failed, or "" when it loaded.
std::string error_of(std::string_view json_text, std::string_view division) {
  const auto holidays = BankHolidays::from_gov_uk_json(json_text, division);
  return holidays ? std::string() : holidays.error().message;
}

// Tests that a gov.uk file loads the chosen division's days, one-off holidays included.
TEST(GovUkJsonTest, LoadsEnglandAndWales) {
  const auto holidays = BankHolidays::from_gov_uk_json(kGovUkJson, "england-and-wales");
  ASSERT_TRUE(holidays) << holidays.error().message;
  EXPECT_EQ(holidays->days().size(), 4u);
  EXPECT_EQ(holidays->title(date::local_days{2031_y / 6 / 13}),
            "Bank holiday for the test of the reminder service");
  EXPECT_TRUE(holidays->contains(date::local_days{2031_y / 4 / 11}));
  EXPECT_FALSE(holidays->contains(date::local_days{2031_y / 1 / 2}));
}

// Tests that another division in the same file gives that division's days only.
TEST(GovUkJsonTest, LoadsScotland) {
  const auto holidays = BankHolidays::from_gov_uk_json(kGovUkJson, "scotland");
  ASSERT_TRUE(holidays) << holidays.error().message;
  EXPECT_EQ(holidays->days().size(), 3u);
  EXPECT_EQ(holidays->title(date::local_days{2031_y / 1 / 2}), "2nd January");
  EXPECT_EQ(holidays->title(date::local_days{2031_y / 12 / 1}), "St Andrew’s Day");
  EXPECT_FALSE(holidays->contains(date::local_days{2031_y / 6 / 13}));
}

// Tests that a division name gov.uk does not use is refused before the file is read.
TEST(GovUkJsonTest, UnknownDivisionIsAnError) {
  std::string error = error_of(kGovUkJson, "wales");
  EXPECT_EQ(error,
            "unknown division \"wales\"; expected \"england-and-wales\", \"scotland\" or "
            "\"northern-ireland\"");
}

// Tests that a real division missing from the file is named, with those the file does have.
TEST(GovUkJsonTest, DivisionMissingFromTheFileIsAnError) {
  std::string error = error_of(kGovUkJson, "northern-ireland");
  EXPECT_EQ(error,
            "no \"northern-ireland\" division in the file (it has \"england-and-wales\", "
            "\"scotland\")");
}

// Tests that a syntax error is reported with its line and column.
TEST(GovUkJsonTest, MalformedJsonReportsLineAndColumn) {
  std::string error;
  const std::string_view text =
      "{\n"
      "  \"scotland\": {\n"
      "    \"events\": [ {\"title\": \"Good Friday\" \"date\": \"2031-04-11\"} ]\n"
      "  }\n"
      "}\n";
  error = error_of(text, "scotland");
  // The position is the last character of the offending token: the closing quote of "date".
  EXPECT_THAT(error, HasSubstr("invalid JSON at line 3, column 46: "));
  EXPECT_THAT(error, HasSubstr("syntax error while parsing object"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("json.exception")));
}

// Tests that the column counts characters, so that a curly apostrophe counts as one.
TEST(GovUkJsonTest, ColumnCountsCharactersNotBytes) {
  std::string error = error_of(
      "{\"scotland\": {\"events\": [\n  {\"title\": \"St Andrew’s Day\", \"date\": 2031-12-01}]}}",
      "scotland");
  // The date unquoted reads as 2031 then a stray -12 ending in the 46th character (48th byte).
  EXPECT_THAT(error, HasSubstr("invalid JSON at line 2, column 46: "));
}

// Tests that a file cut short reports where it ended, and that an empty file is an error.
TEST(GovUkJsonTest, TruncatedOrEmptyJsonIsAnError) {
  std::string error = error_of("{\"scotland\": {\n  \"events\": [", "scotland");
  EXPECT_THAT(error, HasSubstr("invalid JSON at line 2, column 14: "));
  EXPECT_THAT(error, HasSubstr("unexpected end of input"));

  error = error_of("", "scotland");
  EXPECT_THAT(error, HasSubstr("invalid JSON at line 1, column 1: "));
}

// Tests that a month that does not exist is reported with the event's path and the bad value.
TEST(GovUkJsonTest, BadDateNamesTheEvent) {
  std::string error;
  const std::string_view text = R"({"england-and-wales": {"division": "england-and-wales",
    "events": [{"title": "New Year’s Day", "date": "2020-01-01"},
               {"title": "Good Friday", "date": "2020-04-10"},
               {"title": "Easter Monday", "date": "2020-04-13"},
               {"title": "Nonsense", "date": "2020-13-01"}]}})";
  error = error_of(text, "england-and-wales");
  EXPECT_EQ(error, "england-and-wales.events[3].date: expected YYYY-MM-DD, got \"2020-13-01\"");
}

// Tests that dates must be real days written exactly as YYYY-MM-DD.
TEST(GovUkJsonTest, DatesMustBeRealDaysInIsoForm) {
  for (const std::string_view bad : {"2021-02-29", "2020-04-31", "10/04/2020", "2020-4-10",
                                     "2020-04-10T00:00:00", " 2020-04-10", "", "2020-04-1a"}) {
    SCOPED_TRACE(bad);
    const std::string text = R"({"scotland": {"events": [{"title": "Good Friday", "date": ")" +
                             std::string(bad) + "\"}]}}";
    std::string error = error_of(text, "scotland");
    EXPECT_EQ(error,
              "scotland.events[0].date: expected YYYY-MM-DD, got \"" + std::string(bad) + "\"");
  }
  EXPECT_EQ(error_of(R"({"scotland": {"events": [{"title": "Leap day", "date": "2024-02-29"}]}})",
                     "scotland"),
            "");
}

// Tests that a division without events, or with events that are not a list, is refused.
TEST(GovUkJsonTest, MissingOrEmptyEventsIsAnError) {
  std::string error = error_of(R"({"scotland": {"division": "scotland"}})", "scotland");
  EXPECT_EQ(error, "scotland: missing key \"events\"");

  error = error_of(R"({"scotland": {"events": {}}})", "scotland");
  EXPECT_EQ(error, "scotland.events: expected a list of events, got object {}");

  error = error_of(R"({"scotland": {"events": []}})", "scotland");
  EXPECT_EQ(error, "scotland.events: the list is empty; expected the division's bank holidays");
}

// Tests that the wrong shape at the top level or for a division is named.
TEST(GovUkJsonTest, WrongShapesAreErrors) {
  std::string error = error_of("[1, 2]", "scotland");
  EXPECT_THAT(error, HasSubstr("expected an object keyed by division"));
  EXPECT_THAT(error, HasSubstr("got array [1,2]"));

  error = error_of(R"({"scotland": "none"})", "scotland");
  EXPECT_EQ(error,
            "scotland: expected an object with \"division\" and \"events\", got string \"none\"");

  error = error_of(
      R"({"scotland": {"division": "england-and-wales", "events": [{"title": "X", "date": "2031-01-01"}]}})",
      "scotland");
  EXPECT_EQ(error, "scotland.division: expected \"scotland\", got string \"england-and-wales\"");
}

// Tests that unknown keys, wrong types and missing fields are all reported, one per line.
TEST(GovUkJsonTest, EveryProblemIsReportedOnItsOwnLine) {
  std::string error;
  const std::string_view text = R"({"scotland": {"events": [
      {"title": "Good Friday", "date": "2031-04-11", "colour": "red"},
      {"date": "2031-05-05"},
      {"title": "Spring bank holiday", "date": 20310526},
      {"title": "", "date": "2031-08-04", "bunting": "yes", "notes": null},
      "2031-12-25"
    ], "region": "north"}})";
  error = error_of(text, "scotland");
  EXPECT_EQ(error,
            "scotland: unknown key \"region\"; expected \"division\" or \"events\"\n"
            "scotland.events[0]: unknown key \"colour\"; expected \"title\", \"date\", \"notes\" "
            "or \"bunting\"\n"
            "scotland.events[1]: missing key \"title\"\n"
            "scotland.events[2].date: expected YYYY-MM-DD, got number 20310526\n"
            "scotland.events[3].bunting: expected true or false, got string \"yes\"\n"
            "scotland.events[3].notes: expected a string, got null\n"
            "scotland.events[3].title: expected the holiday's name, got string \"\"\n"
            "scotland.events[4]: expected an object with \"title\" and \"date\", got string "
            "\"2031-12-25\"");
}

// Tests that a long bad value is shortened in the message without splitting a character.
TEST(GovUkJsonTest, LongValuesAreShortenedOnACharacterBoundary) {
  // The value is shown with its opening quote, so its 40-byte cut falls inside the 3-byte
  // apostrophe that follows 37 letters, and backs off to before it.
  const std::string letters(37, 'A');
  const std::string text =
      R"({"scotland": {"events": [{"title": "X", "date": ")" + letters + R"(’s Day"}]}})";
  std::string error = error_of(text, "scotland");
  EXPECT_EQ(error, "scotland.events[0].date: expected YYYY-MM-DD, got \"" + letters + "...");
}

// Tests that the same day listed twice in a division is refused, naming both entries.
TEST(GovUkJsonTest, DuplicateDayIsAnError) {
  std::string error;
  const std::string_view text = R"({"scotland": {"events": [
      {"title": "Good Friday", "date": "2031-04-11"},
      {"title": "Also Good Friday", "date": "2031-04-11"}]}})";
  error = error_of(text, "scotland");
  EXPECT_EQ(error, "scotland.events[1].date: 2031-04-11 is listed twice (also at events[0])");
}

}  // namespace
}  // namespace plan_reminder::calendar
