// Tests for the kinds of review (plan/review_types.h): `review.type` in a plan file, its errors,
// and how a review is named in emails, pages and reports.
#include "plan/review_types.h"
#include "plan/loaders.h"
#include "plan/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A plan with `type_line` under `review:` ("" for none); its line 5 is the type's line.
std::string PlanText(std::string_view title, std::string_view type_line) {
  std::string text = "review:\n  id: dhr-david\n  title: \"" + std::string(title) +
                     "\"\n  partnership: Safer Sunderland Partnership\n";
  if (!type_line.empty()) {
    text += "  " + std::string(type_line) + "\n";
  }
  text +=
      "recommendations:\n"
      "  - id: \"1\"\n"
      "    scope: local\n"
      "    text: Recommendation\n"
      "    actions:\n"
      "      - id: \"1.1\"\n"
      "        text: Action\n"
      "        lead: [wwin]\n"
      "        target: March 2020\n";
  return text;
}

struct Parsed {
  std::optional<Plan> plan;
  std::vector<std::string> problems;
};

Parsed Parse(std::string_view title, std::string_view type_line) {
  Diagnostics out;
  Parsed parsed;
  parsed.plan = parse_plan(PlanText(title, type_line), "david.yaml", QuarterStyle::calendar, out);
  for (const auto& diagnostic : out.items()) {
    parsed.problems.push_back(diagnostic.to_string());
  }
  return parsed;
}

Review ReviewOf(ReviewType type, std::string title) {
  Review review;
  review.type = type;
  review.title = std::move(title);
  return review;
}

// Tests that a plan without `review.type` is a Domestic Homicide Review, as every plan written
// before there were types.
TEST(ReviewType, AbsentTypeIsADomesticHomicideReview) {
  Parsed parsed = Parse("Domestic Homicide Review: 'David'", "");
  ASSERT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.plan->review.type, ReviewType::dhr);
}

// Tests that each id of the table is read as its type.
TEST(ReviewType, EachIdIsReadAsItsType) {
  for (const ReviewTypeFacts& row : kReviewTypeTable) {
    Parsed parsed = Parse("'David'", "type: " + std::string(row.id));
    ASSERT_THAT(parsed.problems, IsEmpty()) << row.id;
    EXPECT_EQ(parsed.plan->review.type, row.type) << row.id;
  }
}

// Tests that an unknown type is an error at its line and column that lists the valid ids and
// suggests the nearest.
TEST(ReviewType, UnknownTypeNamesWhereAndTheValidIdsWithASuggestion) {
  EXPECT_THAT(Parse("'David'", "type: dadr").problems,
              ElementsAre("david.yaml:5:9: review.type: expected 'dhr', 'dardr', 'sar', 'cspr' "
                          "or 'owhr', found 'dadr' (did you mean 'dardr'?)"));
}

// Tests that a type far from every id is refused without a suggestion, and that the full name
// is not accepted in place of the id.
TEST(ReviewType, FullNameInPlaceOfTheIdIsRefused) {
  EXPECT_THAT(Parse("'David'", "type: Safeguarding Adults Review").problems,
              ElementsAre("david.yaml:5:9: review.type: expected 'dhr', 'dardr', 'sar', 'cspr' "
                          "or 'owhr', found 'Safeguarding Adults Review'"));
}

// Tests that a list given as the type is refused as not one of the ids.
TEST(ReviewType, ListAsTypeIsRefused) {
  EXPECT_THAT(Parse("'David'", "type: [dhr, sar]").problems,
              ElementsAre(::testing::HasSubstr("david.yaml:5:9: review.type: expected one of")));
}

// Tests that the official full names are the ones the statutes give.
TEST(ReviewType, FullNamesAreTheStatutoryOnes) {
  EXPECT_EQ(facts(ReviewType::dhr).full_name, "Domestic Homicide Review");
  EXPECT_EQ(facts(ReviewType::dardr).full_name, "Domestic Abuse Related Death Review");
  EXPECT_EQ(facts(ReviewType::sar).full_name, "Safeguarding Adults Review");
  EXPECT_EQ(facts(ReviewType::cspr).full_name, "Child Safeguarding Practice Review");
  EXPECT_EQ(facts(ReviewType::owhr).full_name, "Offensive Weapons Homicide Review");
}

// Tests that a title that already names the review's type is shown as written, so that the
// example's "Domestic Homicide Review: 'David'" never doubles the name.
TEST(ReviewDisplayName, TitleStartingWithTheFullNameIsKept) {
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::dhr, "Domestic Homicide Review: 'David'")),
            "Domestic Homicide Review: 'David'");
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::dhr, "domestic homicide review 'David'")),
            "domestic homicide review 'David'");
}

// Tests that a title starting with the type's abbreviation is kept, but not one where the
// letters begin a longer word.
TEST(ReviewDisplayName, TitleStartingWithTheAbbreviationIsKept) {
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::sar, "SAR 'Adult B'")), "SAR 'Adult B'");
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::sar, "SARAH's review")),
            "Safeguarding Adults Review SARAH's review");
}

// Tests that SPEC §11's example reads as it says: a DARDR titled "'David'".
TEST(ReviewDisplayName, FullNamePrecedesATitleThatDoesNotNameIt) {
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::dardr, "'David'")),
            "Domestic Abuse Related Death Review 'David'");
}

// Tests that a title naming another type of review still gets its own type's name, so that a
// plan moved from DHR to DARDR says what it now is.
TEST(ReviewDisplayName, TitleNamingAnotherTypeIsPrefixed) {
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::dardr, "Domestic Homicide Review: 'David'")),
            "Domestic Abuse Related Death Review Domestic Homicide Review: 'David'");
}

// Tests that an empty title still names the kind of review.
TEST(ReviewDisplayName, EmptyTitleIsTheFullName) {
  EXPECT_EQ(review_display_name(ReviewOf(ReviewType::cspr, "")),
            "Child Safeguarding Practice Review");
}

// Tests that the ids are found and nothing else is.
TEST(ReviewType, IdsAreLookedUpExactly) {
  EXPECT_EQ(review_type_from_id("owhr"), ReviewType::owhr);
  EXPECT_EQ(review_type_from_id("OWHR"), std::nullopt);
  EXPECT_EQ(review_type_from_id(""), std::nullopt);
}

}  // namespace
}  // namespace plan_reminder::plan
