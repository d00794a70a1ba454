// Tests for the daemon's end of the SMTP relay (mail/smtp_relay.h) against stand-in relays:
// small shell scripts that speak just enough of the protocol and then misbehave, so that each
// way a relay can fail is reported as such and keeps the message queued.
#include "mail/smtp_relay.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <string>

namespace plan_reminder::mail {
namespace {

using plan_reminder::test_support::TempDir;

plan::SmtpSettings settings() {
  plan::SmtpSettings smtp;
  smtp.url = "smtp://127.0.0.1:2525";
  smtp.username = "dhr";
  smtp.allow_plaintext = true;
  return smtp;
}

// The size of the first frame the daemon sends (the settings, the password and the timeouts),
// so that a stand-in reads exactly that much before it answers.
std::size_t hello_size(const plan::SmtpSettings& smtp, const std::string& password) {
  std::size_t size = 4;
  for (const std::string& text :
       {std::string("smtp"), smtp.url, smtp.username, password, smtp.ca_file,
        std::string(smtp.allow_plaintext ? "1" : "0"), std::string("30000"), std::string("60000"),
        std::string("600000")}) {
    size += 4 + text.size();
  }
  return size;
}

// printf's spelling of the frame {"ready"}.
const char* const ready_frame = R"(\001\000\000\000\005\000\000\000ready)";

class SmtpRelayStandInTest : public ::testing::Test {
 protected:
  // Writes an executable stand-in for `plan-reminder smtp-relay` running `script` (sh).
  std::string StandIn(const std::string& script) {
    std::string path = (dir_.path() / "relay").string();
    std::ofstream(path) << "#!/bin/sh\n" << script << "\n";
    ::chmod(path.c_str(), 0700);
    return path;
  }

  TempDir dir_{"plan-reminder-relay"};
  const std::string password_ = "s3cret";
};

// Tests that a relay that ends in the middle of a message is reported as such, with how it
// ended, and that the message stays queued (transient) and the batch stops.
TEST_F(SmtpRelayStandInTest, ARelayEndingMidMessageIsReported) {
  std::string program =
      StandIn("head -c " + std::to_string(hello_size(settings(), password_)) + " >/dev/null\n" +
              "printf '" + ready_frame + "'\n" + "head -c 10 >/dev/null\nexit 3");
  std::string error;
  auto transport = make_smtp_relay_transport(settings(), password_, program, error);
  ASSERT_TRUE(transport) << error;
  SendResult result = transport->send("dhr@partnership.example.org", {"lead@wwin.example.org"},
                                      "Subject: x\r\n\r\n" + std::string(1000, 'x') + "\r\n");
  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_EQ(result.cause, SendResult::Cause::local);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.detail, "the SMTP relay process ended during delivery (exit status 3)");
  transport->close();
}

// Tests that a relay that answers a message with something that is not a reply is reported
// like one that ended: the daemon does not guess what the server said.
TEST_F(SmtpRelayStandInTest, AGarbledReplyIsReportedAsABrokenRelay) {
  // A frame of one string, "what": not a reply.
  std::string program =
      StandIn("head -c " + std::to_string(hello_size(settings(), password_)) + " >/dev/null\n" +
              "printf '" + ready_frame + "'\n" +
              R"(printf '\001\000\000\000\004\000\000\000what')" + "\ncat >/dev/null");
  std::string error;
  auto transport = make_smtp_relay_transport(settings(), password_, program, error);
  ASSERT_TRUE(transport) << error;
  SendResult result =
      transport->send("dhr@partnership.example.org", {"lead@wwin.example.org"}, "x");
  EXPECT_EQ(result.status, SendResult::Status::transient);
  EXPECT_TRUE(result.stop_batch);
  EXPECT_EQ(result.detail.rfind("the SMTP relay process ended during delivery (killed by", 0), 0u)
      << result.detail;
}

// Tests that a program that does not speak the protocol is refused when the settings are
// checked, saying how it ended.
TEST_F(SmtpRelayStandInTest, ARelayThatDoesNotStartIsRefused) {
  std::string program = StandIn("exit 70");
  std::string error;
  auto transport = make_smtp_relay_transport(settings(), password_, program, error);
  EXPECT_FALSE(transport);
  EXPECT_EQ(error, "the SMTP relay (" + program + " smtp-relay) did not start: exit status 70");
}

// Tests that the relay's own words are given when it refuses the settings.
TEST_F(SmtpRelayStandInTest, ARelayRefusingTheSettingsGivesItsReason) {
  std::string program = StandIn(
      "head -c " + std::to_string(hello_size(settings(), password_)) + " >/dev/null\n" +
      R"(printf '\002\000\000\000\005\000\000\000error\022\000\000\000libcurl is missing')" +
      "\nexit 78");
  std::string error;
  auto transport = make_smtp_relay_transport(settings(), password_, program, error);
  EXPECT_FALSE(transport);
  EXPECT_EQ(error, "libcurl is missing");
}

}  // namespace
}  // namespace plan_reminder::mail
