// The parse cache (plan/parse_cache.h) as a new process meets it: unchanged plan files come
// from the cache with every field they had, and a changed, recent, damaged or foreign cache
// is never trusted.
#include "plan/parse_cache.h"
#include "plan/snapshot.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace plan_reminder::plan {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteAll(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string Day(const std::optional<date::year_month_day>& day) {
  std::ostringstream out;
  if (day) {
    out << *day;
  }
  return out.str();
}

std::string Due(const Milestone& milestone, const Review& review) {
  DueDate due = due_date(milestone, review);
  return std::to_string(static_cast<int>(due.kind)) + " " + Day(due.day);
}

// Everything a plan says that the service acts on, one line per milestone.
std::vector<std::string> Describe(const Snapshot& snapshot) {
  std::vector<std::string> lines;
  for (const auto& plan : snapshot.plans) {
    const Review& review = plan->review;
    lines.push_back(plan->file + " " + review.id + " " + review_display_name(review) + " " +
                    review.partnership + " " + Day(review.published));
    for (const auto& recommendation : plan->recommendations) {
      lines.push_back(recommendation.id + " " + std::string(to_string(recommendation.scope)) + " " +
                      recommendation.text);
      for (const auto& action : recommendation.actions) {
        std::string agencies;
        for (const auto& lead : action.lead) {
          agencies += lead.id + "@" + std::to_string(lead.line) + " ";
        }
        for (const auto& support : action.support) {
          agencies += "+" + support.id + " ";
        }
        lines.push_back(action.id + " " + action.text + " " + agencies +
                        std::string(to_string(action.status)) + " " + action.outcome + " " +
                        action.progress);
        for (const auto& milestone : action.milestones) {
          lines.push_back(milestone.id + " " + milestone.text + " | " + milestone.target_display() +
                          " | " + Due(milestone, review) + " | " + Day(milestone.done) + " | " +
                          milestone.progress + " | " + milestone.not_implemented.value_or("-"));
        }
      }
    }
  }
  return lines;
}

// A plan with what the example lacks: a revised target, a completion, a reason not to
// implement, a relative target on a published review.
constexpr std::string_view kOtherPlan = R"(review:
  id: dhr-other
  type: sar
  title: Another review
  partnership: Safer Sunderland Partnership
  published: 2020-01-20
recommendations:
  - id: "1"
    scope: regional
    text: A recommendation
    actions:
      - id: "1.1"
        text: An action
        lead: [police]
        support: [wwin]
        milestones:
          - id: a
            text: Revised
            target: March 2020
            revised_target: "July 2020"
          - id: b
            text: Done
            target: Within six months of publication
            done: 2020-05-04
          - id: c
            text: Not doing it
            target: TBC
            status: not_implemented
            reason: Replaced by the regional scheme
            progress: Discussed at the board
)";

class ParseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteAll(config_file(),
             "plans: plans/*.yaml\n"
             "directory: agencies.yaml\n"
             "state: state.db\n"
             "from: \"Safer Sunderland Partnership <dhr@partnership.example.org>\"\n"
             "transport:\n"
             "  maildir: Maildir\n");
    fs::copy_file(PR_SOURCE_DIR "/config/agencies.yaml", root() / "agencies.yaml");
    WriteAll(plan_file("david.yaml"), ReadAll(PR_SOURCE_DIR "/config/plans/david.yaml"));
    WriteAll(plan_file("other.yaml"), std::string(kOtherPlan));
  }

  const fs::path& root() const { return temp_.path(); }
  fs::path config_file() const { return root() / "plan-reminder.yaml"; }
  fs::path plan_file(const std::string& name) const { return root() / "plans" / name; }
  fs::path cache_file() const { return root() / "state.db.plan-cache"; }

  // A new process: a loader with nothing in memory. By default its clock is an hour ahead, so
  // that the files the test just wrote are old enough to be cached.
  LoadResult LoadAsNewProcess(std::chrono::seconds ahead = std::chrono::hours(1)) {
    loader_ = std::make_unique<SnapshotLoader>(2);
    loader_->use_parse_cache([ahead] { return std::chrono::system_clock::now() + ahead; });
    return loader_->load(config_file().string());
  }

  TempDir temp_{"plan-reminder-parse-cache"};
  std::unique_ptr<SnapshotLoader> loader_;
};

// Tests that a second process parses no unchanged file and works from exactly the same plans.
TEST_F(ParseCacheTest, UnchangedFilesComeFromTheCacheWithEveryField) {
  LoadResult first = LoadAsNewProcess();
  ASSERT_NE(first.snapshot, nullptr);
  EXPECT_EQ(loader_->parsed_last_time(), 2u);
  EXPECT_TRUE(fs::exists(cache_file()));

  LoadResult second = LoadAsNewProcess();
  ASSERT_NE(second.snapshot, nullptr);
  EXPECT_EQ(loader_->parsed_last_time(), 0u);
  EXPECT_THAT(loader_->parse_cache_problem(), IsEmpty());
  EXPECT_EQ(Describe(*second.snapshot), Describe(*first.snapshot));
}

// Tests that a file edited after the cache was written is parsed again, even when its size
// stays the same, and the edit is what the plans then say.
TEST_F(ParseCacheTest, AFileEditedSinceIsParsedAgain) {
  ASSERT_NE(LoadAsNewProcess().snapshot, nullptr);
  std::string text = ReadAll(plan_file("other.yaml"));
  text.replace(text.find("July 2020"), 9, "June 2020");
  WriteAll(plan_file("other.yaml"), text);

  LoadResult after = LoadAsNewProcess();
  ASSERT_NE(after.snapshot, nullptr);
  EXPECT_EQ(loader_->parsed_last_time(), 1u);
  std::string described;
  for (const auto& line : Describe(*after.snapshot)) {
    described += line + "\n";
  }
  EXPECT_THAT(described, HasSubstr("March 2020 (revised: June 2020)"));
}

// Tests that a file that changed in the seconds before the cache was written is not trusted
// from it: its times could repeat after a further edit.
TEST_F(ParseCacheTest, RecentlyChangedFilesAreNotCached) {
  ASSERT_NE(LoadAsNewProcess(std::chrono::seconds(0)).snapshot, nullptr);
  ASSERT_NE(LoadAsNewProcess().snapshot, nullptr);
  EXPECT_EQ(loader_->parsed_last_time(), 2u);
}

// Tests that a damaged cache (one byte changed, cut short, or empty) is ignored and written again:
// every file is parsed, the plans are right, and the next process uses the new cache.
TEST_F(ParseCacheTest, ADamagedCacheIsIgnoredAndWrittenAgain) {
  LoadResult good = LoadAsNewProcess();
  ASSERT_NE(good.snapshot, nullptr);
  std::string bytes = ReadAll(cache_file());
  for (const std::string& damaged :
       {bytes.substr(0, bytes.size() / 2), std::string(bytes).replace(bytes.size() / 2, 1, "\x7f"),
        std::string("not a cache at all"), std::string()}) {
    WriteAll(cache_file(), damaged);
    LoadResult result = LoadAsNewProcess();
    ASSERT_NE(result.snapshot, nullptr);
    EXPECT_EQ(loader_->parsed_last_time(), 2u);
    EXPECT_THAT(loader_->parse_cache_problem(), HasSubstr("damaged"));
    EXPECT_EQ(Describe(*result.snapshot), Describe(*good.snapshot));

    LoadAsNewProcess();
    EXPECT_EQ(loader_->parsed_last_time(), 0u);
  }
}

// Tests that plans parsed with the other quarter style are parsed again ("Q3 2021" moves).
TEST_F(ParseCacheTest, AnotherQuarterStyleParsesAgain) {
  ASSERT_NE(LoadAsNewProcess().snapshot, nullptr);
  std::string config = ReadAll(config_file());
  WriteAll(config_file(), config + "calendar:\n  quarters: financial\n");
  ASSERT_NE(LoadAsNewProcess().snapshot, nullptr);
  EXPECT_EQ(loader_->parsed_last_time(), 2u);
}

// Tests that a plan with a problem is never hidden by the cache: the next process reports it
// again.
TEST_F(ParseCacheTest, APlanWithAProblemIsReportedByEveryProcess) {
  WriteAll(plan_file("bad.yaml"), "review: [\n");
  LoadResult first = LoadAsNewProcess();
  EXPECT_EQ(first.snapshot, nullptr);
  ASSERT_FALSE(first.diagnostics.empty());
  LoadResult second = LoadAsNewProcess();
  EXPECT_EQ(second.snapshot, nullptr);
  EXPECT_EQ(loader_->parsed_last_time(), 1u);
  EXPECT_EQ(second.diagnostics.lines(), first.diagnostics.lines());
}

// Tests that a cache that cannot be written (its folder is a file) is only missed: the plans
// load, and the problem is said.
TEST_F(ParseCacheTest, ACacheThatCannotBeWrittenIsOnlyMissed) {
  std::string config = ReadAll(config_file());
  config.replace(config.find("state: state.db"), 15, "state: blocked/state.db");
  WriteAll(config_file(), config);
  WriteAll(root() / "blocked", "a file, not a folder");
  LoadResult result = LoadAsNewProcess();
  ASSERT_NE(result.snapshot, nullptr);
  EXPECT_THAT(loader_->parse_cache_problem(), HasSubstr("cannot write"));
}

// Tests where the cache lives: beside a SQLite state; for PostgreSQL only in systemd's cache
// folder.
TEST(ParseCacheFile, LivesBesideTheStateOrInTheCacheDirectory) {
  EXPECT_EQ(parse_cache_file("/var/lib/plan-reminder/state.db"),
            "/var/lib/plan-reminder/state.db.plan-cache");
  ::unsetenv("CACHE_DIRECTORY");
  EXPECT_EQ(parse_cache_file("postgresql://reminders@db.example.org/plans"), "");
  ::setenv("CACHE_DIRECTORY", "/var/cache/plan-reminder:/var/cache/other", 1);
  EXPECT_EQ(parse_cache_file("postgresql://reminders@db.example.org/plans"),
            "/var/cache/plan-reminder/plan-cache");
  ::unsetenv("CACHE_DIRECTORY");
}

}  // namespace
}  // namespace plan_reminder::plan
