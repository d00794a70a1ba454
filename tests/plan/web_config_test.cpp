// The `web:` section of the configuration (SPEC §8), read by plan/config_loader.cpp: what it
// accepts, and every refusal named at file:line:column.
#include "plan/config.h"
#include "plan/diagnostics.h"
#include "plan/loaders.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace plan_reminder::plan {
namespace {

namespace fs = std::filesystem;
using plan_reminder::test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kConfigFile = "/etc/plan-reminder/plan-reminder.yaml";

// A configuration with `web` (its lines, indented by two) after the usual top keys: the web
// section starts on line 6.
std::string WebConfig(const std::string& web) {
  return "plans: plans/*.yaml\n"
         "directory: agencies.yaml\n"
         "from: \"Partnership <dhr-actions@partnership.example.org>\"\n"
         "transport:\n"
         "  maildir: outbox\n"
         "web:\n" +
         web;
}

std::vector<std::string> WebProblems(const std::string& web) {
  Diagnostics out;
  parse_config(WebConfig(web), kConfigFile, out);
  std::vector<std::string> problems;
  for (const auto& diagnostic : out.items()) {
    problems.push_back(diagnostic.to_string());
  }
  return problems;
}

std::string At(const std::string& where) {
  return std::string(kConfigFile) + ":" + where;
}

// A link secret file the loader accepts, in a temporary folder.
class WebConfigTest : public ::testing::Test {
 protected:
  WebConfigTest() {
    { std::ofstream(secret_) << "0123456789abcdef0123456789abcdef\n"; }
    fs::permissions(secret_, fs::perms::owner_read | fs::perms::owner_write);
  }
  TempDir folder_{"plan-reminder-web-config"};
  fs::path secret_ = folder_.path() / "link-secret";
};

// Tests that SPEC §8's example section is read into WebSettings, and that no section means no
// web surface.
TEST_F(WebConfigTest, SpecExampleIsRead) {
  Diagnostics out;
  auto config = parse_config(WebConfig("  listen: 127.0.0.1:8025\n"
                                       "  base_url: https://dhr-actions.example.org/plans/\n"
                                       "  secret_file: " +
                                       secret_.string() +
                                       "\n"
                                       "  link_days: 30\n"),
                             kConfigFile, out);
  ASSERT_TRUE(config);
  EXPECT_TRUE(out.items().empty());
  ASSERT_TRUE(config->web);
  EXPECT_EQ(config->web->listen, std::vector<std::string>{"127.0.0.1:8025"});
  EXPECT_EQ(config->web->base_url, "https://dhr-actions.example.org/plans") << "no final '/'";
  EXPECT_EQ(config->web->secret_file, secret_.string());
  EXPECT_EQ(config->web->link_days, 30);

  Diagnostics none;
  auto without = parse_config(
      "plans: plans/*.yaml\ndirectory: agencies.yaml\nfrom: \"P <a@example.org>\"\n"
      "transport:\n  maildir: outbox\n",
      kConfigFile, none);
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->web);
}

// Tests that listen takes one address or a list, and no listen at all (systemd's sockets only).
TEST_F(WebConfigTest, ListenTakesOneAddressOrAList) {
  Diagnostics out;
  auto config = parse_config(WebConfig("  listen: ['127.0.0.1:8025', '[::1]:8025', "
                                       "'localhost:8080']\n"
                                       "  base_url: http://localhost:8025\n"
                                       "  credential: link-secret\n"),
                             kConfigFile, out);
  ASSERT_TRUE(config && config->web);
  EXPECT_TRUE(out.items().empty());
  EXPECT_EQ(config->web->listen,
            (std::vector<std::string>{"127.0.0.1:8025", "[::1]:8025", "localhost:8080"}));
  EXPECT_EQ(config->web->credential, "link-secret");
  EXPECT_EQ(config->web->link_days, 60);
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n  credential: link-secret\n"),
              IsEmpty());
}

// Tests that listen addresses without a port, with a bad port or a bad shape are refused at the
// address.
TEST_F(WebConfigTest, BadListenAddressesAreRefused) {
  auto problems = WebProblems(
      "  listen: [8025, '127.0.0.1', '::1:8025', '[::1]', "
      "'127.0.0.1:99999', 'host:80x']\n"
      "  base_url: https://dhr.example.org\n"
      "  credential: link-secret\n");
  auto refused = [](const std::string& column, const std::string& index, const std::string& found) {
    return At("7:" + column + ": web.listen[" + index +
              "]: expected host:port such as 127.0.0.1:8025, [::1]:8025 or localhost:8025, "
              "found '" +
              found + "'");
  };
  EXPECT_THAT(problems,
              ElementsAre(refused("12", "0", "8025"), refused("18", "1", "127.0.0.1"),
                          refused("31", "2", "::1:8025"), refused("43", "3", "[::1]"),
                          refused("52", "4", "127.0.0.1:99999"), refused("71", "5", "host:80x")));
}

// Tests that base_url must be http(s) with a host, no query, fragment or credentials, and https
// unless the host is this machine: the links carry tokens.
TEST_F(WebConfigTest, BadBaseUrlsAreRefused) {
  auto problem = [](const std::string& url) {
    return WebProblems("  base_url: '" + url + "'\n  credential: link-secret\n");
  };
  auto at_url = [](const std::string& message) { return At("7:13: web.base_url: " + message); };
  EXPECT_THAT(problem("ftp://dhr.example.org"),
              ElementsAre(at_url("expected a URL starting https://, found "
                                 "'ftp://dhr.example.org'")));
  EXPECT_THAT(problem("https://dhr.example.org/?x=1"),
              ElementsAre(at_url("the base URL takes no query or fragment: links add their own")));
  EXPECT_THAT(problem("https://user:pw@dhr.example.org"),
              ElementsAre(at_url("the base URL must not contain credentials")));
  EXPECT_THAT(
      problem("https://"),
      ElementsAre(at_url("the base URL names no host; expected https://host[:port][/path]")));
  EXPECT_THAT(problem("https://dhr.example.org:0"),
              ElementsAre(at_url("expected a port from 1 to 65535 after the host, found ':0'")));
  EXPECT_THAT(problem("http://dhr.example.org"),
              ElementsAre(at_url("links carry tokens: http:// is allowed only to a loopback host "
                                 "(localhost, 127.0.0.0/8, ::1), not 'dhr.example.org'; use "
                                 "https:// (TLS from the reverse proxy)")));
  EXPECT_THAT(problem("http://127.0.0.1:8025/dhr"), IsEmpty());
  EXPECT_THAT(problem("http://[::1]:8025"), IsEmpty());
}

// Tests that the secret comes from exactly one of secret_file and credential, that a secret
// file others could read is refused like the SMTP password file, and that a secret file not
// made yet is accepted.
TEST_F(WebConfigTest, SecretMustBeGivenOnceAndPrivate) {
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n"),
              ElementsAre(At("7:3: web: missing 'secret_file' or 'credential': the key that "
                             "signs links")));
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n  secret_file: " +
                          secret_.string() + "\n  credential: link-secret\n"),
              ElementsAre(At("9:3: web.credential: give either 'secret_file' or "
                             "'credential', not both")));
  fs::permissions(secret_, fs::perms::others_read, fs::perm_options::add);
  EXPECT_THAT(
      WebProblems("  base_url: https://dhr.example.org\n  secret_file: " + secret_.string() + "\n"),
      ElementsAre(At("8:16: web.secret_file: the link secret file " + secret_.string() +
                     " can be read or written by every user (mode 0604): run chmod 600 " +
                     secret_.string() + " (or 640 with the service's group)")));
  // Not there yet: the service makes it at its first start.
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n  secret_file: " +
                          (folder_.path() / "missing").string() + "\n"),
              IsEmpty());
}

// Tests that a link secret credential is checked where systemd provides credentials.
TEST_F(WebConfigTest, CredentialIsCheckedWhereSystemdProvidesIt) {
  ::setenv("CREDENTIALS_DIRECTORY", folder_.path().c_str(), 1);
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n  credential: link-secret\n"),
              IsEmpty());
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n  credential: other\n"),
              ElementsAre(At("8:15: web.credential: the systemd credential 'other': cannot "
                             "read the link secret file " +
                             (folder_.path() / "other").string() + ": No such file or directory")));
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

// Tests that link_days is from 1 to 366 and unknown keys are refused.
TEST_F(WebConfigTest, LinkDaysAndUnknownKeys) {
  auto problems = WebProblems(
      "  base_url: https://dhr.example.org\n  credential: link-secret\n"
      "  link_days: 400\n  port: 8025\n");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0], At("10:3: web.port: unknown key 'port'; expected one of 'listen', "
                            "'base_url', 'secret_file', 'credential' or 'link_days'"));
  EXPECT_EQ(problems[1], At("9:14: web.link_days: expected a number from 1 to 366, found 400"));
  EXPECT_THAT(WebProblems("  base_url: https://dhr.example.org\n  credential: link-secret\n"
                          "  link_days: 0\n"),
              ElementsAre(::testing::StartsWith(At("9:14: web.link_days: "))));
}

}  // namespace
}  // namespace plan_reminder::plan
