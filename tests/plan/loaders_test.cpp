// Tests for the three loaders of SPEC §2 and §3 (plan, agency directory, daemon config), the
// cross-file checks of the SnapshotLoader, and the exact `file:line:col: key.path: message`
// a coordinator reads for each mistake. Each YAML text starts on the line below `R"(`, so its
// line 1 is the first line under the literal.
//
#include "plan/loaders.h"
#include "plan/model.h"
#include "plan/snapshot.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {
namespace {

namespace fs = std::filesystem;
using plan_reminder::test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The tail that every target-date error gives: the accepted forms of SPEC §3.1.
constexpr std::string_view kForms =
    "expected a day (31 March 2020, 31/03/2020, 2020-03-31), a month (March 2020, Sept 2019, "
    "2020-03), a year (2021), a quarter (Q3 2021, Q3 2021/22), a financial year (2021/22), a "
    "period after publication (within one month of publication), TBC, or Ongoing";

// Drops the line break that follows `R"(`.
std::string_view Yaml(std::string_view text) {
  if (!text.empty() && text.front() == '\n') {
    text.remove_prefix(1);
  }
  return text;
}

std::vector<std::string> Strings(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& diagnostic : diagnostics.items()) {
    out.push_back(diagnostic.to_string());
  }
  return out;
}

std::vector<std::string> PlanProblems(std::string_view text) {
  Diagnostics out;
  parse_plan(Yaml(text), "plan.yaml", QuarterStyle::calendar, out);
  return Strings(out);
}

std::vector<std::string> DirectoryProblems(std::string_view text) {
  Diagnostics out;
  parse_directory(Yaml(text), "agencies.yaml", out);
  return Strings(out);
}

constexpr const char* kConfigFile = "/etc/plan-reminder/plan-reminder.yaml";

std::vector<std::string> ConfigProblems(std::string_view text) {
  Diagnostics out;
  parse_config(Yaml(text), kConfigFile, out);
  return Strings(out);
}

// A plan that must load without problems, with the plan it gives.
Plan ParseClean(std::string_view text) {
  Diagnostics out;
  auto plan = parse_plan(Yaml(text), "plan.yaml", QuarterStyle::calendar, out);
  EXPECT_THAT(Strings(out), IsEmpty());
  return plan.value_or(Plan{});
}

std::string TargetError(std::string_view wording, std::string_view reason) {
  return "unrecognised target date \"" + std::string(wording) + "\": " + std::string(reason) +
         "; " + std::string(kForms);
}

// ---------------------------------------------------------------------------------------------
// Malformed YAML

// Tests that an unclosed flow sequence is reported at its opening bracket.
TEST(PlanLoaderSyntax, UnclosedFlowSequenceIsReportedAtItsOpeningBracket) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: [Domestic Homicide Review, David
recommendations:
  - id: "1"
)"),
              ElementsAre("plan.yaml:3:10: invalid YAML: end of sequence flow not found"));
}

// Tests that a key indented deeper than its siblings is reported on its own line.
TEST(PlanLoaderSyntax, OverIndentedKeyIsReportedOnItsLine) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
    title: Test review
)"),
              ElementsAre("plan.yaml:3:10: invalid YAML: illegal map value"));
}

// Tests that a key indented less than its siblings is reported on its own line.
TEST(PlanLoaderSyntax, UnderIndentedKeyIsReportedOnItsLine) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
 title: Test review
)"),
              ElementsAre("plan.yaml:3:2: invalid YAML: end of map not found"));
}

// Tests that a tab used for indentation is reported at the tab, saying it is a tab.
TEST(PlanLoaderSyntax, TabIndentationIsReportedAtTheTab) {
  EXPECT_THAT(PlanProblems("review:\n"
                           "  id: dhr-test\n"
                           "\ttitle: Test review\n"),
              ElementsAre("plan.yaml:3:1: invalid YAML: illegal tab when looking for indentation"));
}

// Tests that a tab indenting the first key of a mapping is reported at the tab, as a tab.
TEST(PlanLoaderSyntax, TabIndentingTheFirstKeyIsReportedAsATab) {
  EXPECT_THAT(PlanProblems("review:\n"
                           "\tid: dhr-test\n"),
              ElementsAre("plan.yaml:2:1: invalid YAML: illegal tab when looking for indentation"));
}

// Tests that a quote left open at the end of the file is an error at the opening quote.
TEST(PlanLoaderSyntax, QuoteLeftOpenAtTheEndOfTheFileIsAnError) {
  std::vector<std::string> problems = PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: "March 2020
)");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], ::testing::StartsWith("plan.yaml:12:17: invalid YAML: "));
}

// Tests that an empty file is reported as such, at its first line.
TEST(PlanLoaderSyntax, EmptyFileIsReported) {
  EXPECT_THAT(PlanProblems(""), ElementsAre("plan.yaml:1:1: the file is empty"));
}

// Tests that a file holding nothing but comments counts as empty.
TEST(PlanLoaderSyntax, FileOfCommentsOnlyIsEmpty) {
  EXPECT_THAT(PlanProblems(R"(
# review: to be filled in
# recommendations: later
)"),
              ElementsAre("plan.yaml:1:1: the file is empty"));
}

// Tests that a second YAML document is reported at the `---` that starts it.
TEST(PlanLoaderSyntax, SecondDocumentIsReportedAtItsStart) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
---
review:
  id: dhr-other
)"),
              ElementsAre("plan.yaml:3:1: invalid YAML: expected one YAML document, found a "
                          "second one"));
}

// ---------------------------------------------------------------------------------------------
// Hostile text: aliases, bytes that are not text, control characters, floods of mistakes

// Tests that an alias of a shared value (as the example plan does for outcomes) is read as a
// copy of it.
TEST(PlanLoaderHostile, AliasOfASharedValueIsRead) {
  Diagnostics out;
  auto directory = parse_directory(Yaml(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: &chair [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: *chair}
  digest: {to: *chair}
agencies:
  wwin: {name: Wearside Women in Need, to: [dhr-lead@wwin.example.org]}
)"),
                                   "agencies.yaml", out);
  EXPECT_THAT(Strings(out), IsEmpty());
  ASSERT_TRUE(directory.has_value());
  EXPECT_THAT(directory->digest.to, ElementsAre("chair@partnership.example.org"));
}

// Tests that the 469-byte "billion laughs" text is refused at once, at the alias where its
// copies pass 4 MiB (expanded, it needs over 4 GiB).
TEST(PlanLoaderHostile, BillionLaughsIsRefusedAtOnce) {
  std::string text =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char name = 'b'; name <= 'i'; ++name) {
    std::string previous = "*" + std::string(1, static_cast<char>(name - 1));
    text += std::string(1, name) + ": &" + std::string(1, name) + " [";
    for (int i = 0; i < 9; ++i) {
      text += (i > 0 ? "," : "") + previous;
    }
    text += "]\n";
  }
  ASSERT_LT(text.size(), 600u);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> problems = PlanProblems(text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_THAT(problems, ElementsAre(::testing::MatchesRegex(
                            "plan\\.yaml:5:[0-9]+: invalid YAML: the anchors \\(&name\\) and "
                            "aliases \\(\\*name\\) up to here repeat more than 4 MiB of text; "
                            "write the values out, or alias less")));
}

// Tests that a 1 MB anchored value aliased 2,000 times (2 GB if copied) is refused quickly, at
// the alias that passes 4 MiB of copies.
TEST(PlanLoaderHostile, LargeAnchorAliasedManyTimesIsRefusedAtOnce) {
  std::string text = "big: &big " + std::string(1'000'000, 'x') + "\nlist: [";
  for (int i = 0; i < 2000; ++i) {
    text += "*big, ";
  }
  text += "]\n";
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> problems = PlanProblems(text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_THAT(problems, ElementsAre(::testing::StartsWith(
                            "plan.yaml:2:26: invalid YAML: the anchors (&name) and aliases "
                            "(*name) up to here repeat more than 4 MiB")));
}

// Tests that a file of more values than any plan has is refused where it passes the limit,
// before its tree grows to hundreds of megabytes.
TEST(PlanLoaderHostile, FileOfTooManyValuesIsRefused) {
  std::string text = "review:\n  id: dhr-test\nrecommendations:\n";
  for (int i = 0; i < 600'000; ++i) {
    text += "  - x\n";
  }
  // Five values before the list: the 500,001st value is its 499,996th item.
  std::vector<std::string> problems = PlanProblems(text);
  EXPECT_THAT(problems, ElementsAre("plan.yaml:" + std::to_string(3 + 499'996) +
                                    ":5: invalid YAML: the file holds more than 500,000 YAML "
                                    "values (keys, texts and lists), far more than any plan; is "
                                    "it the right file?"));
}

// Tests that bytes that are not UTF-8 are refused at the first of them, counted in characters.
TEST(PlanLoaderHostile, InvalidUtf8IsRefusedAtTheFirstBadByte) {
  EXPECT_THAT(PlanProblems("review:\n  id: dhr-test\n  title: Caf\xc3\xa9 r\xe9view\n"),
              ElementsAre("plan.yaml:3:16: invalid YAML: the byte 0xE9 is not UTF-8 text; save "
                          "the file as UTF-8"));
  // An overlong encoding of '/', and a UTF-16 surrogate, are not UTF-8 either.
  EXPECT_THAT(PlanProblems("review:\n  id: a\xc0\xaf\n"),
              ElementsAre(::testing::StartsWith("plan.yaml:2:8: invalid YAML: the byte 0xC0")));
  EXPECT_THAT(PlanProblems("review:\n  id: \xed\xa0\x80\n"),
              ElementsAre(::testing::StartsWith("plan.yaml:2:7: invalid YAML: the byte 0xED")));
}

// Tests that the same is true of the agency directory and the daemon configuration.
TEST(PlanLoaderHostile, InvalidUtf8IsRefusedInTheDirectoryAndConfig) {
  EXPECT_THAT(DirectoryProblems("partnership:\n  name: \xff\n"),
              ElementsAre("agencies.yaml:2:9: invalid YAML: the byte 0xFF is not UTF-8 text; "
                          "save the file as UTF-8"));
  EXPECT_THAT(ConfigProblems("plans: \x80\n"),
              ElementsAre(std::string(kConfigFile) +
                          ":1:8: invalid YAML: the byte 0x80 is not UTF-8 text; save the file as "
                          "UTF-8"));
}

// Tests that a NUL byte is reported where it is, not as an empty file.
TEST(PlanLoaderHostile, NulByteIsReportedWhereItIs) {
  using namespace std::string_literals;
  EXPECT_THAT(PlanProblems("review:\n  id: dhr\0-test\n"s),
              ElementsAre("plan.yaml:2:10: invalid YAML: the file contains a NUL byte here; is "
                          "it a text file?"));
  EXPECT_THAT(PlanProblems("\0review:\n"s),
              ElementsAre(::testing::StartsWith("plan.yaml:1:1: invalid YAML: the file contains "
                                                "a NUL byte")));
}

// Tests that old Mac line endings (CR alone) are reported as such, not as an empty file, and
// that Windows line endings (CR LF) are read.
TEST(PlanLoaderHostile, CarriageReturnLineEndingsAreReported) {
  EXPECT_THAT(PlanProblems("review:\r  id: dhr-test\r  title: Test\r"),
              ElementsAre("plan.yaml:1:8: invalid YAML: a carriage return without a line feed "
                          "(old Mac line endings); save the file with Unix (LF) or Windows (CRLF) "
                          "line endings"));
  EXPECT_THAT(
      PlanProblems("review:\r\n  id: dhr-test\r\n  title: Test\r\n  junk: 1\r\n"),
      ::testing::Contains(::testing::StartsWith("plan.yaml:4:3: review.junk: unknown key 'junk'")));
}

// Tests that a UTF-8 byte order mark is accepted, and non-ASCII text read as written.
TEST(PlanLoaderHostile, ByteOrderMarkAndUtf8TextAreAccepted) {
  Plan plan = ParseClean(std::string("\xEF\xBB\xBF") + std::string(Yaml(R"(
review:
  id: dhr-test
  title: Review of Zoë’s case
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)")));
  EXPECT_EQ(plan.review.title, "Review of Zoë’s case");
}

// Tests that a quote closed only lines later is reported at the opening quote, not where the
// parser gave up.
TEST(PlanLoaderHostile, QuoteClosedLinesLaterIsReportedAtTheQuote) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: "Test review
recommendations:
  - id: "1"
    scope: local
)"),
              ElementsAre("plan.yaml:3:10: invalid YAML: the quote opened here is closed only at "
                          "line 5: close it on the line where it opens"));
}

// Tests that keys and values quoted in messages cannot forge a line or reach the terminal:
// control characters are escaped, and a long value is cut at 80 characters.
TEST(PlanLoaderHostile, QuotedKeysAndValuesAreEscapedAndCut) {
  std::vector<std::string> problems = PlanProblems(
      "review:\n"
      "  id: " +
      std::string(1000, 'y') +
      "\n"
      "  title: Test review\n"
      "  \"\\x1b]0;owned\\x07\\nplan.yaml:1:1: forged\\u0085\\u202e\": 1\n"
      "recommendations: []\n");
  EXPECT_THAT(problems,
              ::testing::Contains(
                  "plan.yaml:2:7: review.id: expected a lowercase id of letters, digits and '-' "
                  "(like 'dhr-david'), found '" +
                  std::string(80, 'y') + "\u2026'"));
  EXPECT_THAT(problems, ::testing::Contains(::testing::StartsWith(
                            "plan.yaml:4:3: review.\\x1b]0;owned\\x07\\nplan.yaml:1:1: "
                            "forged\\u{85}\\u{202e}: unknown key "
                            "'\\x1b]0;owned\\x07\\nplan.yaml:1:1: forged\\u{85}\\u{202e}'")));
  for (const std::string& problem : problems) {
    EXPECT_EQ(std::count_if(problem.begin(), problem.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20; }),
              0)
        << problem;
  }
}

// Tests that a plan with 100,000 unknown keys lists its first 100 problems and counts the rest,
// so that check's output and the coordinator's email stay small.
TEST(PlanLoaderHostile, FloodOfProblemsIsListedUpToACapAndCounted) {
  std::string text = "review:\n  id: dhr-test\n  title: Test review\nrecommendations: []\n";
  for (int i = 0; i < 100'000; ++i) {
    text += "k" + std::to_string(i) + ": 1\n";
  }
  Diagnostics out;
  parse_plan(text, "plan.yaml", QuarterStyle::calendar, out);
  // The keys, and the empty list of recommendations.
  EXPECT_EQ(out.size(), 100'001u);
  EXPECT_EQ(out.items().size(), Diagnostics::kListedPerFile);
  std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), Diagnostics::kListedPerFile + 1);
  EXPECT_THAT(lines.front(), ::testing::StartsWith("plan.yaml:5:1: k0: unknown key 'k0'"));
  EXPECT_EQ(lines.back(), "plan.yaml: ... and 99901 more problems in this file, not listed");
}

// Tests that problems across many files are capped overall too, each file's unlisted ones
// counted after its last listed one.
TEST(PlanLoaderHostile, ProblemsAcrossFilesAreCappedOverall) {
  Diagnostics all;
  for (int file = 0; file < 20; ++file) {
    Diagnostics one;
    for (int i = 0; i < 150; ++i) {
      one.add(Diagnostic{"f" + std::to_string(100 + file) + ".yaml", i + 1, 1, "", "bad"});
    }
    all.append(one);
  }
  all.sort();
  EXPECT_EQ(all.size(), 3000u);
  EXPECT_EQ(all.items().size(), Diagnostics::kListedInAll);
  std::vector<std::string> lines = all.lines();
  EXPECT_EQ(lines[100], "f100.yaml: ... and 50 more problems in this file, not listed");
  EXPECT_EQ(lines.back(), "f119.yaml: ... and 150 more problems in this file, not listed");
  EXPECT_EQ(lines.size(), 1000u + 20u);
}

// Tests that a list at the top of a plan, where the review mapping belongs, is reported once.
TEST(PlanLoaderShape, ListWhereTheTopMappingBelongsIsReported) {
  EXPECT_THAT(PlanProblems(R"(
- review: dhr-test
- recommendations: []
)"),
              ElementsAre("plan.yaml:1:1: expected a mapping of keys to values, found a list"));
}

// Tests that a list given for `review:` is reported at the list, naming the key.
TEST(PlanLoaderShape, ListWhereTheReviewMappingBelongsIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  - id: dhr-test
  - title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:2:3: review: expected a mapping of keys to values, found a "
                          "list"));
}

// ---------------------------------------------------------------------------------------------
// Keys: unknown, missing, duplicated

// Tests that a misspelt key gets a "did you mean" with the nearest allowed key, and that the key
// it was meant to be is then reported missing.
TEST(PlanLoaderKeys, MisspeltKeySuggestsTheNearestAllowedKey) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  titel: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              UnorderedElementsAre(
                  "plan.yaml:3:3: review.titel: unknown key 'titel' (did you mean 'title'?)",
                  "plan.yaml:2:3: review: missing required key 'title' (the review's title)"));
}

// Tests that an unknown key with no near match lists every key allowed at that place.
TEST(PlanLoaderKeys, UnknownKeyWithoutNearMatchListsTheAllowedKeys) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
        colour: red
)"),
              ElementsAre("plan.yaml:13:9: recommendations[0].actions[0].colour: unknown key "
                          "'colour'; expected one of 'id', 'text', 'lead', 'support', 'outcome', "
                          "'progress', 'status', 'milestones', 'target', 'revised_target', "
                          "'done' or 'reason'"));
}

// Tests that what accepted updates write back (SPEC §9) is read: a milestone's own `progress`,
// `status: not_implemented` with its `reason` on a milestone and beside an action's single
// `target`; the action stays open.
TEST(PlanLoaderKeys, ProgressAndNotImplementedAreRead) {
  Plan plan = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - id: a
            text: First
            target: March 2020
            progress: "1 December 2026: Pathway agreed"
          - id: b
            text: Second
            target: March 2020
            status: not_implemented
            reason: "Superseded by the regional service"
          - text: Third
            target: March 2020
            status: open
      - id: "1.2"
        text: Action two
        lead: [wwin]
        target: March 2020
        status: not_implemented
        reason: Funding withdrawn
)");
  const auto& actions = plan.recommendations.at(0).actions;
  ASSERT_EQ(actions.size(), 2U);
  EXPECT_EQ(actions[0].milestones.at(0).progress, "1 December 2026: Pathway agreed");
  EXPECT_FALSE(actions[0].milestones.at(0).not_implemented);
  EXPECT_EQ(actions[0].milestones.at(1).not_implemented, "Superseded by the regional service");
  EXPECT_FALSE(actions[0].milestones.at(2).not_implemented);
  EXPECT_EQ(actions[1].milestones.at(0).not_implemented, "Funding withdrawn");
  EXPECT_EQ(actions[1].status, ActionStatus::open);
}

// Tests that `status: not_implemented` needs its reason, that a reason needs the status, and
// that an action with a list of milestones cannot be not_implemented as a whole.
TEST(PlanLoaderKeys, NotImplementedNeedsItsReason) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - id: a
            text: First
            target: March 2020
            status: not_implemented
          - id: b
            text: Second
            target: March 2020
            reason: Not needed
          - id: c
            text: Third
            target: March 2020
            status: closed
      - id: "1.2"
        text: Action two
        lead: [wwin]
        status: not_implemented
        reason: Funding withdrawn
        milestones:
          - text: Only
            target: March 2020
)"),
              ElementsAre("plan.yaml:16:21: recommendations[0].actions[0].milestones[0].status: "
                          "'status: not_implemented' needs 'reason' beside it (why the milestone "
                          "will not be implemented)",
                          "plan.yaml:20:13: recommendations[0].actions[0].milestones[1].reason: "
                          "'reason' goes only with 'status: not_implemented'",
                          "plan.yaml:24:21: recommendations[0].actions[0].milestones[2].status: "
                          "expected 'open' or 'not_implemented', found 'closed'",
                          "plan.yaml:28:17: recommendations[0].actions[1].status: 'status: "
                          "not_implemented' is allowed on an action only beside 'target' (a "
                          "single milestone); give it to each milestone instead",
                          "plan.yaml:29:9: recommendations[0].actions[1].reason: 'reason' "
                          "belongs to a milestone; it is allowed here only beside 'target'"));
}

// Tests that a review without an id is reported at the review mapping, naming the key.
TEST(PlanLoaderKeys, MissingReviewIdIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:2:3: review: missing required key 'id' (a unique lowercase "
                          "id like \"dhr-david\")"));
}

// Tests that a review without a title is reported at the review mapping.
TEST(PlanLoaderKeys, MissingReviewTitleIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:2:3: review: missing required key 'title' (the review's "
                          "title)"));
}

// Tests that a plan without recommendations is reported at the top of the file.
TEST(PlanLoaderKeys, MissingRecommendationsIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
)"),
              ElementsAre("plan.yaml:1:1: recommendations: missing required key "
                          "'recommendations' (a list of recommendations)"));
}

// Tests that an action without a lead agency is reported at the action.
TEST(PlanLoaderKeys, MissingActionLeadIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        target: March 2020
)"),
              ElementsAre("plan.yaml:9:9: recommendations[0].actions[0]: missing required key "
                          "'lead' (the lead agency ids)"));
}

// Tests that a milestone without a target is reported at the milestone.
TEST(PlanLoaderKeys, MissingMilestoneTargetIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - id: scoping
            text: Research scoping document produced
)"),
              ElementsAre("plan.yaml:13:13: recommendations[0].actions[0].milestones[0]: missing "
                          "required key 'target' (a target date, or TBC)"));
}

// Tests that a key given twice in one mapping is reported at the second, naming the first line.
TEST(PlanLoaderKeys, DuplicateKeyInAMappingIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
  id: dhr-other
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:4:3: review.id: duplicate key 'id' (first given at line 2)"));
}

// ---------------------------------------------------------------------------------------------
// Values of the wrong type or form

// Tests that a list given where text belongs is reported at the list.
TEST(PlanLoaderValues, TextGivenAListIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: [Implement, the approach]
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:7:11: recommendations[0].text: expected text, found a list"));
}

// Tests that a status outside open, complete and on_hold is reported with the allowed values.
TEST(PlanLoaderValues, StatusOutsideTheAllowedValuesIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        status: done
        target: March 2020
)"),
              ElementsAre("plan.yaml:12:17: recommendations[0].actions[0].status: expected "
                          "'open', 'complete', 'on_hold' or 'not_implemented', found 'done'"));
}

// Tests that a scope other than local, regional or national is reported.
TEST(PlanLoaderValues, ScopeOutsideTheAllowedValuesIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: Nation- al
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:6:12: recommendations[0].scope: expected 'local', "
                          "'regional' or 'national', found 'Nation- al'"));
}

// Tests that a review id that is not a lowercase slug is reported, quoting it.
TEST(PlanLoaderValues, ReviewIdThatIsNotALowercaseSlugIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: DHR_David
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:2:7: review.id: expected a lowercase id of letters, digits "
                          "and '-' (like 'dhr-david'), found 'DHR_David'"));
}

// Tests that a lead given as an empty list is reported: every action needs a lead agency.
TEST(PlanLoaderValues, LeadGivenAsAnEmptyListIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: []
        target: March 2020
)"),
              ElementsAre("plan.yaml:11:15: recommendations[0].actions[0].lead: expected at least "
                          "one agency id from the directory"));
}

// Tests that an empty list item is reported on its own line.
TEST(PlanLoaderValues, EmptyListItemIsReportedOnItsOwnLine) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead:
          - wwin
          -
        target: March 2020
)"),
              ElementsAre("plan.yaml:13:11: recommendations[0].actions[0].lead[1]: expected text, "
                          "found nothing"));
}

// Tests that a line break in the review title, which reaches email subjects, is refused.
TEST(PlanLoaderValues, LineBreakInReviewTitleIsRefused) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: "Domestic Homicide Review\nBcc: everyone@example.org"
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:3:10: review.title: contains a line break; this value can "
                          "appear in an email header, so it must be one line without control "
                          "characters"));
}

// Tests that a control character in an action's text is refused, naming the character.
TEST(PlanLoaderValues, ControlCharacterInActionTextIsRefused) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: "Ring the \u0007 bell"
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:10:15: recommendations[0].actions[0].text: contains the "
                          "control character U+0007; control characters are not allowed"));
}

// ---------------------------------------------------------------------------------------------
// Ids across the plan

// Tests that two recommendations with the same id are reported at the second.
TEST(PlanLoaderIds, DuplicateRecommendationIdIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
  - id: "1"
    scope: local
    text: Recommendation two
    actions:
      - id: "2.1"
        text: Action two
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:13:9: recommendations[1].id: duplicate recommendation id "
                          "'1' (first given at line 5)"));
}

// Tests that an action id used under two recommendations is reported: action ids are unique
// within the plan.
TEST(PlanLoaderIds, DuplicateActionIdAcrossRecommendationsIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
  - id: "2"
    scope: local
    text: Recommendation two
    actions:
      - id: "1.1"
        text: Action two
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:17:13: recommendations[1].actions[0].id: duplicate action id "
                          "'1.1' (first given at line 9)"));
}

// Tests that two milestones of one action with the same id are reported at the second.
TEST(PlanLoaderIds, DuplicateMilestoneIdWithinAnActionIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - id: pathway
            text: Pathway drafted
            target: March 2020
          - id: pathway
            text: Pathway in place
            target: June 2020
)"),
              ElementsAre("plan.yaml:16:17: recommendations[0].actions[0].milestones[1].id: "
                          "duplicate milestone id 'pathway' (first given at line 13)"));
}

// ---------------------------------------------------------------------------------------------
// Targets and dates

// Tests that an action giving both `target:` and `milestones:` is reported at the target.
TEST(PlanLoaderTargets, ActionWithBothTargetAndMilestonesIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
        milestones:
          - text: Pathway in place
            target: June 2020
)"),
              ElementsAre("plan.yaml:12:17: recommendations[0].actions[0].target: give either "
                          "'target' (one milestone) or 'milestones', not both"));
}

// Tests that an action with neither `target:` nor `milestones:` is reported at the action.
TEST(PlanLoaderTargets, ActionWithNeitherTargetNorMilestonesIsReported) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
)"),
              ElementsAre("plan.yaml:9:9: recommendations[0].actions[0]: missing required key "
                          "'milestones' (or 'target' for a single milestone)"));
}

// Tests that a quarter without a year is refused, quoting the wording and listing the forms.
TEST(PlanLoaderTargets, QuarterWithoutYearIsRefusedQuotingTheWording) {
  EXPECT_THAT(
      PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: End Q3
)"),
      ElementsAre("plan.yaml:12:17: recommendations[0].actions[0].target: " +
                  TargetError("End Q3", "a quarter needs a year, as in Q3 2021 or Q3 2021/22")));
}

// Tests that a month/day/year date is refused, never guessed, quoting the wording.
TEST(PlanLoaderTargets, AmericanDateIsRefusedQuotingTheWording) {
  EXPECT_THAT(
      PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - text: Pathway in place
            target: 02/13/2020
)"),
      ElementsAre("plan.yaml:14:21: recommendations[0].actions[0].milestones[0].target: " +
                  TargetError("02/13/2020", "there is no month 13; dates are day/month/year")));
}

// Tests that a season is refused as a target, quoting the wording.
TEST(PlanLoaderTargets, SeasonIsRefusedQuotingTheWording) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: Spring 2020
)"),
              ElementsAre("plan.yaml:12:17: recommendations[0].actions[0].target: " +
                          TargetError("Spring 2020",
                                      "a season is not a date; give a month, as in June 2020")));
}

// Tests that a `done:` day that does not exist is refused, quoting it.
TEST(PlanLoaderTargets, ImpossibleDoneDateIsRefused) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - text: Pathway in place
            target: March 2020
            done: 2020-02-30
)"),
              ElementsAre("plan.yaml:15:19: recommendations[0].actions[0].milestones[0].done: "
                          "expected a date such as 2020-03-20, 20/03/2020 or 20 March 2020, found "
                          "'2020-02-30'"));
}

// Tests that a `published:` date that is only a month is refused: relative targets need a day.
TEST(PlanLoaderTargets, PublishedMonthWithoutDayIsRefused) {
  EXPECT_THAT(PlanProblems(R"(
review:
  id: dhr-test
  title: Test review
  published: January 2020
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: March 2020
)"),
              ElementsAre("plan.yaml:4:14: review.published: expected a date such as 2020-03-20, "
                          "20/03/2020 or 20 March 2020, found 'January 2020'"));
}

// Tests that every problem of a file is reported in one run, not only the first.
TEST(PlanLoaderTargets, EveryProblemOfAFileIsReportedInOneRun) {
  EXPECT_THAT(
      PlanProblems(R"(
review:
  id: Dhr-Test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        status: finished
        target: Spring 2020
)"),
      UnorderedElementsAre(
          "plan.yaml:2:7: review.id: expected a lowercase id of letters, digits and '-' (like "
          "'dhr-david'), found 'Dhr-Test'",
          "plan.yaml:12:17: recommendations[0].actions[0].status: expected 'open', 'complete', "
          "'on_hold' or 'not_implemented', found 'finished'",
          "plan.yaml:13:17: recommendations[0].actions[0].target: " +
              TargetError("Spring 2020", "a season is not a date; give a month, as in June 2020")));
}

// ---------------------------------------------------------------------------------------------
// Plans that load

// Tests that the example plan transcribed from the 'David' action plan loads without a problem,
// with its six recommendations, 26 actions and 32 milestones.
TEST(PlanLoaderAccepts, ExampleDavidPlanLoadsCleanly) {
  base::Result<std::string> text = read_file(PR_SOURCE_DIR "/config/plans/david.yaml");
  ASSERT_TRUE(text) << text.error().message;
  Diagnostics out;
  auto plan = parse_plan(*text, "david.yaml", QuarterStyle::calendar, out);
  EXPECT_THAT(Strings(out), IsEmpty());
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->review.id, "dhr-david");
  EXPECT_EQ(plan->review.title, "Domestic Homicide Review: 'David'");
  EXPECT_EQ(plan->recommendations.size(), 6u);
  std::size_t actions = 0;
  std::size_t milestones = 0;
  for (const auto& recommendation : plan->recommendations) {
    actions += recommendation.actions.size();
    for (const auto& action : recommendation.actions) {
      milestones += action.milestones.size();
    }
  }
  EXPECT_EQ(actions, 26u);
  EXPECT_EQ(milestones, 32u);
}

// Tests that the example directory and configuration load without a problem.
TEST(PlanLoaderAccepts, ExampleDirectoryAndConfigLoadCleanly) {
  Diagnostics out;
  auto directory = load_directory(PR_SOURCE_DIR "/config/agencies.yaml", out);
  auto config = load_config(PR_SOURCE_DIR "/config/plan-reminder.yaml", out);
  EXPECT_THAT(Strings(out), IsEmpty());
  ASSERT_TRUE(directory.has_value());
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(directory->agencies.size(), 15u);
  EXPECT_EQ(config->timezone, "Europe/London");
  EXPECT_EQ(config->transport.kind, Transport::Kind::maildir);
}

// Tests that `lead: wwin`, written without brackets, is read as one lead agency.
TEST(PlanLoaderAccepts, ScalarLeadIsOneAgency) {
  Plan plan = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: wwin
        target: March 2020
)");
  ASSERT_EQ(plan.recommendations.size(), 1u);
  ASSERT_EQ(plan.recommendations[0].actions.size(), 1u);
  const auto& lead = plan.recommendations[0].actions[0].lead;
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].id, "wwin");
  EXPECT_EQ(lead[0].line, 11);
  EXPECT_EQ(lead[0].column, 15);
}

// Tests that an action with a direct `target:` has one milestone, id "1", with that target.
TEST(PlanLoaderAccepts, DirectTargetIsOneMilestoneWithIdOne) {
  Plan plan = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        target: By Sept 2019
        done: 2019-09-12
)");
  ASSERT_EQ(plan.recommendations.size(), 1u);
  const Action& action = plan.recommendations[0].actions.at(0);
  ASSERT_EQ(action.milestones.size(), 1u);
  EXPECT_EQ(action.milestones[0].id, "1");
  EXPECT_EQ(action.milestones[0].target.wording, "By Sept 2019");
  DueDate due = due_date(action.milestones[0], plan.review);
  EXPECT_EQ(due.kind, DueDate::Kind::dated);
  EXPECT_EQ(due.day, date::year{2019} / date::September / date::day{30});
  EXPECT_EQ(action.milestones[0].done, date::year{2019} / date::September / date::day{12});
  EXPECT_TRUE(action.is_complete());
}

// Tests that milestones without an id are numbered by their 1-based position, beside ones that
// have an id.
TEST(PlanLoaderAccepts, MilestoneIdsDefaultToTheirPosition) {
  Plan plan = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin]
        milestones:
          - text: Workforce plan updated
            target: March 2019
          - id: audit
            text: Case file audit completed
            target: By Dec 2019
          - text: Training begins
            target: TBC
)");
  ASSERT_EQ(plan.recommendations.size(), 1u);
  const Action& action = plan.recommendations[0].actions.at(0);
  ASSERT_EQ(action.milestones.size(), 3u);
  EXPECT_EQ(action.milestones[0].id, "1");
  EXPECT_EQ(action.milestones[1].id, "audit");
  EXPECT_EQ(action.milestones[2].id, "3");
  EXPECT_EQ(due_date(action.milestones[2], plan.review).kind, DueDate::Kind::undated);
}

// Tests that a target relative to publication is pending while the plan has no `published:`
// date, and dated from it once given.
TEST(PlanLoaderAccepts, RelativeTargetIsPendingUntilPublished) {
  Plan unpublished = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "6"
    scope: national
    text: Write to the Minister
    actions:
      - id: "6.1"
        text: Chair to write to the Minister
        lead: [council]
        target: Within one month of the review being published
)");
  ASSERT_EQ(unpublished.recommendations.size(), 1u);
  const Milestone& letter = unpublished.recommendations[0].actions.at(0).milestones.at(0);
  DueDate pending = due_date(letter, unpublished.review);
  EXPECT_EQ(pending.kind, DueDate::Kind::pending);
  EXPECT_FALSE(pending.day.has_value());

  Plan published = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
  published: 2020-01-20
recommendations:
  - id: "6"
    scope: national
    text: Write to the Minister
    actions:
      - id: "6.1"
        text: Chair to write to the Minister
        lead: [council]
        target: Within one month of the review being published
)");
  ASSERT_EQ(published.recommendations.size(), 1u);
  const Milestone& sent = published.recommendations[0].actions.at(0).milestones.at(0);
  DueDate dated = due_date(sent, published.review);
  EXPECT_EQ(dated.kind, DueDate::Kind::dated);
  EXPECT_EQ(dated.day, date::year{2020} / date::February / date::day{20});
}

// Tests that an unquoted `id: 1.10` keeps the text "1.10", not the number 1.1.
TEST(PlanLoaderAccepts, UnquotedDecimalLikeIdKeepsItsText) {
  Plan plan = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: 1
    scope: local
    text: Recommendation one
    actions:
      - id: 1.10
        text: Action ten
        lead: [wwin]
        target: March 2020
)");
  ASSERT_EQ(plan.recommendations.size(), 1u);
  EXPECT_EQ(plan.recommendations[0].id, "1");
  ASSERT_EQ(plan.recommendations[0].actions.size(), 1u);
  EXPECT_EQ(plan.recommendations[0].actions[0].id, "1.10");
}

// ---------------------------------------------------------------------------------------------
// Agency references

constexpr std::string_view kSmallDirectory = R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to: [dhr-lead@wwin.example.org]
  police:
    name: Northumbria Police
    to: [dhr-lead@police.example.org]
)";

// Tests that a lead or support agency missing from the directory is reported where the plan
// names it, with a suggestion when a known id is part of it.
TEST(AgencyReferences, UnknownAgenciesAreReportedWhereThePlanNamesThem) {
  Plan plan = ParseClean(R"(
review:
  id: dhr-test
  title: Test review
recommendations:
  - id: "1"
    scope: local
    text: Recommendation one
    actions:
      - id: "1.1"
        text: Action one
        lead: [wwin, northumbria-police]
        support: [tfc]
        target: March 2020
)");
  Diagnostics out;
  auto directory = parse_directory(Yaml(kSmallDirectory), "agencies.yaml", out);
  ASSERT_THAT(Strings(out), IsEmpty());
  ASSERT_TRUE(directory.has_value());
  check_agency_references(plan, *directory, out);
  EXPECT_THAT(Strings(out),
              ElementsAre("plan.yaml:11:22: recommendations[0].actions[0].lead[1]: unknown agency "
                          "'northumbria-police' (did you mean 'police'?); agencies are defined in "
                          "agencies.yaml",
                          "plan.yaml:12:19: recommendations[0].actions[0].support[0]: unknown "
                          "agency 'tfc'; agencies are defined in agencies.yaml"));
}

// ---------------------------------------------------------------------------------------------
// The agency directory

// Tests that an agency with `to: []` is refused: mail must never go to nobody.
TEST(DirectoryLoader, AgencyWithNoAddressIsRefused) {
  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to: []
)"),
              ElementsAre("agencies.yaml:9:9: agencies.wwin.to: has no address: at least one "
                          "email address is needed"));
}

// Tests that an agency's `aliases:` (the short names an imported table uses) are read, and
// that one alias naming two agencies is refused at the second, whatever its case.
TEST(DirectoryLoader, AliasesAreReadAndEachNamesOneAgency) {
  Diagnostics out;
  auto directory = parse_directory(std::string(kSmallDirectory) + "    aliases: [Police, NP]\n",
                                   "agencies.yaml", out);
  ASSERT_TRUE(out.empty()) << ::testing::PrintToString(Strings(out));
  ASSERT_TRUE(directory.has_value());
  EXPECT_THAT(directory->agencies.at("police").aliases, ElementsAre("Police", "NP"));
  EXPECT_THAT(directory->agencies.at("wwin").aliases, IsEmpty());

  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  police:
    name: Northumbria Police
    to: [dhr-lead@police.example.org]
    aliases: [Police]
  police-scotland:
    name: Police Scotland
    to: [dhr-lead@scotland.example.org]
    aliases: [police]
)"),
              ElementsAre(::testing::HasSubstr(
                  "agencies.police-scotland.aliases: the alias 'police' is already an alias of "
                  "agency 'police': each alias names one agency")));
}

// Tests that no agency may take the id of the partnership's own links (/feeds/board.ics).
TEST(DirectoryLoader, AgencyIdBoardIsReserved) {
  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  board:
    name: Safeguarding Adults Board
    to: [sab@council.example.org]
)"),
              ElementsAre("agencies.yaml:7:3: agencies.board: the agency id 'board' is reserved "
                          "for the partnership's own links (the board page and feed): choose "
                          "another id"));
}

// Tests that an address without an '@' is refused, quoting it.
TEST(DirectoryLoader, AddressWithoutAtSignIsRefused) {
  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to: [dhr-lead.wwin.example.org]
)"),
              ElementsAre("agencies.yaml:9:10: agencies.wwin.to[0]: 'dhr-lead.wwin.example.org' "
                          "is not an email address: it has no '@'"));
}

// Tests that addresses with a bad domain are refused, each at its own place.
TEST(DirectoryLoader, AddressWithBadDomainIsRefused) {
  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to:
      - dhr-lead@wwin
      - dhr-lead@wwin..example.org
)"),
              ElementsAre("agencies.yaml:10:9: agencies.wwin.to[0]: 'dhr-lead@wwin' is not an "
                          "email address: it has a domain without a '.'",
                          "agencies.yaml:11:9: agencies.wwin.to[1]: 'dhr-lead@wwin..example.org' "
                          "is not an email address: it has an invalid domain "
                          "'wwin..example.org'"));
}

// Tests that an address listed twice for one agency is reported at the second.
TEST(DirectoryLoader, DuplicateAddressIsReported) {
  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to: [dhr-lead@wwin.example.org, dhr-lead@wwin.example.org]
)"),
              ElementsAre("agencies.yaml:9:37: agencies.wwin.to[1]: address "
                          "'dhr-lead@wwin.example.org' is listed twice"));
}

// Tests that a directory without a chair, who receives escalations, is refused.
TEST(DirectoryLoader, MissingChairIsReported) {
  EXPECT_THAT(DirectoryProblems(R"(
partnership:
  name: Safer Sunderland Partnership
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to: [dhr-lead@wwin.example.org]
)"),
              ElementsAre("agencies.yaml:2:3: partnership: missing required key 'chair' (the "
                          "chair's role mailbox: {name, to})"));
}

// ---------------------------------------------------------------------------------------------
// The daemon configuration

// Tests that a password under transport.smtp is refused, saying passwords are never kept in
// the configuration and without echoing it.
TEST(ConfigLoader, PasswordInTheConfigurationIsRefused) {
  EXPECT_THAT(
      ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  smtp:
    url: smtp://mail.example.org:587
    username: dhr-reminders
    password: hunter2
)"),
      UnorderedElementsAre(
          std::string(kConfigFile) +
              ":8:5: transport.smtp.password: passwords are never kept in the configuration; put "
              "it in a file named by 'password_file' (mode 0600) or a systemd credential named "
              "by 'credential'",
          std::string(kConfigFile) +
              ":7:15: transport.smtp.username: a username needs a password: add 'password_file' "
              "or 'credential'"));
}

// Tests that a PostgreSQL state URL holding a password (in its user information or as a
// parameter) is refused at `state:` without echoing the password, and that one without is
// kept as it is written.
TEST(ConfigLoader, PasswordInTheStateUrlIsRefused) {
  const std::string head = R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: Maildir
)";
  for (const std::string url :
       {"postgresql://planner:hunter2@db.example.org/plans",
        "postgres://planner@db.example.org/plans?sslmode=verify-full&password=hunter2"}) {
    const auto problems = ConfigProblems(head + "state: " + url + "\n");
    ASSERT_EQ(problems.size(), 1U) << url;
    EXPECT_THAT(problems[0], ::testing::StartsWith(std::string(kConfigFile) + ":6:8: state: "));
    EXPECT_THAT(problems[0], ::testing::HasSubstr("credential db-password"));
    EXPECT_THAT(problems[0], ::testing::Not(::testing::HasSubstr("hunter2")));
  }
  Diagnostics out;
  const std::string url = "postgresql://planner@db.example.org/plans?sslmode=verify-full";
  auto config = parse_config(Yaml(head + "state: " + url + "\n"), kConfigFile, out);
  ASSERT_TRUE(out.empty()) << ::testing::PrintToString(Strings(out));
  EXPECT_EQ(config->state, url);
}

// Tests that giving both a Maildir and SMTP transport is refused at the second.
TEST(ConfigLoader, BothMaildirAndSmtpIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: ../var/Maildir
  smtp:
    url: smtp://mail.example.org:587
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":6:3: transport.smtp: give exactly one of 'maildir' and 'smtp'"));
}

// Tests that a transport with neither Maildir nor SMTP is refused.
TEST(ConfigLoader, NeitherMaildirNorSmtpIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport: {}
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":4:12: transport: missing 'maildir' or 'smtp': expected exactly one "
                          "transport"));
}

// Tests that policy.overdue takes the weekday its repeats go on and how many there are at most
// (SPEC §4 "No nagging forever"), left unset they are the digest day and 4, and a day that is
// not a weekday is refused where it is written.
TEST(ConfigLoader, OverdueRepeatsTakeAWeekdayAndAMaximum) {
  const std::string head = R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: ../var/Maildir
policy:
)";
  Diagnostics out;
  auto config = parse_config(
      Yaml(head + "  overdue: {after: 2, repeat: 14, weekday: Wednesday, max_repeats: 2}\n"),
      kConfigFile, out);
  EXPECT_THAT(Strings(out), IsEmpty());
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->policy.overdue, (Repeat{2, 14}));
  EXPECT_EQ(config->policy.overdue_weekday, date::Wednesday);
  EXPECT_EQ(config->policy.overdue_max_repeats, 2);

  auto defaults = parse_config(Yaml(head + "  overdue: {after: 1}\n"), kConfigFile, out);
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->policy.overdue_weekday, std::nullopt);
  EXPECT_EQ(defaults->policy.overdue_max_repeats, 4);

  EXPECT_THAT(
      ConfigProblems(head + "  overdue: {weekday: someday, max_repeats: -1}\n"),
      UnorderedElementsAre(
          std::string(kConfigFile) +
              ":7:22: policy.overdue.weekday: expected a day of the week (monday to "
              "sunday), found 'someday'",
          ::testing::StartsWith(std::string(kConfigFile) + ":7:44: policy.overdue.max_repeats: ")));
}

// Tests that a misspelt time zone is refused, quoting it.
TEST(ConfigLoader, UnknownTimeZoneIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
timezone: Europe/Londn
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: ../var/Maildir
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":1:11: timezone: unknown time zone \"Europe/Londn\" (expected an IANA "
                          "name such as \"Europe/London\")"));
}

// Tests that a send time that is not "HH:MM" is refused, quoting it.
TEST(ConfigLoader, BadSendTimeIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: ../var/Maildir
policy:
  send_time: 9am
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":7:14: policy.send_time: expected a 24-hour time such as \"09:00\" (in "
                          "quotes), found '9am'"));
}

// Tests that a rate limit in an unknown unit is refused, quoting it.
TEST(ConfigLoader, BadRateLimitIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  smtp:
    url: smtps://mail.example.org:465
    rate_limit: 30/min
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":7:17: transport.smtp.rate_limit: expected a rate such as 30/minute "
                          "(per second, minute or hour), found '30/min'"));
}

// Tests that a quarters style other than calendar or financial is refused.
TEST(ConfigLoader, BadQuartersIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
calendar:
  quarters: fiscal
transport:
  maildir: ../var/Maildir
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":5:13: calendar.quarters: expected 'calendar' or 'financial', found "
                          "'fiscal'"));
}

// Tests that an SMTP URL carrying credentials is refused without echoing them.
TEST(ConfigLoader, UrlWithCredentialsIsRefused) {
  EXPECT_THAT(ConfigProblems(R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  smtp:
    url: smtp://dhr-reminders:hunter2@mail.example.org:587
)"),
              ElementsAre(std::string(kConfigFile) +
                          ":6:10: transport.smtp.url: the URL must not contain credentials; use "
                          "'username' and 'password_file'"));
}

// Tests that names shown in emails cannot hold '<', '>' or '"', which would let an agency's
// name pose as another address, as the sender's name cannot.
TEST(DirectoryLoader, NamesThatPoseAsAddressesAreRefused) {
  std::string directory(Yaml(kSmallDirectory));
  directory.replace(directory.find("Wearside Women in Need"), 22, "\"Bank <ceo@bank.example>\"");
  directory.replace(directory.find("name: Chair"), 11, "name: 'Chair \"The Boss\"'");
  std::vector<std::string> problems;
  Diagnostics out;
  parse_directory(directory, "agencies.yaml", out);
  EXPECT_THAT(Strings(out),
              ElementsAre("agencies.yaml:3:17: partnership.chair.name: the name 'Chair \"The "
                          "Boss\"' has '\"', '<' or '>', which would let a name pose as an "
                          "address; write the name alone",
                          "agencies.yaml:8:11: agencies.wwin.name: the name 'Bank "
                          "<ceo@bank.example>' has '\"', '<' or '>', which would let a name pose "
                          "as an address; write the name alone"));
}

// Tests that one address written twice in different case is a duplicate: mail servers and
// people read A@B.example and a@b.example as one mailbox.
TEST(DirectoryLoader, AddressesDifferingOnlyInCaseAreDuplicates) {
  std::string directory(Yaml(kSmallDirectory));
  directory.replace(directory.find("[dhr-lead@wwin.example.org]"), 27,
                    "[Dhr-Lead@WWIN.example.org, dhr-lead@wwin.example.org]");
  Diagnostics out;
  parse_directory(directory, "agencies.yaml", out);
  EXPECT_THAT(Strings(out), ElementsAre("agencies.yaml:9:37: agencies.wwin.to[1]: address "
                                        "'dhr-lead@wwin.example.org' is listed twice"));
}

// The SMTP part of a configuration, under the usual top keys.
std::string SmtpConfig(std::string_view smtp) {
  return "plans: plans/*.yaml\n"
         "directory: agencies.yaml\n"
         "from: \"Partnership <dhr-actions@partnership.example.org>\"\n"
         "transport:\n"
         "  smtp:\n" +
         std::string(smtp);
}

std::vector<std::string> SmtpProblems(std::string_view smtp) {
  Diagnostics out;
  parse_config(SmtpConfig(smtp), kConfigFile, out);
  return Strings(out);
}

// Tests that a password without a username is refused at the password's key, as the
// transport would refuse it at start.
TEST(ConfigLoader, PasswordWithoutUsernameIsRefused) {
  TempDir folder("plan-reminder-config");
  fs::path password = folder.path() / "smtp-password";
  { std::ofstream(password) << "secret-value\n"; }
  fs::permissions(password, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THAT(SmtpProblems("    url: smtps://mail.example.org:465\n"
                           "    password_file: " +
                           password.string() + "\n"),
              ElementsAre(std::string(kConfigFile) +
                          ":7:5: transport.smtp.password_file: a password needs a username to "
                          "authenticate as: add 'username'"));
  EXPECT_THAT(SmtpProblems("    url: smtps://mail.example.org:465\n"
                           "    credential: smtp-password\n"),
              ElementsAre(std::string(kConfigFile) +
                          ":7:5: transport.smtp.credential: a password needs a username to "
                          "authenticate as: add 'username'"));
}

// Tests that a password file the transport could not use is refused by the loader: readable by
// every user, missing, a folder, a FIFO (without waiting on it) or empty. The password itself
// never appears.
TEST(ConfigLoader, UnusablePasswordFilesAreRefused) {
  TempDir folder("plan-reminder-config");
  const fs::path& root = folder.path();
  auto problems_for = [](const fs::path& file) {
    return SmtpProblems(
        "    url: smtps://mail.example.org:465\n"
        "    username: dhr-reminders\n"
        "    password_file: " +
        file.string() + "\n");
  };
  auto at_key = [](const std::string& message) {
    return std::string(kConfigFile) + ":8:20: transport.smtp.password_file: " + message;
  };
  fs::path open_to_all = root / "open";
  { std::ofstream(open_to_all) << "secret-value\n"; }
  fs::permissions(open_to_all, fs::perms::owner_read | fs::perms::owner_write |
                                   fs::perms::group_read | fs::perms::others_read);
  EXPECT_THAT(problems_for(open_to_all),
              ElementsAre(at_key("the SMTP password file " + open_to_all.string() +
                                 " can be read or written by every user (mode 0644): run chmod "
                                 "600 " +
                                 open_to_all.string() + " (or 640 with the service's group)")));
  EXPECT_THAT(problems_for(root / "missing"),
              ElementsAre(at_key("cannot read the SMTP password file " +
                                 (root / "missing").string() + ": No such file or directory")));
  fs::create_directory(root / "folder");
  EXPECT_THAT(problems_for(root / "folder"),
              ElementsAre(at_key("the SMTP password file " + (root / "folder").string() +
                                 " is a folder, not a file")));
  ASSERT_EQ(::mkfifo((root / "fifo").c_str(), 0600), 0);
  EXPECT_THAT(problems_for(root / "fifo"),
              ElementsAre(at_key("the SMTP password file " + (root / "fifo").string() +
                                 " is not a regular file")));
  { std::ofstream(root / "empty"); }
  fs::permissions(root / "empty", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THAT(
      problems_for(root / "empty"),
      ElementsAre(at_key("the SMTP password file " + (root / "empty").string() + " is empty")));
  fs::path group_readable = root / "group";
  { std::ofstream(group_readable) << "secret-value\n"; }
  fs::permissions(group_readable,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_THAT(problems_for(group_readable), IsEmpty());
}

// Tests that a systemd credential is checked where $CREDENTIALS_DIRECTORY is set (the service
// and its ExecReload), and not elsewhere.
TEST(ConfigLoader, CredentialIsCheckedWhereSystemdProvidesIt) {
  TempDir folder("plan-reminder-config");
  const std::string smtp =
      "    url: smtps://mail.example.org:465\n"
      "    username: dhr-reminders\n"
      "    credential: smtp-password\n";
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_THAT(SmtpProblems(smtp), IsEmpty());
  ::setenv("CREDENTIALS_DIRECTORY", folder.path().c_str(), 1);
  EXPECT_THAT(
      SmtpProblems(smtp),
      ElementsAre(std::string(kConfigFile) +
                  ":8:17: transport.smtp.credential: the systemd credential "
                  "'smtp-password': cannot read the SMTP password file " +
                  (folder.path() / "smtp-password").string() + ": No such file or directory"));
  { std::ofstream(folder.path() / "smtp-password") << "secret-value\n"; }
  fs::permissions(folder.path() / "smtp-password", fs::perms::owner_read);
  EXPECT_THAT(SmtpProblems(smtp), IsEmpty());
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

// Tests that allow_plaintext is refused at its key for any host that is not loopback, however
// it is spelt, and accepted for loopback ones.
TEST(ConfigLoader, PlaintextOnlyToLoopbackHosts) {
  for (std::string host : {"10.1.2.3", "127.0.0.1.evil.example", "localhost.evil.example",
                           "[::ffff:10.1.2.3]", "mail.example.org", "[::2]"}) {
    SCOPED_TRACE(host);
    std::string lower = host;
    EXPECT_THAT(SmtpProblems("    url: smtp://" + host +
                             ":25\n"
                             "    allow_plaintext: true\n"),
                ElementsAre(std::string(kConfigFile) +
                            ":7:22: transport.smtp.allow_plaintext: plaintext is allowed only to "
                            "a loopback host (localhost, 127.0.0.0/8, ::1), not '" +
                            host + "': remove it to use STARTTLS, or use smtps://"));
  }
  for (std::string host :
       {"localhost", "LOCALHOST.", "127.0.0.1", "127.8.9.10", "[::1]", "[::ffff:127.0.0.1]"}) {
    SCOPED_TRACE(host);
    EXPECT_THAT(SmtpProblems("    url: smtp://" + host +
                             ":2525\n"
                             "    allow_plaintext: true\n"),
                IsEmpty());
  }
  // smtps:// is TLS from the start: allow_plaintext changes nothing there.
  EXPECT_THAT(SmtpProblems("    url: smtps://10.1.2.3:465\n"
                           "    allow_plaintext: true\n"),
              IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// Loading a whole deployment

void WriteFile(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

constexpr std::string_view kDeploymentConfig = R"(
plans: plans/*.yaml
directory: agencies.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: Maildir
)";

// A one-action plan for review `id`, led by `lead`; line 2 holds the review id at column 7 and
// line 11 the lead at column 16.
std::string SmallPlan(std::string_view id, std::string_view lead = "wwin",
                      std::string_view target = "March 2020") {
  return "review:\n"
         "  id: " +
         std::string(id) +
         "\n"
         "  title: Test review\n"
         "recommendations:\n"
         "  - id: \"1\"\n"
         "    scope: local\n"
         "    text: Recommendation one\n"
         "    actions:\n"
         "      - id: \"1.1\"\n"
         "        text: Action one\n"
         "        lead: [" +
         std::string(lead) +
         "]\n"
         "        target: " +
         std::string(target) + "\n";
}

// A deployment in a temporary folder: config, directory and plans/.
class DeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(config_file(), Yaml(kDeploymentConfig));
    WriteFile(root() / "agencies.yaml", Yaml(kSmallDirectory));
  }
  const fs::path& root() const { return temp_.path(); }
  fs::path config_file() const { return root() / "plan-reminder.yaml"; }
  fs::path plan_file(std::string_view name) const { return root() / "plans" / name; }

  TempDir temp_{"plan-reminder-loaders"};
};

std::vector<std::string> ReviewIds(const Snapshot& snapshot) {
  std::vector<std::string> ids;
  for (const auto& plan : snapshot.plans) {
    ids.push_back(plan->review.id);
  }
  return ids;
}

// Tests that two plan files with the same review id are refused, naming both files.
TEST_F(DeploymentTest, DuplicateReviewIdsAcrossPlansAreReportedNamingBothFiles) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-david"));
  WriteFile(plan_file("b.yaml"), SmallPlan("dhr-david"));
  SnapshotLoader loader(1);
  LoadResult result = loader.load(config_file().string());
  EXPECT_EQ(result.snapshot, nullptr);
  EXPECT_THAT(Strings(result.diagnostics),
              ElementsAre(plan_file("b.yaml").string() +
                          ":2:7: review.id: duplicate review id 'dhr-david' (also used by " +
                          plan_file("a.yaml").string() + ":2)"));
}

// Tests that a plan glob that matches nothing is reported at the `plans:` value.
TEST_F(DeploymentTest, PlanGlobMatchingNothingIsReported) {
  WriteFile(config_file(), Yaml(R"(
directory: agencies.yaml
plans: reviews/*.yaml
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
transport:
  maildir: Maildir
)"));
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  SnapshotLoader loader(1);
  LoadResult result = loader.load(config_file().string());
  EXPECT_EQ(result.snapshot, nullptr);
  EXPECT_THAT(Strings(result.diagnostics),
              ElementsAre(config_file().string() + ":2:8: plans: no plan file matches " +
                          (root() / "reviews" / "*.yaml").string()));
}

// Tests that removing an agency from the directory makes an unchanged plan that names it fail,
// although the plan itself comes from the cache.
TEST_F(DeploymentTest, DirectoryEditBreaksACachedUnchangedPlan) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a", "police"));
  SnapshotLoader loader(1);
  LoadResult first = loader.load(config_file().string());
  ASSERT_THAT(Strings(first.diagnostics), IsEmpty());
  ASSERT_NE(first.snapshot, nullptr);

  WriteFile(root() / "agencies.yaml", Yaml(R"(
partnership:
  name: Safer Sunderland Partnership
  chair: {name: Chair, to: [chair@partnership.example.org]}
  coordinator: {name: DHR coordinator, to: [dhr-coordinator@council.example.org]}
  digest: {to: [partnership-board@partnership.example.org], list: true}
agencies:
  wwin:
    name: Wearside Women in Need
    to: [dhr-lead@wwin.example.org]
)"));
  LoadResult second = loader.load(config_file().string());
  EXPECT_EQ(loader.parsed_last_time(), 0u);
  EXPECT_EQ(second.snapshot, nullptr);
  EXPECT_THAT(Strings(second.diagnostics),
              ElementsAre(plan_file("a.yaml").string() +
                          ":11:16: recommendations[0].actions[0].lead[0]: unknown agency 'police'; "
                          "agencies are defined in " +
                          (root() / "agencies.yaml").string()));
}

// Tests that a reload re-parses only the plan file that changed, and that a removed plan file
// leaves the snapshot.
TEST_F(DeploymentTest, ReloadParsesOnlyChangedFilesAndDropsRemovedOnes) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  WriteFile(plan_file("b.yaml"), SmallPlan("dhr-b"));
  SnapshotLoader loader(2);
  LoadResult first = loader.load(config_file().string());
  ASSERT_NE(first.snapshot, nullptr) << ::testing::PrintToString(Strings(first.diagnostics));
  EXPECT_EQ(loader.parsed_last_time(), 2u);
  EXPECT_THAT(ReviewIds(*first.snapshot), ElementsAre("dhr-a", "dhr-b"));

  LoadResult unchanged = loader.load(config_file().string());
  ASSERT_NE(unchanged.snapshot, nullptr);
  EXPECT_EQ(loader.parsed_last_time(), 0u);

  // A different length, so the change is seen whatever the file system's clock resolution.
  WriteFile(plan_file("b.yaml"), SmallPlan("dhr-b", "wwin", "By September 2020"));
  LoadResult edited = loader.load(config_file().string());
  ASSERT_NE(edited.snapshot, nullptr) << ::testing::PrintToString(Strings(edited.diagnostics));
  EXPECT_EQ(loader.parsed_last_time(), 1u);
  ASSERT_EQ(edited.snapshot->plans.size(), 2u);
  EXPECT_EQ(edited.snapshot->plans[0], first.snapshot->plans[0]);  // a.yaml from the cache
  EXPECT_EQ(edited.snapshot->plans[1]
                ->recommendations.at(0)
                .actions.at(0)
                .milestones.at(0)
                .target.wording,
            "By September 2020");

  fs::remove(plan_file("a.yaml"));
  LoadResult removed = loader.load(config_file().string());
  ASSERT_NE(removed.snapshot, nullptr);
  EXPECT_EQ(loader.parsed_last_time(), 0u);
  EXPECT_THAT(ReviewIds(*removed.snapshot), ElementsAre("dhr-b"));
}

// Tests that a bad edit gives no snapshot and the problem in the edited file.
TEST_F(DeploymentTest, BadEditGivesNoSnapshotAndTheProblem) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  SnapshotLoader loader(1);
  ASSERT_NE(loader.load(config_file().string()).snapshot, nullptr);

  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a", "wwin", "End Q3"));
  LoadResult result = loader.load(config_file().string());
  EXPECT_EQ(loader.parsed_last_time(), 1u);
  EXPECT_EQ(result.snapshot, nullptr);
  EXPECT_THAT(
      Strings(result.diagnostics),
      ElementsAre(plan_file("a.yaml").string() + ":12:17: recommendations[0].actions[0].target: " +
                  TargetError("End Q3", "a quarter needs a year, as in Q3 2021 or Q3 2021/22")));
}

// Tests that a folder named like a plan file, in the plans glob, is reported as a folder
// instead of stopping the load.
TEST_F(DeploymentTest, FolderMatchingThePlansGlobIsReported) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  fs::create_directories(plan_file("old.yaml"));
  SnapshotLoader loader(1);
  LoadResult result = loader.load(config_file().string());
  EXPECT_EQ(result.snapshot, nullptr);
  EXPECT_THAT(Strings(result.diagnostics),
              ElementsAre(plan_file("old.yaml").string() +
                          ": cannot read the plan: it is a folder, not a file"));
}

// Tests that a FIFO in the plans glob is reported at once: reading it would wait for a writer
// for ever.
TEST_F(DeploymentTest, FifoMatchingThePlansGlobIsReportedWithoutWaiting) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  ASSERT_EQ(::mkfifo(plan_file("x.yaml").c_str(), 0600), 0);
  SnapshotLoader loader(1);
  LoadResult result = loader.load(config_file().string());
  EXPECT_EQ(result.snapshot, nullptr);
  EXPECT_THAT(Strings(result.diagnostics),
              ElementsAre(plan_file("x.yaml").string() +
                          ": cannot read the plan: it is not a regular file (a FIFO)"));
}

// Tests that a folder or a FIFO given as the configuration, the directory or the holiday file
// is reported as such.
TEST_F(DeploymentTest, FolderOrFifoInPlaceOfAFileIsReported) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  fs::remove(root() / "agencies.yaml");
  fs::create_directory(root() / "agencies.yaml");
  SnapshotLoader loader(1);
  EXPECT_THAT(Strings(loader.load(config_file().string()).diagnostics),
              ElementsAre((root() / "agencies.yaml").string() +
                          ": cannot read the agency directory: it is a folder, not a file"));
  EXPECT_THAT(
      Strings(loader.load(root().string()).diagnostics),
      ElementsAre(root().string() + ": cannot read the configuration: it is a folder, not a file"));

  ASSERT_EQ(::mkfifo((root() / "holidays.json").c_str(), 0600), 0);
  Diagnostics out;
  parse_config(std::string(Yaml(kDeploymentConfig)) + "calendar:\n  holidays: holidays.json\n",
               config_file().string(), out);
  EXPECT_THAT(Strings(out),
              ElementsAre(::testing::StartsWith(config_file().string() +
                                                ":7:13: calendar.holidays: cannot read "
                                                "the holiday file " +
                                                (root() / "holidays.json").string() +
                                                ": it is not a regular file (a FIFO)")));
}

// Tests that a plan file larger than any plan is refused without being read.
TEST_F(DeploymentTest, OversizedPlanIsRefused) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a"));
  WriteFile(plan_file("huge.yaml"), "");
  fs::resize_file(plan_file("huge.yaml"), kMaxFileBytes + 1);
  SnapshotLoader loader(1);
  EXPECT_THAT(Strings(loader.load(config_file().string()).diagnostics),
              ElementsAre(plan_file("huge.yaml").string() +
                          ": cannot read the plan: it is larger than 16 MiB, too large for a "
                          "plan, directory or configuration file"));
}

// Tests that an unknown agency is reported together with the other problems of its plan, not
// only once they are fixed.
TEST_F(DeploymentTest, UnknownAgencyIsReportedWithTheOtherProblemsOfItsPlan) {
  WriteFile(plan_file("a.yaml"), SmallPlan("dhr-a", "wwinn") + "        progres: started\n");
  SnapshotLoader loader(1);
  LoadResult result = loader.load(config_file().string());
  EXPECT_EQ(result.snapshot, nullptr);
  EXPECT_THAT(Strings(result.diagnostics),
              ElementsAre(::testing::StartsWith(plan_file("a.yaml").string() +
                                                ":11:16: recommendations[0].actions[0].lead[0]: "
                                                "unknown agency 'wwinn'"),
                          ::testing::StartsWith(plan_file("a.yaml").string() +
                                                ":13:9: recommendations[0].actions[0].progres: "
                                                "unknown key 'progres'")));
}

}  // namespace
}  // namespace plan_reminder::plan
