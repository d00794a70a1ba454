// The PostgreSQL implementation of the state store (SPEC §10): the same tables and schema
// version as the SQLite store, every call one transaction on one connection, values always
// bound as parameters. Notice keys are the primary key and messages are inserted if absent, so
// two processes on one database never queue one notice twice. The pass lock is a session
// advisory lock on a connection of its own: it ends when that connection does.
#include "base/secret_file.h"
#include "store/engines.h"
#include "store/postgresql/connection.h"
#include "store/postgresql/schema.h"
#include "store/schema_version.h"
#include "store/state_store.h"
#include "store/stored_text.h"

#include "base/iso_day.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>

namespace plan_reminder::store {
namespace {

namespace fs = std::filesystem;
using postgresql::Connection;
using postgresql::Parameters;
using postgresql::PostgresError;
using postgresql::Rows;
using postgresql::Transaction;

// The advisory locks plan-reminder takes, as (space, key) pairs: "plan" and what is locked.
constexpr std::int32_t kLockSpace = 0x706c616e;
constexpr std::int32_t kPassLockKey = 1;
constexpr std::int32_t kSchemaLockKey = 2;

std::int64_t to_unix(Instant at) {
  return at.time_since_epoch().count();
}
Instant from_unix(std::int64_t seconds) {
  return Instant{std::chrono::seconds{seconds}};
}

// Where and how to connect: the URL, the password from the systemd credential when there is
// one (libpq reads PGPASSFILE and ~/.pgpass itself), and the URL as it may be printed.
struct Database {
  std::string url;
  std::optional<std::string> password;
  std::string printable;
};

// The systemd credential `db-password` ($CREDENTIALS_DIRECTORY/db-password), if present.
std::optional<std::string> credential_password(const std::string& printable) {
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  if (directory == nullptr || *directory == '\0') {
    return std::nullopt;
  }
  const std::string path = (fs::path(directory) / "db-password").string();
  std::error_code error;
  if (!fs::exists(path, error)) {
    return std::nullopt;
  }
  std::array<char, 1024> buffer{};
  auto read = base::read_secret_file(path, "the database password credential", buffer);
  if (!read.ok()) {
    throw std::runtime_error("state database " + printable + ": " + read.error().message);
  }
  std::string password(buffer.data(), *read);
  std::fill(buffer.begin(), buffer.end(), '\0');
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  return password;
}

Database database_at(const std::string& url) {
  Database database{url, std::nullopt, printable_location(url)};
  database.password = credential_password(database.printable);
  return database;
}

// Names this process to the server, so that one waiting for the pass lock can say who holds it.
std::string application_name() {
  return "plan-reminder (pid " + std::to_string(::getpid()) + ")";
}

// A session of a process paused (SIGSTOP, a frozen VM) inside a transaction would hold its row
// locks, and so keep another instance from taking the lead, until it woke: the server ends such
// a session instead.
constexpr const char* kSessionSetup = "SET idle_in_transaction_session_timeout = '10s'";
// The lead's session must also look alive between passes: it asks the server at least every
// few seconds (lost()), and a session silent for longer (its process paused) is ended, which
// frees the lead for another instance. (PostgreSQL 14 or later.)
constexpr const char* kLeadSessionSetup =
    "SET idle_in_transaction_session_timeout = '10s'; SET idle_session_timeout = '15s'";

Connection connect(const Database& database, const char* setup = kSessionSetup) {
  try {
    return Connection(database.url, database.password, application_name(), setup);
  } catch (const PostgresError& e) {
    throw std::runtime_error("state database " + database.printable + ": " + e.what());
  }
}

constexpr const char* kMessageColumns =
    "id, message_id, kind, subject, envelope_from, recipients, raw, state, attempts, created, "
    "next_attempt, last_error, sending_since";
// The same with the text left out (read_message then leaves `raw` empty).
constexpr const char* kMessageColumnsWithoutText =
    "id, message_id, kind, subject, envelope_from, recipients, ''::bytea AS raw, state, "
    "attempts, created, next_attempt, last_error, sending_since";

OutboxMessage read_message(const Rows& rows, int row) {
  OutboxMessage message;
  message.id = rows.integer(row, 0);
  message.message_id = rows.text(row, 1);
  message.kind = stored_kind(rows.text(row, 2));
  message.subject = rows.text(row, 3);
  message.envelope_from = rows.text(row, 4);
  message.recipients = split_recipients(rows.text(row, 5));
  message.raw = rows.bytes(row, 6);
  message.state = stored_state(rows.text(row, 7));
  message.attempts = static_cast<int>(rows.integer(row, 8));
  message.created = from_unix(rows.integer(row, 9));
  message.next_attempt = from_unix(rows.integer(row, 10));
  message.last_error = rows.text(row, 11);
  if (!rows.is_null(row, 12)) {
    message.sending_since = from_unix(rows.integer(row, 12));
  }
  return message;
}

constexpr const char* kNoticeColumns =
    "key, kind, review, action, milestone, recipient, due, scheduled, state, message_id, detail, "
    "recorded";

NoticeRecord read_notice(const Rows& rows, int row) {
  NoticeRecord notice;
  notice.key = rows.text(row, 0);
  notice.kind = stored_kind(rows.text(row, 1));
  notice.review = rows.text(row, 2);
  notice.action = rows.text(row, 3);
  notice.milestone = rows.text(row, 4);
  notice.recipient = rows.text(row, 5);
  notice.due = stored_day(rows.text(row, 6));
  notice.scheduled = from_unix(rows.integer(row, 7));
  notice.state = stored_state(rows.text(row, 8));
  notice.message_id = rows.text(row, 9);  // NULL reads as ""
  notice.detail = rows.text(row, 10);
  notice.recorded = from_unix(rows.integer(row, 11));
  return notice;
}

constexpr const char* kUpdateColumns =
    "id, review, action, milestone, agency, kind, done_on, target, note, submitted, token_id, "
    "state, decided, decision_note, told_message, told";

UpdateRecord read_update(const Rows& rows, int row) {
  UpdateRecord update;
  update.id = rows.integer(row, 0);
  update.review = rows.text(row, 1);
  update.action = rows.text(row, 2);
  update.milestone = rows.text(row, 3);
  update.agency = rows.text(row, 4);
  update.kind = stored_update_kind(rows.text(row, 5));
  update.done_on = stored_day(rows.text(row, 6));
  update.target = rows.text(row, 7);
  update.note = rows.text(row, 8);
  update.submitted = from_unix(rows.integer(row, 9));
  update.token_id = rows.text(row, 10);
  update.state = stored_update_state(rows.text(row, 11));
  if (!rows.is_null(row, 12)) {
    update.decided = from_unix(rows.integer(row, 12));
  }
  update.decision_note = rows.text(row, 13);
  update.told_message = rows.text(row, 14);
  if (!rows.is_null(row, 15)) {
    update.told = from_unix(rows.integer(row, 15));
  }
  return update;
}

template <typename Record>
std::vector<Record> read_all(const Rows& rows, Record (*read)(const Rows&, int)) {
  std::vector<Record> records;
  records.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) {
    records.push_back(read(rows, row));
  }
  return records;
}

// The parameters of `INSERT INTO notices (<kNoticeColumns>) VALUES ($1, ..., $12)`.
void add_notice_parameters(Parameters& parameters, const NoticeRecord& notice,
                           std::string_view state, const std::string& message_id,
                           Instant recorded) {
  parameters.text(notice.key)
      .text(token(notice.kind))
      .text(notice.review)
      .text(notice.action)
      .text(notice.milestone)
      .text(notice.recipient)
      .text(base::iso_day(notice.due))
      .integer(to_unix(notice.scheduled))
      .text(state);
  if (message_id.empty()) {
    parameters.null();  // no message to reference
  } else {
    parameters.text(message_id);
  }
  parameters.text(notice.detail).integer(to_unix(recorded));
}

Parameters notice_parameters(const NoticeRecord& notice, std::string_view state,
                             const std::string& message_id, Instant recorded) {
  Parameters parameters;
  add_notice_parameters(parameters, notice, state, message_id, recorded);
  return parameters;
}

const std::string kInsertNotice = std::string("INSERT INTO notices (") + kNoticeColumns +
                                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

// Notices go in a hundred to a statement (1,200 parameters of PostgreSQL's 65,535): a national
// pass records thousands, and one statement each was a round trip to the server each.
constexpr std::size_t kNoticesPerStatement = 100;

// Inserts those of `notices` whose key is not recorded yet, `recorded` as their time (or each
// notice's own when not given); returns the keys it inserted.
std::unordered_set<std::string> insert_notices(Connection& connection,
                                               const std::vector<NoticeRecord>& notices,
                                               std::string_view state,
                                               const std::string& message_id,
                                               std::optional<Instant> recorded) {
  std::unordered_set<std::string> inserted;
  for (std::size_t first = 0; first < notices.size(); first += kNoticesPerStatement) {
    const std::size_t count = std::min(kNoticesPerStatement, notices.size() - first);
    std::string sql = std::string("INSERT INTO notices (") + kNoticeColumns + ") VALUES ";
    Parameters parameters;
    for (std::size_t i = 0; i < count; ++i) {
      const NoticeRecord& notice = notices[first + i];
      sql += i == 0 ? "(" : ", (";
      for (int column = 1; column <= 12; ++column) {
        sql += (column == 1 ? "$" : ", $") + std::to_string(i * 12 + column);
      }
      sql += ')';
      add_notice_parameters(parameters, notice, state, message_id,
                            recorded.value_or(notice.recorded));
    }
    sql += " ON CONFLICT (key) DO NOTHING RETURNING key";
    const Rows rows = connection.run(sql, parameters);
    for (int row = 0; row < rows.size(); ++row) {
      inserted.insert(rows.text(row, 0));
    }
  }
  return inserted;
}

std::string too_new(const std::string& printable, std::int64_t version) {
  return "state database " + printable + " has schema version " + std::to_string(version) +
         "; this plan-reminder knows up to " + std::to_string(kSchemaVersion) +
         ": upgrade plan-reminder";
}

bool has_table(Connection& connection, const char* table) {
  return connection.run("SELECT to_regclass($1) IS NOT NULL", Parameters().text(table))
             .text(0, 0) == "t";
}

// The lead's table and the claim's epoch, for instances sharing one database: not state (`state
// copy` leaves them), so outside the schema versions the engines share.
void prepare_lead(Connection& connection) {
  if (!has_table(connection, "leader")) {
    connection.run_script(postgresql::kLeadSchema);
  }
}

// Makes the current schema in a database without one, or brings an older one up to date, under
// a transaction-level advisory lock (two processes starting together migrate once). DDL is
// transactional here: an interrupted upgrade leaves the old version whole.
void prepare_schema(Connection& connection, const std::string& printable) {
  Transaction transaction(connection);
  connection.run("SELECT pg_advisory_xact_lock($1::integer, $2::integer)",
                 Parameters().integer(kLockSpace).integer(kSchemaLockKey));
  if (!has_table(connection, "schema_version")) {
    if (has_table(connection, "messages") || has_table(connection, "notices")) {
      throw std::runtime_error("state database " + printable +
                               " has plan-reminder's tables but no schema version: it is "
                               "damaged, or not a plan-reminder state");
    }
    connection.run_script(postgresql::kCurrentSchema);
    connection.run("INSERT INTO schema_version (version) VALUES ($1)",
                   Parameters().integer(kSchemaVersion));
    prepare_lead(connection);
    transaction.commit();
    return;
  }
  const Rows rows = connection.run("SELECT version FROM schema_version");
  if (rows.size() != 1) {
    throw std::runtime_error("state database " + printable +
                             " is damaged (its schema_version "
                             "table holds " +
                             std::to_string(rows.size()) + " rows, not one)");
  }
  const std::int64_t version = rows.integer(0, 0);
  if (version > kSchemaVersion) {
    throw std::runtime_error(too_new(printable, version));
  }
  for (const auto& step : postgresql::kMigrations) {
    if (step.version > version) {
      if (step.sql != nullptr) {  // nullptr: a step only the other engine's tables needed
        connection.run_script(step.sql);
      }
      connection.run("UPDATE schema_version SET version = $1", Parameters().integer(step.version));
    }
  }
  prepare_lead(connection);
  transaction.commit();
}

// The lead: the session that holds the pass lock, and the epoch it took the lead at. Every
// taking of the lead raises the epoch in the `leader` table, and each claim of a message to send
// checks it there (fencing): an instance that lost its session while paused or cut off finds a
// higher epoch and sends nothing more, even before it notices the loss itself.
struct Lead {
  explicit Lead(Connection lock_connection) : connection(std::move(lock_connection)) {}
  std::mutex mutex;  // the daemon's io thread asks lost() while the pass's thread claims
  Connection connection;
  std::int64_t epoch = 0;
  std::optional<std::string> lost;  // why the session ended, once it has
};

// One pass at a time on one database: a session-level advisory lock held on a connection of its
// own, released when this object goes or when that connection is lost (the server ends the
// session, and the lock with it).
class AdvisoryPassLock final : public PassLock {
 public:
  // `spare`: the connection of an earlier try that found the lock held, used again while its
  // session lives (a follower tries every few seconds: a new session each time would be a new
  // server process each time); this try's is left there when it finds the lock held too.
  static base::Result<std::unique_ptr<AdvisoryPassLock>> acquire(const Database& database,
                                                                 std::chrono::milliseconds wait,
                                                                 std::shared_ptr<Lead>& spare) {
    std::shared_ptr<Lead> lead = std::move(spare);
    if (lead) {
      try {
        lead->connection.run("SELECT 1");
      } catch (const PostgresError&) {
        lead.reset();  // the server ended it (idle too long, or restarted): a new one
      }
    }
    if (!lead) {
      lead = std::make_shared<Lead>(connect(database, kLeadSessionSetup));
    }
    auto lock = std::unique_ptr<AdvisoryPassLock>(new AdvisoryPassLock(std::move(lead)));
    const auto deadline = std::chrono::steady_clock::now() + wait;
    try {
      for (;;) {
        if (lock->try_lock()) {
          lock->take_epoch();
          return lock;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          base::Error held{"another " + lock->holder() + " leads the passes on " +
                           database.printable};
          spare = std::move(lock->lead_);
          return held;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    } catch (const PostgresError& e) {
      throw std::runtime_error("state database " + database.printable +
                               ": taking the pass lock: " + e.what());
    }
  }

  std::optional<std::string> lost() override {
    const std::lock_guard guard(lead_->mutex);
    if (!lead_->lost) {
      try {
        lead_->connection.run("SELECT 1");
      } catch (const PostgresError& e) {
        // libpq's first line ("server closed the connection unexpectedly"): the log keeps one
        // line an event.
        const std::string_view error(e.what());
        lead_->lost =
            "its database session ended (" + std::string(error.substr(0, error.find('\n'))) + ")";
      }
    }
    return lead_->lost;
  }

  const std::shared_ptr<Lead>& lead() const { return lead_; }

 private:
  explicit AdvisoryPassLock(std::shared_ptr<Lead> lead) : lead_(std::move(lead)) {}

  bool try_lock() {
    return lead_->connection
               .run("SELECT pg_try_advisory_lock($1::integer, $2::integer)",
                    Parameters().integer(kLockSpace).integer(kPassLockKey))
               .text(0, 0) == "t";
  }

  // Raises the epoch: from now on a claim by any earlier holder is refused.
  void take_epoch() {
    lead_->epoch = lead_->connection
                       .run(
                           "INSERT INTO leader (id, epoch, holder, since) "
                           "VALUES (1, 1, $1, extract(epoch FROM now())::bigint) "
                           "ON CONFLICT (id) DO UPDATE SET epoch = leader.epoch + 1, "
                           "holder = EXCLUDED.holder, since = EXCLUDED.since RETURNING epoch",
                           Parameters().text(application_name()))
                       .integer(0, 0);
  }

  // "plan-reminder (pid N)" as the holder named itself, or "plan-reminder" when it cannot be
  // seen (another role's session, or a holder gone meanwhile).
  std::string holder() {
    const Rows rows = lead_->connection.run(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND "
        "l.objid::bigint = $2 AND l.objsubid = 2 AND "
        "l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        Parameters().integer(kLockSpace).integer(kPassLockKey));
    if (rows.size() == 1 && !rows.is_null(0, 0) &&
        rows.text(0, 0).rfind("plan-reminder (pid ", 0) == 0) {
      return rows.text(0, 0);
    }
    return "plan-reminder";
  }

  std::shared_ptr<Lead> lead_;
};

// A statement whose :id, :detail and :at stand for values, turned into $1, $2, ... with only
// the values it uses bound (PostgreSQL refuses a parameter it cannot place).
struct NamedStatement {
  std::string sql;
  Parameters parameters;
};

NamedStatement named(std::string sql, std::int64_t id, std::string_view detail, Instant at) {
  NamedStatement statement;
  int next = 1;
  const auto bind = [&](const std::string& name, auto add) {
    if (sql.find(name) == std::string::npos) {
      return;
    }
    const std::string placeholder = "$" + std::to_string(next++);
    for (auto at_name = sql.find(name); at_name != std::string::npos;
         at_name = sql.find(name, at_name + placeholder.size())) {
      sql.replace(at_name, name.size(), placeholder);
    }
    add(statement.parameters);
  };
  bind(":id", [&](Parameters& p) { p.integer(id); });
  bind(":detail", [&](Parameters& p) { p.text(detail); });
  bind(":at", [&](Parameters& p) { p.integer(to_unix(at)); });
  statement.sql = std::move(sql);
  return statement;
}

class PostgresStateStore final : public StateStore {
 public:
  PostgresStateStore(Database database, Connection connection)
      : database_(std::move(database)), connection_(std::move(connection)) {}

  base::Result<std::unique_ptr<PassLock>> lock_passes(std::chrono::milliseconds wait) override {
    std::shared_ptr<Lead> spare;
    {
      const std::lock_guard guard(mutex_);
      spare = std::move(spare_lead_);
    }
    auto lock = AdvisoryPassLock::acquire(database_, wait, spare);
    const std::lock_guard guard(mutex_);
    if (!lock) {
      spare_lead_ = std::move(spare);
      return lock.error();
    }
    fence_ = (*lock)->lead()->epoch;
    return std::unique_ptr<PassLock>(std::move(*lock));
  }

  bool lock_is_lead() const override { return true; }

  base::KeySet handled_keys() override {
    return guarded("reading the handled notice keys", [&] {
      const Rows rows = connection_.run("SELECT key FROM notices");
      base::KeySet::Builder keys;
      keys.reserve(static_cast<std::size_t>(rows.size()),
                   static_cast<std::size_t>(rows.size()) * 128);
      for (int row = 0; row < rows.size(); ++row) {
        keys.add(rows.view(row, 0));
      }
      return std::move(keys).build();
    });
  }

  void record_dropped(const std::vector<NoticeRecord>& notices) override {
    guarded("recording dropped notices", [&] {
      Transaction transaction(connection_);
      insert_notices(connection_, notices, "dropped", "", std::nullopt);
      transaction.commit();
    });
  }

  std::size_t enqueue_all(std::vector<QueuedMessage> messages) override {
    const std::string what = messages.size() == 1
                                 ? "queueing message " + messages.front().message.message_id
                                 : "queueing " + std::to_string(messages.size()) + " messages";
    // Packed before the transaction: its locks are held only for the writing.
    for (auto& queued : messages) {
      queued.message.raw = packed_text(queued.message.raw);
    }
    return guarded(what, [&] {
      Transaction transaction(connection_);
      std::size_t stored = 0;
      for (const auto& [message, notices] : messages) {
        // An unset next attempt means "as soon as it is stored".
        const Instant first_attempt =
            message.next_attempt == Instant{} ? message.created : message.next_attempt;
        const Rows inserted = connection_.run(
            "INSERT INTO messages (message_id, kind, subject, envelope_from, recipients, raw, "
            "state, attempts, created, next_attempt, last_error) "
            "VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8, '') "
            "ON CONFLICT (message_id) DO NOTHING RETURNING id",
            Parameters()
                .text(message.message_id)
                .text(token(message.kind))
                .text(message.subject)
                .text(message.envelope_from)
                .text(join_recipients(message.recipients))
                .bytes(message.raw)
                .integer(to_unix(message.created))
                .integer(to_unix(first_attempt)));
        if (inserted.size() == 0) {
          continue;  // already stored: a re-render after a crash, or another instance's
        }
        ++stored;
        std::unordered_set<std::string> new_keys =
            insert_notices(connection_, notices, "queued", message.message_id, message.created);
        for (const auto& notice : notices) {
          // Each key is inserted once: a key given twice in one message is already recorded.
          if (new_keys.erase(notice.key) == 0) {
            // The transaction rolls back as this unwinds: no message of the batch is stored.
            throw std::logic_error("notice " + notice.key + " is already recorded (" +
                                   existing_state(notice.key) + "); queueing it in message " +
                                   message.message_id + " would send it twice");
          }
        }
        for (const std::int64_t id : message.tells_updates) {
          connection_.run(
              "UPDATE updates SET told_message = $2, told = $3 WHERE id = $1 AND told IS NULL "
              "AND state IN ('accepted', 'rejected')",
              Parameters().integer(id).text(message.message_id).integer(to_unix(message.created)));
        }
      }
      transaction.commit();
      return stored;
    });
  }

  std::vector<OutboxMessage> due_messages(Instant now) override {
    return guarded("reading the due messages", [&] {
      return read_all(connection_.run(std::string("SELECT ") + kMessageColumnsWithoutText +
                                          " FROM messages WHERE state = 'queued' AND "
                                          "next_attempt <= $1 ORDER BY next_attempt, id",
                                      Parameters().integer(to_unix(now))),
                      read_message);
    });
  }

  std::string message_raw(std::int64_t id) override {
    return unpacked_text(guarded("reading message " + std::to_string(id), [&] {
      const Rows rows =
          connection_.run("SELECT raw FROM messages WHERE id = $1", Parameters().integer(id));
      return rows.size() == 0 ? std::string() : rows.bytes(0, 0);
    }));
  }

  std::optional<Instant> next_attempt() override {
    return guarded("reading the next attempt", [&]() -> std::optional<Instant> {
      const Rows rows =
          connection_.run("SELECT min(next_attempt) FROM messages WHERE state = 'queued'");
      if (rows.is_null(0, 0)) {
        return std::nullopt;
      }
      return from_unix(rows.integer(0, 0));
    });
  }

  std::size_t queued_count() override {
    return guarded("counting the queued messages", [&] {
      return static_cast<std::size_t>(
          connection_.run("SELECT count(*) FROM messages WHERE state = 'queued'").integer(0, 0));
    });
  }

  void mark_sent(std::int64_t id, Instant at) override {
    settle("marking message " + std::to_string(id) + " sent", id,
           {"state = 'sent', last_error = '', sending_since = NULL",
            "state = 'sent', detail = '', recorded = :at", "", at});
  }

  void mark_retry(std::int64_t id, Instant next_attempt, const std::string& error) override {
    // The notices stay queued (their state did not change) but show why they are late.
    settle("scheduling a retry of message " + std::to_string(id), id,
           {"next_attempt = :at, last_error = :detail, sending_since = NULL", "detail = :detail",
            error, next_attempt});
  }

  void mark_failed(std::int64_t id, Instant at, const std::string& error) override {
    settle("marking message " + std::to_string(id) + " failed", id,
           {"state = 'failed', last_error = :detail, sending_since = NULL",
            "state = 'failed', detail = :detail, recorded = :at", error, at});
  }

  // The claim: the message's row locked, skipping it when another instance holds it, and the
  // lead checked (check_fence).
  bool begin_attempt(std::int64_t id, Instant at) override {
    return guarded("recording an attempt to send message " + std::to_string(id), [&] {
      Transaction transaction(connection_);
      check_fence(id, "unsent here");
      const Rows claimed = connection_.run(
          "SELECT id FROM messages WHERE id = $1 AND state = 'queued' "
          "FOR UPDATE SKIP LOCKED",
          Parameters().integer(id));
      if (claimed.size() == 0) {
        // Settled by another instance since it was read, or being claimed by one now.
        message_state(id);  // throws for an unknown id
        return false;
      }
      Parameters parameters;
      parameters.integer(id).integer(to_unix(at));
      fence_ ? parameters.integer(*fence_) : parameters.null();
      connection_.run(
          "UPDATE messages SET attempts = attempts + 1, sending_since = $2, claimed_epoch = $3 "
          "WHERE id = $1",
          parameters);
      transaction.commit();
      return true;
    });
  }

  void mark_partly_sent(std::int64_t id, Instant at, const std::string& refused,
                        const std::vector<std::string>& failed_keys) override {
    settle("marking message " + std::to_string(id) + " sent", id,
           {"state = 'sent', last_error = :detail, sending_since = NULL",
            "state = 'sent', detail = :detail, recorded = :at", refused, at},
           [&] {
             for (const auto& key : failed_keys) {
               connection_.run("UPDATE notices SET state = 'failed' WHERE key = $1",
                               Parameters().text(key));
             }
           });
  }

  void drop_message(std::int64_t id, Instant at, const std::string& detail) override {
    settle(
        "dropping message " + std::to_string(id), id,
        {"sending_since = NULL",
         "state = 'dropped', detail = :detail, recorded = :at, message_id = NULL", detail, at},
        [&] { connection_.run("DELETE FROM messages WHERE id = $1", Parameters().integer(id)); });
  }

  std::vector<NoticeRecord> notices_of_message(const std::string& message_id) override {
    return select_notices("reading the notices of message " + message_id,
                          " WHERE message_id = $1 ORDER BY key", Parameters().text(message_id));
  }

  std::vector<NoticeRecord> notices_like(const NoticeRecord& notice) override {
    return select_notices("reading the notices about " + notice.key,
                          " WHERE review = $1 AND action = $2 AND milestone = $3 AND "
                          "recipient = $4 AND due = $5 ORDER BY scheduled, key",
                          Parameters()
                              .text(notice.review)
                              .text(notice.action)
                              .text(notice.milestone)
                              .text(notice.recipient)
                              .text(base::iso_day(notice.due)));
  }

  std::vector<NoticeRecord> notices_since(Instant since) override {
    return select_notices("reading the notification log",
                          " WHERE recorded >= $1 ORDER BY recorded, key",
                          Parameters().integer(to_unix(since)));
  }

  std::vector<OutboxMessage> messages_since(Instant since) override {
    auto messages = guarded("reading the outbox", [&] {
      return read_all(connection_.run(std::string("SELECT ") + kMessageColumns +
                                          " FROM messages WHERE created >= $1 ORDER BY created, id",
                                      Parameters().integer(to_unix(since))),
                      read_message);
    });
    for (auto& message : messages) {
      message.raw = unpacked_text(std::move(message.raw));
    }
    return messages;
  }

  std::vector<OutboxMessage> failed_messages_since(Instant since) override {
    return guarded("reading failed messages", [&] {
      // The raw text is left out: the digest needs only who, what and why.
      return read_all(
          connection_.run(std::string("SELECT ") + kMessageColumnsWithoutText +
                              " FROM messages WHERE created >= $1 AND (state = 'failed' OR "
                              "(state = 'sent' AND last_error <> '')) ORDER BY created, id",
                          Parameters().integer(to_unix(since))),
          read_message);
    });
  }

  std::optional<std::string> setting(const std::string& name) override {
    return guarded("reading setting " + name, [&]() -> std::optional<std::string> {
      const Rows rows =
          connection_.run("SELECT value FROM settings WHERE name = $1", Parameters().text(name));
      if (rows.size() == 0) {
        return std::nullopt;
      }
      return rows.text(0, 0);
    });
  }

  void set_setting(const std::string& name, const std::string& value) override {
    guarded("writing setting " + name, [&] {
      connection_.run(
          "INSERT INTO settings (name, value) VALUES ($1, $2) "
          "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
          Parameters().text(name).text(value));
    });
  }

  // The server keeps the caches; this process holds nothing worth freeing.
  void idle() override {}

  std::vector<int> calendar_sequences(const std::vector<CalendarEntry>& entries) override {
    return guarded("numbering calendar events", [&] {
      Transaction transaction(connection_);
      std::vector<int> sequences;
      sequences.reserve(entries.size());
      for (const auto& entry : entries) {
        // A new UID starts at 0; a changed date goes up by one; the same date leaves it.
        const Parameters parameters = Parameters().text(entry.uid).text(base::iso_day(entry.due));
        connection_.run(
            "INSERT INTO calendar_events (uid, due, sequence) VALUES ($1, $2, 0) "
            "ON CONFLICT (uid) DO UPDATE SET due = excluded.due, "
            "sequence = calendar_events.sequence + 1 WHERE calendar_events.due <> excluded.due",
            parameters);
        sequences.push_back(
            static_cast<int>(connection_
                                 .run("SELECT sequence FROM calendar_events WHERE uid = $1",
                                      Parameters().text(entry.uid))
                                 .integer(0, 0)));
      }
      transaction.commit();
      return sequences;
    });
  }

  DeliveryCounts delivery_counts() override {
    return guarded("counting notices and messages", [&] {
      // One snapshot, so both counts are of the same moment.
      Transaction transaction(connection_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      DeliveryCounts counts;
      counts.notices = count_by_kind_and_state("notices");
      counts.messages = count_by_kind_and_state("messages");
      transaction.commit();
      return counts;
    });
  }

  std::int64_t add_update(const UpdateRecord& update) override {
    return guarded("storing an agency's update", [&] {
      Transaction transaction(connection_);
      connection_.run(
          "UPDATE updates SET state = 'superseded', decided = $5 WHERE state = 'waiting' AND "
          "review = $1 AND action = $2 AND milestone = $3 AND agency = $4",
          Parameters()
              .text(update.review)
              .text(update.action)
              .text(update.milestone)
              .text(update.agency)
              .integer(to_unix(update.submitted)));
      const std::int64_t id =
          connection_
              .run(
                  "INSERT INTO updates (review, action, milestone, agency, kind, done_on, "
                  "target, note, submitted, token_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                  "$9, $10) RETURNING id",
                  Parameters()
                      .text(update.review)
                      .text(update.action)
                      .text(update.milestone)
                      .text(update.agency)
                      .text(token(update.kind))
                      .text(base::iso_day(update.done_on))
                      .text(update.target)
                      .text(update.note)
                      .integer(to_unix(update.submitted))
                      .text(update.token_id))
              .integer(0, 0);
      transaction.commit();
      return id;
    });
  }

  std::vector<UpdateRecord> updates(const std::vector<UpdateState>& states) override {
    return guarded("reading agencies' updates", [&] {
      std::string sql = std::string("SELECT ") + kUpdateColumns + " FROM updates";
      Parameters parameters;
      for (std::size_t i = 0; i < states.size(); ++i) {
        sql += (i == 0 ? " WHERE state IN ($" : ", $") + std::to_string(i + 1);
        parameters.text(token(states[i]));
      }
      sql += states.empty() ? " ORDER BY id" : ") ORDER BY id";
      return read_all(connection_.run(sql, parameters), read_update);
    });
  }

  std::optional<UpdateRecord> update(std::int64_t id) override {
    return guarded("reading an agency's update", [&]() -> std::optional<UpdateRecord> {
      const Rows rows =
          connection_.run(std::string("SELECT ") + kUpdateColumns + " FROM updates WHERE id = $1",
                          Parameters().integer(id));
      if (rows.size() == 0) {
        return std::nullopt;
      }
      return read_update(rows, 0);
    });
  }

  bool decide_update(std::int64_t id, UpdateState decision, Instant at,
                     const std::string& note) override {
    if (decision != UpdateState::accepted && decision != UpdateState::rejected) {
      throw std::invalid_argument("an update is decided by accepting or rejecting it, not as " +
                                  std::string(token(decision)));
    }
    return guarded("deciding an agency's update", [&] {
      return connection_
                 .run(
                     "UPDATE updates SET state = $2, decided = $3, decision_note = $4 "
                     "WHERE id = $1 AND state = 'waiting'",
                     Parameters().integer(id).text(token(decision)).integer(to_unix(at)).text(note))
                 .affected() == 1;
    });
  }

  std::vector<UpdateRecord> decisions_to_tell() override {
    return guarded("reading the decisions to tell agencies", [&] {
      return read_all(connection_.run(std::string("SELECT ") + kUpdateColumns +
                                      " FROM updates WHERE state IN ('accepted', 'rejected') "
                                      "AND told IS NULL ORDER BY decided, id"),
                      read_update);
    });
  }

  std::optional<Instant> previous_digest(Instant before) override {
    return guarded("reading the previous digest", [&]() -> std::optional<Instant> {
      // Digest keys are "digest/<day>/<recipient>": the key range keeps to the primary key.
      const Rows rows = connection_.run(
          "SELECT MAX(scheduled) FROM notices WHERE key >= 'digest/' AND key < 'digest0' AND "
          "kind = 'digest' AND scheduled < $1 AND state IN ('queued', 'sent')",
          Parameters().integer(to_unix(before)));
      if (rows.is_null(0, 0)) {
        return std::nullopt;
      }
      return from_unix(rows.integer(0, 0));
    });
  }

  StateContents contents() override;
  void replace_contents(const StateContents& contents) override;
  TableCounts table_counts() override;

 private:
  // Serialises callers (one connection), connects again first when the connection was lost
  // (the failed call before it was an error, and its caller tries again later), and names the
  // database (without its password) and what was being done in every error.
  template <typename Operation>
  std::invoke_result_t<Operation&> guarded(const std::string& what, Operation&& operation) {
    const std::lock_guard lock(mutex_);
    try {
      if (connection_.lost()) {
        connection_.reconnect();
      }
      return operation();
    } catch (const PostgresError& e) {
      throw std::runtime_error("state database " + database_.printable + ": " + what + ": " +
                               e.what());
    }
  }

  std::vector<NoticeRecord> select_notices(const std::string& what, const std::string& where,
                                           const Parameters& parameters) {
    return guarded(what, [&] {
      return read_all(
          connection_.run(std::string("SELECT ") + kNoticeColumns + " FROM notices" + where,
                          parameters),
          read_notice);
    });
  }

  // What one step of a delivery does to a queued message and to the notices it carries: the SET
  // clauses of each (notices_set empty: the notices stay as they are), in which :detail and :at
  // stand for `detail` and `at`.
  struct Change {
    std::string_view message_set;
    std::string_view notices_set;
    std::string_view detail;
    Instant at;
  };

  // Changes a queued message and its notices in one transaction, `then` running last inside it.
  // A message that is missing or already settled means the caller's bookkeeping is wrong: say
  // so, change nothing.
  template <typename Then = void (*)()>
  void settle(
      const std::string& what, std::int64_t id, const Change& change, Then then = [] {}) {
    guarded(what, [&] {
      Transaction transaction(connection_);
      check_fence(id, "not recorded here");
      const NamedStatement message =
          named("UPDATE messages SET " + std::string(change.message_set) +
                    " WHERE id = :id AND state = 'queued'",
                id, change.detail, change.at);
      if (connection_.run(message.sql, message.parameters).affected() == 0) {
        throw_not_queued(id);
      }
      if (!change.notices_set.empty()) {
        const NamedStatement notices =
            named("UPDATE notices SET " + std::string(change.notices_set) +
                      " WHERE message_id = (SELECT message_id FROM messages WHERE id = :id)",
                  id, change.detail, change.at);
        connection_.run(notices.sql, notices.parameters);
      }
      then();
      transaction.commit();
    });
  }

  // While this store leads, nothing about a message is written once another instance has taken
  // the lead (this one was paused or cut off): the new leader owns the outbox. The epoch is read
  // under a share lock, so that a new lead (which raises it) waits for this transaction to end.
  void check_fence(std::int64_t id, const char* left) {
    if (!fence_) {
      return;
    }
    const Rows epoch = connection_.run("SELECT epoch FROM leader WHERE id = 1 FOR SHARE");
    if (epoch.size() != 1 || epoch.integer(0, 0) != *fence_) {
      throw std::runtime_error(
          "another instance has taken the lead since this one took it (epoch " +
          std::to_string(*fence_) + ", now " +
          (epoch.size() == 1 ? std::to_string(epoch.integer(0, 0)) : "none") + "): message " +
          std::to_string(id) + " is left to it, " + left);
    }
  }

  [[noreturn]] void throw_not_queued(std::int64_t id) {
    throw std::logic_error("outbox message " + std::to_string(id) + " is already " +
                           message_state(id) + ", not queued");
  }

  // The state of message `id`; a logic error (a caller's mistake) when there is no such message.
  std::string message_state(std::int64_t id) {
    const Rows rows =
        connection_.run("SELECT state FROM messages WHERE id = $1", Parameters().integer(id));
    if (rows.size() == 0) {
      throw std::logic_error("no outbox message has id " + std::to_string(id));
    }
    return rows.text(0, 0);
  }

  // `table` (notices or messages) counted by kind and state, in the enums' order.
  std::vector<DeliveryCount> count_by_kind_and_state(const std::string& table) {
    const Rows rows =
        connection_.run("SELECT kind, state, count(*) FROM " + table + " GROUP BY kind, state");
    std::vector<DeliveryCount> counts;
    counts.reserve(static_cast<std::size_t>(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
      counts.push_back(DeliveryCount{stored_kind(rows.text(row, 0)),
                                     stored_state(rows.text(row, 1)), rows.integer(row, 2)});
    }
    std::sort(counts.begin(), counts.end(), [](const DeliveryCount& a, const DeliveryCount& b) {
      return std::pair(a.kind, a.state) < std::pair(b.kind, b.state);
    });
    return counts;
  }

  std::string existing_state(const std::string& key) {
    const Rows rows =
        connection_.run("SELECT state FROM notices WHERE key = $1", Parameters().text(key));
    return rows.size() == 0 ? "unknown state" : rows.text(0, 0);
  }

  void insert_contents(const StateContents& contents);

  Database database_;
  std::mutex mutex_;
  Connection connection_;
  // The epoch of the lead this store's pass lock last took, if it took one: its claims are
  // fenced by it from then on, even after the lock is gone, until it takes the lead again.
  std::optional<std::int64_t> fence_;
  // The lock's connection of the last try that found the lock held, for the next try.
  std::shared_ptr<Lead> spare_lead_;
};

StateContents PostgresStateStore::contents() {
  return guarded("reading the whole state", [&] {
    Transaction transaction(connection_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    StateContents contents;
    contents.messages = read_all(
        connection_.run(std::string("SELECT ") + kMessageColumns + " FROM messages ORDER BY id"),
        read_message);
    contents.notices = read_all(
        connection_.run(std::string("SELECT ") + kNoticeColumns + " FROM notices ORDER BY key"),
        read_notice);
    const Rows settings = connection_.run("SELECT name, value FROM settings ORDER BY name");
    for (int row = 0; row < settings.size(); ++row) {
      contents.settings.emplace_back(settings.text(row, 0), settings.text(row, 1));
    }
    const Rows events =
        connection_.run("SELECT uid, due, sequence FROM calendar_events ORDER BY uid");
    for (int row = 0; row < events.size(); ++row) {
      contents.calendar_events.push_back(CalendarEvent{events.text(row, 0),
                                                       stored_day(events.text(row, 1)).value(),
                                                       static_cast<int>(events.integer(row, 2))});
    }
    contents.updates = read_all(
        connection_.run(std::string("SELECT ") + kUpdateColumns + " FROM updates ORDER BY id"),
        read_update);
    transaction.commit();
    return contents;
  });
}

void PostgresStateStore::replace_contents(const StateContents& contents) {
  guarded("replacing the whole state", [&] {
    Transaction transaction(connection_);
    connection_.run_script(
        "DELETE FROM notices; DELETE FROM messages; DELETE FROM settings; "
        "DELETE FROM calendar_events; DELETE FROM updates;");
    insert_contents(contents);
    // New rows continue after the highest id copied.
    connection_.run_script(
        "SELECT setval(pg_get_serial_sequence('messages', 'id'), COALESCE(MAX(id), 0) + 1, "
        "false) FROM messages; "
        "SELECT setval(pg_get_serial_sequence('updates', 'id'), COALESCE(MAX(id), 0) + 1, "
        "false) FROM updates;");
    transaction.commit();
  });
}

void PostgresStateStore::insert_contents(const StateContents& contents) {
  for (const auto& message : contents.messages) {
    Parameters parameters;
    parameters.integer(message.id)
        .text(message.message_id)
        .text(token(message.kind))
        .text(message.subject)
        .text(message.envelope_from)
        .text(join_recipients(message.recipients))
        .bytes(message.raw)
        .text(token(message.state))
        .integer(message.attempts)
        .integer(to_unix(message.created))
        .integer(to_unix(message.next_attempt))
        .text(message.last_error);
    if (message.sending_since) {
      parameters.integer(to_unix(*message.sending_since));
    } else {
      parameters.null();
    }
    connection_.run(std::string("INSERT INTO messages (") + kMessageColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    parameters);
  }
  for (const auto& notice : contents.notices) {
    connection_.run(kInsertNotice, notice_parameters(notice, token(notice.state), notice.message_id,
                                                     notice.recorded));
  }
  for (const auto& [name, value] : contents.settings) {
    connection_.run("INSERT INTO settings (name, value) VALUES ($1, $2)",
                    Parameters().text(name).text(value));
  }
  for (const auto& event : contents.calendar_events) {
    connection_.run(
        "INSERT INTO calendar_events (uid, due, sequence) VALUES ($1, $2, $3)",
        Parameters().text(event.uid).text(base::iso_day(event.due)).integer(event.sequence));
  }
  for (const auto& update : contents.updates) {
    Parameters parameters;
    parameters.integer(update.id)
        .text(update.review)
        .text(update.action)
        .text(update.milestone)
        .text(update.agency)
        .text(token(update.kind))
        .text(base::iso_day(update.done_on))
        .text(update.target)
        .text(update.note)
        .integer(to_unix(update.submitted))
        .text(update.token_id)
        .text(token(update.state));
    update.decided ? parameters.integer(to_unix(*update.decided)) : parameters.null();
    parameters.text(update.decision_note).text(update.told_message);
    update.told ? parameters.integer(to_unix(*update.told)) : parameters.null();
    connection_.run(std::string("INSERT INTO updates (") + kUpdateColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                        "$15, $16)",
                    parameters);
  }
}

TableCounts PostgresStateStore::table_counts() {
  return guarded("counting the state's rows", [&] {
    const Rows rows = connection_.run(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM notices), "
        "(SELECT count(*) FROM settings), (SELECT count(*) FROM calendar_events), "
        "(SELECT count(*) FROM updates)");
    return TableCounts{rows.integer(0, 0), rows.integer(0, 1), rows.integer(0, 2),
                       rows.integer(0, 3), rows.integer(0, 4)};
  });
}

std::unique_ptr<PostgresStateStore> open_store(const std::string& url, bool create) {
  Database database = database_at(url);
  Connection connection = connect(database);
  try {
    if (!create && !has_table(connection, "schema_version")) {
      return nullptr;
    }
    prepare_schema(connection, database.printable);
  } catch (const PostgresError& e) {
    throw std::runtime_error("state database " + database.printable + ": " + e.what());
  }
  return std::make_unique<PostgresStateStore>(std::move(database), std::move(connection));
}

}  // namespace

std::unique_ptr<StateStore> open_postgresql_state(const std::string& url) {
  return open_store(url, true);
}

base::Result<std::unique_ptr<StateStore>> open_existing_postgresql_state(const std::string& url) {
  auto store = open_store(url, false);
  if (store == nullptr) {
    return base::Error{"state database " + printable_location(url) +
                       " holds no plan-reminder state yet"};
  }
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace plan_reminder::store
