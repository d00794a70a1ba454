// Tests for the delivery loop of a pass (SPEC §5): the retry ladder (1 minute, doubling, at
// most an hour apart, given up 72 hours after the message was stored), a permanent refusal,
// a batch stopped by the server or by a stop request, and a message some recipients refused.
// A scripted transport stands in for the mail server; times are literal instants.
#include "service/delivery_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan_reminder::service::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Tests the ladder itself: 1 minute after the first failed attempt, doubling after each, and
// never more than an hour.
TEST(RetryDelayTest, StartsAtAMinuteDoublesAndStopsAtAnHour) {
  std::vector<std::chrono::seconds> delays;
  for (int attempts = 1; attempts <= 9; ++attempts) {
    delays.push_back(retry_delay(attempts));
  }
  EXPECT_THAT(delays, ElementsAreArray<std::chrono::seconds>(
                          {1min, 2min, 4min, 8min, 16min, 32min, 60min, 60min, 60min}));
  EXPECT_EQ(retry_delay(1000), 1h);
}

// Tests that a message the server keeps turning away for now is tried again 1, 2, 4, 8, 16
// and 32 minutes after each failed attempt, then every hour, and not before each retry is due.
TEST_F(DeliveryTest, AFailingMessageIsRetriedAfterDoublingDelaysCappedAtAnHour) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  Instant at = kNow;
  std::vector<std::chrono::seconds> gaps;
  for (int attempt = 1; attempt <= 9; ++attempt) {
    transport_.script.push_back(busy_for_this_message());
    const PassReport report = Deliver(at);
    ASSERT_EQ(report.retrying, 1u) << "attempt " << attempt;
    ASSERT_TRUE(report.next_retry);
    EXPECT_THAT(report.errors, ElementsAre(HasSubstr("451 4.3.0 try again later")));
    gaps.push_back(*report.next_retry - at);
    const std::size_t attempts = transport_.sent.size();
    Deliver(*report.next_retry - 1s);
    EXPECT_EQ(transport_.sent.size(), attempts) << "tried again before the retry was due";
    at = *report.next_retry;
  }
  EXPECT_THAT(gaps, ElementsAreArray<std::chrono::seconds>(
                        {1min, 2min, 4min, 8min, 16min, 32min, 60min, 60min, 60min}));
  const auto message = Message("reminder-1");
  EXPECT_EQ(message.state, store::DeliveryState::queued);
  EXPECT_EQ(message.attempts, 9);
  EXPECT_EQ(message.last_error, "451 4.3.0 try again later");
  EXPECT_THAT(MessagesOfKind("failure"), IsEmpty());
}

// Tests that a message still failing 72 hours after it was stored is given up: a second
// before, it is retried; at 72 hours it fails with "gave up after 3 days", and the coordinator
// is sent one failure notice naming its subject, its recipients, the attempts, the server's
// words and that it will not be tried again.
TEST_F(DeliveryTest, AMessageStillFailingAfter72HoursIsGivenUpAndTheCoordinatorTold) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  transport_.script = {busy_for_this_message(), busy_for_this_message()};
  const PassReport before = Deliver(kNow + 72h - 1s);
  EXPECT_EQ(before.retrying, 1u);
  EXPECT_EQ(before.failed, 0u);
  EXPECT_THAT(MessagesOfKind("failure"), IsEmpty());

  const PassReport report = Deliver(kNow + 72h + 59s);  // the retry a minute later
  EXPECT_EQ(report.failed, 1u);
  EXPECT_EQ(report.retrying, 0u);
  EXPECT_TRUE(report.troubled());
  EXPECT_THAT(report.errors,
              ElementsAre(HasSubstr("not delivered: message 1 ('[Test Partnership] reminder-1') "
                                    "to lead@wwin.example.org, coordinator@council.example.org: "
                                    "gave up after 3 days: 451 4.3.0 try again later")));
  const auto message = Message("reminder-1");
  EXPECT_EQ(message.state, store::DeliveryState::failed);
  EXPECT_EQ(message.last_error, "gave up after 3 days: 451 4.3.0 try again later");
  EXPECT_EQ(store_->notices_of_message(message.message_id).at(0).state,
            store::DeliveryState::failed);

  const auto notices = MessagesOfKind("failure");
  ASSERT_THAT(notices, SizeIs(1));
  EXPECT_EQ(notices[0].subject, "[plan-reminder] Delivery failed: [Test Partnership] reminder-1");
  EXPECT_EQ(notices[0].recipients, std::vector<std::string>{"coordinator@council.example.org"});
  EXPECT_EQ(notices[0].state, store::DeliveryState::sent) << "the notice goes in the same pass";
  const std::string text = Unfolded(notices[0].raw);
  EXPECT_THAT(text, HasSubstr("<reminder-1@partnership.example.org>"));  // References
  EXPECT_THAT(text, HasSubstr("Subject:       [Test Partnership] reminder-1"));
  EXPECT_THAT(text, HasSubstr("For:           lead@wwin.example.org, coordinator@"));
  EXPECT_THAT(text, HasSubstr("Attempts:      2"));
  EXPECT_THAT(text, HasSubstr("gave up after 3 days: 451 4.3.0 try again later"));
  EXPECT_THAT(text, HasSubstr("so it will not be tried again"));
  EXPECT_THAT(text, Not(HasSubstr("refused it permanently")));
}

// Tests that a message the server refuses permanently fails at its first attempt, is never
// tried again, and the coordinator's notice says the server refused it permanently.
TEST_F(DeliveryTest, APermanentRefusalFailsAtOnceAndIsNeverRetried) {
  Queue("overdue-1", "police", "overdue", "2020-03-01", kNow);
  transport_.script = {refused_permanently("550 5.7.1 message content rejected")};
  const PassReport report = Deliver(kNow);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_EQ(report.retrying, 0u);
  EXPECT_FALSE(report.next_retry);
  const auto message = Message("overdue-1");
  EXPECT_EQ(message.state, store::DeliveryState::failed);
  EXPECT_EQ(message.attempts, 1);
  EXPECT_EQ(message.last_error, "550 5.7.1 message content rejected");
  const auto notices = MessagesOfKind("failure");
  ASSERT_THAT(notices, SizeIs(1));
  const std::string text = Unfolded(notices[0].raw);
  EXPECT_THAT(text, HasSubstr("Attempts:      1"));
  EXPECT_THAT(text, HasSubstr("The mail server refused it permanently"));

  ASSERT_THAT(transport_.sent, SizeIs(2));  // the message, then the notice
  Deliver(kNow + 1h);
  Deliver(kNow + 80h);
  EXPECT_THAT(transport_.sent, SizeIs(2));
}

// Tests that a message turned away for now (a 4xx for it alone) does not hold up the batch:
// the messages after it are delivered in the same pass.
TEST_F(DeliveryTest, ATemporaryFailureOfOneMessageLetsTheOthersGo) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  Queue("reminder-2", "police", "reminder", "2020-04-30", kNow + 1s);
  Queue("reminder-3", "wwin", "reminder", "2020-04-29", kNow + 2s);
  transport_.script = {busy_for_this_message()};
  const PassReport report = Deliver(kNow + 5s);
  EXPECT_EQ(report.delivered, 2u);
  EXPECT_EQ(report.retrying, 1u);
  EXPECT_THAT(transport_.sent, SizeIs(3));
  EXPECT_EQ(Message("reminder-1").state, store::DeliveryState::queued);
  EXPECT_EQ(Message("reminder-2").state, store::DeliveryState::sent);
  EXPECT_EQ(Message("reminder-3").state, store::DeliveryState::sent);
}

// Tests that when the server cannot be reached the batch stops at the first message: the
// others are not attempted, stay queued for the same retry a minute later saying why, the
// coordinator is told nothing yet, and the next attempt delivers them all.
TEST_F(DeliveryTest, AnUnreachableServerStopsTheBatchAndTheRestWaitQueued) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  Queue("reminder-2", "police", "reminder", "2020-04-30", kNow + 1s);
  Queue("reminder-3", "wwin", "reminder", "2020-04-29", kNow + 2s);
  transport_.script = {server_unreachable()};
  const Instant at = kNow + 5s;
  const PassReport report = Deliver(at);
  EXPECT_THAT(transport_.sent, SizeIs(1));
  EXPECT_EQ(report.retrying, 3u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_FALSE(report.stopped);
  EXPECT_EQ(report.next_retry, at + 1min);
  EXPECT_THAT(report.warnings,
              ElementsAre("2 more messages wait for the next attempt, not attempted: could not "
                          "connect to the mail server"));
  for (const char* name : {"reminder-2", "reminder-3"}) {
    const auto message = Message(name);
    EXPECT_EQ(message.state, store::DeliveryState::queued) << name;
    EXPECT_EQ(message.attempts, 0) << name;
    EXPECT_EQ(message.next_attempt, at + 1min) << name;
    EXPECT_EQ(message.last_error, "not attempted: could not connect to the mail server") << name;
  }
  EXPECT_THAT(MessagesOfKind("failure"), IsEmpty());

  const PassReport next = Deliver(at + 1min);
  EXPECT_EQ(next.delivered, 3u);
  EXPECT_EQ(store_->queued_count(), 0u);
}

// Tests that a stop asked for during a batch (SIGTERM) ends delivery after the message in
// flight: it is recorded as sent, and the others stay queued, untouched, due at once.
TEST_F(DeliveryTest, AStopEndsTheBatchAfterTheMessageInFlight) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  Queue("reminder-2", "police", "reminder", "2020-04-30", kNow + 1s);
  Queue("reminder-3", "wwin", "reminder", "2020-04-29", kNow + 2s);
  PassRunner runner(snapshot_, templates_, *store_, transport_);
  runner.set_stop_check([this] { return !transport_.sent.empty(); });
  const PassReport report = runner.deliver(kNow + 5s);
  EXPECT_TRUE(report.stopped);
  EXPECT_EQ(report.delivered, 1u);
  EXPECT_EQ(report.retrying, 0u);
  EXPECT_THAT(transport_.sent, SizeIs(1));
  EXPECT_EQ(Message("reminder-1").state, store::DeliveryState::sent);
  for (const char* name : {"reminder-2", "reminder-3"}) {
    const auto message = Message(name);
    EXPECT_EQ(message.state, store::DeliveryState::queued) << name;
    EXPECT_EQ(message.attempts, 0) << name;
    EXPECT_EQ(message.last_error, "") << name;
  }
  EXPECT_THAT(store_->due_messages(kNow + 5s), SizeIs(2));
}

// Tests that a message some recipients refused is delivered to the others and never sent again,
// to anyone, while the coordinator is told who was refused.
TEST_F(DeliveryTest, AMessagePartlyRefusedIsNotSentAgain) {
  Queue("due-1", "police", "due", "2020-04-01", kNow);
  mail::SendResult partly;
  partly.refused = {{"dhr@police.example.org", "550 5.1.1 <dhr@police.example.org>: unknown"}};
  transport_.script = {partly};
  const PassReport report = Deliver(kNow);
  EXPECT_EQ(report.delivered, 2u);  // the message, and the coordinator's notice
  EXPECT_EQ(report.refused, 1u);
  EXPECT_EQ(Message("due-1").state, store::DeliveryState::sent);
  EXPECT_EQ(Message("due-1").last_error,
            "refused dhr@police.example.org: 550 5.1.1 <dhr@police.example.org>: unknown");
  const auto notices = MessagesOfKind("failure");
  ASSERT_THAT(notices, SizeIs(1));
  EXPECT_THAT(Unfolded(notices[0].raw), HasSubstr("(delivered to the other recipients)"));
  Deliver(kNow + 1h);
  EXPECT_THAT(transport_.sent, SizeIs(2));
}

// Tests that a failure notice to the coordinator that itself fails is not reported in another
// notice (which would fail the same way, for ever).
TEST_F(DeliveryTest, AFailureNoticeThatFailsMakesNoOther) {
  Queue("overdue-1", "police", "overdue", "2020-03-01", kNow);
  transport_.script = {refused_permanently("550 5.1.1 unknown"),
                       refused_permanently("550 5.1.1 unknown")};
  const PassReport report = Deliver(kNow);
  EXPECT_EQ(report.failed, 2u);
  const auto notices = MessagesOfKind("failure");
  ASSERT_THAT(notices, SizeIs(1));
  EXPECT_EQ(notices[0].state, store::DeliveryState::failed);
  Deliver(kNow + 1h);
  EXPECT_THAT(transport_.sent, SizeIs(2));
  EXPECT_THAT(MessagesOfKind("failure"), SizeIs(1));
}

}  // namespace
}  // namespace plan_reminder::service::testing
