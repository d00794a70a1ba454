// England and Wales bank holidays from the statutory rules (Banking and Financial Dealings Act
// 1971 and the proclamations made under it), and holiday lists read from gov.uk's
// bank-holidays.json.
#include "calendar/bank_holidays.h"

#include "base/ascii.h"
#include "base/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <vector>

namespace plan_reminder::calendar {
namespace {

using date::local_days;

// Gregorian Easter Sunday: the anonymous (Meeus/Jones/Butcher) computus.
local_days easter_sunday(date::year year) {
  const int y = static_cast<int>(year);
  const int a = y % 19;
  const int b = y / 100;
  const int c = y % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return local_days{year / date::month{static_cast<unsigned>(month)} /
                    date::day{static_cast<unsigned>(day)}};
}

// A weekend day's substitute is the following Monday.
local_days monday_if_weekend(local_days day) {
  const date::weekday weekday{day};
  if (weekday == date::Saturday) {
    return day + date::days{2};
  }
  if (weekday == date::Sunday) {
    return day + date::days{1};
  }
  return day;
}

void add_statutory_year(date::year year, std::map<local_days, std::string>& days) {
  using date::August;
  using date::December;
  using date::January;
  using date::last;
  using date::May;
  using date::Monday;

  days.emplace(monday_if_weekend(local_days{year / January / 1}), "New Year’s Day");

  const local_days easter = easter_sunday(year);
  days.emplace(easter - date::days{2}, "Good Friday");
  days.emplace(easter + date::days{1}, "Easter Monday");

  days.emplace(local_days{year / May / Monday[1]}, "Early May bank holiday");
  days.emplace(local_days{year / May / Monday[last]}, "Spring bank holiday");
  days.emplace(local_days{year / August / Monday[last]}, "Summer bank holiday");

  // Christmas and Boxing Day each get a weekday: when one falls on a weekend its substitute is
  // the first weekday not already taken, so a Sunday Christmas keeps Boxing Day on Monday 26th
  // and moves to Tuesday 27th.
  const local_days christmas{year / December / 25};
  const date::weekday christmas_weekday{christmas};
  if (christmas_weekday == date::Saturday) {
    days.emplace(christmas + date::days{2}, "Christmas Day");
    days.emplace(christmas + date::days{3}, "Boxing Day");
  } else if (christmas_weekday == date::Sunday) {
    days.emplace(christmas + date::days{1}, "Boxing Day");
    days.emplace(christmas + date::days{2}, "Christmas Day");
  } else if (christmas_weekday == date::Friday) {
    days.emplace(christmas, "Christmas Day");
    days.emplace(christmas + date::days{3}, "Boxing Day");
  } else {
    days.emplace(christmas, "Christmas Day");
    days.emplace(christmas + date::days{1}, "Boxing Day");
  }
}

// A usual bank holiday moved to another day by royal proclamation.
struct MovedHoliday {
  date::year_month_day usual;
  date::year_month_day moved_to;
  std::string_view title;
};

// An extra bank holiday granted by royal proclamation.
struct ExtraHoliday {
  date::year_month_day day;
  std::string_view title;
};

using date::April;
using date::June;
using date::May;
using date::September;

constexpr std::array kMovedHolidays{
    MovedHoliday{date::year{2002} / May / 27, date::year{2002} / June / 4, "Spring bank holiday"},
    MovedHoliday{date::year{2012} / May / 28, date::year{2012} / June / 4, "Spring bank holiday"},
    MovedHoliday{date::year{2020} / May / 4, date::year{2020} / May / 8,
                 "Early May bank holiday (VE day)"},
    MovedHoliday{date::year{2022} / May / 30, date::year{2022} / June / 2, "Spring bank holiday"},
};

constexpr std::array kExtraHolidays{
    ExtraHoliday{date::year{2002} / June / 3, "Golden Jubilee bank holiday"},
    ExtraHoliday{date::year{2011} / April / 29, "Royal wedding bank holiday"},
    ExtraHoliday{date::year{2012} / June / 5, "Queen’s Diamond Jubilee"},
    ExtraHoliday{date::year{2022} / June / 3, "Platinum Jubilee bank holiday"},
    ExtraHoliday{date::year{2022} / September / 19,
                 "Bank Holiday for the State Funeral of Queen Elizabeth II"},
    ExtraHoliday{date::year{2023} / May / 8, "Bank holiday for the coronation of King Charles III"},
};

std::map<local_days, std::string> compute_england_and_wales() {
  std::map<local_days, std::string> days;
  for (date::year year = BankHolidays::kFirstComputedYear; year <= BankHolidays::kLastComputedYear;
       ++year) {
    add_statutory_year(year, days);
  }
  for (const MovedHoliday& moved : kMovedHolidays) {
    days.erase(local_days{moved.usual});
    days.emplace(local_days{moved.moved_to}, moved.title);
  }
  for (const ExtraHoliday& extra : kExtraHolidays) {
    days.emplace(local_days{extra.day}, extra.title);
  }
  return days;
}

// ---- gov.uk bank-holidays.json ----

constexpr std::array<std::string_view, 3> kGovUkDivisions{"england-and-wales", "scotland",
                                                          "northern-ireland"};

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// A JSON value as it appears in the file, shortened so that an error stays one readable line.
std::string shown(const nlohmann::json& value) {
  constexpr std::size_t kMaxShown = 40;
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxShown) {
    // Cut on a character boundary, never inside a UTF-8 sequence.
    text.resize(base::character_boundary_before(text, kMaxShown));
    text += "...";
  }
  return text;
}

std::string got(const nlohmann::json& value) {
  if (value.is_null()) {
    return "got null";
  }
  return "got " + std::string(value.type_name()) + " " + shown(value);
}

// nlohmann reports the byte offset of the last character read; users think in lines and
// columns, and an editor counts a column in characters, not UTF-8 bytes.
std::string describe_parse_error(std::string_view text, const nlohmann::json::parse_error& e) {
  const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
  const std::string_view before = text.substr(0, end);
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t line =
      1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::string_view line_before =
      last_newline == std::string_view::npos ? before : before.substr(last_newline + 1);
  const std::size_t column = 1 + base::count_characters(line_before);

  // Keep nlohmann's reason, without its "[json.exception...] parse error at ...: " prefix.
  std::string reason = e.what();
  const std::size_t prefix = reason.find("parse error");
  if (prefix != std::string::npos) {
    const std::size_t colon = reason.find(": ", prefix);
    if (colon != std::string::npos) {
      reason.erase(0, colon + 2);
    }
  }
  return "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
         ": " + reason;
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), base::is_ascii_digit);
}

// Only called on a run of digits, so from_chars cannot fail.
unsigned to_number(std::string_view digits) {
  unsigned value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

// Exactly YYYY-MM-DD naming a real day.
std::optional<local_days> parse_iso_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
      !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2))) {
    return std::nullopt;
  }
  const date::year_month_day day{date::year{static_cast<int>(to_number(text.substr(0, 4)))},
                                 date::month{to_number(text.substr(5, 2))},
                                 date::day{to_number(text.substr(8, 2))}};
  if (!day.ok()) {
    return std::nullopt;
  }
  return local_days{day};
}

struct Event {
  local_days day;
  std::string title;
};

// One entry of a division's "events" list, found at key path `at`; nullopt after appending one
// line per problem to `problems`.
std::optional<Event> read_event(const nlohmann::json& event, const std::string& at,
                                std::vector<std::string>& problems) {
  if (!event.is_object()) {
    problems.push_back(at + ": expected an object with \"title\" and \"date\", " + got(event));
    return std::nullopt;
  }
  const std::size_t problems_before = problems.size();
  for (const auto& [key, value] : event.items()) {
    if (key == "notes" && !value.is_string()) {
      problems.push_back(at + ".notes: expected a string, " + got(value));
    } else if (key == "bunting" && !value.is_boolean()) {
      problems.push_back(at + ".bunting: expected true or false, " + got(value));
    } else if (key != "title" && key != "date" && key != "notes" && key != "bunting") {
      problems.push_back(at + ": unknown key " + in_quotes(key) +
                         "; expected \"title\", \"date\", \"notes\" or \"bunting\"");
    }
  }

  Event out;
  const auto title = event.find("title");
  if (title == event.end()) {
    problems.push_back(at + ": missing key \"title\"");
  } else if (!title->is_string() || title->get_ref<const std::string&>().empty()) {
    problems.push_back(at + ".title: expected the holiday's name, " + got(*title));
  } else {
    out.title = title->get<std::string>();
  }

  const auto day = event.find("date");
  if (day == event.end()) {
    problems.push_back(at + ": missing key \"date\"");
  } else if (!day->is_string()) {
    problems.push_back(at + ".date: expected YYYY-MM-DD, " + got(*day));
  } else if (const auto parsed = parse_iso_day(day->get_ref<const std::string&>())) {
    out.day = *parsed;
  } else {
    problems.push_back(at + ".date: expected YYYY-MM-DD, got " + shown(*day));
  }

  if (problems.size() != problems_before) {
    return std::nullopt;
  }
  return out;
}

// A division's "events" list into `holidays`, appending one line per problem to `problems`.
void read_events(const nlohmann::json& events, const std::string& path, BankHolidays& holidays,
                 std::vector<std::string>& problems) {
  if (!events.is_array()) {
    problems.push_back(path + ": expected a list of events, " + got(events));
    return;
  }
  if (events.empty()) {
    problems.push_back(path + ": the list is empty; expected the division's bank holidays");
    return;
  }
  std::map<local_days, std::size_t> first_index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    std::optional<Event> event = read_event(events[i], at, problems);
    if (!event) {
      continue;
    }
    const auto [earlier, inserted] = first_index.emplace(event->day, i);
    if (!inserted) {
      problems.push_back(at + ".date: " + date::format("%F", event->day) +
                         " is listed twice (also at events[" + std::to_string(earlier->second) +
                         "])");
      continue;
    }
    holidays.add(event->day, std::move(event->title));
  }
}

// One division's object into `holidays`, appending one line per problem to `problems`.
void read_division(const nlohmann::json& node, std::string_view division, BankHolidays& holidays,
                   std::vector<std::string>& problems) {
  const std::string path{division};
  if (!node.is_object()) {
    problems.push_back(path + ": expected an object with \"division\" and \"events\", " +
                       got(node));
    return;
  }
  for (const auto& [key, value] : node.items()) {
    if (key != "division" && key != "events") {
      problems.push_back(path + ": unknown key " + in_quotes(key) +
                         "; expected \"division\" or \"events\"");
    }
  }
  if (const auto named = node.find("division"); named != node.end()) {
    if (!named->is_string() || named->get_ref<const std::string&>() != division) {
      problems.push_back(path + ".division: expected " + in_quotes(division) + ", " + got(*named));
    }
  }
  const auto events = node.find("events");
  if (events == node.end()) {
    problems.push_back(path + ": missing key \"events\"");
    return;
  }
  read_events(*events, path + ".events", holidays, problems);
}

}  // namespace

BankHolidays BankHolidays::england_and_wales() {
  static const BankHolidays computed = [] {
    BankHolidays holidays;
    holidays.days_ = compute_england_and_wales();
    return holidays;
  }();
  return computed;
}

std::optional<std::string> BankHolidays::title(date::local_days day) const {
  const auto found = days_.find(day);
  if (found == days_.end()) {
    return std::nullopt;
  }
  return found->second;
}

base::Result<BankHolidays> BankHolidays::from_gov_uk_json(std::string_view json_text,
                                                          std::string_view division) {
  if (std::find(kGovUkDivisions.begin(), kGovUkDivisions.end(), division) ==
      kGovUkDivisions.end()) {
    return base::Error{"unknown division " + in_quotes(division) +
                       "; expected \"england-and-wales\", \"scotland\" or \"northern-ireland\""};
  }

  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    return base::Error{describe_parse_error(json_text, e)};
  }

  if (!document.is_object()) {
    return base::Error{
        "expected an object keyed by division (\"england-and-wales\", \"scotland\", "
        "\"northern-ireland\"), " +
        got(document)};
  }
  const auto node = document.find(std::string(division));
  if (node == document.end()) {
    std::string present;
    for (const auto& [key, value] : document.items()) {
      present += present.empty() ? "" : ", ";
      present += in_quotes(key);
    }
    return base::Error{"no " + in_quotes(division) + " division in the file (it has " +
                       (present.empty() ? std::string("none") : present) + ")"};
  }

  BankHolidays holidays;
  std::vector<std::string> problems;
  read_division(*node, division, holidays, problems);
  if (!problems.empty()) {
    std::string error;
    for (const std::string& problem : problems) {
      error += error.empty() ? "" : "\n";
      error += problem;
    }
    return base::Error{error};
  }
  return holidays;
}

}  // namespace plan_reminder::calendar
