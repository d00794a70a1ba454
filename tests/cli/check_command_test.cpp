// Tests for `plan-reminder check` and `plan-reminder agenda` (SPEC §6), run as the real binary
// on copies of the example deployment (config/ and templates/) in a temporary folder: what the
// coordinator reads, and the sysexits codes scripts and systemd's ExecReload rely on. Due dates,
// states and days below were worked out by hand from the seed action plan (the published
// action plan of the review 'David', from which config/plans/david.yaml was made).
#include "support/temp_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Where a piece of text sits in a file, 1-based, as diagnostics give it.
struct Place {
  int line = 0;
  int column = 0;
};

// The example deployment copied to a fresh temporary folder, removed afterwards.
class ExampleDeployment : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fs::path(PR_SOURCE_DIR) / "config", root_ / "config", fs::copy_options::recursive);
    if (fs::exists(fs::path(PR_SOURCE_DIR) / "templates")) {
      fs::copy(fs::path(PR_SOURCE_DIR) / "templates", root_ / "templates",
               fs::copy_options::recursive);
    }
    fs::create_directories(root_ / "run");
  }

  fs::path config_file() const { return root_ / "config" / "plan-reminder.yaml"; }
  fs::path directory_file() const { return root_ / "config" / "agencies.yaml"; }
  fs::path plan_file() const { return root_ / "config" / "plans" / "david.yaml"; }

  // Replaces the first line of `file` that contains `from` with the same line holding `to`, and
  // says where `to` now stands.
  Place Edit(const fs::path& file, std::string_view from, std::string_view to) {
    std::string text = ReadFile(file);
    std::size_t at = text.find(from);
    if (at == std::string::npos) {
      ADD_FAILURE() << "'" << from << "' is not in " << file;
      return {};
    }
    text.replace(at, from.size(), to);
    WriteFile(file, text);
    std::size_t line_start = text.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
    return Place{line, static_cast<int>(at - line_start) + 1};
  }

  // Runs the binary with `args`, capturing its output in files so that neither pipe can fill.
  Outcome Run(const std::vector<std::string>& args) {
    const std::string out_path = (root_ / "run" / "stdout").string();
    const std::string err_path = (root_ / "run" / "stderr").string();
    std::vector<std::string> words{PR_BINARY};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& word : words) {
      argv.push_back(word.data());
    }
    argv.push_back(nullptr);

    pid_t child = ::fork();
    if (child == 0) {
      int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out < 0 || err < 0 || ::dup2(out, STDOUT_FILENO) < 0 || ::dup2(err, STDERR_FILENO) < 0) {
        ::_exit(126);
      }
      // A command that hangs (a FIFO read, say) is killed by SIGALRM, which fails the test
      // instead of hanging it; the timer survives execv().
      ::alarm(60);
      ::execv(PR_BINARY, argv.data());
      ::_exit(127);
    }
    Outcome outcome;
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) != child) {
      ADD_FAILURE() << "cannot run " << PR_BINARY;
      return outcome;
    }
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    outcome.out = ReadFile(out_path);
    outcome.err = ReadFile(err_path);
    return outcome;
  }

  Outcome Check() { return Run({"check", "--config", config_file().string()}); }

  nlohmann::json AgendaJson(const std::string& as_of, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"agenda",   "--config", config_file().string(), "--as-of", as_of,
                                  "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    Outcome outcome = Run(args);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    EXPECT_EQ(outcome.err, "");
    return nlohmann::json::parse(outcome.out);
  }

  plan_reminder::test_support::TempDir dir_{"plan-reminder-cli"};
  const fs::path& root_ = dir_.path();
};

// The agenda items keyed by "action/milestone".
std::map<std::string, nlohmann::json> ByMilestone(const nlohmann::json& agenda) {
  std::map<std::string, nlohmann::json> items;
  for (const auto& item : agenda.at("items")) {
    items.emplace(
        item.at("action").get<std::string>() + "/" + item.at("milestone").get<std::string>(), item);
  }
  return items;
}

const nlohmann::json& Item(const std::map<std::string, nlohmann::json>& items,
                           const std::string& key) {
  static const nlohmann::json missing;
  auto found = items.find(key);
  if (found == items.end()) {
    ADD_FAILURE() << "no agenda item " << key;
    return missing;
  }
  return found->second;
}

std::set<std::string> Actions(const nlohmann::json& agenda) {
  std::set<std::string> actions;
  for (const auto& item : agenda.at("items")) {
    actions.insert(item.at("action").get<std::string>());
  }
  return actions;
}

// The milestones of the 'David' plan due by "March 2020" / "By March 2020": those of actions
// still open in the seed, and those whose progress note starts "Completed".
const std::vector<std::string> kOpenDueEndOfMarch2020{
    "1.1/scoping",      "1.2/pathway",     "1.4/ppit-in-training",    "1.5/do-no-harm-in-training",
    "2.3/staff-groups", "3.6/co-location", "3.7/blue-light-research", "5.2/support-offer",
    "5.6/sip-listing"};
const std::vector<std::string> kCompleteDueEndOfMarch2020{
    "1.3/caseloads",          "2.1/daps-level-3",  "2.2/early-help-trained", "3.1/pathway",
    "3.3/perpetrator-module", "5.3/daps-delivery", "5.4/ask-me-ambassadors"};

constexpr std::string_view kForms =
    "expected a day (31 March 2020, 31/03/2020, 2020-03-31), a month (March 2020, Sept 2019, "
    "2020-03), a year (2021), a quarter (Q3 2021, Q3 2021/22), a financial year (2021/22), a "
    "period after publication (within one month of publication), TBC, or Ongoing";

// ---------------------------------------------------------------------------------------------
// check

// Tests that `check` accepts the example deployment and sums it up on stdout.
TEST_F(ExampleDeployment, CheckAcceptsTheExample) {
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.out, "ok: 1 plan, 26 actions, 32 milestones, 15 agencies\n");
  EXPECT_EQ(outcome.err, "");
}

// Tests that one bad target in a plan makes `check` exit 65 (bad data) and print the exact
// file:line:col of it.
TEST_F(ExampleDeployment, CheckReportsABadTargetAtItsLineAndExits65) {
  Place place = Edit(plan_file(), "target: March 2019", "target: Spring 2020");
  place.column += static_cast<int>(std::string_view("target: ").size());
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 65);
  EXPECT_EQ(outcome.out, "");
  EXPECT_EQ(outcome.err, plan_file().string() + ":" + std::to_string(place.line) + ":" +
                             std::to_string(place.column) +
                             ": recommendations[1].actions[2].milestones[0].target: unrecognised "
                             "target date \"Spring 2020\": a season is not a date; give a month, "
                             "as in June 2020; " +
                             std::string(kForms) + "\n1 problem found\n");
}

// Tests that a broken agency directory makes `check` exit 78 (bad configuration).
TEST_F(ExampleDeployment, CheckRefusesABrokenDirectoryWithExit78) {
  Place place = Edit(directory_file(), "to: [dhr-lead@wwin.example.org]", "to: []");
  place.column += static_cast<int>(std::string_view("to: ").size());
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 78);
  EXPECT_EQ(outcome.out, "");
  EXPECT_EQ(outcome.err, directory_file().string() + ":" + std::to_string(place.line) + ":" +
                             std::to_string(place.column) +
                             ": agencies.wwin.to: has no address: at least one email address is "
                             "needed\n1 problem found\n");
}

// Tests that a broken daemon configuration makes `check` exit 78.
TEST_F(ExampleDeployment, CheckRefusesABrokenConfigWithExit78) {
  Place place = Edit(config_file(), "timezone: Europe/London", "timezone: Europe/Londn");
  place.column += static_cast<int>(std::string_view("timezone: ").size());
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 78);
  EXPECT_EQ(outcome.err, config_file().string() + ":" + std::to_string(place.line) + ":" +
                             std::to_string(place.column) +
                             ": timezone: unknown time zone \"Europe/Londn\" (expected an IANA "
                             "name such as \"Europe/London\")\n1 problem found\n");
}

// Tests that a configuration file that does not exist makes `check` exit 78, saying why.
TEST_F(ExampleDeployment, CheckOfAMissingConfigExits78) {
  const std::string missing = (root_ / "config" / "missing.yaml").string();
  Outcome outcome = Run({"check", "--config", missing});
  EXPECT_EQ(outcome.exit_code, 78);
  EXPECT_EQ(outcome.err, missing +
                             ": cannot read the configuration: No such file or directory\n"
                             "1 problem found\n");
}

// Tests that an unknown option is a usage error, exit 64.
TEST_F(ExampleDeployment, UnknownOptionExits64) {
  Outcome outcome = Run({"check", "--config", config_file().string(), "--colour"});
  EXPECT_EQ(outcome.exit_code, 64);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("--colour"), std::string::npos) << outcome.err;
}

// Tests that a FIFO named like a plan makes `check` report it and exit 65, at once, instead of
// waiting for ever for a writer.
TEST_F(ExampleDeployment, CheckReportsAFifoAmongThePlansWithoutWaiting) {
  const fs::path fifo = root_ / "config" / "plans" / "x.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 65);
  EXPECT_EQ(outcome.err, fifo.string() +
                             ": cannot read the plan: it is not a regular file (a FIFO)\n"
                             "1 problem found\n");
}

// Tests that a folder named like a plan makes `check` report it and exit 65, not abort.
TEST_F(ExampleDeployment, CheckReportsAFolderAmongThePlans) {
  const fs::path folder = root_ / "config" / "plans" / "old.yaml";
  fs::create_directory(folder);
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 65);
  EXPECT_EQ(outcome.err, folder.string() +
                             ": cannot read the plan: it is a folder, not a file\n"
                             "1 problem found\n");
}

// Tests that a plan with 100,000 unknown keys gives a short report: the first 100 problems,
// how many more there are, and the true total.
TEST_F(ExampleDeployment, CheckListsAFloodOfProblemsUpToACap) {
  std::string keys;
  for (int i = 0; i < 100'000; ++i) {
    keys += "k" + std::to_string(i) + ": 1\n";
  }
  WriteFile(plan_file(), ReadFile(plan_file()) + keys);
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 65);
  EXPECT_LT(outcome.err.size(), 64u * 1024u);
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 102);
  EXPECT_NE(outcome.err.find(plan_file().string() +
                             ": ... and 99900 more problems in this file, not listed\n"
                             "100000 problems found\n"),
            std::string::npos)
      << outcome.err.substr(outcome.err.size() - std::min<std::size_t>(outcome.err.size(), 500));
}

// Tests that a key holding terminal escape sequences and a forged line is shown escaped: the
// output holds no control character but the line ends.
TEST_F(ExampleDeployment, CheckEscapesControlCharactersInWhatItQuotes) {
  WriteFile(plan_file(), ReadFile(plan_file()) + "\"\\e]0;owned\\a\\e[2J\\n" +
                             plan_file().string() + ":1:1: all fine\": 1\n");
  Outcome outcome = Check();
  EXPECT_EQ(outcome.exit_code, 65);
  EXPECT_EQ(std::count_if(outcome.err.begin(), outcome.err.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\n'; }),
            0);
  EXPECT_NE(outcome.err.find("unknown key '\\x1b]0;owned\\x07\\x1b[2J\\n" + plan_file().string()),
            std::string::npos)
      << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 2) << outcome.err;
}

// Tests that `check` refuses, located at the key and with exit 78, the SMTP settings that
// `send-test` (and so `run`) would refuse, so that the unit's ExecStartPre and ExecReload never
// let through what the service then cannot start with.
TEST_F(ExampleDeployment, CheckRefusesWhatTheTransportWouldRefuse) {
  const fs::path password = root_ / "config" / "smtp-password";
  WriteFile(password, "secret-value\n");
  struct Case {
    std::string smtp;
    fs::perms mode;
    std::string expected;
  };
  const fs::perms private_mode = fs::perms::owner_read | fs::perms::owner_write;
  const std::vector<Case> cases{
      {"    url: smtps://mail.example.org:465\n    password_file: smtp-password\n", private_mode,
       "transport.smtp.password_file: a password needs a username to authenticate as: add "
       "'username'"},
      {"    url: smtps://mail.example.org:465\n    username: dhr\n    password_file: "
       "smtp-password\n",
       private_mode | fs::perms::group_read | fs::perms::others_read,
       "can be read or written by every user (mode 0644)"},
      {"    url: smtp://10.1.2.3:25\n    allow_plaintext: true\n", private_mode,
       "transport.smtp.allow_plaintext: plaintext is allowed only to a loopback host"},
      {"    url: smtp://127.0.0.1.evil.example:25\n    allow_plaintext: true\n", private_mode,
       "not '127.0.0.1.evil.example'"},
      {"    url: smtp://[::ffff:10.1.2.3]:25\n    allow_plaintext: true\n", private_mode,
       "not '[::ffff:10.1.2.3]'"},
  };
  const std::string original = ReadFile(config_file());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.smtp);
    std::string config = original;
    config.replace(config.find("  maildir: ../var/Maildir"),
                   std::string_view("  maildir: ../var/Maildir").size(), "  smtp:\n" + c.smtp);
    WriteFile(config_file(), config);
    fs::permissions(password, c.mode);
    Outcome check = Check();
    EXPECT_EQ(check.exit_code, 78);
    EXPECT_NE(check.err.find(c.expected), std::string::npos) << check.err;
    EXPECT_EQ(check.err.find("secret-value"), std::string::npos);
    Outcome send_test =
        Run({"send-test", "--config", config_file().string(), "--to", "test@example.org"});
    EXPECT_EQ(send_test.exit_code, 78) << send_test.err;
  }
}

// ---------------------------------------------------------------------------------------------
// agenda

// Tests that the JSON agenda lists every milestone of the 'David' plan once, 32 of them across
// its 26 actions.
TEST_F(ExampleDeployment, AgendaJsonListsEveryMilestone) {
  nlohmann::json agenda = AgendaJson("2020-02-03");
  EXPECT_EQ(agenda.at("as_of"), "2020-02-03");
  EXPECT_EQ(agenda.at("items").size(), 32u);
  EXPECT_EQ(ByMilestone(agenda).size(), 32u);
  EXPECT_EQ(Actions(agenda).size(), 26u);
  for (const auto& item : agenda.at("items")) {
    EXPECT_EQ(item.at("review"), "dhr-david");
    EXPECT_FALSE(item.at("lead").empty()) << item.dump();
  }
}

// Tests that the JSON agenda, written an item at a time, is laid out exactly as one JSON document
// indented by two (what scripts diffing it saw before), with and without items.
TEST_F(ExampleDeployment, AgendaJsonIsOneDocumentIndentedByTwo) {
  const std::vector<std::string> args{
      "agenda", "--config", config_file().string(), "--as-of", "2020-02-03", "--format", "json"};
  Outcome full = Run(args);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_EQ(full.out, nlohmann::json::parse(full.out).dump(2) + "\n");

  fs::remove(plan_file());
  Edit(config_file(), "plans: plans/*.yaml", "plans: plans");
  Outcome empty = Run(args);
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "{\n  \"as_of\": \"2020-02-03\",\n  \"items\": []\n}\n");
}

// Tests that on 3 February 2020 the seed's milestones stand as worked out by hand: "March 2019"
// is 309 days late, "March 2020" due in 57 days, "TBC" undated, and the target relative to
// publication pending.
TEST_F(ExampleDeployment, AgendaJsonGivesDueDatesStatesAndRag) {
  nlohmann::json agenda = AgendaJson("2020-02-03");
  auto items = ByMilestone(agenda);

  const auto& workforce_plan = Item(items, "2.3/workforce-plan");
  EXPECT_EQ(workforce_plan.at("target"), "March 2019");
  EXPECT_EQ(workforce_plan.at("due"), "2019-03-31");
  EXPECT_EQ(workforce_plan.at("state"), "overdue");
  EXPECT_EQ(workforce_plan.at("days"), -309);
  EXPECT_EQ(workforce_plan.at("rag"), "red");
  EXPECT_EQ(workforce_plan.at("lead"), nlohmann::json::array({"tfc"}));

  const auto& scoping = Item(items, "1.1/scoping");
  EXPECT_EQ(scoping.at("text"), "Research scoping document produced");
  EXPECT_EQ(scoping.at("target"), "March 2020");
  EXPECT_EQ(scoping.at("due"), "2020-03-31");
  EXPECT_EQ(scoping.at("state"), "later");
  EXPECT_EQ(scoping.at("days"), 57);
  EXPECT_EQ(scoping.at("rag"), "green");
  EXPECT_EQ(scoping.at("lead"), nlohmann::json::array({"wwin"}));

  const auto& letter = Item(items, "6.1/letter");
  EXPECT_EQ(letter.at("target"), "Within one month of the review being published");
  EXPECT_TRUE(letter.at("due").is_null());
  EXPECT_TRUE(letter.at("days").is_null());
  EXPECT_EQ(letter.at("state"), "pending");
  EXPECT_EQ(letter.at("rag"), "amber");

  const auto& training = Item(items, "2.3/training-begins");
  EXPECT_EQ(training.at("target"), "TBC");
  EXPECT_TRUE(training.at("due").is_null());
  EXPECT_EQ(training.at("state"), "undated");
  EXPECT_EQ(training.at("rag"), "amber");

  // "By Sept. 2020" on an action the seed marks "Completed".
  const auto& consulted = Item(items, "3.5/provider-consulted");
  EXPECT_EQ(consulted.at("due"), "2020-09-30");
  EXPECT_EQ(consulted.at("state"), "complete");
  EXPECT_EQ(consulted.at("rag"), "green");

  // Overdue items come first.
  EXPECT_EQ(agenda.at("items").at(0).at("action"), "2.3");
  EXPECT_EQ(agenda.at("items").at(0).at("milestone"), "workforce-plan");
}

// Checks every milestone due on 31 March 2020: open ones stand as given, complete ones stay
// complete and green whatever the day.
void ExpectEndOfMarch(const nlohmann::json& agenda, std::string_view state, int days,
                      std::string_view rag) {
  auto items = ByMilestone(agenda);
  for (const auto& key : kOpenDueEndOfMarch2020) {
    SCOPED_TRACE(key);
    const auto& item = Item(items, key);
    EXPECT_EQ(item.at("due"), "2020-03-31");
    EXPECT_EQ(item.at("state"), state);
    EXPECT_EQ(item.at("days"), days);
    EXPECT_EQ(item.at("rag"), rag);
  }
  for (const auto& key : kCompleteDueEndOfMarch2020) {
    SCOPED_TRACE(key);
    const auto& item = Item(items, key);
    EXPECT_EQ(item.at("due"), "2020-03-31");
    EXPECT_EQ(item.at("state"), "complete");
    EXPECT_EQ(item.at("rag"), "green");
  }
  std::vector<std::string> due_end_of_march;
  for (const auto& [key, item] : items) {
    if (item.at("due") == "2020-03-31") {
      due_end_of_march.push_back(key);
    }
  }
  std::vector<std::string> expected = kOpenDueEndOfMarch2020;
  expected.insert(expected.end(), kCompleteDueEndOfMarch2020.begin(),
                  kCompleteDueEndOfMarch2020.end());
  EXPECT_THAT(due_end_of_march, UnorderedElementsAreArray(expected));
}

// Tests that eleven days before the end of March 2020 those milestones are upcoming and amber.
TEST_F(ExampleDeployment, AgendaElevenDaysBeforeIsUpcomingAndAmber) {
  ExpectEndOfMarch(AgendaJson("2020-03-20"), "upcoming", 11, "amber");
}

// Tests that on 31 March 2020 those milestones are due today.
TEST_F(ExampleDeployment, AgendaOnTheDueDayIsDue) {
  ExpectEndOfMarch(AgendaJson("2020-03-31"), "due", 0, "amber");
}

// Tests that on 1 April 2020 those milestones are overdue and red.
TEST_F(ExampleDeployment, AgendaTheDayAfterIsOverdueAndRed) {
  ExpectEndOfMarch(AgendaJson("2020-04-01"), "overdue", -1, "red");
}

// Tests that the CSV agenda opens in Excel as UTF-8 (a byte-order mark), has its header and one
// CRLF-ended row per milestone, with the revised target, the completion date and the action's
// progress in columns of their own.
TEST_F(ExampleDeployment, AgendaCsvHasHeaderAndOneRowPerMilestone) {
  Outcome outcome = Run(
      {"agenda", "--config", config_file().string(), "--as-of", "2020-02-03", "--format", "csv"});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  const std::string header =
      "\xEF\xBB\xBFreview,recommendation,action,milestone,text,lead,target,revised_target,due,"
      "state,days,rag,completed,progress\r\n";
  EXPECT_EQ(outcome.out.substr(0, header.size()), header);
  std::size_t rows = 0;
  for (std::size_t at = outcome.out.find("\r\n"); at != std::string::npos;
       at = outcome.out.find("\r\n", at + 2)) {
    ++rows;
  }
  EXPECT_EQ(rows, 1u + 32u);
  EXPECT_NE(outcome.out.find("\r\ndhr-david,2,2.3,workforce-plan,S&T training included in TfC's "
                             "workforce development plan,tfc,March 2019,,2019-03-31,overdue,-309,"
                             "red,,"),
            std::string::npos)
      << outcome.out;
}

// Tests that `--agency wwin` keeps exactly the actions WWiN leads (the seed names it lead of
// eleven actions and support of none).
TEST_F(ExampleDeployment, AgendaForOneAgencyKeepsItsActions) {
  nlohmann::json agenda = AgendaJson("2020-02-03", {"--agency", "wwin"});
  EXPECT_EQ(Actions(agenda), (std::set<std::string>{"1.1", "1.2", "1.4", "1.5", "3.6", "4.1", "5.1",
                                                    "5.2", "5.3", "5.4", "5.5"}));
  EXPECT_EQ(agenda.at("items").size(), 12u);  // 4.1 has two milestones
  for (const auto& item : agenda.at("items")) {
    const auto& lead = item.at("lead");
    EXPECT_NE(std::find(lead.begin(), lead.end(), "wwin"), lead.end()) << item.dump();
  }
}

// Tests that `--agency` also keeps actions the agency only supports.
TEST_F(ExampleDeployment, AgendaForASupportingAgencyKeepsTheActionsItSupports) {
  nlohmann::json agenda = AgendaJson("2020-02-03", {"--agency", "da-strategic-projects-group"});
  EXPECT_THAT(Actions(agenda), ElementsAre("2.3"));
  EXPECT_EQ(agenda.at("items").size(), 4u);
}

// Tests that asking for a review that no plan has is a usage error, exit 64.
TEST_F(ExampleDeployment, AgendaForAnUnknownReviewExits64) {
  Outcome outcome = Run({"agenda", "--config", config_file().string(), "--review", "nope"});
  EXPECT_EQ(outcome.exit_code, 64);
  EXPECT_EQ(outcome.out, "");
  EXPECT_EQ(outcome.err, "plan-reminder agenda: no review 'nope' in the plans\n");
}

// Tests that a day that does not exist for --as-of is a usage error, exit 64.
TEST_F(ExampleDeployment, AgendaWithAnImpossibleDayExits64) {
  Outcome outcome = Run({"agenda", "--config", config_file().string(), "--as-of", "2020-13-01"});
  EXPECT_EQ(outcome.exit_code, 64);
  EXPECT_EQ(outcome.out, "");
  EXPECT_EQ(outcome.err,
            "plan-reminder agenda: --as-of expects a day as YYYY-MM-DD, got '2020-13-01'\n");
}

// Tests that the agenda of a plan with a problem prints the problem and exits 65, not a
// partial agenda.
TEST_F(ExampleDeployment, AgendaOfABrokenPlanExits65) {
  Edit(plan_file(), "target: March 2019", "target: Spring 2020");
  Outcome outcome = Run(
      {"agenda", "--config", config_file().string(), "--as-of", "2020-02-03", "--format", "json"});
  EXPECT_EQ(outcome.exit_code, 65);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("unrecognised target date \"Spring 2020\""), std::string::npos)
      << outcome.err;
}

// Tests that -v after the subcommand, as the README documents it for every subcommand, is taken
// (not a usage error) and logs at debug level what was loaded.
TEST_F(ExampleDeployment, VerboseAfterTheSubcommandLogsDebugDetail) {
  Outcome outcome = Run({"check", "-v", "--config", config_file().string()});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.err, ::testing::HasSubstr("[debug]")) << outcome.err;
  EXPECT_THAT(outcome.err, ::testing::HasSubstr("plan file(s) parsed")) << outcome.err;
  Outcome quiet = Run({"check", "--config", config_file().string()});
  EXPECT_EQ(quiet.err.find("[debug]"), std::string::npos) << quiet.err;
}

// Tests that a deployment whose plans folder holds no plan yet (the package as installed) is
// valid: `check` exits 0, counts 0 plans and says where to add one.
TEST_F(ExampleDeployment, AnEmptyPlansFolderIsValid) {
  fs::remove(plan_file());
  Edit(config_file(), "plans: plans/*.yaml", "plans: plans");
  Outcome outcome = Run({"check", "--config", config_file().string()});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_THAT(outcome.out, ::testing::StartsWith("ok: 0 plans, 0 actions, 0 milestones"));
  EXPECT_THAT(outcome.out, ::testing::HasSubstr("no plan yet"));
}

// Tests that a glob that matches no file is still an error: a mistyped path is not taken for a
// deployment without plans.
TEST_F(ExampleDeployment, AGlobMatchingNothingIsAnError) {
  Edit(config_file(), "plans: plans/*.yaml", "plans: plan/*.yaml");
  Outcome outcome = Run({"check", "--config", config_file().string()});
  EXPECT_EQ(outcome.exit_code, 78) << outcome.err;
  EXPECT_THAT(outcome.err, ::testing::HasSubstr("no plan file matches"));
}

}  // namespace
}  // namespace plan_reminder::cli
