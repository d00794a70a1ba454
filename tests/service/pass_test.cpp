// Tests for delivery in a pass (SPEC §5): what is recorded before a message leaves, what the
// coordinator is told when deliveries fail, refused recipients, and queued notices that went
// stale while they waited. A scripted transport stands in for the mail server; times are
// literal instants.
#include "service/pass.h"

#include "service/delivery_fixture.h"
#include "store/stored_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace plan_reminder::service {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kNow;
using ::testing::Not;
using testing::refused_permanently;
using testing::server_unreachable;
using testing::Unfolded;

mail::SendResult login_refused() {
  mail::SendResult result;
  result.status = mail::SendResult::Status::permanent;
  result.cause = mail::SendResult::Cause::credentials;
  result.detail = "the mail server refused the login: 535 5.7.8 authentication failed";
  result.stop_batch = true;
  return result;
}

// A store whose writes fail as a full disk's do, from the moment `broken` is set; or, with
// `sent_elsewhere`, a state shared with another instance that sends the first due message just
// after this one has read the outbox.
class BrokenStore final : public store::StateStore {
 public:
  explicit BrokenStore(store::StateStore& inner) : inner_(inner) {}
  bool broken = false;
  bool sent_elsewhere = false;
  bool text_lost = false;     // the messages' text reads as empty
  bool text_damaged = false;  // the first message's text does not unpack

  base::KeySet handled_keys() override { return inner_.handled_keys(); }
  void record_dropped(const std::vector<store::NoticeRecord>& notices) override {
    check();
    inner_.record_dropped(notices);
  }
  std::size_t enqueue_all(std::vector<store::QueuedMessage> messages) override {
    check();
    return inner_.enqueue_all(std::move(messages));
  }
  std::vector<store::OutboxMessage> due_messages(Instant now) override {
    auto due = inner_.due_messages(now);
    if (sent_elsewhere && !due.empty()) {
      EXPECT_TRUE(inner_.begin_attempt(due[0].id, now));
      inner_.mark_sent(due[0].id, now);
      sent_elsewhere = false;
    }
    return due;
  }
  std::string message_raw(std::int64_t id) override {
    if (text_damaged) {
      text_damaged = false;
      throw store::DamagedText(
          "its packed text in the state is damaged (Restored data doesn't "
          "match checksum)");
    }
    return text_lost ? std::string() : inner_.message_raw(id);
  }
  std::optional<Instant> next_attempt() override { return inner_.next_attempt(); }
  std::size_t queued_count() override { return inner_.queued_count(); }
  void mark_sent(std::int64_t id, Instant at) override {
    check();
    inner_.mark_sent(id, at);
  }
  void mark_retry(std::int64_t id, Instant next, const std::string& error) override {
    check();
    inner_.mark_retry(id, next, error);
  }
  void mark_failed(std::int64_t id, Instant at, const std::string& error) override {
    check();
    inner_.mark_failed(id, at, error);
  }
  bool begin_attempt(std::int64_t id, Instant at) override {
    check();
    return inner_.begin_attempt(id, at);
  }
  void mark_partly_sent(std::int64_t id, Instant at, const std::string& refused,
                        const std::vector<std::string>& failed_keys) override {
    check();
    inner_.mark_partly_sent(id, at, refused, failed_keys);
  }
  void drop_message(std::int64_t id, Instant at, const std::string& detail) override {
    check();
    inner_.drop_message(id, at, detail);
  }
  std::vector<store::NoticeRecord> notices_of_message(const std::string& message_id) override {
    return inner_.notices_of_message(message_id);
  }
  std::vector<store::NoticeRecord> notices_like(const store::NoticeRecord& notice) override {
    return inner_.notices_like(notice);
  }
  std::vector<store::NoticeRecord> notices_since(Instant since) override {
    return inner_.notices_since(since);
  }
  std::vector<store::OutboxMessage> messages_since(Instant since) override {
    return inner_.messages_since(since);
  }
  std::vector<store::OutboxMessage> failed_messages_since(Instant since) override {
    return inner_.failed_messages_since(since);
  }
  std::optional<std::string> setting(const std::string& name) override {
    return inner_.setting(name);
  }
  void set_setting(const std::string& name, const std::string& value) override {
    check();
    inner_.set_setting(name, value);
  }
  base::Result<std::unique_ptr<store::PassLock>> lock_passes(
      std::chrono::milliseconds wait) override {
    return inner_.lock_passes(wait);
  }
  void idle() override { inner_.idle(); }
  std::optional<Instant> previous_digest(Instant before) override {
    return inner_.previous_digest(before);
  }
  std::int64_t add_update(const store::UpdateRecord& update) override {
    check();
    return inner_.add_update(update);
  }
  std::vector<store::UpdateRecord> updates(const std::vector<store::UpdateState>& states) override {
    return inner_.updates(states);
  }
  std::optional<store::UpdateRecord> update(std::int64_t id) override { return inner_.update(id); }
  bool decide_update(std::int64_t id, store::UpdateState decision, Instant at,
                     const std::string& note) override {
    check();
    return inner_.decide_update(id, decision, at, note);
  }
  std::vector<store::UpdateRecord> decisions_to_tell() override {
    return inner_.decisions_to_tell();
  }
  std::vector<int> calendar_sequences(const std::vector<store::CalendarEntry>& entries) override {
    check();
    return inner_.calendar_sequences(entries);
  }
  store::DeliveryCounts delivery_counts() override { return inner_.delivery_counts(); }
  store::StateContents contents() override { return inner_.contents(); }
  void replace_contents(const store::StateContents& contents) override {
    check();
    inner_.replace_contents(contents);
  }
  store::TableCounts table_counts() override { return inner_.table_counts(); }

 private:
  void check() const {
    if (broken) {
      throw std::runtime_error("state database state.db: the disk is full");
    }
  }
  store::StateStore& inner_;
};

class PassDeliveryTest : public testing::DeliveryTest {
 protected:
  // These notices are all about one milestone, "pathway", unless a test names another.
  void Queue(const std::string& name, const std::string& agency, const std::string& kind,
             const std::string& due, Instant created, const std::string& milestone = "pathway") {
    DeliveryTest::Queue(name, agency, kind, due, created, milestone);
  }
};

// Tests that when the state cannot be written, nothing is sent: the attempt is recorded before
// the message leaves, so a broken state never sends the same message at every pass.
TEST_F(PassDeliveryTest, AStateThatCannotBeWrittenSendsNothing) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  BrokenStore broken(*store_);
  broken.broken = true;
  EXPECT_THROW(Deliver(broken, kNow), std::runtime_error);
  EXPECT_THROW(Deliver(broken, kNow + 1min), std::runtime_error);
  EXPECT_THAT(transport_.sent, IsEmpty());
  EXPECT_EQ(store_->queued_count(), 1u);
}

// Tests that on a shared state a message another instance sent after this pass read the outbox
// is skipped: not sent again, not an error, and the rest of the batch goes on.
TEST_F(PassDeliveryTest, AMessageSentElsewhereSinceTheOutboxWasReadIsSkipped) {
  Queue("overdue-1", "wwin", "overdue", "2020-03-01", kNow);
  Queue("overdue-2", "police", "overdue", "2020-03-02", kNow + 1s);
  BrokenStore shared(*store_);
  shared.sent_elsewhere = true;
  const PassReport report = Deliver(shared, kNow + 5s);
  EXPECT_EQ(report.delivered, 1u);
  EXPECT_FALSE(report.troubled());
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(store_->queued_count(), 0u);
}

// Tests that a message whose text cannot be found in the state is failed and reported, never
// sent empty.
TEST_F(PassDeliveryTest, AMessageWithoutItsTextIsFailedNotSentEmpty) {
  Queue("overdue-1", "wwin", "overdue", "2020-03-01", kNow);
  BrokenStore lost(*store_);
  lost.text_lost = true;
  const PassReport report = Deliver(lost, kNow + 5s);
  EXPECT_GE(report.failed, 1u);
  EXPECT_THAT(report.errors, Contains(AllOf(HasSubstr("[Test Partnership] overdue-1"),
                                            HasSubstr("its text is missing from the state"))));
  EXPECT_TRUE(transport_.sent.empty());
}

// Tests that a message whose stored text is damaged is failed with the reason, and that the
// messages after it are still sent.
TEST_F(PassDeliveryTest, AMessageWithADamagedTextIsFailedAndTheRestSent) {
  Queue("overdue-1", "wwin", "overdue", "2020-03-01", kNow);
  Queue("overdue-2", "police", "overdue", "2020-03-02", kNow + 1s);
  BrokenStore damaged(*store_);
  damaged.text_damaged = true;
  const PassReport report = Deliver(damaged, kNow + 5s);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_THAT(report.errors,
              ElementsAre(AllOf(HasSubstr("[Test Partnership] overdue-1"),
                                HasSubstr("its packed text in the state is damaged"))));
  ASSERT_EQ(transport_.raw.size(), 2u);  // overdue-2, then the failure notice for overdue-1
  EXPECT_EQ(transport_.raw[0], "Subject: overdue-2\r\n\r\nbody\r\n");
  EXPECT_THAT(Unfolded(transport_.raw[1]), HasSubstr("its packed text in the state is damaged"));
  EXPECT_EQ(Message("overdue-1").state, store::DeliveryState::failed);
  EXPECT_EQ(Message("overdue-2").state, store::DeliveryState::sent);
}

// Tests that every message that fails in one pass is listed in one failure notice to the
// coordinator, with advice for the cause, and that the pass counts each failure.
TEST_F(PassDeliveryTest, OneFailureNoticeListsEveryFailedMessageOfThePass) {
  Queue("overdue-1", "wwin", "overdue", "2020-03-01", kNow);
  Queue("overdue-2", "police", "overdue", "2020-03-02", kNow + 1s);
  Queue("overdue-3", "wwin", "overdue", "2020-03-03", kNow + 2s);
  for (int i = 0; i < 3; ++i) {
    transport_.script.push_back(refused_permanently("550 5.1.1 <x>: Recipient unknown"));
  }
  const PassReport report = Deliver(kNow + 5s);
  EXPECT_EQ(report.failed, 3u);
  EXPECT_TRUE(report.troubled());
  EXPECT_EQ(report.errors.size(), 3u);
  const auto notices = MessagesOfKind("failure");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].subject, "[plan-reminder] Delivery failed: 3 messages");
  EXPECT_EQ(notices[0].state, store::DeliveryState::sent);
  EXPECT_EQ(notices[0].recipients, std::vector<std::string>{"coordinator@council.example.org"});
  for (const char* name : {"overdue-1", "overdue-2", "overdue-3"}) {
    EXPECT_THAT(Unfolded(notices[0].raw), HasSubstr(name));
  }
  EXPECT_THAT(Unfolded(notices[0].raw), HasSubstr("agencies.yaml"));
}

// Tests that an outage given up after three days makes one notice for all the messages given
// up in that pass, with advice about the server, not about the agencies' addresses.
TEST_F(PassDeliveryTest, MessagesGivenUpTogetherMakeOneNotice) {
  for (int i = 0; i < 5; ++i) {
    const std::string name = "overdue-" + std::to_string(i);
    Queue(name, i % 2 ? "wwin" : "police", "overdue", "2020-03-01", kNow + std::chrono::seconds(i),
          name);
  }
  transport_.script.push_back(server_unreachable());
  const PassReport report = Deliver(kNow + 73h);
  EXPECT_EQ(report.failed, 5u);
  EXPECT_EQ(report.errors.size(), 5u);
  const auto notices = MessagesOfKind("failure");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_THAT(Unfolded(notices[0].raw), HasSubstr("reachable"));
  EXPECT_THAT(Unfolded(notices[0].raw), Not(HasSubstr("agencies.yaml")));
}

// Tests that a settings problem (the login refused) keeps every message queued, is logged at
// error level, and is reported to the coordinator at the first pass that meets it, once.
TEST_F(PassDeliveryTest, ASettingsProblemIsReportedAtOnceAndOnce) {
  Queue("reminder-1", "wwin", "reminder", "2020-04-30", kNow);
  Queue("reminder-2", "police", "reminder", "2020-04-30", kNow + 1s);
  transport_.script = {login_refused(), login_refused()};
  const PassReport first = Deliver(kNow + 5s);
  EXPECT_EQ(first.failed, 0u);
  EXPECT_EQ(first.retrying, 3u);  // the two messages and the notice itself
  EXPECT_THAT(first.errors, Contains(HasSubstr("535 5.7.8 authentication failed")));
  auto notices = MessagesOfKind("failure");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].state, store::DeliveryState::queued);
  EXPECT_THAT(Unfolded(notices[0].raw), HasSubstr("535 5.7.8 authentication failed"));
  EXPECT_THAT(Unfolded(notices[0].raw), HasSubstr("username"));

  transport_.script = {login_refused()};
  const PassReport second = Deliver(kNow + 1h);
  EXPECT_THAT(second.errors, Contains(HasSubstr("535 5.7.8 authentication failed")));
  EXPECT_EQ(MessagesOfKind("failure").size(), 1u);
  EXPECT_EQ(store_->queued_count(), 3u);
}

// Tests that a recipient refused while the others accepted is recorded and reported: the
// message is sent to the others, the notice of the refused agency is failed, the error is
// logged, and the coordinator's failure notice names the refused address.
TEST_F(PassDeliveryTest, ARefusedRecipientIsRecordedAndReported) {
  Queue("due-1", "police", "due", "2020-04-01", kNow);
  mail::SendResult partly;
  partly.refused = {{"dhr@police.example.org", "550 5.1.1 <dhr@police.example.org>: unknown"}};
  transport_.script.push_back(partly);
  const PassReport report = Deliver(kNow + 5s);
  EXPECT_EQ(report.refused, 1u);
  EXPECT_TRUE(report.troubled());
  EXPECT_THAT(report.errors, Contains(HasSubstr("dhr@police.example.org")));
  const auto notices = store_->notices_since(Instant{});
  ASSERT_FALSE(notices.empty());
  EXPECT_EQ(notices[0].key, "due-1");
  EXPECT_EQ(notices[0].state, store::DeliveryState::failed);
  EXPECT_THAT(notices[0].detail, HasSubstr("550 5.1.1"));
  const auto failures = store_->failed_messages_since(Instant{});
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].last_error, HasSubstr("dhr@police.example.org"));
  const auto failure_notices = MessagesOfKind("failure");
  ASSERT_EQ(failure_notices.size(), 1u);
  EXPECT_THAT(Unfolded(failure_notices[0].raw), HasSubstr("dhr@police.example.org"));
}

// Tests that a copy refused to the coordinator leaves the agency's notice sent, saying who was
// refused, and is logged at error level.
TEST_F(PassDeliveryTest, ARefusedCoordinatorCopyIsShownInTheLogAndHistory) {
  Queue("due-1", "police", "due", "2020-04-01", kNow);
  mail::SendResult partly;
  partly.refused = {{"coordinator@council.example.org", "550 5.7.1 relaying denied"}};
  transport_.script.push_back(partly);
  const PassReport report = Deliver(kNow + 5s);
  EXPECT_THAT(report.errors, Contains(HasSubstr("coordinator@council.example.org")));
  const auto notices = store_->notices_since(Instant{});
  ASSERT_FALSE(notices.empty());
  EXPECT_EQ(notices[0].state, store::DeliveryState::sent);
  EXPECT_THAT(notices[0].detail, HasSubstr("coordinator@council.example.org"));
}

// Tests that queued notices that went stale while the server was down are dropped, not sent:
// a reminder whose due date has passed, and one replaced by a later notice about the same
// milestone; a notice still current is sent.
TEST_F(PassDeliveryTest, NoticesThatWentStaleWhileQueuedAreDropped) {
  const Instant two_days_ago = kNow - 48h;
  Queue("reminder-d1", "police", "reminder", "2020-03-31", two_days_ago);
  Queue("reminder-d7", "wwin", "reminder", "2020-04-07", two_days_ago - 5 * 24h);
  Queue("reminder-d1-wwin", "wwin", "reminder", "2020-04-07", kNow - 1h);
  const PassReport report = Deliver(kNow);
  EXPECT_EQ(report.dropped, 2u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  for (const auto& notice : store_->notices_since(Instant{})) {
    if (notice.key == "reminder-d1-wwin") {
      EXPECT_EQ(notice.state, store::DeliveryState::sent);
    } else {
      EXPECT_EQ(notice.state, store::DeliveryState::dropped) << notice.key;
      EXPECT_THAT(notice.detail, HasSubstr("stale")) << notice.key;
    }
  }
  EXPECT_EQ(store_->queued_count(), 0u);
}

// A pass of a hundred agencies' emails, rendered on threads and stored in several
// transactions, so that delivery can begin while the pass is still composing (whenever the
// next email is not rendered yet).
class LargePassTest : public PassDeliveryTest {
 protected:
  LargePassTest() {
    snapshot_ = testing::agencies_with_plans(100, [](int i) { return 10 + 40 * (i % 3); });
  }

  PassReport Run(const std::function<bool()>& stop = {}) {
    PassRunner runner(snapshot_, templates_, *store_, transport_);
    if (stop) {
      runner.set_stop_check(stop);
    }
    return runner.run(kNow);
  }

  // The Message-ID of each attempt, in order.
  std::vector<std::string> SentIds() const {
    std::vector<std::string> ids;
    for (const auto& raw : transport_.raw) {
      ids.push_back(testing::header_of(raw, "Message-ID"));
    }
    return ids;
  }
};

// Tests that every email of a large pass is delivered once, and the report counts each once.
TEST_F(LargePassTest, EveryEmailIsDeliveredOnce) {
  const PassReport report = Run();
  EXPECT_GE(report.queued, 100u);
  EXPECT_EQ(report.delivered, report.queued) << report.summary();
  EXPECT_EQ(report.failed + report.retrying, 0u) << report.summary();
  const std::vector<std::string> ids = SentIds();
  EXPECT_EQ(ids.size(), report.queued);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_THAT(ids, Not(Contains("")));
  EXPECT_EQ(store_->queued_count(), 0u);
  for (const auto& message : store_->messages_since(Instant{})) {
    EXPECT_EQ(message.state, store::DeliveryState::sent) << message.message_id;
    EXPECT_EQ(message.attempts, 1) << message.message_id;
  }
}

// Tests that a server found unreachable during a large pass is tried once: every other email
// waits for the next attempt without being tried.
TEST_F(LargePassTest, AnUnreachableServerIsTriedOnceAndEveryEmailWaits) {
  transport_.script = {server_unreachable()};
  const PassReport report = Run();
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.retrying, report.queued) << report.summary();
  EXPECT_EQ(store_->queued_count(), report.queued);
  EXPECT_THAT(report.warnings,
              Contains(HasSubstr("wait for the next attempt, not attempted: could not connect")));
  for (const auto& message : store_->messages_since(Instant{})) {
    EXPECT_GT(message.next_attempt, kNow) << message.message_id;
  }
}

// Tests that a stop asked for during a large pass ends delivery after the message in flight:
// the rest stay queued, untried, for the next start.
TEST_F(LargePassTest, AStopEndsDeliveryAfterTheMessageInFlight) {
  const PassReport report = Run([&] { return transport_.sent.size() >= 3; });
  EXPECT_TRUE(report.stopped);
  EXPECT_EQ(transport_.sent.size(), 3u);
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(store_->queued_count(), report.queued - 3);
  EXPECT_EQ(report.retrying, 0u);
}

// Tests that a message queued on an earlier day whose notices went stale is dropped and
// counted once, beside the pass's own emails, all delivered.
TEST_F(LargePassTest, AStaleMessageIsDroppedAndCountedBesideThePass) {
  Queue("reminder-d1", "police", "reminder", "2020-03-31", kNow - 48h);
  const PassReport report = Run();
  EXPECT_EQ(report.dropped, 1u) << report.summary();
  EXPECT_EQ(report.delivered, report.queued) << report.summary();
  EXPECT_THAT(SentIds(), Not(Contains("<reminder-d1@partnership.example.org>")));
}

}  // namespace
}  // namespace plan_reminder::service
