// Bank holidays: the built-in England and Wales list (statutory rules plus the one-off changes
// proclaimed in 2002, 2011, 2012, 2020, 2022 and 2023) and lists read from a gov.uk
// `bank-holidays.json` file.
#pragma once

#include "base/result.h"

#include <date/date.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace plan_reminder::calendar {

class BankHolidays {
 public:
  // The years england_and_wales() covers; outside them only weekends are non-business days.
  static constexpr date::year kFirstComputedYear{2000};
  static constexpr date::year kLastComputedYear{2100};

  BankHolidays() = default;

  // England and Wales: the statutory rules (New Year, Good Friday, Easter Monday, early May,
  // spring, summer, Christmas, Boxing Day, with substitute days) for every year from
  // kFirstComputedYear to kLastComputedYear, with the one-off moves and extra days proclaimed
  // for 2002, 2011, 2012, 2020, 2022 and 2023 applied. Computed once per process, then copied.
  static BankHolidays england_and_wales();

  // A gov.uk bank-holidays.json file; `division` is "england-and-wales", "scotland" or
  // "northern-ireland". On failure the error has one problem per line, each
  // naming the key path (`scotland.events[3].date: expected YYYY-MM-DD, got "2020-13-01"`) or,
  // for malformed JSON, the line and column (`invalid JSON at line 3, column 7: ...`). The file
  // name is left to the caller.
  static base::Result<BankHolidays> from_gov_uk_json(std::string_view json_text,
                                                     std::string_view division);

  bool contains(date::local_days day) const { return days_.count(day) != 0; }
  // The holiday's title ("Good Friday"), if `day` is one.
  std::optional<std::string> title(date::local_days day) const;
  const std::map<date::local_days, std::string>& days() const { return days_; }

  void add(date::local_days day, std::string title) { days_[day] = std::move(title); }

 private:
  std::map<date::local_days, std::string> days_;
};

}  // namespace plan_reminder::calendar
