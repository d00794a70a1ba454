// Tests for the target-date language of SPEC §3.1: every wording in the SPEC table and in the
// 'David' action plan, the errors a coordinator sees for anything else, and the arithmetic of
// targets relative to publication.
#include "plan/target_date.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {
namespace {

date::year_month_day Day(int year, unsigned month, unsigned day) {
  return date::year{year} / date::month{month} / date::day{day};
}

struct Expected {
  std::string_view wording;
  date::year_month_day due;
};

using Reading = base::Result<TargetMeaning>;

// The reading's error message, or "" when the wording was understood.
std::string ErrorOf(const Reading& reading) {
  return reading.ok() ? std::string() : reading.error().message;
}

void ExpectDue(const std::vector<Expected>& cases, QuarterStyle quarters = QuarterStyle::calendar) {
  for (const Expected& expected : cases) {
    SCOPED_TRACE(std::string("wording: \"") + std::string(expected.wording) + "\"");
    const Reading reading = read_target(expected.wording, quarters);
    EXPECT_EQ(ErrorOf(reading), "");
    ASSERT_TRUE(reading.ok());
    ASSERT_TRUE(std::holds_alternative<date::year_month_day>(*reading));
    EXPECT_EQ(std::get<date::year_month_day>(*reading), expected.due);
  }
}

// Checks the message quotes the wording exactly, gives `reason`, and lists the accepted forms.
void ExpectError(std::string_view wording, std::string_view reason = {},
                 QuarterStyle quarters = QuarterStyle::calendar) {
  SCOPED_TRACE(std::string("wording: \"") + std::string(wording) + "\"");
  const Reading reading = read_target(wording, quarters);
  EXPECT_FALSE(reading.ok());
  const std::string error = ErrorOf(reading);
  EXPECT_NE(error.find("\"" + std::string(wording) + "\""), std::string::npos) << error;
  EXPECT_NE(error.find(reason), std::string::npos) << error;
  EXPECT_NE(error.find("a day (31 March 2020, 31/03/2020, 2020-03-31)"), std::string::npos)
      << error;
  EXPECT_NE(error.find("TBC, or Ongoing"), std::string::npos) << error;
}

PublicationOffset Offset(int count, PublicationOffset::Unit unit) {
  return {count, unit};
}

void ExpectOffset(std::string_view wording, PublicationOffset expected) {
  SCOPED_TRACE(std::string("wording: \"") + std::string(wording) + "\"");
  const Reading reading = read_target(wording, QuarterStyle::calendar);
  EXPECT_EQ(ErrorOf(reading), "");
  ASSERT_TRUE(reading.ok());
  ASSERT_TRUE(std::holds_alternative<PublicationOffset>(*reading));
  const auto& offset = std::get<PublicationOffset>(*reading);
  EXPECT_EQ(offset.count, expected.count);
  EXPECT_EQ(offset.unit, expected.unit);
}

bool IsUndated(std::string_view wording) {
  const Reading reading = read_target(wording, QuarterStyle::calendar);
  return reading.ok() && std::holds_alternative<Undated>(*reading);
}

bool IsOngoing(std::string_view wording) {
  const Reading reading = read_target(wording, QuarterStyle::calendar);
  return reading.ok() && std::holds_alternative<Ongoing>(*reading);
}

// Tests that every exact-day wording of the SPEC table is due on that day.
TEST(TargetDate, ExactDaysFromTheSpecAreDueThatDay) {
  ExpectDue({
      {"2020-03-31", Day(2020, 3, 31)},
      {"31/03/2020", Day(2020, 3, 31)},
      {"31/3/2020", Day(2020, 3, 31)},
      {"31 March 2020", Day(2020, 3, 31)},
      {"31st March 2020", Day(2020, 3, 31)},
  });
}

// Tests that the other ways people write a day are read day first, as in the UK.
TEST(TargetDate, OtherDayWordingsAreReadDayFirst) {
  ExpectDue({
      {"31 Mar 2020", Day(2020, 3, 31)},
      {"31 Mar. 2020", Day(2020, 3, 31)},
      {"31-03-2020", Day(2020, 3, 31)},
      {"31.03.2020", Day(2020, 3, 31)},
      {"01/02/2020", Day(2020, 2, 1)},
      {"1/2/2020", Day(2020, 2, 1)},
      {"2nd February 2020", Day(2020, 2, 2)},
      {"3rd of March, 2020", Day(2020, 3, 3)},
      {"22nd Feb 2020", Day(2020, 2, 22)},
      {"31-Mar-2020", Day(2020, 3, 31)},
      {"March 31, 2020", Day(2020, 3, 31)},
      {"March 31st 2020", Day(2020, 3, 31)},
      {"Tuesday 31 March 2020", Day(2020, 3, 31)},
      {"Tue, 31/03/2020", Day(2020, 3, 31)},
      {"2020/03/31", Day(2020, 3, 31)},
  });
}

// Tests that the 29th of February is a day in leap years only.
TEST(TargetDate, LeapDayIsADayInLeapYearsOnly) {
  ExpectDue({
      {"29/02/2020", Day(2020, 2, 29)},
      {"29 February 2024", Day(2024, 2, 29)},
      {"29/02/2000", Day(2000, 2, 29)},
      {"February 2020", Day(2020, 2, 29)},
      {"Feb 2021", Day(2021, 2, 28)},
      {"2024-02", Day(2024, 2, 29)},
  });
  ExpectError("29/02/2021", "February 2021 has only 28 days");
  ExpectError("29 February 2100", "February 2100 has only 28 days");
}

// Tests that every month wording of the SPEC table is due on the month's last day.
TEST(TargetDate, MonthsFromTheSpecAreDueOnTheirLastDay) {
  ExpectDue({
      {"March 2020", Day(2020, 3, 31)},
      {"Mar 2020", Day(2020, 3, 31)},
      {"Sept 2019", Day(2019, 9, 30)},
      {"Sept. 2019", Day(2019, 9, 30)},
      {"Oct. 2020", Day(2020, 10, 31)},
      {"2020-03", Day(2020, 3, 31)},
      {"Apr-21", Day(2021, 4, 30)},
  });
}

// Tests that the other month wordings are due on the month's last day.
TEST(TargetDate, OtherMonthWordingsAreDueOnTheirLastDay) {
  ExpectDue({
      {"Sep 2019", Day(2019, 9, 30)},
      {"September 2019", Day(2019, 9, 30)},
      {"March-2020", Day(2020, 3, 31)},
      {"Mar-2020", Day(2020, 3, 31)},
      {"03/2020", Day(2020, 3, 31)},
      {"3/2020", Day(2020, 3, 31)},
      {"June, 2020", Day(2020, 6, 30)},
      {"Dec 2019", Day(2019, 12, 31)},
      {"Nov-19", Day(2019, 11, 30)},
      {"2020-3", Day(2020, 3, 31)},
      {"april 2020", Day(2020, 4, 30)},
      {"APRIL 2020", Day(2020, 4, 30)},
  });
}

// Tests that a year alone is due on its 31 December.
TEST(TargetDate, YearIsDueOnItsLastDay) {
  ExpectDue({
      {"2021", Day(2021, 12, 31)},
      {"By 2021", Day(2021, 12, 31)},
      {"End of 2021", Day(2021, 12, 31)},
  });
}

// Tests that "Q3 2021" is a calendar quarter by default.
TEST(TargetDate, QuartersAreCalendarQuartersByDefault) {
  ExpectDue({
      {"Q1 2021", Day(2021, 3, 31)},
      {"Q2 2021", Day(2021, 6, 30)},
      {"Q3 2021", Day(2021, 9, 30)},
      {"Q4 2021", Day(2021, 12, 31)},
      {"q3 2021", Day(2021, 9, 30)},
      {"Quarter 3 2021", Day(2021, 9, 30)},
      {"3rd quarter 2021", Day(2021, 9, 30)},
      {"End Q3 2021", Day(2021, 9, 30)},
      {"By end of Q2 2021", Day(2021, 6, 30)},
  });
}

// Tests that with `calendar.quarters: financial`, "Q3 2021" is a quarter of the financial year
// that starts in April 2021.
TEST(TargetDate, QuartersAreFinancialWhenTheConfigSaysSo) {
  ExpectDue(
      {
          {"Q1 2021", Day(2021, 6, 30)},
          {"Q2 2021", Day(2021, 9, 30)},
          {"Q3 2021", Day(2021, 12, 31)},
          {"Q4 2021", Day(2022, 3, 31)},
          {"Quarter 4 2023", Day(2024, 3, 31)},
      },
      QuarterStyle::financial);
}

// Tests that a quarter of a named financial year is financial whatever the config says.
TEST(TargetDate, QuartersOfAFinancialYearAreAlwaysFinancial) {
  for (const QuarterStyle style : {QuarterStyle::calendar, QuarterStyle::financial}) {
    ExpectDue(
        {
            {"Q1 2021/22", Day(2021, 6, 30)},
            {"Q2 2021/22", Day(2021, 9, 30)},
            {"Q3 2021/22", Day(2021, 12, 31)},
            {"Q4 2021/22", Day(2022, 3, 31)},
            {"Q3 2021-22", Day(2021, 12, 31)},
            {"Q3 2021/2022", Day(2021, 12, 31)},
            {"Q4 FY 2023/24", Day(2024, 3, 31)},
            {"Q3 2099/00", Day(2099, 12, 31)},
        },
        style);
  }
}

// Tests that a financial year alone is due at the end of March.
TEST(TargetDate, FinancialYearIsDueOn31March) {
  ExpectDue({
      {"2021/22", Day(2022, 3, 31)},
      {"2021-22", Day(2022, 3, 31)},
      {"2021/2022", Day(2022, 3, 31)},
      {"FY 2021/22", Day(2022, 3, 31)},
      {"End of financial year 2020-21", Day(2021, 3, 31)},
      {"By end of the financial year 2020/21", Day(2021, 3, 31)},
  });
}

// Tests that "By", "End of", "Not later than" and the like keep the due date of what follows.
TEST(TargetDate, ByAndEndOfKeepTheLastDay) {
  ExpectDue({
      {"By 31 March 2020", Day(2020, 3, 31)},
      {"By March 2020", Day(2020, 3, 31)},
      {"by march 2020", Day(2020, 3, 31)},
      {"BY MARCH 2020", Day(2020, 3, 31)},
      {"By end of March 2020", Day(2020, 3, 31)},
      {"By the end of March 2020", Day(2020, 3, 31)},
      {"End of March 2020", Day(2020, 3, 31)},
      {"End March 2020", Day(2020, 3, 31)},
      {"end-March 2020", Day(2020, 3, 31)},
      {"The end of March 2020", Day(2020, 3, 31)},
      {"Not later than 31/03/2020", Day(2020, 3, 31)},
      {"No later than March 2020", Day(2020, 3, 31)},
      {"On or before 31 March 2020", Day(2020, 3, 31)},
      {"By Q3 2021", Day(2021, 9, 30)},
  });
}

// Tests that "Before X" is due the day before X starts, and "Before the end of X" on its last
// day: "before 31 March" means by 30 March.
TEST(TargetDate, BeforeIsDueTheDayBeforeThePeriodStarts) {
  ExpectDue({
      {"Before 31 March 2020", Day(2020, 3, 30)},
      {"Before 1 March 2020", Day(2020, 2, 29)},
      {"Before 01/01/2021", Day(2020, 12, 31)},
      {"Before March 2020", Day(2020, 2, 29)},
      {"Before January 2021", Day(2020, 12, 31)},
      {"Before 2021", Day(2020, 12, 31)},
      {"Before Q3 2021", Day(2021, 6, 30)},
      {"Before Q1 2021/22", Day(2021, 3, 31)},
      {"Before 2021/22", Day(2021, 3, 31)},
      {"Before the end of March 2020", Day(2020, 3, 31)},
      {"Before end of 2021", Day(2021, 12, 31)},
  });
}

// Tests that case, surrounding whitespace, a closing full stop, non-breaking spaces and dashes
// from word processors make no difference.
TEST(TargetDate, LayoutAndTypographyMakeNoDifference) {
  ExpectDue({
      {"  March 2020  ", Day(2020, 3, 31)},
      {"\tBy\nMarch   2020\r\n", Day(2020, 3, 31)},
      {"By March 2020.", Day(2020, 3, 31)},
      {"By\u00a0March\u00a02020", Day(2020, 3, 31)},
      {"Q3 2021\u201322", Day(2021, 12, 31)},
      {"31\u201303\u20132020", Day(2020, 3, 31)},
  });
  EXPECT_TRUE(IsUndated("TBC."));
}

// Tests that every target date written in the 'David' action plan is read as its authors meant.
TEST(TargetDate, EveryTargetInTheDavidPlanIsRead) {
  ExpectDue({
      {"March 2020", Day(2020, 3, 31)},
      {"By March 2020", Day(2020, 3, 31)},
      {"March 2019", Day(2019, 3, 31)},
      {"By Dec 2019", Day(2019, 12, 31)},
      {"By Oct. 2020", Day(2020, 10, 31)},
      {"By Sept 2019", Day(2019, 9, 30)},
      {"By Sept. 2020", Day(2020, 9, 30)},
      {"By July 2019", Day(2019, 7, 31)},
      {"By Aug 2019", Day(2019, 8, 31)},
      {"By Oct 2019", Day(2019, 10, 31)},
      {"By Nov 2019", Day(2019, 11, 30)},
  });
  EXPECT_TRUE(IsUndated("TBC"));
  ExpectOffset("Within one month of the review being published",
               Offset(1, PublicationOffset::Unit::months));
}

// Tests that the seed's "Ву March 2020", whose "Ву" is Cyrillic from PDF extraction, is an
// error that says so rather than a silent miss.
TEST(TargetDate, CyrillicLookalikeLettersAreAClearError) {
  ExpectError("\u0412\u0443 March 2020", "\"\u0412\u0443\" is typed with Cyrillic letters");
  ExpectError("31 M\u00e4rz 2020", "\"M\u00e4rz\" contains a character");
}

// Tests that cells holding several targets, as PDF extraction leaves them, are not guessed at.
TEST(TargetDate, SeveralTargetsInOneCellAreAnError) {
  ExpectError("March 2019 By Dec 2019 By March 2020 TBC");
  ExpectError("By July 2019 By July 2019");
  ExpectError("By Dec] 2019");
}

// Tests that every publication-relative wording of the SPEC table, and its variants, is a
// period after publication.
TEST(TargetDate, PeriodsAfterPublicationAreRead) {
  using Unit = PublicationOffset::Unit;
  ExpectOffset("Within one month of the review being published", Offset(1, Unit::months));
  ExpectOffset("within six months of publication", Offset(6, Unit::months));
  ExpectOffset("6 months from publication", Offset(6, Unit::months));
  ExpectOffset("2 weeks after publication", Offset(2, Unit::weeks));
  ExpectOffset("within 28 days of publication", Offset(28, Unit::days));
  ExpectOffset("one year after publication", Offset(1, Unit::years));
  ExpectOffset("within 3 months of the review's publication", Offset(3, Unit::months));
  ExpectOffset("within 3 months of the review\u2019s publication", Offset(3, Unit::months));
  ExpectOffset("within a month of publication", Offset(1, Unit::months));
  ExpectOffset("WITHIN TWELVE MONTHS OF PUBLICATION", Offset(12, Unit::months));
  ExpectOffset("Within one calendar month of the publication date", Offset(1, Unit::months));
  ExpectOffset("By 2 weeks following publication of the review", Offset(2, Unit::weeks));
  ExpectOffset("1 day after the report is published", Offset(1, Unit::days));
}

// Tests that a period after publication longer than 50 years is refused, quoting the wording,
// and that 50 years and its equivalents are still read.
TEST(TargetDate, PeriodsAfterPublicationOver50YearsAreErrors) {
  using Unit = PublicationOffset::Unit;
  ExpectError("within 9999 years of publication", "can be at most 50 years");
  ExpectError("within 51 years of publication", "can be at most 50 years");
  ExpectError("601 months after publication", "can be at most 50 years");
  ExpectError("2601 weeks after publication", "can be at most 50 years");
  ExpectOffset("within 50 years of publication", Offset(50, Unit::years));
  ExpectOffset("600 months after publication", Offset(600, Unit::months));
  ExpectOffset("within 9999 days of publication", Offset(9999, Unit::days));
  ExpectOffset("2600 weeks after publication", Offset(2600, Unit::weeks));
}

// Tests that wordings about publication that do not give a period are errors.
TEST(TargetDate, MalformedPeriodsAfterPublicationAreErrors) {
  ExpectError("On publication", "is written like");
  ExpectError("Within one month of the review", "is written like");
  ExpectError("Within 0 days of publication", "is written like");
  ExpectError("Within two working days of publication", "is written like");
  ExpectError("within thirteen months of publication", "is written like");
  ExpectError("Within one month of publication, then yearly", "is written like");
  ExpectError("Before one month after publication", "on its own");
}

// Tests that a relative target is due that period after publication, clamped to the end of a
// shorter month.
TEST(TargetDate, ApplyOffsetAddsThePeriodAndClampsToTheMonthEnd) {
  using Unit = PublicationOffset::Unit;
  EXPECT_EQ(apply_offset(Day(2020, 1, 20), Offset(1, Unit::months)), Day(2020, 2, 20));
  EXPECT_EQ(apply_offset(Day(2020, 1, 31), Offset(1, Unit::months)), Day(2020, 2, 29));
  EXPECT_EQ(apply_offset(Day(2021, 1, 31), Offset(1, Unit::months)), Day(2021, 2, 28));
  EXPECT_EQ(apply_offset(Day(2020, 8, 31), Offset(6, Unit::months)), Day(2021, 2, 28));
  EXPECT_EQ(apply_offset(Day(2020, 10, 31), Offset(3, Unit::months)), Day(2021, 1, 31));
  EXPECT_EQ(apply_offset(Day(2020, 2, 29), Offset(1, Unit::years)), Day(2021, 2, 28));
  EXPECT_EQ(apply_offset(Day(2020, 2, 29), Offset(4, Unit::years)), Day(2024, 2, 29));
  EXPECT_EQ(apply_offset(Day(2020, 1, 20), Offset(2, Unit::weeks)), Day(2020, 2, 3));
  EXPECT_EQ(apply_offset(Day(2020, 2, 20), Offset(28, Unit::days)), Day(2020, 3, 19));
  EXPECT_EQ(apply_offset(Day(2019, 12, 20), Offset(12, Unit::days)), Day(2020, 1, 1));
}

// Tests that TBC and its synonyms, and an empty target, mean the milestone needs a date.
TEST(TargetDate, TbcAndEmptyAreUndated) {
  for (std::string_view wording : {"TBC", "tbc", "TBA", "TBD", "To be confirmed", "to be agreed",
                                   "To be decided", "", "   ", "\t\n"}) {
    EXPECT_TRUE(IsUndated(wording)) << '"' << wording << '"';
  }
}

// Tests that Ongoing and N/A mean there is no deadline.
TEST(TargetDate, OngoingAndNotApplicableHaveNoDeadline) {
  for (std::string_view wording :
       {"Ongoing", "ongoing", "On-going", "On going", "N/A", "n/a", "Not applicable"}) {
    EXPECT_TRUE(IsOngoing(wording)) << '"' << wording << '"';
  }
  ExpectError("NA", "write N/A for no deadline");
}

// Tests that the SPEC's ambiguous examples are errors that quote the wording.
TEST(TargetDate, AmbiguousWordingsFromTheSpecAreErrors) {
  ExpectError("End Q3", "a quarter needs a year");
  ExpectError("02/13/2020", "there is no month 13; dates are day/month/year");
}

// Tests that the error for an unknown wording quotes it and lists exactly the accepted forms.
TEST(TargetDate, ErrorQuotesTheWordingAndListsTheAcceptedForms) {
  const Reading reading = read_target("Soon", QuarterStyle::calendar);
  EXPECT_EQ(ErrorOf(reading),
            "unrecognised target date \"Soon\": expected a day (31 March 2020, 31/03/2020, "
            "2020-03-31), a month (March 2020, Sept 2019, 2020-03), a year (2021), a quarter "
            "(Q3 2021, Q3 2021/22), a financial year (2021/22), a period after publication "
            "(within one month of publication), TBC, or Ongoing");
}

// Tests that the accepted forms are listed one per line, for `--help`.
TEST(TargetDate, AcceptedFormsAreOnePerLine) {
  const std::string_view forms = accepted_target_forms();
  EXPECT_EQ(forms.substr(0, forms.find('\n')), "a day (31 March 2020, 31/03/2020, 2020-03-31)");
  EXPECT_NE(forms.find("\nTBC\nOngoing\n"), std::string_view::npos);
}

// Tests that a wording with a reason keeps the wording exactly as written, spaces included.
TEST(TargetDate, ErrorQuotesTheWordingExactlyAsWritten) {
  const std::string error = ErrorOf(read_target("  end q3 ", QuarterStyle::calendar));
  EXPECT_EQ(error.rfind("unrecognised target date \"  end q3 \": a quarter needs a year", 0), 0u)
      << error;
}

// Tests that impossible days and months are errors naming what is wrong.
TEST(TargetDate, ImpossibleDaysAndMonthsAreErrors) {
  ExpectError("31/02/2020", "February 2020 has only 29 days");
  ExpectError("31 April 2020", "April 2020 has only 30 days");
  ExpectError("2020-02-30", "February 2020 has only 29 days");
  ExpectError("00/03/2020", "there is no day 0");
  ExpectError("31/00/2020", "there is no month 0");
  ExpectError("2020-13", "there is no month 13");
  ExpectError("13/2020", "there is no month 13");
  ExpectError("Q5 2021", "there is no quarter 5");
  ExpectError("Q0 2021", "there is no quarter 0");
  ExpectError("Friday 31 March 2020", "31 March 2020 is a Tuesday, not a Friday");
  ExpectError("Tuesday March 2020", "a weekday goes only with a day");
  ExpectError("31 March 1066", "1066 is not a plausible year");
}

// Tests that two-digit years are rejected except in the SPEC's "Apr-21" form.
TEST(TargetDate, TwoDigitYearsAreErrors) {
  ExpectError("31/03/20", "two-digit years are ambiguous");
  ExpectError("31-03-20", "two-digit years are ambiguous");
  ExpectError("31 March 20", "two-digit years are ambiguous");
  ExpectError("31-Mar-20", "two-digit years are ambiguous");
  ExpectError("03/21", "write it in full");
  ExpectError("Q3 21", "write the year in full");
}

// Tests that "Apr 21" is an error because it may be 21 April or April 2021.
TEST(TargetDate, MonthAndTwoDigitNumberIsAmbiguous) {
  ExpectError("Apr 21", "it could be 21 April or April 2021");
  ExpectError("April 21st", "a day needs a year");
}

// Tests that wordings missing a year, or naming vague periods, are errors with a reason.
TEST(TargetDate, WordingsWithoutAYearAreErrors) {
  ExpectError("March", "a month needs a year");
  ExpectError("By Sept.", "a month needs a year");
  ExpectError("31 March", "a day needs a year");
  ExpectError("End Q3", "a quarter needs a year");
  ExpectError("Quarter 2", "a quarter needs a year");
  ExpectError("Spring 2020", "a season is not a date");
  ExpectError("By", "no date is given");
  ExpectError("FY 2021", "say which financial year");
  ExpectError("Q3 FY2021", "say which financial year");
}

// Tests that financial years must name consecutive years, and that 2011-12 is not guessed.
TEST(TargetDate, FinancialYearsMustBeConsecutive) {
  ExpectError("2021/23", "must be consecutive");
  ExpectError("Q3 2021/23", "must be consecutive");
  ExpectError("2021-23", "there is no month 23");
  ExpectError("2021/2023", "must be consecutive");
  ExpectError("2011-12", "December 2011 or the financial year 2011/12");
}

// Tests that other wordings a coordinator might try are errors, never guesses.
TEST(TargetDate, OtherWordingsAreErrors) {
  for (std::string_view wording :
       {"Soon", "ASAP", "Mid March 2020", "Early 2020", "Late 2020", "March or April 2020",
        "March 2020 - April 2020", "Oct 2019 – March 2020", "2020 2021", "31/03/2020/1", "20201",
        "31 March 2020 at 5pm", "By TBC", "Monthly", "-", "?"}) {
    ExpectError(wording);
  }
}

// Tests that `published:` and `done:` accept exact days only.
TEST(ReadDay, AcceptsExactDaysOnly) {
  EXPECT_EQ(read_day("2020-03-20"), Day(2020, 3, 20));
  EXPECT_EQ(read_day("20/03/2020"), Day(2020, 3, 20));
  EXPECT_EQ(read_day("20/3/2020"), Day(2020, 3, 20));
  EXPECT_EQ(read_day("20 March 2020"), Day(2020, 3, 20));
  EXPECT_EQ(read_day("20th March 2020"), Day(2020, 3, 20));
  EXPECT_EQ(read_day(" 29/02/2020 "), Day(2020, 2, 29));
  EXPECT_EQ(read_day("March 2020"), std::nullopt);
  EXPECT_EQ(read_day("2020"), std::nullopt);
  EXPECT_EQ(read_day("Q1 2020"), std::nullopt);
  EXPECT_EQ(read_day("By 20 March 2020"), std::nullopt);
  EXPECT_EQ(read_day("TBC"), std::nullopt);
  EXPECT_EQ(read_day(""), std::nullopt);
  EXPECT_EQ(read_day("29/02/2021"), std::nullopt);
  EXPECT_EQ(read_day("03/20/2020"), std::nullopt);
  EXPECT_EQ(read_day("20/03/20"), std::nullopt);
  EXPECT_EQ(read_day("within one month of publication"), std::nullopt);
}

}  // namespace
}  // namespace plan_reminder::plan
