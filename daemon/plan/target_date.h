// The target-date language of SPEC §3.1: the wording a plan gives for a target ("March 2020",
// "By Sept 2019", "Q3 2021/22", "Within one month of the review being published", "TBC") and
// the due date it stands for: the last day on which the milestone is still on time.
#pragma once

#include "base/result.h"

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace plan_reminder::plan {

// How "Q3 2021" is read; "Q3 2021/22" is always a UK financial-year quarter.
enum class QuarterStyle { calendar, financial };

// A period counted from the review's publication: "within six months of publication".
struct PublicationOffset {
  enum class Unit { days, weeks, months, years };
  int count = 0;
  Unit unit = Unit::days;
  friend bool operator==(const PublicationOffset&, const PublicationOffset&) = default;
};

// "TBC", "TBA" or nothing: the milestone needs a target date.
struct Undated {
  friend bool operator==(const Undated&, const Undated&) = default;
};

// "Ongoing", "N/A": no deadline, never overdue.
struct Ongoing {
  friend bool operator==(const Ongoing&, const Ongoing&) = default;
};

// What a wording means before the review's publication date is applied.
using TargetMeaning = std::variant<date::year_month_day, PublicationOffset, Undated, Ongoing>;

// What one wording means, or an error that quotes the wording and lists the accepted forms.
base::Result<TargetMeaning> read_target(std::string_view wording, QuarterStyle quarters);

// The due date of a relative target: published + offset. Month and year arithmetic clamps to
// the end of the month (31 January + 1 month = 29 February in a leap year).
date::year_month_day apply_offset(date::year_month_day published, const PublicationOffset& offset);

// An exact day, for `published:` and `done:`: "2020-03-20", "20/03/2020", "20/3/2020",
// "20 March 2020", "20th March 2020". Anything less precise, or not a real day, is nullopt.
std::optional<date::year_month_day> read_day(std::string_view text);

// The accepted forms, one per line, for error messages and `--help`.
std::string_view accepted_target_forms();

}  // namespace plan_reminder::plan
