// The kinds of review and how a review is named (see review_types.h).
#include "plan/review_types.h"

#include "base/ascii.h"
#include "plan/model.h"

namespace plan_reminder::plan {
namespace {

// Whether `title` starts with `name` as a whole word or words: "DHR 'David'" and "DHR: 'David'"
// name a DHR, "DHRs of 2020" does not.
bool starts_with_name(std::string_view title, std::string_view name, bool ignore_case) {
  if (title.size() < name.size()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char a = ignore_case ? base::ascii_lower(title[i]) : title[i];
    const char b = ignore_case ? base::ascii_lower(name[i]) : name[i];
    if (a != b) {
      return false;
    }
  }
  return title.size() == name.size() || !base::is_ascii_alnum(title[name.size()]);
}

}  // namespace

std::optional<ReviewType> review_type_from_id(std::string_view id) {
  for (const ReviewTypeFacts& row : kReviewTypeTable) {
    if (row.id == id) {
      return row.type;
    }
  }
  return std::nullopt;
}

std::string review_display_name(const Review& review) {
  const ReviewTypeFacts& type = facts(review.type);
  if (review.title.empty()) {
    return std::string(type.full_name);
  }
  if (starts_with_name(review.title, type.full_name, /*ignore_case=*/true) ||
      starts_with_name(review.title, type.abbreviation, /*ignore_case=*/false)) {
    return review.title;
  }
  return std::string(type.full_name) + " " + review.title;
}

}  // namespace plan_reminder::plan
