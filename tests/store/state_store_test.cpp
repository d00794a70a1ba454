// Tests for the state store (SPEC §2 State, §4 Exactly once, §5 Outbox, §10): what survives a
// restart or a crash, the exactly-once guard, the outbox's delivery bookkeeping and the pass
// lock, each run against both engines: a SQLite file and a PostgreSQL database of a cluster the
// tests start (support/postgres_cluster.h). Times are literal instants; nothing reads the clock.
#include "store/state_store.h"
#include "store/schema_version.h"
#include "store/store_records.h"
#include "store/stored_text.h"
#include "support/postgres_cluster.h"
#include "support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace plan_reminder::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace test_records;
using test_support::PostgresCluster;
using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

enum class Engine { sqlite, postgresql };

class StateStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::sqlite) {
      location_ = (dir_.path() / "var" / "state.db").string();
      return;
    }
    auto& cluster = PostgresCluster::shared();
    if (!cluster.why_not().empty()) {
      GTEST_SKIP() << cluster.why_not();
    }
    database_ = cluster.new_database();
    location_ = cluster.socket_url(database_);
  }

  // The state's location: a file, or a PostgreSQL URL (without a password).
  const std::string& Location() const { return location_; }
  std::unique_ptr<StateStore> Open() const { return StateStore::open(location_); }

  // The schema version the state records, read and written behind the store's back.
  int SchemaVersion() const {
    if (GetParam() == Engine::sqlite) {
      SQLite::Database db(location_, SQLite::OPEN_READONLY);
      return db.execAndGet("PRAGMA user_version").getInt();
    }
    return std::stoi(
        PostgresCluster::shared().query(database_, "SELECT version FROM schema_version"));
  }
  void SetSchemaVersion(int version) const {
    if (GetParam() == Engine::sqlite) {
      SQLite::Database db(location_, SQLite::OPEN_READWRITE);
      db.exec("PRAGMA user_version = " + std::to_string(version));
      return;
    }
    PostgresCluster::shared().query(
        database_, "UPDATE schema_version SET version = " + std::to_string(version));
  }

  // The bytes the outbox's texts take in the state, and a change to them made behind the
  // store's back: `UPDATE messages SET raw = ` the engine's expression.
  std::int64_t StoredTextBytes() const {
    if (GetParam() == Engine::sqlite) {
      SQLite::Database db(location_, SQLite::OPEN_READONLY);
      return db.execAndGet("SELECT sum(length(raw)) FROM messages").getInt64();
    }
    return std::stoll(
        PostgresCluster::shared().query(database_, "SELECT sum(octet_length(raw)) FROM messages"));
  }
  void ChangeStoredText(const std::string& sqlite_expression,
                        const std::string& postgres_expression) const {
    if (GetParam() == Engine::sqlite) {
      SQLite::Database db(location_, SQLite::OPEN_READWRITE);
      db.exec("UPDATE messages SET raw = " + sqlite_expression);
      return;
    }
    PostgresCluster::shared().query(database_, "UPDATE messages SET raw = " + postgres_expression);
  }

  // Whether a state was made at the location.
  bool StateExists() const {
    if (GetParam() == Engine::sqlite) {
      return fs::exists(location_);
    }
    return PostgresCluster::shared().query(
               database_, "SELECT to_regclass('schema_version') IS NOT NULL") == "t";
  }
  std::string MissingStateError() const {
    if (GetParam() == Engine::sqlite) {
      return location_ + " does not exist";
    }
    return "state database " + location_ + " holds no plan-reminder state yet";
  }

  // The only message in the outbox, whatever its state.
  static OutboxMessage OnlyMessage(StateStore& store) {
    auto messages = store.messages_since(Instant{});
    EXPECT_EQ(messages.size(), 1u);
    return messages.empty() ? OutboxMessage{} : messages.front();
  }

  TempDir dir_{"plan-reminder-store"};
  std::string location_;
  std::string database_;  // PostgreSQL only
};

INSTANTIATE_TEST_SUITE_P(Engines, StateStoreTest,
                         ::testing::Values(Engine::sqlite, Engine::postgresql),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::sqlite ? "SQLite" : "PostgreSQL";
                         });

// Tests that everything stored is there again after a restart, field for field.
TEST_P(StateStoreTest, ReopenKeepsData) {
  {
    auto store = Open();
    ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2")}));
    store->record_dropped({Notice("k0")});
    store->set_setting("last_pass", "2025-03-03T09:00:00Z");
  }
  auto store = Open();
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k0", "k1", "k2"));
  EXPECT_EQ(store->setting("last_pass"), "2025-03-03T09:00:00Z");

  const auto due = store->due_messages(kMonday);
  ASSERT_EQ(due.size(), 1u);
  const OutboxMessage expected = Message("<a@plan-reminder>");
  EXPECT_GT(due[0].id, 0);
  EXPECT_EQ(due[0].message_id, expected.message_id);
  EXPECT_EQ(due[0].kind, expected.kind);
  EXPECT_EQ(due[0].subject, expected.subject);
  EXPECT_EQ(due[0].envelope_from, expected.envelope_from);
  EXPECT_EQ(due[0].recipients, expected.recipients);
  // The text is read on its own, as it is sent.
  EXPECT_EQ(due[0].raw, "");
  EXPECT_EQ(store->message_raw(due[0].id), expected.raw);
  EXPECT_EQ(store->message_raw(due[0].id + 1000), "");
  EXPECT_EQ(due[0].state, DeliveryState::queued);
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(due[0].created, kMonday);
  EXPECT_EQ(due[0].next_attempt, kMonday);
  EXPECT_EQ(due[0].last_error, "");

  const auto notices = store->notices_since(kMonday);
  ASSERT_EQ(notices.size(), 2u);
  const NoticeRecord& k1 = notices[0];
  EXPECT_EQ(k1.key, "k1");
  EXPECT_EQ(k1.kind, EmailKind::reminder);
  EXPECT_EQ(k1.review, "david");
  EXPECT_EQ(k1.action, "3.1");
  EXPECT_EQ(k1.milestone, "training");
  EXPECT_EQ(k1.recipient, "wwin");
  EXPECT_EQ(k1.due, date::year{2025} / date::March / 31);
  EXPECT_EQ(k1.scheduled, kMonday);
  EXPECT_EQ(k1.state, DeliveryState::queued);
  EXPECT_EQ(k1.message_id, "<a@plan-reminder>");
  EXPECT_EQ(k1.recorded, kMonday);
}

// Tests that a state written by a newer plan-reminder is refused, untouched, with a message
// that tells the operator what to do.
TEST_P(StateStoreTest, SchemaVersionTooNewFails) {
  Open().reset();
  SetSchemaVersion(99);
  try {
    Open();
    FAIL() << "opened a state with a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("state database " + Location() +
                                    " has schema version 99; this plan-reminder knows up to " +
                                    std::to_string(kSchemaVersion) + ": upgrade plan-reminder"));
  }
  EXPECT_EQ(SchemaVersion(), 99);
}

// Tests that a state of version 6 is brought up to date (SQLite makes its notices' table again)
// with every notice as it was: its state, its message, its times; and that the state of a
// notice is still checked.
TEST_P(StateStoreTest, AStateOfVersion6KeepsEveryNoticeWhenUpgraded) {
  {
    auto store = Open();
    ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2")}));
    ASSERT_TRUE(store->enqueue(Message("<b@plan-reminder>", kMonday + 1s), {Notice("k3")}));
    store->record_dropped({Notice("k0")});
    const auto due = store->due_messages(kMonday + 1s);
    ASSERT_EQ(due.size(), 2u);
    ASSERT_TRUE(store->begin_attempt(due[0].id, kMonday + 1min));
    store->mark_sent(due[0].id, kMonday + 1min);
  }
  const StateContents before = Open()->contents();
  SetSchemaVersion(6);
  auto store = Open();
  EXPECT_EQ(SchemaVersion(), kSchemaVersion);
  const StateContents after = store->contents();
  ASSERT_EQ(after.notices.size(), 4u);
  ASSERT_EQ(after.notices.size(), before.notices.size());
  for (std::size_t i = 0; i < after.notices.size(); ++i) {
    const NoticeRecord& was = before.notices[i];
    const NoticeRecord& is = after.notices[i];
    EXPECT_EQ(is.key, was.key);
    EXPECT_EQ(is.state, was.state) << is.key;
    EXPECT_EQ(is.message_id, was.message_id) << is.key;
    EXPECT_EQ(is.scheduled, was.scheduled) << is.key;
    EXPECT_EQ(is.recorded, was.recorded) << is.key;
    EXPECT_EQ(is.due, was.due) << is.key;
  }
  EXPECT_EQ(after.notices[1].state, DeliveryState::sent);    // k1
  EXPECT_EQ(after.notices[3].state, DeliveryState::queued);  // k3
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k0", "k1", "k2", "k3"));
  EXPECT_EQ(store->notices_of_message("<b@plan-reminder>").size(), 1u);
  EXPECT_EQ(store->notices_since(kMonday + 1min).size(), 2u);  // k1 and k2, sent then
  // A notice recorded behind the store's back in a state no version writes is refused.
  const std::string bogus =
      "INSERT INTO notices (key, kind, review, action, milestone, recipient, due, scheduled, "
      "state, detail, recorded) VALUES ('k9', 'reminder', 'r', 'a', 'm', 'x', '2025-03-31', 0, "
      "'bogus', '', 0)";
  std::string refusal;
  try {
    if (GetParam() == Engine::sqlite) {
      SQLite::Database db(Location(), SQLite::OPEN_READWRITE);
      db.exec(bogus);
    } else {
      PostgresCluster::shared().query(database_, bogus);
    }
  } catch (const std::exception& e) {
    refusal = e.what();
  }
  std::transform(refusal.begin(), refusal.end(), refusal.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_THAT(refusal, HasSubstr("check constraint"));
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k0", "k1", "k2", "k3"));
}

// An email's text as a digest's is: a table of `rows` milestones, no two rows alike.
std::string LongEmail(int rows) {
  std::string text = "Subject: digest\r\nContent-Type: text/html\r\n\r\n<table>\r\n";
  for (int i = 0; i < rows; ++i) {
    text += "<tr><td style=\"padding:4px\">dhr-" + std::to_string(i * 7919 % 100003) +
            "</td><td>Review the referral pathway with partner agencies</td><td>2026-11-" +
            std::to_string(10 + i % 20) + "</td></tr>\r\n";
  }
  return text + "</table>\r\n";
}

// Tests that a long message's text is kept in a fraction of its size, and read back whole as it
// is sent and as the outbox lists it.
TEST_P(StateStoreTest, AMessagesTextIsKeptPackedAndReadBackWhole) {
  auto store = Open();
  OutboxMessage message = Message("<a@plan-reminder>");
  message.raw = LongEmail(2000);
  ASSERT_TRUE(store->enqueue(message, {Notice("k1")}));
  const auto due = store->due_messages(kMonday);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(store->message_raw(due[0].id), message.raw);
  EXPECT_EQ(OnlyMessage(*store).raw, message.raw);
  EXPECT_LT(StoredTextBytes(), static_cast<std::int64_t>(message.raw.size() / 5));
}

// Tests that a text a plan-reminder before schema version 6 stored plain is read as it is.
TEST_P(StateStoreTest, ATextStoredPlainBeforeVersion6IsReadAsItIs) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  ChangeStoredText("CAST('Subject: stored plain' || char(13, 10) AS BLOB)",
                   "convert_to('Subject: stored plain' || chr(13) || chr(10), 'UTF8')");
  const auto due = store->due_messages(kMonday);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(store->message_raw(due[0].id), "Subject: stored plain\r\n");
}

// Tests that a state of version 5 (texts plain) is brought up to date when opened, its texts
// read as they are, and new ones packed beside them.
TEST_P(StateStoreTest, AStateOfVersion5IsUpgradedAndItsTextsStillRead) {
  {
    auto store = Open();
    ASSERT_TRUE(store->enqueue(Message("<old@plan-reminder>"), {Notice("k1")}));
  }
  ChangeStoredText("CAST('Subject: stored plain' || char(13, 10) AS BLOB)",
                   "convert_to('Subject: stored plain' || chr(13) || chr(10), 'UTF8')");
  SetSchemaVersion(5);
  auto store = Open();
  EXPECT_EQ(SchemaVersion(), kSchemaVersion);
  OutboxMessage added = Message("<new@plan-reminder>", kMonday + 1s);
  added.raw = LongEmail(1000);
  ASSERT_TRUE(store->enqueue(added, {Notice("k2")}));
  const auto due = store->due_messages(kMonday + 1s);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(store->message_raw(due[0].id), "Subject: stored plain\r\n");
  EXPECT_EQ(store->message_raw(due[1].id), added.raw);
  EXPECT_LT(StoredTextBytes(), static_cast<std::int64_t>(added.raw.size() / 5));
}

// Tests that a packed text cut short, or changed, is reported as damaged, never read as text.
TEST_P(StateStoreTest, ADamagedPackedTextIsReportedNotRead) {
  const std::pair<std::string, std::string> damages[] = {
      {"substr(raw, 1, length(raw) / 2)", "substring(raw from 1 for octet_length(raw) / 2)"},
      {"CAST(substr(raw, 1, length(raw) - 4) || x'00000000' AS BLOB)",
       "substring(raw from 1 for octet_length(raw) - 4) || '\\x00000000'::bytea"}};
  for (const auto& [sqlite_damage, postgres_damage] : damages) {
    SCOPED_TRACE(sqlite_damage);
    auto store = Open();
    OutboxMessage message = Message("<" + sqlite_damage.substr(0, 6) + "@plan-reminder>");
    message.raw = LongEmail(1000);
    ASSERT_TRUE(store->enqueue(message, {}));
    ChangeStoredText(sqlite_damage, postgres_damage);
    const auto due = store->due_messages(kMonday);
    ASSERT_EQ(due.size(), 1u);
    try {
      const std::string read = store->message_raw(due[0].id);
      ADD_FAILURE() << "read " << read.size() << " bytes of a damaged text";
    } catch (const DamagedText& e) {
      EXPECT_THAT(e.what(), HasSubstr("its packed text in the state is damaged ("));
    }
    store->mark_failed(due[0].id, kMonday, "damaged");
  }
}

// Tests that queued notices count as handled at once, before any delivery.
TEST_P(StateStoreTest, EnqueueMakesKeysHandled) {
  auto store = Open();
  EXPECT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2")}));
  EXPECT_TRUE(store->enqueue(Message("<b@plan-reminder>"), {Notice("k3", "chair")}));
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1", "k2", "k3"));
  EXPECT_EQ(store->queued_count(), 2u);
}

// Tests that storing a message again (same Message-ID) is a no-op that reports false.
TEST_P(StateStoreTest, DuplicateMessageIdStoresNothing) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  OutboxMessage again = Message("<a@plan-reminder>", kMonday + 1h);
  again.subject = "different";
  EXPECT_FALSE(store->enqueue(again, {Notice("k2")}));

  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1"));
  EXPECT_EQ(OnlyMessage(*store).subject, "1 milestone needs attention");
  EXPECT_EQ(store->queued_count(), 1u);
}

// Tests that a message carrying hundreds of notices (a national catch-up's escalation) records
// every one, and that one already recorded among them, late in the list, still refuses the whole
// message; the same for hundreds of dropped notices, some already recorded.
TEST_P(StateStoreTest, HundredsOfNoticesInOneMessageAreAllRecordedOrNone) {
  auto store = Open();
  std::vector<NoticeRecord> many;
  for (int i = 0; i < 250; ++i) {
    many.push_back(Notice("many/" + std::to_string(i)));
  }
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), many));
  EXPECT_EQ(store->handled_keys().size(), 250u);
  EXPECT_EQ(store->notices_of_message("<a@plan-reminder>").size(), 250u);

  std::vector<NoticeRecord> more;
  for (int i = 0; i < 240; ++i) {
    more.push_back(Notice("more/" + std::to_string(i)));
  }
  more.push_back(Notice("many/249"));
  EXPECT_THROW(store->enqueue(Message("<b@plan-reminder>"), more), std::logic_error);
  EXPECT_EQ(store->handled_keys().size(), 250u);
  EXPECT_EQ(store->queued_count(), 1u);

  more.back() = Notice("more/240");
  std::vector<NoticeRecord> dropped(more.begin(), more.begin() + 120);
  dropped.push_back(Notice("many/0"));
  store->record_dropped(dropped);
  const auto keys = store->handled_keys();
  EXPECT_EQ(keys.size(), 370u);
  EXPECT_EQ(keys.count("more/119"), 1u);
  EXPECT_EQ(keys.count("more/120"), 0u);
}

// Tests that a pass's batch of messages is stored whole or not at all: a message already stored
// is skipped and not counted, and a notice already recorded in the batch's last message leaves
// none of the batch stored, its earlier messages and their notices included.
TEST_P(StateStoreTest, ABatchOfMessagesIsStoredWholeOrNotAtAll) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("a1")}));

  std::vector<store::QueuedMessage> batch;
  batch.push_back({Message("<b@plan-reminder>"), {Notice("b1"), Notice("b2")}});
  batch.push_back({Message("<a@plan-reminder>"), {Notice("a2")}});
  batch.push_back({Message("<c@plan-reminder>"), {Notice("c1")}});
  EXPECT_EQ(store->enqueue_all(batch), 2u);
  EXPECT_EQ(store->queued_count(), 3u);
  EXPECT_EQ(store->notices_of_message("<b@plan-reminder>").size(), 2u);
  EXPECT_EQ(store->handled_keys().count("a2"), 0u);

  batch.clear();
  batch.push_back({Message("<d@plan-reminder>"), {Notice("d1")}});
  batch.push_back({Message("<e@plan-reminder>"), {Notice("e1"), Notice("b2")}});
  try {
    store->enqueue_all(batch);
    FAIL() << "queued notice b2 twice";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("notice b2 is already recorded (queued)"));
  }
  EXPECT_EQ(store->queued_count(), 3u);
  EXPECT_EQ(store->handled_keys().count("d1"), 0u);
  EXPECT_TRUE(store->notices_of_message("<d@plan-reminder>").empty());
  EXPECT_EQ(store->enqueue_all({}), 0u);
}

// Tests that queueing a notice already queued, sent or dropped is refused as a bug, and that
// the message carrying it is not stored either.
TEST_P(StateStoreTest, ReusedNoticeKeyThrowsAndRollsBack) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  store->record_dropped({Notice("stale")});

  try {
    store->enqueue(Message("<b@plan-reminder>"), {Notice("k2"), Notice("k1")});
    FAIL() << "queued notice k1 twice";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("notice k1 is already recorded (queued)"));
  }
  EXPECT_THROW(store->enqueue(Message("<c@plan-reminder>"), {Notice("stale")}), std::logic_error);
  EXPECT_THROW(store->enqueue(Message("<d@plan-reminder>"), {Notice("k3"), Notice("k3")}),
               std::logic_error);

  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1", "stale"));
  EXPECT_EQ(OnlyMessage(*store).message_id, "<a@plan-reminder>");
  EXPECT_EQ(store->queued_count(), 1u);
}

// Tests that a message is due only from its next attempt, oldest first.
TEST_P(StateStoreTest, DueMessagesHonourNextAttempt) {
  auto store = Open();
  OutboxMessage later = Message("<later@plan-reminder>");
  later.next_attempt = kMonday + 2h;
  OutboxMessage sooner = Message("<sooner@plan-reminder>");
  sooner.next_attempt = kMonday + 1h;
  ASSERT_TRUE(store->enqueue(later, {Notice("k1")}));
  ASSERT_TRUE(store->enqueue(sooner, {Notice("k2")}));
  // No next attempt given: due as soon as it is created.
  ASSERT_TRUE(store->enqueue(Message("<now@plan-reminder>", kMonday + 30min), {Notice("k3")}));

  auto ids = [&](Instant now) {
    std::vector<std::string> result;
    for (const auto& message : store->due_messages(now)) {
      result.push_back(message.message_id);
    }
    return result;
  };
  EXPECT_THAT(ids(kMonday), IsEmpty());
  EXPECT_THAT(ids(kMonday + 30min), ElementsAre("<now@plan-reminder>"));
  EXPECT_THAT(ids(kMonday + 1h), ElementsAre("<now@plan-reminder>", "<sooner@plan-reminder>"));
  EXPECT_THAT(ids(kMonday + 3h), ElementsAre("<now@plan-reminder>", "<sooner@plan-reminder>",
                                             "<later@plan-reminder>"));
  EXPECT_EQ(store->next_attempt(), kMonday + 30min);
  EXPECT_EQ(store->queued_count(), 3u);
}

// Tests that a transient failure keeps the message and its notices queued, counts the attempt
// and postpones the message to its next attempt.
TEST_P(StateStoreTest, MarkRetryPostponesMessageAndKeepsNoticesQueued) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2")}));
  const std::int64_t id = OnlyMessage(*store).id;

  ASSERT_TRUE(store->begin_attempt(id, kMonday));
  store->mark_retry(id, kMonday + 1min, "connection refused");
  ASSERT_TRUE(store->begin_attempt(id, kMonday + 1min));
  store->mark_retry(id, kMonday + 3min, "421 try again later");

  EXPECT_THAT(store->due_messages(kMonday + 2min), IsEmpty());
  const auto due = store->due_messages(kMonday + 3min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].state, DeliveryState::queued);
  EXPECT_EQ(due[0].attempts, 2);
  EXPECT_EQ(due[0].next_attempt, kMonday + 3min);
  EXPECT_EQ(due[0].last_error, "421 try again later");
  EXPECT_EQ(store->next_attempt(), kMonday + 3min);
  for (const auto& notice : store->notices_since(Instant{})) {
    EXPECT_EQ(notice.state, DeliveryState::queued) << notice.key;
    EXPECT_EQ(notice.detail, "421 try again later") << notice.key;
    EXPECT_EQ(notice.recorded, kMonday) << notice.key;
  }
}

// Tests that the digest's list of failures holds only failed messages, with who and why but
// not the message text.
TEST_P(StateStoreTest, FailedMessagesSinceListsOnlyFailures) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  ASSERT_TRUE(store->enqueue(Message("<b@plan-reminder>", kMonday + 1s), {Notice("k2")}));
  const auto all = store->messages_since(Instant{});
  store->mark_failed(all[0].id, kMonday + 1min, "550 5.1.1 no such user");
  store->mark_sent(all[1].id, kMonday + 1min);

  const auto failed = store->failed_messages_since(kMonday);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].message_id, "<a@plan-reminder>");
  EXPECT_EQ(failed[0].last_error, "550 5.1.1 no such user");
  EXPECT_EQ(failed[0].recipients, all[0].recipients);
  EXPECT_TRUE(failed[0].raw.empty());
  EXPECT_TRUE(store->failed_messages_since(kMonday + 1s).empty());
}

// Tests that a delivered message and all its notices are marked sent together, and leave the
// queue; other messages' notices are untouched.
TEST_P(StateStoreTest, MarkSentMovesMessageAndNoticesTogether) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2")}));
  ASSERT_TRUE(store->enqueue(Message("<b@plan-reminder>", kMonday + 1s), {Notice("k3")}));
  const std::int64_t id = store->messages_since(Instant{}).front().id;

  ASSERT_TRUE(store->begin_attempt(id, kMonday));
  store->mark_retry(id, kMonday + 1min, "timeout");
  ASSERT_TRUE(store->begin_attempt(id, kMonday + 1min));
  store->mark_sent(id, kMonday + 1min);

  const auto messages = store->messages_since(Instant{});
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].state, DeliveryState::sent);
  EXPECT_EQ(messages[0].attempts, 2);
  EXPECT_EQ(messages[1].state, DeliveryState::queued);
  EXPECT_EQ(store->queued_count(), 1u);
  EXPECT_EQ(store->next_attempt(), kMonday + 1s);

  const auto notices = store->notices_since(Instant{});
  ASSERT_EQ(notices.size(), 3u);
  EXPECT_EQ(notices[0].key, "k3");
  EXPECT_EQ(notices[0].state, DeliveryState::queued);
  for (const auto& sent : {notices[1], notices[2]}) {
    EXPECT_EQ(sent.state, DeliveryState::sent) << sent.key;
    EXPECT_EQ(sent.recorded, kMonday + 1min) << sent.key;
    EXPECT_EQ(sent.detail, "") << sent.key;
  }
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1", "k2", "k3"));
}

// Tests that a permanent failure marks the message and all its notices failed, with the reason.
TEST_P(StateStoreTest, MarkFailedMovesMessageAndNoticesTogether) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2")}));
  const std::int64_t id = OnlyMessage(*store).id;

  ASSERT_TRUE(store->begin_attempt(id, kMonday + 5min));
  store->mark_failed(id, kMonday + 5min, "550 mailbox unavailable");

  const OutboxMessage message = OnlyMessage(*store);
  EXPECT_EQ(message.state, DeliveryState::failed);
  EXPECT_EQ(message.attempts, 1);
  EXPECT_EQ(message.last_error, "550 mailbox unavailable");
  EXPECT_EQ(store->queued_count(), 0u);
  EXPECT_EQ(store->next_attempt(), std::nullopt);
  EXPECT_THAT(store->due_messages(kMonday + 1h), IsEmpty());
  const auto notices = store->notices_since(kMonday + 5min);
  ASSERT_EQ(notices.size(), 2u);
  for (const auto& notice : notices) {
    EXPECT_EQ(notice.state, DeliveryState::failed) << notice.key;
    EXPECT_EQ(notice.detail, "550 mailbox unavailable") << notice.key;
  }
  // Failed notices stay handled: a failure is reported, never silently re-sent.
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1", "k2"));
}

// Tests that settling a message twice, or one that does not exist, is refused as a bug and
// changes nothing.
TEST_P(StateStoreTest, MarkingASettledOrUnknownMessageThrows) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  const std::int64_t id = OnlyMessage(*store).id;
  store->mark_sent(id, kMonday);

  try {
    store->mark_failed(id, kMonday + 1min, "too late");
    FAIL() << "failed a sent message";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("is already sent"));
  }
  EXPECT_THROW(store->mark_retry(id, kMonday + 1min, "again"), std::logic_error);
  EXPECT_THROW(store->mark_sent(id + 100, kMonday), std::logic_error);

  EXPECT_EQ(OnlyMessage(*store).state, DeliveryState::sent);
  EXPECT_EQ(store->notices_since(Instant{}).front().state, DeliveryState::sent);
}

// Tests that dropped notices are recorded once, with their reason, and never replaced.
TEST_P(StateStoreTest, RecordDroppedKeepsTheFirstRecord) {
  auto store = Open();
  NoticeRecord stale = Notice("k1");
  stale.detail = "stale: superseded by overdue";
  stale.recorded = kMonday;
  store->record_dropped({stale});
  NoticeRecord again = stale;
  again.detail = "something else";
  again.recorded = kMonday + 24h;
  NoticeRecord other = Notice("k2");
  other.recorded = kMonday + 24h;
  store->record_dropped({again, other});

  const auto notices = store->notices_since(Instant{});
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0].key, "k1");
  EXPECT_EQ(notices[0].state, DeliveryState::dropped);
  EXPECT_EQ(notices[0].detail, "stale: superseded by overdue");
  EXPECT_EQ(notices[0].message_id, "");
  EXPECT_EQ(notices[0].recorded, kMonday);
  EXPECT_EQ(notices[1].key, "k2");
  EXPECT_EQ(store->queued_count(), 0u);
}

// Tests that the audit trail lists notices from an instant on, by time and then by key.
TEST_P(StateStoreTest, NoticesSinceAreOrderedByTimeThenKey) {
  auto store = Open();
  auto dropped = [](const std::string& key, Instant at) {
    NoticeRecord notice = Notice(key);
    notice.recorded = at;
    return notice;
  };
  store->record_dropped({dropped("z-old", kMonday - 24h), dropped("m", kMonday + 1h)});
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("c"), Notice("b")}));
  store->record_dropped({dropped("a", kMonday + 1h)});

  std::vector<std::string> keys;
  for (const auto& notice : store->notices_since(kMonday)) {
    keys.push_back(notice.key);
  }
  EXPECT_THAT(keys, ElementsAre("b", "c", "a", "m"));
  EXPECT_EQ(store->notices_since(kMonday - 24h).size(), 5u);
  EXPECT_THAT(store->notices_since(kMonday + 2h), IsEmpty());
}

// Tests that the outbox history lists messages from an instant on, oldest first.
TEST_P(StateStoreTest, MessagesSinceAreOrderedByCreation) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<late@plan-reminder>", kMonday + 2h), {Notice("k1")}));
  ASSERT_TRUE(store->enqueue(Message("<early@plan-reminder>", kMonday), {Notice("k2")}));
  ASSERT_TRUE(store->enqueue(Message("<old@plan-reminder>", kMonday - 7 * 24h), {Notice("k3")}));

  std::vector<std::string> ids;
  for (const auto& message : store->messages_since(kMonday)) {
    ids.push_back(message.message_id);
  }
  EXPECT_THAT(ids, ElementsAre("<early@plan-reminder>", "<late@plan-reminder>"));
}

// Tests that settings are absent until set, can be replaced, and survive a restart.
TEST_P(StateStoreTest, SettingsRoundTrip) {
  {
    auto store = Open();
    EXPECT_EQ(store->setting("last_pass"), std::nullopt);
    store->set_setting("last_pass", "first");
    store->set_setting("last_pass", "second");
    store->set_setting("empty", "");
    EXPECT_EQ(store->setting("last_pass"), "second");
  }
  auto store = Open();
  EXPECT_EQ(store->setting("last_pass"), "second");
  EXPECT_EQ(store->setting("empty"), "");
}

// Tests that a recipient with a line break is refused rather than stored as two recipients.
TEST_P(StateStoreTest, RecipientWithLineBreakIsRefused) {
  auto store = Open();
  OutboxMessage message = Message("<a@plan-reminder>");
  message.recipients = {"a@example.org\nb@example.org"};
  EXPECT_THROW(store->enqueue(message, {Notice("k1")}), std::invalid_argument);
  EXPECT_THAT(store->handled_keys(), IsEmpty());
}

// Tests that a queued message is durable once enqueue returns: a process that dies right
// after, without closing the database, loses nothing.
TEST_P(StateStoreTest, DataSurvivesACrash) {
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    int status = 1;
    try {
      auto store = Open();
      if (store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")})) {
        // Leak the store: no destructor, no close, no checkpoint.
        static_cast<void>(store.release());
        status = 0;
      }
    } catch (...) {
      status = 2;
    }
    ::_exit(status);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto store = Open();
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1"));
  ASSERT_EQ(store->due_messages(kMonday).size(), 1u);
  EXPECT_EQ(store->message_raw(store->due_messages(kMonday).front().id),
            Message("<a@plan-reminder>").raw);
}

// Tests that two connections to one state (say, the daemon and a command) see each other's
// writes.
TEST_P(StateStoreTest, TwoStoresOnOneStateWorkTogether) {
  auto daemon = Open();
  auto command = Open();
  ASSERT_TRUE(daemon->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  EXPECT_THAT(command->handled_keys(), UnorderedElementsAre("k1"));
  EXPECT_THROW(command->enqueue(Message("<b@plan-reminder>"), {Notice("k1")}), std::logic_error);
  command->set_setting("last_pass", "x");
  EXPECT_EQ(daemon->setting("last_pass"), "x");
  daemon->mark_sent(OnlyMessage(*command).id, kMonday);
  EXPECT_EQ(command->queued_count(), 0u);
}

// Tests that an attempt is recorded (counted, marked in flight) before it is made, and that
// the outcome clears the mark without counting it again.
TEST_P(StateStoreTest, BeginAttemptCountsTheAttemptBeforeTheOutcome) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  const std::int64_t id = OnlyMessage(*store).id;
  ASSERT_TRUE(store->begin_attempt(id, kMonday));
  EXPECT_EQ(OnlyMessage(*store).attempts, 1);
  store->mark_sent(id, kMonday);
  EXPECT_EQ(OnlyMessage(*store).attempts, 1);
  // Settled (on a shared state, by another instance since it was read): not claimed again.
  EXPECT_FALSE(store->begin_attempt(id, kMonday));
  EXPECT_EQ(OnlyMessage(*store).attempts, 1);
  EXPECT_THROW(static_cast<void>(store->begin_attempt(id + 1, kMonday)), std::logic_error);
}

// Tests that a message some recipients refused is sent, with the refusal as its error (so the
// digest lists it), and that the notices of a refused recipient are failed.
TEST_P(StateStoreTest, PartlySentRecordsTheRefusedRecipients) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1"), Notice("k2", "pol")}));
  const std::int64_t id = OnlyMessage(*store).id;
  ASSERT_TRUE(store->begin_attempt(id, kMonday));
  store->mark_partly_sent(id, kMonday + 1min, "refused x@pol.example: 550 no such user", {"k2"});
  EXPECT_EQ(OnlyMessage(*store).state, DeliveryState::sent);
  const auto failed = store->failed_messages_since(kMonday);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].last_error, "refused x@pol.example: 550 no such user");
  const auto notices = store->notices_since(Instant{});
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0].state, DeliveryState::sent);
  EXPECT_EQ(notices[1].state, DeliveryState::failed);
  EXPECT_EQ(notices[1].detail, "refused x@pol.example: 550 no such user");
}

// Tests that dropping a stale message records its notices as dropped, with the reason, and
// removes the message from the queue.
TEST_P(StateStoreTest, DropMessageRecordsItsNoticesDropped) {
  auto store = Open();
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  const std::int64_t id = OnlyMessage(*store).id;
  store->drop_message(id, kMonday + 1h, "stale: due 2025-03-31 has passed");
  EXPECT_EQ(store->queued_count(), 0u);
  EXPECT_THAT(store->due_messages(kMonday + 2h), IsEmpty());
  const auto notices = store->notices_since(Instant{});
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].state, DeliveryState::dropped);
  EXPECT_EQ(notices[0].detail, "stale: due 2025-03-31 has passed");
  EXPECT_EQ(notices[0].recorded, kMonday + 1h);
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1"));
}

// Tests that only one process at a time holds the pass lock, and that the one turned away is
// told who holds it.
TEST_P(StateStoreTest, PassLockIsExclusiveAndNamesTheHolder) {
  auto one = Open();
  auto other = Open();  // as another process would: a connection of its own
  auto first = one->lock_passes(0ms);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = other->lock_passes(200ms);
  ASSERT_FALSE(second.ok());
  // On PostgreSQL the lock is the lead that instances on several machines share.
  const char* holds =
      GetParam() == Engine::sqlite ? ") is running a pass on " : ") leads the passes on ";
  EXPECT_EQ(second.error().message,
            "another plan-reminder (pid " + std::to_string(::getpid()) + holds + Location());
  first.value().reset();  // releases the lock
  // PostgreSQL frees a closed session's lock once it has seen the connection go, a moment
  // later: the other tries again for a while, as a pass waiting for the lock does.
  auto taken = other->lock_passes(5s);
  EXPECT_TRUE(taken.ok()) << taken.error().message;
}

// Tests that the commands that only read the state (history, preview) find none where none was
// made, and make none.
TEST_P(StateStoreTest, OpeningAnExistingStateCreatesNothing) {
  auto missing = StateStore::open_existing(Location());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, MissingStateError());
  EXPECT_FALSE(StateExists());

  Open()->set_setting("last_pass", "1");
  auto existing = StateStore::open_existing(Location());
  ASSERT_TRUE(existing.ok()) << existing.error().message;
  EXPECT_EQ((*existing)->setting("last_pass"), "1");
}

// Tests that freeing the caches before the daemon sleeps loses nothing.
TEST_P(StateStoreTest, IdleKeepsEverything) {
  auto store = Open();
  store->set_setting("last_pass", "1");
  store->idle();
  EXPECT_EQ(store->setting("last_pass"), "1");
}

// Tests that the previous digest is the latest digest sent or queued before an instant, at
// the time it was composed: a digest a week earlier counts, today's own copies and a failed one
// do not, and a log without a digest has none.
TEST_P(StateStoreTest, PreviousDigestIsTheLatestSentOrQueuedBeforeAnInstant) {
  auto store = Open();
  auto digest = [](const std::string& day, Instant at) {
    NoticeRecord notice;
    notice.key = "digest/" + day + "/digest";
    notice.kind = EmailKind::digest;
    notice.recipient = "digest";
    notice.scheduled = at;
    return notice;
  };
  EXPECT_EQ(store->previous_digest(kMonday), std::nullopt);
  ASSERT_TRUE(store->enqueue(Message("<r@plan-reminder>", kMonday - 24h), {Notice("r")}));
  EXPECT_EQ(store->previous_digest(kMonday), std::nullopt);

  const Instant two_weeks_ago = kMonday - 14 * 24h - 30min;
  const Instant last_week = kMonday - 6 * 24h;  // the Tuesday after a bank-holiday Monday
  ASSERT_TRUE(store->enqueue(Message("<d1@plan-reminder>", two_weeks_ago),
                             {digest("2025-02-17", two_weeks_ago)}));
  ASSERT_TRUE(
      store->enqueue(Message("<d2@plan-reminder>", last_week), {digest("2025-02-24", last_week)}));
  ASSERT_TRUE(store->enqueue(Message("<d3@plan-reminder>", kMonday - 30min),
                             {digest("2025-03-03", kMonday - 30min)}));
  EXPECT_EQ(store->previous_digest(kMonday - 9h), last_week);
  EXPECT_EQ(store->previous_digest(kMonday), kMonday - 30min);

  // A digest that failed to go reported nothing: the one before it is the previous digest.
  for (const auto& message : store->messages_since(Instant{})) {
    if (message.message_id == "<d2@plan-reminder>") {
      store->mark_failed(message.id, last_week + 1min, "550 no such list");
    }
  }
  EXPECT_EQ(store->previous_digest(kMonday - 9h), two_weeks_ago);
}

// Tests that a calendar event starts at SEQUENCE 0 and keeps it while its due date stays the
// same, across restarts: calendars then leave the event alone.
TEST_P(StateStoreTest, CalendarSequenceStaysWhileTheDueDateStays) {
  using namespace date::literals;
  const CalendarEntry scoping{"dhr-david/1.1/scoping@dhr.example.org", 2020_y / 3 / 31};
  const CalendarEntry training{"dhr-david/3.1/1@dhr.example.org", 2019_y / 9 / 30};
  {
    auto store = Open();
    EXPECT_THAT(store->calendar_sequences({scoping, training}), ElementsAre(0, 0));
    EXPECT_THAT(store->calendar_sequences({training, scoping}), ElementsAre(0, 0));
  }
  EXPECT_THAT(Open()->calendar_sequences({scoping}), ElementsAre(0));
}

// Tests that a revised target raises the event's SEQUENCE once, and that taking the revision
// back (the old date again) raises it again: each is a change the calendar must show.
TEST_P(StateStoreTest, CalendarSequenceRisesWhenTheDueDateChanges) {
  using namespace date::literals;
  auto store = Open();
  const std::string uid = "dhr-david/1.1/scoping@dhr.example.org";
  const CalendarEntry other{"dhr-david/1.2/1@dhr.example.org", 2020_y / 6 / 30};
  EXPECT_THAT(store->calendar_sequences({{uid, 2020_y / 3 / 31}, other}), ElementsAre(0, 0));
  EXPECT_THAT(store->calendar_sequences({{uid, 2020_y / 6 / 30}, other}), ElementsAre(1, 0));
  EXPECT_THAT(store->calendar_sequences({{uid, 2020_y / 6 / 30}, other}), ElementsAre(1, 0));
  EXPECT_THAT(store->calendar_sequences({{uid, 2020_y / 3 / 31}}), ElementsAre(2));
  EXPECT_THAT(store->calendar_sequences({other}), ElementsAre(0));
}

// Tests that /metrics counts the log and the outbox by kind and delivery state, and that a
// delivery outcome moves a message and its notices from one count to another.
TEST_P(StateStoreTest, DeliveryCountsByKindAndState) {
  auto store = Open();
  EXPECT_THAT(store->delivery_counts().notices, IsEmpty());
  EXPECT_THAT(store->delivery_counts().messages, IsEmpty());

  OutboxMessage overdue = Message("<o@plan-reminder>");
  overdue.kind = EmailKind::overdue;
  NoticeRecord late = Notice("late");
  late.kind = EmailKind::overdue;
  ASSERT_TRUE(store->enqueue(Message("<r@plan-reminder>"), {Notice("r1"), Notice("r2")}));
  ASSERT_TRUE(store->enqueue(overdue, {late}));
  store->record_dropped({Notice("stale")});
  for (const auto& message : store->messages_since(Instant{})) {
    if (message.message_id == "<r@plan-reminder>") {
      store->mark_sent(message.id, kMonday + 1min);
    }
  }

  const auto as_tuple = [](const DeliveryCount& c) { return std::tuple(c.kind, c.state, c.count); };
  const auto tuples = [&](const std::vector<DeliveryCount>& counts) {
    std::vector<std::tuple<EmailKind, DeliveryState, std::int64_t>> out;
    std::transform(counts.begin(), counts.end(), std::back_inserter(out), as_tuple);
    return out;
  };
  const DeliveryCounts counts = store->delivery_counts();
  EXPECT_THAT(tuples(counts.notices),
              ElementsAre(std::tuple(EmailKind::reminder, DeliveryState::sent, 2),
                          std::tuple(EmailKind::reminder, DeliveryState::dropped, 1),
                          std::tuple(EmailKind::overdue, DeliveryState::queued, 1)));
  EXPECT_THAT(tuples(counts.messages),
              ElementsAre(std::tuple(EmailKind::reminder, DeliveryState::sent, 1),
                          std::tuple(EmailKind::overdue, DeliveryState::queued, 1)));
}

// Tests that a submission is stored as waiting with every field as sent, survives a reopen,
// and is listed by state in the order it came.
TEST_P(StateStoreTest, UpdatesAreKeptAsSubmitted) {
  using namespace date::literals;
  const Instant at = date::sys_days{2020_y / 4 / 2} + std::chrono::hours{10};
  UpdateRecord completed = Update(UpdateKind::completed, at);
  completed.done_on = 2020_y / 3 / 30;
  UpdateRecord asked = Update(UpdateKind::new_target, at + std::chrono::minutes{1}, "police");
  asked.milestone = "training";
  asked.target = "September 2020";
  asked.note = "The trainer left; a new one starts in July";
  std::int64_t first = 0;
  std::int64_t second = 0;
  {
    auto store = Open();
    first = store->add_update(completed);
    second = store->add_update(asked);
    EXPECT_LT(first, second);
  }
  auto store = Open();
  auto stored = store->update(first);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, first);
  EXPECT_EQ(stored->review, "dhr-david");
  EXPECT_EQ(stored->action, "1.1");
  EXPECT_EQ(stored->milestone, "scoping");
  EXPECT_EQ(stored->agency, "wwin");
  EXPECT_EQ(stored->kind, UpdateKind::completed);
  EXPECT_EQ(stored->done_on, 2020_y / 3 / 30);
  EXPECT_EQ(stored->note, completed.note);
  EXPECT_EQ(stored->submitted, at);
  EXPECT_EQ(stored->token_id, "tok-1");
  EXPECT_EQ(stored->state, UpdateState::waiting);
  EXPECT_FALSE(stored->decided);
  auto other = store->update(second);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->kind, UpdateKind::new_target);
  EXPECT_EQ(other->target, "September 2020");
  EXPECT_FALSE(other->done_on);
  auto waiting = store->updates({UpdateState::waiting});
  ASSERT_EQ(waiting.size(), 2U);
  EXPECT_EQ(waiting[0].id, first);
  EXPECT_EQ(waiting[1].id, second);
  EXPECT_THAT(store->updates({UpdateState::accepted}), IsEmpty());
  EXPECT_FALSE(store->update(second + 1));
}

// Tests that a newer update from the same agency for the same milestone supersedes the one
// still waiting, while another agency's update of that milestone and decided ones stay.
TEST_P(StateStoreTest, NewerUpdateSupersedesTheWaitingOne) {
  using namespace date::literals;
  const Instant at = date::sys_days{2020_y / 4 / 2};
  auto store = Open();
  const auto decided = store->add_update(Update(UpdateKind::progress, at));
  ASSERT_TRUE(store->decide_update(decided, UpdateState::accepted, at, ""));
  const auto old = store->add_update(Update(UpdateKind::progress, at + std::chrono::hours{1}));
  const auto police =
      store->add_update(Update(UpdateKind::progress, at + std::chrono::hours{1}, "police"));
  const Instant later = at + std::chrono::hours{2};
  const auto newer = store->add_update(Update(UpdateKind::completed, later));
  EXPECT_EQ(store->update(old)->state, UpdateState::superseded);
  EXPECT_EQ(store->update(old)->decided, later);
  EXPECT_EQ(store->update(decided)->state, UpdateState::accepted);
  EXPECT_EQ(store->update(police)->state, UpdateState::waiting);
  EXPECT_EQ(store->update(newer)->state, UpdateState::waiting);
  EXPECT_FALSE(store->decide_update(old, UpdateState::accepted, later, ""))
      << "a superseded update cannot be accepted";
}

// Tests that a waiting update is decided once, with its time and note, and that deciding it
// again, or an unknown one, changes nothing.
TEST_P(StateStoreTest, AnUpdateIsDecidedOnce) {
  using namespace date::literals;
  const Instant at = date::sys_days{2020_y / 4 / 2};
  auto store = Open();
  const auto id = store->add_update(Update(UpdateKind::not_implemented, at));
  const Instant decided_at = at + std::chrono::hours{26};
  EXPECT_TRUE(store->decide_update(id, UpdateState::rejected, decided_at,
                                   "The panel's recommendation stands: please propose a date"));
  EXPECT_FALSE(store->decide_update(id, UpdateState::accepted, decided_at, "changed my mind"));
  EXPECT_FALSE(store->decide_update(id + 1, UpdateState::accepted, decided_at, ""));
  auto stored = store->update(id);
  EXPECT_EQ(stored->state, UpdateState::rejected);
  EXPECT_EQ(stored->decided, decided_at);
  EXPECT_EQ(stored->decision_note, "The panel's recommendation stands: please propose a date");
  EXPECT_THAT(store->updates({UpdateState::waiting}), IsEmpty());
  EXPECT_EQ(store->updates({UpdateState::rejected, UpdateState::accepted}).size(), 1U);
  EXPECT_EQ(store->updates({}).size(), 1U);
  EXPECT_THROW(static_cast<void>(store->decide_update(id, UpdateState::superseded, decided_at, "")),
               std::invalid_argument);
}

// Tests that a decision is to be told until a message that tells it is stored, and then is
// told once, with that message and its time; a waiting update is never marked told, and a
// message that is not stored (already there) marks nothing.
TEST_P(StateStoreTest, ADecisionIsToldWithTheMessageThatTellsIt) {
  using namespace date::literals;
  const Instant at = date::sys_days{2020_y / 4 / 2};
  auto store = Open();
  const auto accepted = store->add_update(Update(UpdateKind::progress, at));
  const auto rejected = store->add_update(Update(UpdateKind::completed, at, "police"));
  const auto waiting = store->add_update(Update(UpdateKind::progress, at, "council"));
  ASSERT_TRUE(store->decide_update(rejected, UpdateState::rejected, at + std::chrono::hours{1},
                                   "No evidence yet"));
  ASSERT_TRUE(
      store->decide_update(accepted, UpdateState::accepted, at + std::chrono::hours{2}, ""));
  auto to_tell = store->decisions_to_tell();
  ASSERT_EQ(to_tell.size(), 2U);
  EXPECT_EQ(to_tell[0].id, rejected);  // in the order decided
  EXPECT_EQ(to_tell[1].id, accepted);

  OutboxMessage message = Message("<told@plan-reminder>", kMonday);
  message.tells_updates = {rejected, waiting};
  ASSERT_TRUE(store->enqueue(message, {Notice("k1")}));
  to_tell = store->decisions_to_tell();
  ASSERT_EQ(to_tell.size(), 1U);
  EXPECT_EQ(to_tell[0].id, accepted);
  const auto told = store->update(rejected);
  EXPECT_EQ(told->told_message, "<told@plan-reminder>");
  EXPECT_EQ(told->told, kMonday);
  EXPECT_FALSE(store->update(waiting)->told);

  OutboxMessage again = Message("<told@plan-reminder>", kMonday);
  again.tells_updates = {accepted};
  EXPECT_FALSE(store->enqueue(again, {}));
  EXPECT_EQ(store->decisions_to_tell().size(), 1U);
}

}  // namespace
}  // namespace plan_reminder::store
