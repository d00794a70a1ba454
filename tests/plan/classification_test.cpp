// Tests for `classification:` in the daemon's config (plan/config_loader.cpp, SPEC §11): the
// protective marking every email, page and feed carries, and the values refused because they
// could break a mail header, the subject prefix or a page.
#include "plan/config.h"
#include "plan/loaders.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kConfigFile = "/etc/plan-reminder/plan-reminder.yaml";

// A config whose line 5 is `classification_line` ("" for none).
std::string ConfigText(std::string_view classification_line) {
  std::string text =
      "plans: plans/*.yaml\n"
      "directory: agencies.yaml\n"
      "from: \"Safer Sunderland Partnership <dhr-actions@partnership.example.org>\"\n"
      "transport: {maildir: ../var/Maildir}\n";
  if (!classification_line.empty()) {
    text += std::string(classification_line) + "\n";
  }
  return text;
}

struct Parsed {
  std::optional<Config> config;
  std::vector<std::string> problems;
};

Parsed Parse(std::string_view classification_line) {
  Diagnostics out;
  Parsed parsed;
  parsed.config = parse_config(ConfigText(classification_line), kConfigFile, out);
  for (const auto& diagnostic : out.items()) {
    parsed.problems.push_back(diagnostic.to_string());
  }
  return parsed;
}

std::string At(std::string_view rest) {
  return std::string(kConfigFile) + ":5:17: classification: " + std::string(rest);
}

// Tests that a config without `classification:` marks nothing.
TEST(Classification, AbsentMeansNoMarking) {
  Parsed parsed = Parse("");
  ASSERT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.config->classification, "");
}

// Tests that the UK markings, with and without a descriptor, are accepted as written.
TEST(Classification, GovernmentMarkingsAreKeptAsWritten) {
  for (std::string_view marking : {"OFFICIAL-SENSITIVE", "OFFICIAL", "OFFICIAL-SENSITIVE: PERSONAL",
                                   "OFFICIAL SENSITIVE - COMMERCIAL"}) {
    Parsed parsed = Parse("classification: \"" + std::string(marking) + "\"");
    ASSERT_THAT(parsed.problems, IsEmpty()) << marking;
    EXPECT_EQ(parsed.config->classification, marking);
  }
}

// Tests that a line break written as an escape, which would start a new mail header, is
// refused at the value.
TEST(Classification, HeaderInjectionThroughALineBreakIsRefused) {
  Parsed parsed = Parse(R"(classification: "OFFICIAL\r\nBcc: everyone@example.org")");
  EXPECT_THAT(parsed.problems, ElementsAre(HasSubstr(At("contains"))));
  EXPECT_EQ(parsed.config->classification, "");
}

// Tests that brackets, which would close the subject prefix early, are refused and named.
TEST(Classification, BracketsAreRefused) {
  EXPECT_THAT(Parse("classification: \"OFFICIAL] [URGENT\"").problems,
              ElementsAre(At("the marking contains ']' (expected a marking such as "
                             "OFFICIAL-SENSITIVE: letters, digits, spaces and - _ : / . only, "
                             "at most 64 characters)")));
}

// Tests that HTML, which would otherwise reach every page and email, is refused.
TEST(Classification, MarkupIsRefused) {
  EXPECT_THAT(Parse("classification: \"<script>alert(1)</script>\"").problems,
              ElementsAre(HasSubstr(At("the marking contains '<'"))));
}

// Tests that text outside plain ASCII (which a header would need encoded) is refused.
TEST(Classification, NonAsciiIsRefused) {
  EXPECT_THAT(Parse("classification: \"OFFICIAL–SENSITIVE\"").problems,
              ElementsAre(HasSubstr(At("the marking contains a character outside plain ASCII"))));
}

// Tests that a marking too long to sit in a subject is refused with its length.
TEST(Classification, OverlongMarkingIsRefused) {
  EXPECT_THAT(Parse("classification: " + std::string(65, 'A')).problems,
              ElementsAre(HasSubstr(At("the marking is 65 characters long"))));
  EXPECT_THAT(Parse("classification: " + std::string(64, 'A')).problems, IsEmpty());
}

// Tests that an empty marking, a list and stray spaces are refused rather than ignored.
TEST(Classification, EmptyListAndStraySpacesAreRefused) {
  EXPECT_THAT(Parse("classification: \"\"").problems, ElementsAre(HasSubstr("classification:")));
  EXPECT_THAT(Parse("classification: [OFFICIAL]").problems,
              ElementsAre(HasSubstr("classification:")));
  EXPECT_THAT(Parse("classification: \" OFFICIAL\"").problems,
              ElementsAre(HasSubstr(At("the marking has spaces at its ends or two together"))));
}

// Tests that a misspelt key suggests `classification`, as every unknown key does.
TEST(Classification, MisspeltKeySuggestsIt) {
  EXPECT_THAT(Parse("clasification: OFFICIAL").problems,
              ElementsAre(HasSubstr("(did you mean 'classification'?)")));
}

}  // namespace
}  // namespace plan_reminder::plan
