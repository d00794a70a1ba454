// Tests of the digest's audit trail read from the state: notices and failed messages as rows.
#include "service/audit_rows.h"

#include "service/delivery_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::service {
namespace {

using namespace std::chrono_literals;
using testing::DeliveryTest;
using testing::kNow;
using ::testing::SizeIs;

class AuditRowsTest : public DeliveryTest {};

// Tests that a notice in the log is a row naming its review, action and milestone, at the
// local time it was recorded.
TEST_F(AuditRowsTest, ANoticeNamesWhatItWasAbout) {
  Queue("reminder-1", "police", "reminder", "2020-04-29", kNow, "scoping");
  const policy::Clock clock = policy::clock_for(snapshot_.config);
  auto rows = audit_rows(*store_, clock, kNow - 1h);
  ASSERT_THAT(rows, SizeIs(1));
  EXPECT_EQ(rows[0].about, "dhr-test 1.2 (scoping)");
  EXPECT_EQ(rows[0].recipient, "police");
  EXPECT_EQ(rows[0].state, store::DeliveryState::queued);
  EXPECT_EQ(mail::short_time(rows[0].when), "Wed 1 Apr 2020 09:00");
}

// Tests that a message that failed is a row with its subject, all its recipients and the
// server's reply, and that one still queued is not.
TEST_F(AuditRowsTest, AFailedMessageIsARowWithItsError) {
  Queue("reminder-1", "police", "reminder", "2020-04-29", kNow);
  Queue("reminder-2", "wwin", "reminder", "2020-04-29", kNow);
  transport_.script = {testing::refused_permanently("550 5.1.1 no such user")};
  Deliver(kNow);
  const policy::Clock clock = policy::clock_for(snapshot_.config);
  auto rows = failure_rows(*store_, clock, kNow - 1h);
  ASSERT_THAT(rows, SizeIs(1));
  EXPECT_EQ(rows[0].about, "[Test Partnership] reminder-1");
  EXPECT_EQ(rows[0].recipient, "dhr@police.example.org, coordinator@council.example.org");
  EXPECT_EQ(rows[0].detail, "550 5.1.1 no such user");
  EXPECT_EQ(rows[0].state, store::DeliveryState::failed);
}

}  // namespace
}  // namespace plan_reminder::service
