// The target-date language of SPEC §3.1, read by a hand-written tokenizer and a small
// recursive-descent reader: a national corpus means ~100,000 wordings per load, and std::regex
// is far too slow for that. Every reader either recognises its form, says why the wording cannot
// be that form (the reason ends up in the error), or leaves the wording to the next reader.
#include "plan/target_date.h"

#include "base/ascii.h"
#include "base/month_names.h"
#include "base/utf8.h"
#include "plan/diagnostics.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <utility>
#include <vector>

namespace plan_reminder::plan {
namespace {

// One line per accepted form; error messages join them into a sentence.
constexpr std::string_view kAcceptedForms =
    "a day (31 March 2020, 31/03/2020, 2020-03-31)\n"
    "a month (March 2020, Sept 2019, 2020-03)\n"
    "a year (2021)\n"
    "a quarter (Q3 2021, Q3 2021/22)\n"
    "a financial year (2021/22)\n"
    "a period after publication (within one month of publication)\n"
    "TBC\n"
    "Ongoing\n";

// Years outside this range are typing mistakes, not plans.
constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2199;

// Sunday first, as date::weekday::c_encoding() counts.
constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

struct NamedNumber {
  std::string_view name;
  int value;
};

constexpr std::array<NamedNumber, 24> kMonthWords = {
    {{"january", 1},   {"jan", 1},   {"february", 2},  {"feb", 2},      {"march", 3},
     {"mar", 3},       {"april", 4}, {"apr", 4},       {"may", 5},      {"june", 6},
     {"jun", 6},       {"july", 7},  {"jul", 7},       {"august", 8},   {"aug", 8},
     {"september", 9}, {"sept", 9},  {"sep", 9},       {"october", 10}, {"oct", 10},
     {"november", 11}, {"nov", 11},  {"december", 12}, {"dec", 12}}};

// clang-format off
constexpr std::array<NamedNumber, 17> kWeekdayWords = {{
    {"sunday", 0}, {"sun", 0}, {"monday", 1}, {"mon", 1}, {"tuesday", 2}, {"tue", 2},
    {"tues", 2}, {"wednesday", 3}, {"wed", 3}, {"thursday", 4}, {"thu", 4}, {"thur", 4},
    {"thurs", 4}, {"friday", 5}, {"fri", 5}, {"saturday", 6}, {"sat", 6}}};

constexpr std::array<NamedNumber, 14> kCountWords = {{
    {"a", 1}, {"an", 1}, {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5},
    {"six", 6}, {"seven", 7}, {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11},
    {"twelve", 12}}};
// clang-format on

// ---------------------------------------------------------------------------------------------
// Tokens

struct Token {
  enum class Kind { word, number, punct, foreign };
  Kind kind = Kind::punct;
  std::string_view text;  // as written; words are compared case-insensitively
  char punct = '\0';      // punct: the ASCII character it stands for (– counts as -)
  int value = 0;          // number: its value, capped so that long digit runs cannot overflow
  bool spaced = true;     // whitespace, or the start of the wording, comes before it
};

using Tokens = std::span<const Token>;

using base::is_ascii_alpha;
using base::is_ascii_digit;
using base::is_ascii_space;
// Word processors and PDFs put non-breaking spaces, dashes and curly apostrophes into table
// cells; they mean the same as their ASCII counterparts. `stands_for` is ' ' for a space.
struct Lookalike {
  std::size_t length = 0;
  char stands_for = '\0';
};

Lookalike lookalike_at(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  if (s.size() >= 2 && byte(0) == 0xC2 && byte(1) == 0xA0) {
    return {2, ' '};
  }
  if (s.size() < 3) {
    return {};
  }
  if (byte(0) == 0xE2 && byte(1) == 0x80) {
    const unsigned char c = byte(2);
    if (c == 0x89 || c == 0x8B || c == 0xAF) {  // thin, zero-width, narrow no-break space
      return {3, ' '};
    }
    if (c >= 0x90 && c <= 0x94) {  // hyphens, figure dash, en and em dash
      return {3, '-'};
    }
    if (c == 0x98 || c == 0x99) {  // curly apostrophes
      return {3, '\''};
    }
  }
  if (byte(0) == 0xE2 && byte(1) == 0x88 && byte(2) == 0x92) {  // minus sign
    return {3, '-'};
  }
  if (byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {  // byte-order mark
    return {3, ' '};
  }
  return {};
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(12);
  bool spaced = true;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    Token token;
    token.spaced = spaced;
    std::size_t end = i + 1;
    if (is_ascii_space(c)) {
      spaced = true;
      ++i;
      continue;
    }
    if (is_ascii_alpha(c)) {
      while (end < text.size() && is_ascii_alpha(text[end])) {
        ++end;
      }
      token.kind = Token::Kind::word;
    } else if (is_ascii_digit(c)) {
      int value = c - '0';
      while (end < text.size() && is_ascii_digit(text[end])) {
        value = value < 1'000'000 ? value * 10 + (text[end] - '0') : value;
        ++end;
      }
      token.kind = Token::Kind::number;
      token.value = value;
    } else if (static_cast<unsigned char>(c) < 0x80) {
      token.kind = Token::Kind::punct;
      token.punct = c;
    } else if (const Lookalike alike = lookalike_at(text.substr(i)); alike.length > 0) {
      end = i + alike.length;
      if (alike.stands_for == ' ') {
        spaced = true;
        i = end;
        continue;
      }
      token.kind = Token::Kind::punct;
      token.punct = alike.stands_for;
    } else {
      // A byte that is not UTF-8 stands alone (plan text is checked to be UTF-8 before this).
      end = i + std::max<std::size_t>(1, base::decode_utf8(text, i).length);
      token.kind = Token::Kind::foreign;
    }
    token.text = text.substr(i, end - i);
    tokens.push_back(token);
    spaced = false;
    i = end;
  }
  return tokens;
}

const Token* token_at(Tokens s, std::size_t i) {
  return i < s.size() ? &s[i] : nullptr;
}

bool word_at(Tokens s, std::size_t i, std::string_view lower_word) {
  return i < s.size() && s[i].kind == Token::Kind::word &&
         base::equals_ignoring_ascii_case(s[i].text, lower_word);
}

bool punct_at(Tokens s, std::size_t i, char c) {
  return i < s.size() && s[i].kind == Token::Kind::punct && s[i].punct == c;
}

const Token* number_at(Tokens s, std::size_t i) {
  return i < s.size() && s[i].kind == Token::Kind::number ? &s[i] : nullptr;
}

std::size_t digits(const Token& number) {
  return number.text.size();
}

std::optional<int> named(std::span<const NamedNumber> table, const Token* token) {
  if (token == nullptr || token->kind != Token::Kind::word) {
    return std::nullopt;
  }
  const auto entry = std::find_if(table.begin(), table.end(), [&](const NamedNumber& candidate) {
    return base::equals_ignoring_ascii_case(token->text, candidate.name);
  });
  if (entry == table.end()) {
    return std::nullopt;
  }
  const NamedNumber& match = *entry;
  return match.value;
}

bool word_in(const Token* token, std::initializer_list<std::string_view> words) {
  return token != nullptr && token->kind == Token::Kind::word &&
         std::any_of(words.begin(), words.end(), [&](std::string_view word) {
           return base::equals_ignoring_ascii_case(token->text, word);
         });
}

// A character the language has no use for, such as a Cyrillic letter; nullptr when none.
const Token* first_foreign(Tokens s) {
  const auto foreign = std::find_if(
      s.begin(), s.end(), [](const Token& token) { return token.kind == Token::Kind::foreign; });
  return foreign == s.end() ? nullptr : &*foreign;
}

// "st" in "31st": a suffix written straight after the number.
bool ordinal_at(Tokens s, std::size_t i) {
  return i < s.size() && !s[i].spaced && word_in(&s[i], {"st", "nd", "rd", "th"});
}

// The whole wording is exactly these parts: words (any case) and single punctuation marks.
bool spells(Tokens s, std::initializer_list<std::string_view> parts) {
  if (s.size() != parts.size()) {
    return false;
  }
  std::size_t i = 0;
  for (std::string_view part : parts) {
    const bool matches = (part.size() == 1 && !is_ascii_alpha(part[0])) ? punct_at(s, i, part[0])
                                                                        : word_at(s, i, part);
    if (!matches) {
      return false;
    }
    ++i;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Periods: every absolute wording names a stretch of days, from a day to a financial year.

struct Period {
  date::year_month_day first;
  date::year_month_day last;
  bool exact_day = false;
};

// A reader's verdict: a period; or a reason why the wording is wrong; or neither, when the
// wording is simply not the form that reader knows.
struct Outcome {
  std::optional<Period> period;
  std::string reason;
};

Outcome not_this_form() {
  return {};
}
Outcome fail(std::string reason) {
  return {std::nullopt, std::move(reason)};
}
Outcome found(date::year_month_day first, date::year_month_day last, bool exact_day = false) {
  return {Period{first, last, exact_day}, {}};
}

std::string month_name(int month) {
  return std::string(base::month_name(static_cast<unsigned>(month)));
}

std::string format_day(date::year_month_day day) {
  return std::to_string(static_cast<unsigned>(day.day())) + " " +
         month_name(static_cast<int>(static_cast<unsigned>(day.month()))) + " " +
         std::to_string(static_cast<int>(day.year()));
}

bool plausible_year(int year) {
  return year >= kFirstYear && year <= kLastYear;
}

std::string implausible_year(int year) {
  return std::to_string(year) + " is not a plausible year";
}

constexpr std::string_view kTwoDigitYear =
    "two-digit years are ambiguous; write the year in full, as in 31/03/2020";

Outcome day_period(int year, int month, int day, bool numeric) {
  if (month < 1 || month > 12) {
    std::string reason = "there is no month " + std::to_string(month);
    if (numeric) {
      reason += "; dates are day/month/year";
    }
    return fail(std::move(reason));
  }
  if (!plausible_year(year)) {
    return fail(implausible_year(year));
  }
  if (day < 1) {
    return fail("there is no day 0");
  }
  // Callers pass at most two digits, so the day fits date::day's unsigned char.
  const date::year_month ym{date::year{year}, date::month{static_cast<unsigned>(month)}};
  const date::year_month_day ymd{ym / date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) {
    const unsigned days_in_month =
        static_cast<unsigned>(date::year_month_day_last{ym / date::last}.day());
    return fail(month_name(month) + " " + std::to_string(year) + " has only " +
                std::to_string(days_in_month) + " days");
  }
  return found(ymd, ymd, true);
}

Outcome months_period(int year, int first_month, int month_count) {
  const date::year_month first = date::year{year} / date::month{static_cast<unsigned>(first_month)};
  const date::year_month last = first + date::months{month_count - 1};
  return found(first / date::day{1}, date::year_month_day{last / date::last});
}

Outcome month_period(int year, int month) {
  if (month < 1 || month > 12) {
    return fail("there is no month " + std::to_string(month));
  }
  if (!plausible_year(year)) {
    return fail(implausible_year(year));
  }
  return months_period(year, month, 1);
}

Outcome year_period(int year) {
  if (!plausible_year(year)) {
    return fail(implausible_year(year));
  }
  return months_period(year, 1, 12);
}

// The UK financial year `start_year`/`start_year + 1` runs from April to March.
Outcome financial_year_period(int start_year) {
  if (!plausible_year(start_year)) {
    return fail(implausible_year(start_year));
  }
  return months_period(start_year, 4, 12);
}

Outcome quarter_period(int quarter, int year, bool financial) {
  if (!plausible_year(year)) {
    return fail(implausible_year(year));
  }
  if (financial) {
    const date::year_month first = date::year{year} / date::April + date::months{3 * (quarter - 1)};
    return months_period(static_cast<int>(first.year()),
                         static_cast<int>(static_cast<unsigned>(first.month())), 3);
  }
  return months_period(year, 3 * quarter - 2, 3);
}

// "2021/22", "2021-22", "2021/2022": the second year follows the first.
bool consecutive_years(int first_year, const Token& second) {
  return (digits(second) == 2 && second.value == (first_year + 1) % 100) ||
         (digits(second) == 4 && second.value == first_year + 1);
}

constexpr std::string_view kNotConsecutive =
    "the years of a financial year must be consecutive, as in 2021/22";

// The rest of `s` after a financial year's first year at `i` must be "/22", "-22" or "/2022"
// of the next year, and nothing more: nullopt when it is, otherwise what to return (another
// form, or years that are not consecutive).
std::optional<Outcome> second_year_problem(Tokens s, std::size_t i, int first_year) {
  const Token* second = number_at(s, i + 2);
  if (!(punct_at(s, i + 1, '/') || punct_at(s, i + 1, '-')) || second == nullptr ||
      i + 3 != s.size()) {
    return not_this_form();
  }
  if (!consecutive_years(first_year, *second)) {
    return fail(std::string(kNotConsecutive));
  }
  return std::nullopt;
}

// "fy", "financial year": an optional marker before a financial year.
bool skip_financial_marker(Tokens s, std::size_t& i) {
  if (word_at(s, i, "fy")) {
    ++i;
    return true;
  }
  if (word_at(s, i, "financial") && word_at(s, i + 1, "year")) {
    i += 2;
    return true;
  }
  return false;
}

Outcome read_period(Tokens s, QuarterStyle quarters);

// "2020", "2020-03-31", "2020-03", "2021/22", "2021-22", "2021/2022".
Outcome read_year_first(Tokens s) {
  const int year = s[0].value;
  if (s.size() == 1) {
    return year_period(year);
  }
  const Token* second = number_at(s, 2);
  if (!(punct_at(s, 1, '-') || punct_at(s, 1, '/')) || second == nullptr) {
    return not_this_form();
  }
  const char separator = s[1].punct;
  if (s.size() == 5 && punct_at(s, 3, separator) && digits(*second) <= 2 &&
      number_at(s, 4) != nullptr && digits(s[4]) <= 2) {
    return day_period(year, second->value, s[4].value, false);
  }
  if (s.size() != 3) {
    return not_this_form();
  }
  const bool financial = consecutive_years(year, *second);
  if (separator == '-' && digits(*second) <= 2) {
    const bool month = second->value >= 1 && second->value <= 12;
    // 2011-12 reads as December 2011 and as the financial year 2011/12 alike.
    if (month && financial) {
      return fail("it could be " + month_name(second->value) + " " + std::to_string(year) +
                  " or the financial year " + std::string(s[0].text) + "/" +
                  std::string(second->text) + "; write the month by name, or use a slash");
    }
    if (month) {
      return month_period(year, second->value);
    }
    if (financial) {
      return financial_year_period(year);
    }
    if (digits(*second) == 2) {
      return fail("there is no month " + std::to_string(second->value) + ", and " +
                  std::string(kNotConsecutive));
    }
    return not_this_form();
  }
  if (financial) {
    return financial_year_period(year);
  }
  if (digits(*second) == 2 || digits(*second) == 4) {
    return fail(std::string(kNotConsecutive));
  }
  return not_this_form();
}

// "31/03/2020", "31/3/2020", "31-03-2020", "31.03.2020", "03/2020".
Outcome read_numeric_day_first(Tokens s) {
  const Token& first = s[0];
  const char separator = s[1].punct;
  const Token& second = s[2];
  if (digits(second) > 2) {
    if (s.size() == 3 && digits(second) == 4) {
      return month_period(second.value, first.value);
    }
    return not_this_form();
  }
  if (s.size() == 3) {
    return fail("the year is missing or has two digits; write it in full, as in 31/03/2020");
  }
  const Token* year = number_at(s, 4);
  if (s.size() != 5 || !punct_at(s, 3, separator) || year == nullptr) {
    return not_this_form();
  }
  if (digits(*year) == 4) {
    return day_period(year->value, second.value, first.value, true);
  }
  if (digits(*year) == 2) {
    return fail(std::string(kTwoDigitYear));
  }
  return not_this_form();
}

// "31 March 2020", "31st March 2020", "31st of March, 2020", "31 Mar. 2020", "31-Mar-2020".
Outcome read_day_month_name(Tokens s) {
  const int day = s[0].value;
  std::size_t i = 1;
  if (ordinal_at(s, i)) {
    ++i;
  }
  const bool dashed = punct_at(s, i, '-');
  if (dashed || word_at(s, i, "of")) {
    ++i;
  }
  const std::optional<int> month = named(kMonthWords, token_at(s, i));
  if (!month) {
    return not_this_form();
  }
  ++i;
  if (punct_at(s, i, '.')) {
    ++i;
  }
  if (dashed ? punct_at(s, i, '-') : punct_at(s, i, ',')) {
    ++i;
  } else if (dashed && i < s.size()) {
    return not_this_form();
  }
  if (i == s.size()) {
    return fail("a day needs a year, as in 31 March 2020");
  }
  const Token* year = number_at(s, i);
  if (year == nullptr || i + 1 != s.size()) {
    return not_this_form();
  }
  if (digits(*year) == 4) {
    return day_period(year->value, *month, day, false);
  }
  if (digits(*year) == 2) {
    return fail(std::string(kTwoDigitYear));
  }
  return not_this_form();
}

// "March 2020", "Sept. 2019", "March-2020", "Apr-21" (a spreadsheet's mmm-yy: April 2021),
// and a day written month first, "March 31, 2020", which a month name keeps unambiguous.
Outcome read_month_first(Tokens s) {
  const int month = *named(kMonthWords, &s[0]);
  std::size_t i = 1;
  if (punct_at(s, i, '.')) {
    ++i;
  }
  if (i == s.size()) {
    return fail("a month needs a year, as in " + month_name(month) + " 2020");
  }
  if (punct_at(s, i, '-')) {
    const Token* year = number_at(s, i + 1);
    if (year == nullptr || i + 2 != s.size()) {
      return not_this_form();
    }
    if (digits(*year) == 4) {
      return month_period(year->value, month);
    }
    if (digits(*year) == 2) {
      return month_period(2000 + year->value, month);
    }
    return not_this_form();
  }
  if (punct_at(s, i, ',')) {
    ++i;
  }
  const Token* number = number_at(s, i);
  if (number == nullptr) {
    return not_this_form();
  }
  if (digits(*number) == 4 && i + 1 == s.size()) {
    return month_period(number->value, month);
  }
  if (digits(*number) > 2) {
    return not_this_form();
  }
  std::size_t j = i + 1;
  const bool ordinal = ordinal_at(s, j);
  if (ordinal) {
    ++j;
  }
  if (punct_at(s, j, ',')) {
    ++j;
  }
  const std::string name = month_name(month);
  const std::string as_written(number->text);
  if (j == s.size()) {
    // "Apr 21" is 21 April to some readers and April 2021 to others.
    if (!ordinal && digits(*number) == 2 && number->value >= 1 && number->value <= 31) {
      return fail("it could be " + std::to_string(number->value) + " " + name + " or " + name +
                  " 20" + as_written + "; write the year in full, as in " +
                  std::to_string(number->value) + " " + name + " 20" + as_written + " or " + name +
                  " 20" + as_written);
    }
    return fail("a day needs a year, as in " + std::to_string(number->value) + " " + name +
                " 2020");
  }
  const Token* year = number_at(s, j);
  if (year == nullptr || j + 1 != s.size()) {
    return not_this_form();
  }
  if (digits(*year) == 4) {
    return day_period(year->value, month, number->value, false);
  }
  if (digits(*year) == 2) {
    return fail(std::string(kTwoDigitYear));
  }
  return not_this_form();
}

// After "Q3", "Quarter 3" or "3rd quarter", at `i`: "2021", "2021/22", "FY 2021-22".
Outcome read_quarter_year(Tokens s, std::size_t i, int quarter, QuarterStyle quarters) {
  if (quarter < 1 || quarter > 4) {
    return fail("there is no quarter " + std::to_string(quarter) + "; quarters are Q1 to Q4");
  }
  if (word_at(s, i, "of") || punct_at(s, i, ',') || punct_at(s, i, '-')) {
    ++i;
  }
  const bool marked_financial = skip_financial_marker(s, i);
  if (i == s.size()) {
    return fail("a quarter needs a year, as in Q" + std::to_string(quarter) + " 2021 or Q" +
                std::to_string(quarter) + " 2021/22");
  }
  const Token* year = number_at(s, i);
  if (year == nullptr) {
    return not_this_form();
  }
  if (digits(*year) != 4) {
    return fail("write the year in full, as in Q" + std::to_string(quarter) + " 2021 or Q" +
                std::to_string(quarter) + " 2021/22");
  }
  if (i + 1 == s.size()) {
    if (marked_financial) {
      return fail("say which financial year, as in Q" + std::to_string(quarter) + " 2021/22");
    }
    return quarter_period(quarter, year->value, quarters == QuarterStyle::financial);
  }
  if (std::optional<Outcome> refused = second_year_problem(s, i, year->value)) {
    return *refused;
  }
  return quarter_period(quarter, year->value, true);
}

// "FY 2021/22", "financial year 2021-22".
Outcome read_financial_year(Tokens s) {
  std::size_t i = 0;
  skip_financial_marker(s, i);
  const Token* year = number_at(s, i);
  if (year == nullptr || digits(*year) != 4) {
    return not_this_form();
  }
  if (i + 1 == s.size()) {
    return fail("say which financial year, as in 2021/22");
  }
  if (std::optional<Outcome> refused = second_year_problem(s, i, year->value)) {
    return *refused;
  }
  return financial_year_period(year->value);
}

// "Tuesday 31 March 2020": the weekday must agree with the day.
Outcome read_weekday_day(Tokens s, int weekday, QuarterStyle quarters) {
  std::size_t i = 1;
  if (punct_at(s, i, '.')) {
    ++i;
  }
  if (punct_at(s, i, ',')) {
    ++i;
  }
  Outcome rest = read_period(s.subspan(i), quarters);
  if (!rest.period) {
    return rest;
  }
  if (!rest.period->exact_day) {
    return fail("a weekday goes only with a day, as in Tuesday 31 March 2020");
  }
  const unsigned actual = date::weekday{date::sys_days{rest.period->first}}.c_encoding();
  if (static_cast<int>(actual) != weekday) {
    return fail(format_day(rest.period->first) + " is a " + std::string(kWeekdayNames.at(actual)) +
                ", not a " + std::string(kWeekdayNames.at(weekday)));
  }
  return rest;
}

// Any absolute wording, with the leading "By", "Before" or "End of" already taken off.
Outcome read_period(Tokens s, QuarterStyle quarters) {
  if (s.empty()) {
    return fail("no date is given");
  }
  const Token& head = s[0];
  if (head.kind == Token::Kind::number) {
    if (digits(head) == 4) {
      return read_year_first(s);
    }
    if (digits(head) > 2) {
      return not_this_form();
    }
    if (ordinal_at(s, 1) && word_at(s, 2, "quarter")) {
      return read_quarter_year(s, 3, head.value, quarters);
    }
    if ((punct_at(s, 1, '/') || punct_at(s, 1, '-') || punct_at(s, 1, '.')) &&
        number_at(s, 2) != nullptr) {
      return read_numeric_day_first(s);
    }
    return read_day_month_name(s);
  }
  if (head.kind != Token::Kind::word) {
    return not_this_form();
  }
  if (named(kMonthWords, &head)) {
    return read_month_first(s);
  }
  if (const std::optional<int> weekday = named(kWeekdayWords, &head)) {
    return read_weekday_day(s, *weekday, quarters);
  }
  if (word_in(&head, {"q", "quarter"})) {
    const Token* quarter = number_at(s, 1);
    if (quarter == nullptr) {
      return not_this_form();
    }
    return read_quarter_year(s, 2, quarter->value, quarters);
  }
  if (word_in(&head, {"fy", "financial"})) {
    return read_financial_year(s);
  }
  if (word_in(&head, {"spring", "summer", "autumn", "fall", "winter"})) {
    return fail("a season is not a date; give a month, as in June 2020");
  }
  return not_this_form();
}

// ---------------------------------------------------------------------------------------------
// Periods after publication: "within one month of the review being published".

bool mentions_publication(Tokens s) {
  return std::any_of(s.begin(), s.end(), [](const Token& token) {
    return word_in(&token, {"publication", "published", "publish", "publishing"});
  });
}

constexpr std::string_view kOffsetForms =
    "a period after publication is written like \"within one month of publication\" or "
    "\"6 months after publication\"";

// A plan's actions are due within years of publication, not centuries: a longer period is a
// typing mistake, and would put a due date beyond the years dates are read in.
constexpr int kLongestOffsetYears = 50;
constexpr std::string_view kLongestOffset =
    "a period after publication can be at most 50 years (600 months, 2,600 weeks or 18,250 "
    "days)";

bool plausible_offset(const PublicationOffset& offset) {
  switch (offset.unit) {
    case PublicationOffset::Unit::days:
      return offset.count <= kLongestOffsetYears * 365;
    case PublicationOffset::Unit::weeks:
      return offset.count <= kLongestOffsetYears * 52;
    case PublicationOffset::Unit::months:
      return offset.count <= kLongestOffsetYears * 12;
    case PublicationOffset::Unit::years:
      return offset.count <= kLongestOffsetYears;
  }
  return false;
}

std::optional<PublicationOffset> read_offset(Tokens s) {
  std::size_t i = 0;
  if (word_in(token_at(s, i), {"within", "in"})) {
    ++i;
  }
  PublicationOffset offset;
  if (const Token* number = number_at(s, i); number != nullptr && digits(*number) <= 4) {
    offset.count = number->value;
  } else if (const std::optional<int> count = named(kCountWords, token_at(s, i))) {
    offset.count = *count;
  } else {
    return std::nullopt;
  }
  ++i;
  if (word_at(s, i, "calendar")) {
    ++i;
  }
  const Token* unit = token_at(s, i);
  if (word_in(unit, {"day", "days"})) {
    offset.unit = PublicationOffset::Unit::days;
  } else if (word_in(unit, {"week", "weeks"})) {
    offset.unit = PublicationOffset::Unit::weeks;
  } else if (word_in(unit, {"month", "months"})) {
    offset.unit = PublicationOffset::Unit::months;
  } else if (word_in(unit, {"year", "years"})) {
    offset.unit = PublicationOffset::Unit::years;
  } else {
    return std::nullopt;
  }
  ++i;
  if (!word_in(token_at(s, i), {"of", "from", "after", "following", "post"})) {
    return std::nullopt;
  }
  ++i;
  // What is published may be named in passing ("of the review's publication"), nothing more.
  bool publication = false;
  for (; i < s.size(); ++i) {
    const Token* token = &s[i];
    if (word_in(token, {"publication", "published", "publishing"})) {
      publication = true;
    } else if (!punct_at(s, i, '\'') &&
               !word_in(token, {"the", "review", "reviews", "s", "being", "is", "its", "report",
                                "overview", "final", "dhr", "darr", "date", "of", "this", "action",
                                "plan"})) {
      return std::nullopt;
    }
  }
  if (!publication || offset.count < 1) {
    return std::nullopt;
  }
  return offset;
}

// ---------------------------------------------------------------------------------------------
// Errors

const std::string& accepted_forms_sentence() {
  static const std::string sentence = [] {
    std::vector<std::string_view> forms;
    std::string_view rest = kAcceptedForms;
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      if (end > 0) {
        forms.push_back(rest.substr(0, end));
      }
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    std::string joined;
    for (std::size_t i = 0; i < forms.size(); ++i) {
      if (i > 0) {
        joined += i + 1 == forms.size() ? ", or " : ", ";
      }
      joined += forms[i];
    }
    return joined;
  }();
  return sentence;
}

base::Error target_error(std::string_view wording, std::string_view reason) {
  std::string message = "unrecognised target date " + quote_value(wording, '"') + ": ";
  if (!reason.empty()) {
    message += reason;
    message += "; ";
  }
  message += "expected ";
  message += accepted_forms_sentence();
  return base::Error{std::move(message)};
}

// The whitespace-separated chunk of `wording` around byte `at`, to point at a stray character.
std::string_view chunk_around(std::string_view wording, std::size_t at) {
  std::size_t begin = at;
  while (begin > 0 && !is_ascii_space(wording[begin - 1])) {
    --begin;
  }
  std::size_t end = at;
  while (end < wording.size() && !is_ascii_space(wording[end])) {
    ++end;
  }
  return wording.substr(begin, end - begin);
}

std::string foreign_reason(std::string_view wording, const Token& foreign) {
  const std::size_t at = static_cast<std::size_t>(foreign.text.data() - wording.data());
  const std::string chunk(chunk_around(wording, at));
  const auto lead = static_cast<unsigned char>(foreign.text[0]);
  // PDF extraction turns "By" into the Cyrillic "Ву", which looks the same on screen.
  if (lead == 0xD0 || lead == 0xD1) {
    return quote_value(chunk, '"') +
           " is typed with Cyrillic letters that look like Latin ones (a copy-and-paste "
           "artefact); type it again";
  }
  return quote_value(chunk, '"') +
         " contains a character that is not a plain letter, digit or punctuation";
}

// The tokens without a closing full stop ("TBC.", "By March 2020.").
Tokens without_full_stop(Tokens s) {
  if (!s.empty() && s.back().kind == Token::Kind::punct && s.back().punct == '.') {
    return s.first(s.size() - 1);
  }
  return s;
}

// The words before the period of a target: "By", "Before", "No later than", "On or before",
// "End of", "Before the end of".
struct Lead {
  std::size_t length = 0;  // tokens
  bool before = false;     // due the day before the period starts
  bool end_of = false;     // "end of" was written
};

Lead read_lead(Tokens s) {
  // "By X" and "End of X" are due on the last day of X. "Before X" is due the day before X
  // starts: "Before 31 March 2020" on 30 March, "Before March 2020" on 29 February, "Before
  // 2021" on 31 December 2020. "Before the end of X" is due on the last day of X.
  std::size_t i = 0;
  bool before = false;
  bool end_of = false;
  if (word_at(s, 0, "by")) {
    i = 1;
  } else if (word_at(s, 0, "before")) {
    before = true;
    i = 1;
  } else if ((word_in(token_at(s, 0), {"not", "no"}) && word_at(s, 1, "later") &&
              word_at(s, 2, "than")) ||
             spells(s.first(std::min<std::size_t>(3, s.size())), {"on", "or", "before"})) {
    i = 3;
  }
  if (word_at(s, i, "the") && word_at(s, i + 1, "end")) {
    ++i;
  }
  if (word_at(s, i, "end")) {
    end_of = true;
    ++i;
    if (punct_at(s, i, '-')) {
      ++i;
    }
    if (word_at(s, i, "of")) {
      ++i;
    }
    if (word_at(s, i, "the")) {
      ++i;
    }
    before = false;
  }
  return {i, before, end_of};
}

}  // namespace

std::string_view accepted_target_forms() {
  return kAcceptedForms;
}

base::Result<TargetMeaning> read_target(std::string_view wording, QuarterStyle quarters) {
  const std::vector<Token> tokens = tokenize(wording);
  if (const Token* foreign = first_foreign(tokens)) {
    return target_error(wording, foreign_reason(wording, *foreign));
  }
  const Tokens s = without_full_stop(tokens);
  if (s.empty() || spells(s, {"tbc"}) || spells(s, {"tba"}) || spells(s, {"tbd"}) ||
      spells(s, {"to", "be", "confirmed"}) || spells(s, {"to", "be", "agreed"}) ||
      spells(s, {"to", "be", "decided"}) || spells(s, {"to", "be", "determined"})) {
    return TargetMeaning{Undated{}};
  }
  if (spells(s, {"ongoing"}) || spells(s, {"on", "-", "going"}) || spells(s, {"on", "going"}) ||
      spells(s, {"n", "/", "a"}) || spells(s, {"not", "applicable"})) {
    return TargetMeaning{Ongoing{}};
  }
  if (spells(s, {"na"})) {
    return target_error(wording,
                        "NA could mean not applicable or not agreed; write N/A for no deadline, "
                        "or TBC for a date still to be set");
  }

  const Lead lead = read_lead(s);
  const Tokens body = s.subspan(lead.length);

  // "Within ..." can only count from publication; anything else there is a mistake to explain.
  if (mentions_publication(body) || word_at(body, 0, "within")) {
    if (lead.before || lead.end_of) {
      return target_error(wording,
                          "write a period after publication on its own, as in "
                          "\"within one month of publication\"");
    }
    if (const std::optional<PublicationOffset> offset = read_offset(body)) {
      if (!plausible_offset(*offset)) {
        return target_error(wording, kLongestOffset);
      }
      return TargetMeaning{*offset};
    }
    return target_error(wording, kOffsetForms);
  }

  const Outcome outcome = read_period(body, quarters);
  if (!outcome.period) {
    return target_error(wording, outcome.reason);
  }
  if (lead.before) {
    return TargetMeaning{
        date::year_month_day{date::sys_days{outcome.period->first} - date::days{1}}};
  }
  return TargetMeaning{outcome.period->last};
}

date::year_month_day apply_offset(date::year_month_day published, const PublicationOffset& offset) {
  // 31 January + 1 month is 31 February, which does not exist: the month's last day stands in.
  auto clamp = [](date::year_month_day day) {
    return day.ok() ? day : date::year_month_day{day.year() / day.month() / date::last};
  };
  switch (offset.unit) {
    case PublicationOffset::Unit::days:
      return date::sys_days{published} + date::days{offset.count};
    case PublicationOffset::Unit::weeks:
      return date::sys_days{published} + date::days{7 * offset.count};
    case PublicationOffset::Unit::months:
      return clamp(published + date::months{offset.count});
    case PublicationOffset::Unit::years:
      return clamp(published + date::years{offset.count});
  }
  return published;
}

std::optional<date::year_month_day> read_day(std::string_view text) {
  const std::vector<Token> tokens = tokenize(text);
  if (first_foreign(tokens) != nullptr) {
    return std::nullopt;
  }
  const Outcome outcome = read_period(without_full_stop(tokens), QuarterStyle::calendar);
  if (!outcome.period || !outcome.period->exact_day) {
    return std::nullopt;
  }
  return outcome.period->first;
}

}  // namespace plan_reminder::plan
