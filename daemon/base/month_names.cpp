#include "base/month_names.h"

#include "base/ascii.h"

namespace plan_reminder::base {

std::string_view month_name(unsigned month) {
  return kMonthNames.at(month - 1);
}

std::optional<unsigned> month_from_name(std::string_view name) {
  for (unsigned i = 0; i < kMonthNames.size(); ++i) {
    if (equals_ignoring_ascii_case(name, kMonthNames[i])) {
      return i + 1;
    }
  }
  return std::nullopt;
}

}  // namespace plan_reminder::base
