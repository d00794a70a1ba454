// Tests for `state copy` (SPEC §10): a whole state moved from SQLite into PostgreSQL and back,
// every row and field kept, ids included; a target that holds something refused unless replaced.
#include "store/state_copy.h"
#include "store/state_store.h"
#include "store/store_records.h"
#include "support/postgres_cluster.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace plan_reminder::store {
namespace {

using namespace std::chrono_literals;
using namespace test_records;
using test_support::PostgresCluster;
using test_support::TempDir;
using ::testing::HasSubstr;

std::string Day(const std::optional<date::year_month_day>& day) {
  return day ? date::format("%F", *day) : "-";
}
std::string At(const std::optional<Instant>& at) {
  return at ? std::to_string(at->time_since_epoch().count()) : "-";
}

// Every field of everything a state holds, one line a row, to compare two states whole.
std::string Dump(const StateContents& contents) {
  std::ostringstream out;
  for (const auto& m : contents.messages) {
    out << "message " << m.id << '|' << m.message_id << '|' << token(m.kind) << '|' << m.subject
        << '|' << m.envelope_from << '|' << m.recipients.size() << '|' << m.raw << '|'
        << token(m.state) << '|' << m.attempts << '|' << At(m.created) << '|' << At(m.next_attempt)
        << '|' << m.last_error << '|' << At(m.sending_since) << '\n';
  }
  for (const auto& n : contents.notices) {
    out << "notice " << n.key << '|' << token(n.kind) << '|' << n.review << '|' << n.action << '|'
        << n.milestone << '|' << n.recipient << '|' << Day(n.due) << '|' << At(n.scheduled) << '|'
        << token(n.state) << '|' << n.message_id << '|' << n.detail << '|' << At(n.recorded)
        << '\n';
  }
  for (const auto& [name, value] : contents.settings) {
    out << "setting " << name << '=' << value << '\n';
  }
  for (const auto& e : contents.calendar_events) {
    out << "event " << e.uid << '|' << Day(e.due) << '|' << e.sequence << '\n';
  }
  for (const auto& u : contents.updates) {
    out << "update " << u.id << '|' << u.review << '|' << u.action << '|' << u.milestone << '|'
        << u.agency << '|' << token(u.kind) << '|' << Day(u.done_on) << '|' << u.target << '|'
        << u.note << '|' << At(u.submitted) << '|' << u.token_id << '|' << token(u.state) << '|'
        << At(u.decided) << '|' << u.decision_note << '|' << u.told_message << '|' << At(u.told)
        << '\n';
  }
  return out.str();
}

// A state with something in every table and every state a row can be in.
void Fill(StateStore& store) {
  using namespace date::literals;
  ASSERT_TRUE(store.enqueue(Message("<sent@plan-reminder>"), {Notice("k1"), Notice("k2")}));
  ASSERT_TRUE(store.enqueue(Message("<retry@plan-reminder>", kMonday + 1s), {Notice("k3")}));
  ASSERT_TRUE(store.enqueue(Message("<flight@plan-reminder>", kMonday + 2s), {Notice("k4")}));
  ASSERT_TRUE(store.enqueue(Message("<gone@plan-reminder>", kMonday + 3s), {Notice("k5")}));
  const auto messages = store.messages_since(Instant{});
  ASSERT_TRUE(store.begin_attempt(messages[0].id, kMonday));
  store.mark_sent(messages[0].id, kMonday + 1min);
  ASSERT_TRUE(store.begin_attempt(messages[1].id, kMonday));
  store.mark_retry(messages[1].id, kMonday + 5min, "421 try later");
  ASSERT_TRUE(store.begin_attempt(messages[2].id, kMonday + 2min));  // in flight when copied
  store.drop_message(messages[3].id, kMonday + 1h, "stale");
  store.record_dropped({Notice("stale-one")});
  store.set_setting("last_pass", "2025-03-03T09:00:00Z");
  store.calendar_sequences({{"dhr-david/1.1/scoping@dhr.example.org", 2020_y / 3 / 31}});
  store.calendar_sequences({{"dhr-david/1.1/scoping@dhr.example.org", 2020_y / 6 / 30}});
  UpdateRecord done = Update(UpdateKind::completed, kMonday);
  done.done_on = 2025_y / 3 / 1;
  const auto told = store.add_update(done);
  ASSERT_TRUE(store.decide_update(told, UpdateState::accepted, kMonday + 1h, "Thank you"));
  OutboxMessage telling = Message("<told@plan-reminder>", kMonday + 2h);
  telling.tells_updates = {told};
  ASSERT_TRUE(store.enqueue(telling, {Notice("k6")}));
  store.add_update(Update(UpdateKind::progress, kMonday + 3h, "police"));
}

class StateCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& cluster = PostgresCluster::shared();
    if (!cluster.why_not().empty()) {
      GTEST_SKIP() << cluster.why_not();
    }
    url_ = cluster.socket_url(cluster.new_database());
  }
  std::string SqlitePath(const std::string& name) const { return (dir_.path() / name).string(); }

  TempDir dir_{"plan-reminder-copy"};
  std::string url_;
};

// Tests that a state copied from SQLite into PostgreSQL and back again is the same in every
// field of every row, ids included, and that the counts returned are the rows of each table.
TEST_F(StateCopyTest, SqliteToPostgresqlAndBackKeepsEverything) {
  auto sqlite = StateStore::open(SqlitePath("state.db"));
  Fill(*sqlite);
  const StateContents original = sqlite->contents();
  ASSERT_EQ(original.messages.size(), 4u);  // the dropped message is gone

  auto postgres = StateStore::open(url_);
  auto there = copy_state(*sqlite, *postgres, url_, false);
  ASSERT_TRUE(there.ok()) << there.error().message;
  EXPECT_EQ(there->source, sqlite->table_counts());
  EXPECT_EQ(there->target, there->source);
  EXPECT_EQ(Dump(postgres->contents()), Dump(original));

  auto back = StateStore::open(SqlitePath("back.db"));
  auto again = copy_state(*postgres, *back, SqlitePath("back.db"), false);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(Dump(back->contents()), Dump(original));
}

// Tests that the copy goes on where the source stopped: a message queued in the copy gets an id
// after the copied ones, and a notice the source had handled cannot be queued again.
TEST_F(StateCopyTest, TheCopyGoesOnWhereTheSourceStopped) {
  auto sqlite = StateStore::open(SqlitePath("state.db"));
  Fill(*sqlite);
  auto postgres = StateStore::open(url_);
  ASSERT_TRUE(copy_state(*sqlite, *postgres, url_, false).ok());
  ASSERT_TRUE(postgres->enqueue(Message("<new@plan-reminder>", kMonday + 1h), {Notice("k9")}));
  std::int64_t highest = 0;
  std::int64_t added = 0;
  for (const auto& message : sqlite->messages_since(Instant{})) {
    highest = std::max(highest, message.id);
  }
  for (const auto& message : postgres->messages_since(Instant{})) {
    added = message.message_id == "<new@plan-reminder>" ? message.id : added;
  }
  EXPECT_GT(added, highest);
  EXPECT_THROW(postgres->enqueue(Message("<k1@plan-reminder>"), {Notice("k1")}), std::logic_error);
  EXPECT_GT(postgres->add_update(Update(UpdateKind::progress, kMonday + 4h, "council")),
            sqlite->updates({}).back().id);
}

// Tests that a target holding a state is refused, unchanged, unless told to replace it; replaced,
// it holds the source's rows only.
TEST_F(StateCopyTest, ANonEmptyTargetIsRefusedUnlessReplaced) {
  auto sqlite = StateStore::open(SqlitePath("state.db"));
  Fill(*sqlite);
  auto postgres = StateStore::open(url_);
  postgres->set_setting("mine", "keep");
  auto refused = copy_state(*sqlite, *postgres, url_, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(
      refused.error().message,
      HasSubstr("the state at " + url_ + " is not empty (0 messages, 0 notices, 1 setting"));
  EXPECT_THAT(refused.error().message, HasSubstr("give --force to replace it"));
  EXPECT_EQ(postgres->setting("mine"), "keep");

  auto replaced = copy_state(*sqlite, *postgres, url_, true);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(postgres->setting("mine"), std::nullopt);
  EXPECT_EQ(Dump(postgres->contents()), Dump(sqlite->contents()));
}

}  // namespace
}  // namespace plan_reminder::store
