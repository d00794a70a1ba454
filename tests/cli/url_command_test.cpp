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
  config_.web->secret_file = (folder_.path() / "missing-secret").string();
  Printed missing = url("board");
  EXPECT_EQ(missing.code, 78);
  EXPECT_NE(missing.err.find("cannot read the link secret file " + config_.web->secret_file),
            std::string::npos)
      << missing.err;
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
TEST(UrlCommandLineTest, ExampleWithoutWebIsRefused) {
  const std::string config = std::string(PR_SOURCE_DIR) + "/config/plan-reminder.yaml";
  auto run = [](const std::string& command, std::string& err) {
    std::array<char, 4096> buffer{};
    FILE* pipe = ::popen((command + " 2>&1 >/dev/null").c_str(), "r");
    while (pipe != nullptr && std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
      err += buffer.data();
    }
    int status = pipe != nullptr ? ::pclose(pipe) : -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  std::string err;
  EXPECT_EQ(run(std::string(PR_BINARY) + " url board -c " + config, err), 78);
  EXPECT_NE(err.find("has no web: section"), std::string::npos) << err;
  err.clear();
  EXPECT_EQ(run(std::string(PR_BINARY) + " url page -c " + config, err), 64);
}

}  // namespace
}  // namespace plan_reminder::cli
