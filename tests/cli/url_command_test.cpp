// Tests for `plan-reminder url` (SPEC §8): the links it prints open the page they name, with the
// secret and the epoch in the state; --revoke replaces them; a deployment without `web:`, an
// unknown agency and an unreadable secret are refused clearly. The config is built in C++ (the
// `web:` section's loader is tested in tests/plan); the binary itself runs for the refusals
// that need no `web:` section.
#include "cli/url_command.h"

#include "support/temp_dir.h"
#include "web/link_tokens.h"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace plan_reminder::cli {
namespace {

namespace fs = std::filesystem;
using namespace date::literals;

constexpr std::string_view kSecretBytes = "url-command-test-secret-32-bytes!";
constexpr date::year_month_day kToday = 2026_y / date::November / 30;

struct Printed {
  int code = -1;
  std::string out;
  std::string err;
};

// The example deployment's directory, a link secret and a state in a temporary folder.
class UrlCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(fs::path(PR_SOURCE_DIR) / "config" / "agencies.yaml",
                  folder_.path() / "agencies.yaml");
    std::ofstream(folder_.path() / "link-secret", std::ios::binary) << kSecretBytes;
    fs::permissions(folder_.path() / "link-secret", fs::perms::owner_read | fs::perms::owner_write);
    config_.file = (folder_.path() / "plan-reminder.yaml").string();
    config_.directory = (folder_.path() / "agencies.yaml").string();
    config_.state = (folder_.path() / "state.db").string();
    plan::WebSettings web;
    web.listen = {"127.0.0.1:8025"};
    web.base_url = "https://dhr.example.org";
    web.secret_file = (folder_.path() / "link-secret").string();
    config_.web = web;
  }

  Printed url(std::string kind, std::string id = {}, bool revoke = false) {
    UrlArguments args;
    args.kind = std::move(kind);
    args.id = std::move(id);
    args.revoke = revoke;
    std::ostringstream out;
    std::ostringstream err;
    int code = print_link(args, config_, out, err);
    return {code, out.str(), err.str()};
  }

  // Whether `url` (one line) opens `subject` with the state's epoch today.
  bool opens(const std::string& url, const web::LinkSubject& subject) {
    auto at = url.find("?t=");
    if (at == std::string::npos || url.back() != '\n') {
      return false;
    }
    std::string token = url.substr(at + 3, url.size() - at - 4);
    auto state = store::StateStore::open(config_.state);
    return web::verify(web::LinkSecret::from_bytes(kSecretBytes), subject,
                       web::current_epoch(*state, subject), token, kToday) == web::LinkCheck::valid;
  }

  test_support::TempDir folder_{"plan-reminder-url"};
  plan::Config config_;
};

// Tests that each kind of link is printed at its URL and opens what it names, and nothing else.
TEST_F(UrlCommandTest, PrintsWorkingLinks) {
  Printed board = url("board");
  EXPECT_EQ(board.code, 0) << board.err;
  // Printing needs no state: none was made.
  EXPECT_FALSE(fs::exists(config_.state));
  EXPECT_EQ(board.out.rfind("https://dhr.example.org/board?t=", 0), 0U) << board.out;
  EXPECT_TRUE(opens(board.out, {web::LinkPurpose::board, "board", {}}));

  Printed agency = url("agency", "police");
  EXPECT_EQ(agency.code, 0) << agency.err;
  EXPECT_EQ(agency.out.rfind("https://dhr.example.org/agency/police?t=", 0), 0U) << agency.out;
  EXPECT_TRUE(opens(agency.out, {web::LinkPurpose::agency, "police", {}}));
  EXPECT_FALSE(opens(agency.out, {web::LinkPurpose::feed, "police", {}}));
  EXPECT_FALSE(opens(agency.out, {web::LinkPurpose::agency, "council", {}}));

  Printed feed = url("feed", "police");
  EXPECT_EQ(feed.code, 0) << feed.err;
  EXPECT_EQ(feed.out.rfind("https://dhr.example.org/feeds/police.ics?t=", 0), 0U) << feed.out;
  EXPECT_TRUE(opens(feed.out, {web::LinkPurpose::feed, "police", {}}));
  EXPECT_FALSE(opens(feed.out, {web::LinkPurpose::agency, "police", {}}));

  Printed board_feed = url("feed", "board");
  EXPECT_EQ(board_feed.code, 0) << board_feed.err;
  EXPECT_EQ(board_feed.out.rfind("https://dhr.example.org/feeds/board.ics?t=", 0), 0U);
  EXPECT_TRUE(opens(board_feed.out, {web::LinkPurpose::feed, "board", {}}));
}

// Tests that --revoke prints a new link, says the old one no longer works, and that the old one
// then fails while the new one and other links work.
TEST_F(UrlCommandTest, RevokeReplacesTheLink) {
  Printed before = url("agency", "police");
  Printed other = url("agency", "council");
  Printed revoked = url("agency", "police", true);
  EXPECT_EQ(revoked.code, 0) << revoked.err;
  EXPECT_NE(revoked.err.find("no longer works"), std::string::npos) << revoked.err;
  EXPECT_NE(revoked.out, before.out);
  const web::LinkSubject police{web::LinkPurpose::agency, "police", {}};
  EXPECT_FALSE(opens(before.out, police));
  EXPECT_TRUE(opens(revoked.out, police));
  EXPECT_TRUE(opens(other.out, {web::LinkPurpose::agency, "council", {}}));
  // Printed again without --revoke: the new link, unchanged.
  EXPECT_EQ(url("agency", "police").out, revoked.out);
}

// Tests that the coordinator's link opens the coordinator's page only, and that --revoke
// replaces it without touching the board's.
TEST_F(UrlCommandTest, CoordinatorLinkOpensOnlyTheCoordinatorsPage) {
  Printed coordinator = url("coordinator");
  EXPECT_EQ(coordinator.code, 0) << coordinator.err;
  EXPECT_EQ(coordinator.out.rfind("https://dhr.example.org/updates?t=", 0), 0U) << coordinator.out;
  const web::LinkSubject subject{web::LinkPurpose::coordinator, "board", {}};
  EXPECT_TRUE(opens(coordinator.out, subject));
  EXPECT_FALSE(opens(coordinator.out, {web::LinkPurpose::board, "board", {}}));
  Printed board = url("board");
  EXPECT_FALSE(opens(board.out, subject));

  Printed revoked = url("coordinator", "", true);
  EXPECT_EQ(revoked.code, 0) << revoked.err;
  EXPECT_FALSE(opens(coordinator.out, subject));
  EXPECT_TRUE(opens(revoked.out, subject));
  EXPECT_TRUE(opens(board.out, {web::LinkPurpose::board, "board", {}}));
  EXPECT_EQ(url("coordinator", "police").code, 64);
}

// Tests that `url update ID --revoke` withdraws the update links an agency was emailed (they are
// signed at its epoch) and prints no link, and that without --revoke it explains itself.
TEST_F(UrlCommandTest, RevokingUpdateLinksStopsThoseAlreadyEmailed) {
  const web::LinkSubject emailed{web::LinkPurpose::update, "police", {"n1@dhr.example.org"}};
  const auto secret = web::LinkSecret::from_bytes(kSecretBytes);
  const std::string token = web::sign(secret, emailed, 0, kToday);
  const auto check = [&](const web::LinkSubject& subject, const std::string& sent) {
    auto state = store::StateStore::open(config_.state);
    return web::verify(secret, subject, web::current_epoch(*state, subject), sent, kToday);
  };
  ASSERT_EQ(check(emailed, token), web::LinkCheck::valid);

  Printed refused = url("update", "police");
  EXPECT_EQ(refused.code, 64);
  EXPECT_NE(refused.err.find("url update police --revoke"), std::string::npos) << refused.err;
  EXPECT_EQ(check(emailed, token), web::LinkCheck::valid);

  Printed revoked = url("update", "police", true);
  EXPECT_EQ(revoked.code, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "");
  EXPECT_NE(revoked.err.find("no longer work"), std::string::npos) << revoked.err;
  EXPECT_EQ(check(emailed, token), web::LinkCheck::not_signed);
  // Another agency's update links still work.
  const web::LinkSubject council{web::LinkPurpose::update, "council", {"n1@dhr.example.org"}};
  EXPECT_EQ(check(council, web::sign(secret, council, 0, kToday)), web::LinkCheck::valid);
  EXPECT_EQ(url("update", "polise", true).code, 64);
}

// Tests that an unknown agency is refused, naming the directory and the agencies it has.
TEST_F(UrlCommandTest, RefusesAnUnknownAgency) {
  Printed printed = url("agency", "polise");
  EXPECT_EQ(printed.code, 64);
  EXPECT_EQ(printed.out, "");
  EXPECT_NE(printed.err.find("unknown agency 'polise'; agencies are defined in " +
                             config_.directory + ":"),
            std::string::npos)
      << printed.err;
  EXPECT_NE(printed.err.find(" police"), std::string::npos) << printed.err;
  EXPECT_EQ(url("feed", "nobody").code, 64);
  EXPECT_EQ(url("agency").code, 64);
  EXPECT_EQ(url("board", "police").code, 64);
}

// Tests that a config without `web:` and a secret that cannot be used are refused with exit 78
// and a message that names what to fix, never the secret.
TEST_F(UrlCommandTest, RefusesWithoutWebOrSecret) {
  // A secret file whose folder cannot be made (a file is in the way).
  config_.web->secret_file = (folder_.path() / "link-secret" / "secret").string();
  Printed blocked = url("board");
  EXPECT_EQ(blocked.code, 78);
  EXPECT_EQ(blocked.out, "");
  EXPECT_NE(
      blocked.err.find("cannot make the folder of the secret file " + config_.web->secret_file),
      std::string::npos)
      << blocked.err;
  fs::permissions(folder_.path() / "link-secret", fs::perms::others_read, fs::perm_options::add);
  config_.web->secret_file = (folder_.path() / "link-secret").string();
  Printed readable = url("board");
  EXPECT_EQ(readable.code, 78);
  EXPECT_NE(readable.err.find("can be read or written by every user"), std::string::npos);
  EXPECT_EQ(readable.err.find(kSecretBytes.substr(0, 10)), std::string::npos);

  config_.web.reset();
  Printed no_web = url("board");
  EXPECT_EQ(no_web.code, 78);
  EXPECT_NE(no_web.err.find("has no web: section"), std::string::npos) << no_web.err;
  EXPECT_EQ(no_web.out, "");
}

// Tests that the real command refuses the example deployment, which has no `web:` section, with
// exit 78, and an unknown kind of link with a usage error.
// Tests the example deployment through the binary: its first `url board` makes the link
// secret (private to its owner) and prints a link, the next prints the same link, and a
// wrong kind of link is a usage error.
TEST(UrlCommandLineTest, ExampleMakesItsSecretAndPrintsLinks) {
  test_support::TempDir root{"plan-reminder-url-example"};
  fs::copy(fs::path(PR_SOURCE_DIR) / "config", root.path() / "config", fs::copy_options::recursive);
  const std::string errors = (root.path() / "errors").string();
  // Runs `plan-reminder url ARGS` on the copy: its exit code and standard output (the standard
  // error goes to `errors`).
  auto url = [&](const std::string& args) {
    const std::string command = std::string(PR_BINARY) + " url " + args + " -c " +
                                (root.path() / "config" / "plan-reminder.yaml").string() + " 2>" +
                                errors;
    std::string out;
    std::array<char, 4096> buffer{};
    FILE* pipe = ::popen(command.c_str(), "r");
    while (pipe != nullptr && std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
      out += buffer.data();
    }
    int status = pipe != nullptr ? ::pclose(pipe) : -1;
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto said = [&] {
    std::ifstream file(errors);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  const fs::path secret = root.path() / "var" / "link-secret";
  auto [code, first] = url("board");
  EXPECT_EQ(code, 0) << said();
  EXPECT_TRUE(first.starts_with("http://127.0.0.1:8025/board?t=")) << first;
  EXPECT_NE(said().find("Made a new link secret in"), std::string::npos) << said();
  ASSERT_TRUE(fs::exists(secret));
  EXPECT_EQ(fs::status(secret).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(url("board"), std::make_pair(0, first));
  EXPECT_EQ(said(), "");
  EXPECT_EQ(url("page").first, 64);
}

}  // namespace
}  // namespace plan_reminder::cli
