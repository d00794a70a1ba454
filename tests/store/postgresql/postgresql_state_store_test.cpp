// Tests for what only the PostgreSQL state does (SPEC §10): the password kept out of everything
// printed, the password from a systemd credential or a password file, a lost connection being
// an error the next call recovers from, and the pass lock ending with its connection. What every
// engine does is in ../state_store_test.cpp.
#include "store/postgresql/connection.h"
#include "store/state_store.h"
#include "store/store_records.h"
#include "support/postgres_cluster.h"
#include "support/scoped_environment.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace plan_reminder::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace test_records;
using test_support::PostgresCluster;
using test_support::ScopedEnvironment;
using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// Tests that a URL is printed without its password, wherever the URL puts it, and that a file
// path is printed as it is.
TEST(PrintableLocationTest, LeavesThePasswordOut) {
  EXPECT_EQ(printable_location(
                "postgresql://planner:s3cret@db.example.org:5432/plans?sslmode=verify-full"),
            "postgresql://planner@db.example.org:5432/plans?sslmode=verify-full");
  EXPECT_EQ(printable_location("postgres://planner:p%40ss@db/plans?password=x&sslmode=require"),
            "postgres://planner@db/plans?sslmode=require");
  EXPECT_EQ(printable_location("postgresql:///plans?host=/run/postgresql&password=x"),
            "postgresql:///plans?host=/run/postgresql");
  EXPECT_EQ(printable_location("postgresql://planner@db/plans"), "postgresql://planner@db/plans");
  EXPECT_EQ(printable_location("postgresql://db"), "postgresql://db");
  EXPECT_EQ(printable_location("/var/lib/plan-reminder/state.db"),
            "/var/lib/plan-reminder/state.db");
}

constexpr const char* kPassword = "correct-horse-battery";

class PostgresStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cluster().why_not().empty()) {
      GTEST_SKIP() << cluster().why_not();
    }
    database_ = cluster().new_database();
  }

  static PostgresCluster& cluster() { return PostgresCluster::shared(); }

  // Gives the database to the role `secretive`, which must log in with kPassword over TCP.
  // Roles belong to the cluster, which under ctest the tests share, each in a process of its own:
  // two may create the role at once, and the one that comes second takes the other's.
  void UsePasswordRole() const {
    cluster().query("postgres",
                    std::string("DO $$ BEGIN CREATE ROLE secretive LOGIN PASSWORD '") + kPassword +
                        "'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
    cluster().query("postgres", "ALTER DATABASE " + database_ + " OWNER TO secretive");
  }

  // Ends every session on the test's database but the one asking, waiting (up to 10 s each)
  // until its process has gone.
  void CutConnections() const {
    cluster().query(database_,
                    "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE "
                    "datname = current_database() AND pid <> pg_backend_pid()");
  }

  // Ends the session holding the pass lock, as the server does to a paused leader's, and waits
  // until its process has gone.
  void CutTheLock() const {
    cluster().query(database_,
                    "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_locks WHERE "
                    "locktype = 'advisory' AND granted AND objid = 1 AND "
                    "database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  }

  std::string database_;
  TempDir dir_{"plan-reminder-pg-store"};
};

// Tests that a state that cannot be opened is named by its URL without the password.
TEST_F(PostgresStateStoreTest, AnErrorNamesTheUrlWithoutItsPassword) {
  const std::string url =
      cluster().tcp_url("no_such_database", std::string("postgres:") + kPassword);
  try {
    StateStore::open(url);
    FAIL() << "opened a database that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("state database " + printable_location(url) + ": "));
    EXPECT_THAT(e.what(), HasSubstr("no_such_database"));
    EXPECT_THAT(e.what(), Not(HasSubstr(kPassword)));
  }
}

// Tests that the password comes from the systemd credential db-password, and that without it a
// role that needs one is refused with an error that names the database.
TEST_F(PostgresStateStoreTest, ThePasswordComesFromTheSystemdCredential) {
  UsePasswordRole();
  const std::string url = cluster().tcp_url(database_, "secretive");
  EXPECT_THROW(StateStore::open(url), std::runtime_error);

  const fs::path credentials = dir_.path() / "credentials";
  fs::create_directories(credentials);
  {
    std::ofstream(credentials / "db-password") << kPassword << "\n";
    fs::permissions(credentials / "db-password", fs::perms::owner_read | fs::perms::owner_write);
  }
  const ScopedEnvironment environment("CREDENTIALS_DIRECTORY", credentials.string());
  auto store = StateStore::open(url);
  store->set_setting("last_pass", "1");
  EXPECT_EQ(store->setting("last_pass"), "1");
}

// Tests that a wrong password is refused without being shown.
TEST_F(PostgresStateStoreTest, AWrongPasswordIsNotShown) {
  UsePasswordRole();
  const std::string url = cluster().tcp_url(database_, "secretive:wrong-password-shown");
  try {
    StateStore::open(url);
    FAIL() << "logged in with a wrong password";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("password authentication failed"));
    EXPECT_THAT(e.what(), Not(HasSubstr("wrong-password-shown")));
  }
}

// Tests that libpq's own password file (PGPASSFILE) works as it does for psql.
TEST_F(PostgresStateStoreTest, ThePasswordFileWorks) {
  UsePasswordRole();
  const fs::path pgpass = dir_.path() / "pgpass";
  std::ofstream(pgpass) << "127.0.0.1:*:*:secretive:" << kPassword << "\n";
  fs::permissions(pgpass, fs::perms::owner_read | fs::perms::owner_write);
  const ScopedEnvironment environment("PGPASSFILE", pgpass.string());
  auto store = StateStore::open(cluster().tcp_url(database_, "secretive"));
  EXPECT_EQ(store->setting("last_pass"), std::nullopt);
}

// Tests that a lost connection fails the call in progress with an error naming the database, and
// that the next call connects again and finds everything stored.
TEST_F(PostgresStateStoreTest, ALostConnectionIsAnErrorAndTheNextCallReconnects) {
  const std::string url = cluster().socket_url(database_);
  auto store = StateStore::open(url);
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  CutConnections();
  try {
    store->handled_keys();
    FAIL() << "read through a connection that was cut";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("state database " + url + ": reading the handled notice keys"));
  }
  EXPECT_THAT(store->handled_keys(), UnorderedElementsAre("k1"));
  EXPECT_FALSE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
}

// Tests that the pass lock ends with its connection: when the holder's connection is lost (the
// holder died, or the network went), another process takes the lock.
TEST_F(PostgresStateStoreTest, ThePassLockEndsWithItsConnection) {
  auto holder = StateStore::open(cluster().socket_url(database_));
  auto other = StateStore::open(cluster().socket_url(database_));
  auto lock = holder->lock_passes(0ms);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  ASSERT_FALSE(other->lock_passes(0ms).ok());
  CutConnections();
  auto taken = other->lock_passes(0ms);
  EXPECT_TRUE(taken.ok()) << taken.error().message;
}

// Tests that tries for the lead (a follower's, every few seconds) use one session while it
// lives, not a new server process each, and that a try after the server ended it opens another
// and takes the lead once it is free.
TEST_F(PostgresStateStoreTest, TriesForTheLeadUseOneSessionWhileItLives) {
  auto holder = StateStore::open(cluster().socket_url(database_));
  auto follower = StateStore::open(cluster().socket_url(database_));
  auto lock = holder->lock_passes(0ms);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  const auto sessions = [&] {
    return cluster().query(database_,
                           "SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  };
  const auto count = [](const std::string& pids) {
    return std::count(pids.begin(), pids.end(), ',') + 1;
  };
  const std::string before = sessions();
  ASSERT_FALSE(follower->lock_passes(0ms).ok());
  const std::string trying = sessions();
  EXPECT_EQ(count(trying), count(before) + 1) << before << " then " << trying;
  for (int i = 0; i < 3; ++i) {
    ASSERT_FALSE(follower->lock_passes(0ms).ok());
  }
  EXPECT_EQ(sessions(), trying) << "a new session for each try";
  CutConnections();
  auto taken = follower->lock_passes(0ms);
  EXPECT_TRUE(taken.ok()) << taken.error().message;
}

// Tests that the lead knows when it has lost its session, as a leader must before its next
// message: a cut connection is reported, with why, and stays lost.
TEST_F(PostgresStateStoreTest, TheLeadKnowsWhenItsSessionEnded) {
  auto store = StateStore::open(cluster().socket_url(database_));
  EXPECT_TRUE(store->lock_is_lead());
  auto lock = store->lock_passes(0ms);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  EXPECT_EQ((*lock)->lost(), std::nullopt);
  CutConnections();
  testing::internal::CaptureStderr();
  const auto lost = (*lock)->lost();
  const std::string printed = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(lost.has_value());
  EXPECT_THAT(*lost, HasSubstr("its database session ended"));
  EXPECT_EQ(printed, "");  // nothing from libpq outside the log
  EXPECT_EQ((*lock)->lost(), lost);
}

// Tests that a session the server ends (as it ends a paused leader's, or an administrator does)
// fails its next statement with one line, and that libpq prints nothing of it on stderr, outside
// the log (its default notice processor would print the server's "FATAL: terminating
// connection").
TEST_F(PostgresStateStoreTest, ASessionEndedByTheServerPrintsNothingOutsideTheLog) {
  postgresql::Connection connection(cluster().socket_url(database_), std::nullopt, "ended");
  connection.run("BEGIN");
  // Ends the session, waiting (up to 10 s) until its process has gone.
  ASSERT_EQ(cluster().query(database_,
                            "SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM "
                            "pg_stat_activity WHERE application_name = 'ended'"),
            "t");
  testing::internal::CaptureStderr();
  std::string error;
  try {
    connection.run("SELECT 1");
  } catch (const postgresql::PostgresError& e) {
    error = e.what();
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_THAT(error, HasSubstr("server closed the connection unexpectedly"));
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;  // one log line
  EXPECT_TRUE(connection.lost());
}

// Tests the fencing of claims: once another instance has taken the lead, the old leader (paused
// or cut off while holding it) can claim no message, even one it queued itself, and the new
// leader claims it as usual. The claim records the claimer's epoch.
TEST_F(PostgresStateStoreTest, AnOldLeaderCannotClaimWhatANewOneMaySend) {
  auto old_leader = StateStore::open(cluster().socket_url(database_));
  auto new_leader = StateStore::open(cluster().socket_url(database_));
  auto old_lock = old_leader->lock_passes(0ms);
  ASSERT_TRUE(old_lock.ok()) << old_lock.error().message;
  ASSERT_TRUE(old_leader->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  ASSERT_TRUE(old_leader->enqueue(Message("<b@plan-reminder>"), {Notice("k2")}));
  const auto queued = old_leader->due_messages(kMonday + 1h);
  ASSERT_EQ(queued.size(), 2u);
  ASSERT_TRUE(old_leader->begin_attempt(queued[0].id, kMonday));  // it leads: its claim stands
  EXPECT_EQ(cluster().query(database_, "SELECT claimed_epoch FROM messages WHERE id = " +
                                           std::to_string(queued[0].id)),
            "1");

  CutTheLock();  // as when it is paused too long: the server ends its lock's session
  auto new_lock = new_leader->lock_passes(0ms);
  ASSERT_TRUE(new_lock.ok()) << new_lock.error().message;
  try {
    static_cast<void>(old_leader->begin_attempt(queued[1].id, kMonday));
    FAIL() << "an old leader claimed a message after another took the lead";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("another instance has taken the lead since this one took it "
                                    "(epoch 1, now 2)"));
  }
  EXPECT_EQ(cluster().query(database_, "SELECT attempts FROM messages WHERE id = " +
                                           std::to_string(queued[1].id)),
            "0");
  ASSERT_TRUE(new_leader->begin_attempt(queued[1].id, kMonday));
  new_leader->mark_sent(queued[1].id, kMonday);
  EXPECT_EQ(cluster().query(database_, "SELECT claimed_epoch FROM messages WHERE id = " +
                                           std::to_string(queued[1].id)),
            "2");

  // The message the old leader had in flight when it lost the lead: its outcome is not recorded
  // by it (the new leader sends it again, with the same Message-ID, and records that).
  try {
    old_leader->mark_sent(queued[0].id, kMonday + 1min);
    FAIL() << "an old leader recorded an outcome after another took the lead";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("another instance has taken the lead since this one took it "
                                    "(epoch 1, now 2): message " +
                                    std::to_string(queued[0].id) + " is left to it"));
  }
  EXPECT_EQ(cluster().query(
                database_, "SELECT state FROM messages WHERE id = " + std::to_string(queued[0].id)),
            "queued");
  ASSERT_TRUE(new_leader->begin_attempt(queued[0].id, kMonday + 2min));
  new_leader->mark_sent(queued[0].id, kMonday + 2min);
  // Settled by the new leader: the old one, were it still to try, would find nothing to claim.
  EXPECT_FALSE(new_leader->begin_attempt(queued[0].id, kMonday + 3min));
}

// Tests that a message another session is claiming at this moment (its row locked) is skipped,
// not waited for and not an error: the claimer sends it.
TEST_F(PostgresStateStoreTest, AMessageBeingClaimedElsewhereIsLeftToTheClaimer) {
  auto store = StateStore::open(cluster().socket_url(database_));
  ASSERT_TRUE(store->enqueue(Message("<a@plan-reminder>"), {Notice("k1")}));
  const std::int64_t id = store->due_messages(kMonday + 1h).at(0).id;
  {
    // Holds the row as another instance's claim would, in a transaction of its own.
    postgresql::Connection other(cluster().socket_url(database_), std::nullopt, "test");
    other.run("BEGIN");
    other.run("SELECT id FROM messages WHERE id = " + std::to_string(id) + " FOR UPDATE");
    EXPECT_FALSE(store->begin_attempt(id, kMonday));
    other.run("ROLLBACK");
  }
  EXPECT_EQ(
      cluster().query(database_, "SELECT attempts FROM messages WHERE id = " + std::to_string(id)),
      "0");
  EXPECT_TRUE(store->begin_attempt(id, kMonday));  // free again
}

// Tests that a database holding plan-reminder's tables without a schema version (a half-made or
// foreign state) is refused rather than used or overwritten.
TEST_F(PostgresStateStoreTest, TablesWithoutASchemaVersionAreRefused) {
  StateStore::open(cluster().socket_url(database_)).reset();
  cluster().query(database_, "DROP TABLE schema_version");
  EXPECT_THROW(
      {
        try {
          StateStore::open(cluster().socket_url(database_));
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), HasSubstr("has plan-reminder's tables but no schema version"));
          throw;
        }
      },
      std::runtime_error);
}

}  // namespace
}  // namespace plan_reminder::store
