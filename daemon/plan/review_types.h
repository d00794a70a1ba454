// The one table of the kinds of statutory review a plan can belong to (`review.type`, SPEC §11):
// for each its id in plan files, its abbreviation and its full name. Emails, pages, feeds and
// reports name a review through review_display_name() instead of switching on the type.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace plan_reminder::plan {

struct Review;

enum class ReviewType { dhr, dardr, sar, cspr, owhr };

struct ReviewTypeFacts {
  ReviewType type;
  std::string_view id;            // as written in a plan: "dardr"
  std::string_view abbreviation;  // "DARDR"
  std::string_view full_name;     // "Domestic Abuse Related Death Review"
};

// In the enum's order (checked below). The names are the statutory ones: Domestic Violence,
// Crime and Victims Act 2004 s9 (renamed by the Victims and Prisoners Act 2024), Care Act 2014
// s44, Children Act 2004 s16F, Police, Crime, Sentencing and Courts Act 2022 s24.
inline constexpr std::array<ReviewTypeFacts, 5> kReviewTypeTable = {{
    {ReviewType::dhr, "dhr", "DHR", "Domestic Homicide Review"},
    {ReviewType::dardr, "dardr", "DARDR", "Domestic Abuse Related Death Review"},
    {ReviewType::sar, "sar", "SAR", "Safeguarding Adults Review"},
    {ReviewType::cspr, "cspr", "CSPR", "Child Safeguarding Practice Review"},
    {ReviewType::owhr, "owhr", "OWHR", "Offensive Weapons Homicide Review"},
}};

static_assert(
    [] {
      for (std::size_t i = 0; i < kReviewTypeTable.size(); ++i) {
        if (static_cast<std::size_t>(kReviewTypeTable[i].type) != i) {
          return false;
        }
      }
      return true;
    }(),
    "kReviewTypeTable must list the types in ReviewType's order");

constexpr const ReviewTypeFacts& facts(ReviewType type) {
  return kReviewTypeTable.at(static_cast<std::size_t>(type));
}

// The type whose id is `id` ("sar"), or none.
std::optional<ReviewType> review_type_from_id(std::string_view id);

// How emails, pages, feeds and reports name the review: its title, preceded by the type's full
// name unless the title already starts with that name or its abbreviation, so that "Domestic
// Homicide Review: 'David'" stays as written and a `dardr` plan titled "'David'" reads
// "Domestic Abuse Related Death Review 'David'".
std::string review_display_name(const Review& review);

}  // namespace plan_reminder::plan
