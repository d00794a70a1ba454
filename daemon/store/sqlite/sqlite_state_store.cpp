// The SQLite implementation of the state database: schema migrations, the notification log and
// the outbox. Every write runs in one IMMEDIATE transaction (the write lock is taken up front,
// so two connections never deadlock upgrading a read), and commits with synchronous=FULL so a
// notice marked queued or sent survives a crash or a power cut (a delivery's claim alone is
// synced with its outcome: see begin_attempt).
#include "store/state_store.h"

#include "base/iso_day.h"
#include "store/engines.h"
#include "store/schema_version.h"
#include "store/sqlite/clean_close.h"
#include "store/sqlite/network_filesystem.h"
#include "store/stored_text.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

namespace plan_reminder::store {
namespace {

namespace fs = std::filesystem;

// One step of the schema history. Steps are applied in order, each in its own transaction
// together with the new user_version, so an interrupted upgrade resumes where it stopped.
struct Migration {
  int version;
  const char* sql;
};

// Never edit a step that has shipped: add a new one.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE messages (
  id            INTEGER PRIMARY KEY,
  message_id    TEXT    NOT NULL UNIQUE,
  kind          TEXT    NOT NULL,
  subject       TEXT    NOT NULL,
  envelope_from TEXT    NOT NULL,
  recipients    TEXT    NOT NULL,
  raw           BLOB    NOT NULL,
  state         TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  created       INTEGER NOT NULL,
  next_attempt  INTEGER NOT NULL,
  last_error    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX messages_by_state_next_attempt ON messages (state, next_attempt);
CREATE INDEX messages_by_created ON messages (created);

CREATE TABLE notices (
  key        TEXT    PRIMARY KEY NOT NULL,
  kind       TEXT    NOT NULL,
  review     TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  milestone  TEXT    NOT NULL,
  recipient  TEXT    NOT NULL,
  due        TEXT    NOT NULL,
  scheduled  INTEGER NOT NULL,
  state      TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'dropped')),
  message_id TEXT    REFERENCES messages (message_id),
  detail     TEXT    NOT NULL DEFAULT '',
  recorded   INTEGER NOT NULL
);
CREATE INDEX notices_by_recorded ON notices (recorded);
CREATE INDEX notices_by_message_id ON notices (message_id);

CREATE TABLE settings (
  name  TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
)sql"},
    // The moment a delivery attempt began, until its outcome is recorded: a message still
    // marked after a crash was in flight.
    {2, R"sql(
ALTER TABLE messages ADD COLUMN sending_since INTEGER;
)sql"},
    // The due date each calendar event last showed and its SEQUENCE (SPEC §8 feeds): the
    // sequence goes up when the date changes, so subscribed calendars move the event.
    {3, R"sql(
CREATE TABLE calendar_events (
  uid      TEXT    PRIMARY KEY NOT NULL,
  due      TEXT    NOT NULL,
  sequence INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql"},
    // Agencies' updates (SPEC §9): each submission kept for ever; only its decision (state,
    // decided, decision_note) is added, once, while it is waiting.
    {4, R"sql(
CREATE TABLE updates (
  id            INTEGER PRIMARY KEY,
  review        TEXT    NOT NULL,
  action        TEXT    NOT NULL,
  milestone     TEXT    NOT NULL,
  agency        TEXT    NOT NULL,
  kind          TEXT    NOT NULL
                CHECK (kind IN ('completed', 'progress', 'new_target', 'not_implemented')),
  done_on       TEXT    NOT NULL DEFAULT '',
  target        TEXT    NOT NULL DEFAULT '',
  note          TEXT    NOT NULL DEFAULT '',
  submitted     INTEGER NOT NULL,
  token_id      TEXT    NOT NULL,
  state         TEXT    NOT NULL DEFAULT 'waiting'
                CHECK (state IN ('waiting', 'accepted', 'rejected', 'superseded')),
  decided       INTEGER,
  decision_note TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX updates_by_state ON updates (state);
CREATE INDEX updates_by_milestone ON updates (review, action, milestone);
)sql"},
    // The agency is told each decision in its next email: which email, and when it was queued.
    {5, R"sql(
ALTER TABLE updates ADD COLUMN told_message TEXT NOT NULL DEFAULT '';
ALTER TABLE updates ADD COLUMN told INTEGER;
)sql"},
    // Messages' text is stored packed (store/stored_text.h); texts stored before stay plain and
    // read as they are. No table changes: the version keeps an older plan-reminder, which would
    // send the packed bytes, from opening the state.
    {6, "-- messages.raw: packed_text() from here on"},
    // The notices' table made again with the same rows, rowids and indexes; only the check of
    // its state changes, to comparisons: SQLite checks `state IN (four values)` with a temporary
    // b-tree built for every row inserted, a quarter of the time a pass takes to store its
    // notices. ALTER TABLE cannot change a check (SQLite's "12 steps"; nothing refers to
    // notices, so no foreign key is touched).
    {7, R"sql(
CREATE TABLE notices_new (
  key        TEXT    PRIMARY KEY NOT NULL,
  kind       TEXT    NOT NULL,
  review     TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  milestone  TEXT    NOT NULL,
  recipient  TEXT    NOT NULL,
  due        TEXT    NOT NULL,
  scheduled  INTEGER NOT NULL,
  state      TEXT    NOT NULL
             CHECK (state = 'queued' OR state = 'sent' OR state = 'failed' OR state = 'dropped'),
  message_id TEXT    REFERENCES messages (message_id),
  detail     TEXT    NOT NULL DEFAULT '',
  recorded   INTEGER NOT NULL
);
INSERT INTO notices_new (rowid, key, kind, review, action, milestone, recipient, due, scheduled,
                         state, message_id, detail, recorded)
  SELECT rowid, key, kind, review, action, milestone, recipient, due, scheduled, state,
         message_id, detail, recorded
  FROM notices ORDER BY rowid;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_by_recorded ON notices (recorded);
CREATE INDEX notices_by_message_id ON notices (message_id);
)sql"},
};

static_assert(std::size(kMigrations) == kSchemaVersion,
              "each migration raises the schema version of every engine");

std::int64_t to_unix(Instant at) {
  return at.time_since_epoch().count();
}
Instant from_unix(std::int64_t seconds) {
  return Instant{std::chrono::seconds{seconds}};
}

// "2020-03-31": how the state writes a day.
std::string day_text(date::year_month_day day) {
  return date::format("%F", day);
}

// NULL reads as "" (a dropped notice has no message).
std::string text(const SQLite::Column& column) {
  return {column.getText(), static_cast<std::size_t>(column.getBytes())};
}

std::string blob(const SQLite::Column& column) {
  const auto* data = static_cast<const char*>(column.getBlob());
  if (data == nullptr) {
    return {};
  }
  return {data, static_cast<std::size_t>(column.getBytes())};
}

EmailKind kind_column(const SQLite::Column& column) {
  return stored_kind(text(column));
}
DeliveryState state_column(const SQLite::Column& column) {
  return stored_state(text(column));
}
UpdateKind update_kind_column(const SQLite::Column& column) {
  return stored_update_kind(text(column));
}
UpdateState update_state_column(const SQLite::Column& column) {
  return stored_update_state(text(column));
}
// The due date is stored as "YYYY-MM-DD", or "" when there is none.
std::optional<date::year_month_day> due_column(const SQLite::Column& column) {
  return stored_day(text(column));
}

constexpr const char* kUpdateColumns =
    "id, review, action, milestone, agency, kind, done_on, target, note, submitted, token_id, "
    "state, decided, decision_note, told_message, told";

UpdateRecord read_update(const SQLite::Statement& row) {
  UpdateRecord update;
  update.id = row.getColumn(0).getInt64();
  update.review = text(row.getColumn(1));
  update.action = text(row.getColumn(2));
  update.milestone = text(row.getColumn(3));
  update.agency = text(row.getColumn(4));
  update.kind = update_kind_column(row.getColumn(5));
  update.done_on = due_column(row.getColumn(6));
  update.target = text(row.getColumn(7));
  update.note = text(row.getColumn(8));
  update.submitted = from_unix(row.getColumn(9).getInt64());
  update.token_id = text(row.getColumn(10));
  update.state = update_state_column(row.getColumn(11));
  if (!row.getColumn(12).isNull()) {
    update.decided = from_unix(row.getColumn(12).getInt64());
  }
  update.decision_note = text(row.getColumn(13));
  update.told_message = text(row.getColumn(14));
  if (!row.getColumn(15).isNull()) {
    update.told = from_unix(row.getColumn(15).getInt64());
  }
  return update;
}

constexpr const char* kMessageColumns =
    "id, message_id, kind, subject, envelope_from, recipients, raw, state, attempts, created, "
    "next_attempt, last_error, sending_since";
// The same with the text left out (read_message then leaves `raw` empty).
constexpr const char* kMessageColumnsWithoutText =
    "id, message_id, kind, subject, envelope_from, recipients, '' AS raw, state, attempts, "
    "created, next_attempt, last_error, sending_since";

OutboxMessage read_message(const SQLite::Statement& row) {
  OutboxMessage message;
  message.id = row.getColumn(0).getInt64();
  message.message_id = text(row.getColumn(1));
  message.kind = kind_column(row.getColumn(2));
  message.subject = text(row.getColumn(3));
  message.envelope_from = text(row.getColumn(4));
  message.recipients = split_recipients(text(row.getColumn(5)));
  message.raw = blob(row.getColumn(6));
  message.state = state_column(row.getColumn(7));
  message.attempts = row.getColumn(8).getInt();
  message.created = from_unix(row.getColumn(9).getInt64());
  message.next_attempt = from_unix(row.getColumn(10).getInt64());
  message.last_error = text(row.getColumn(11));
  if (!row.getColumn(12).isNull()) {
    message.sending_since = from_unix(row.getColumn(12).getInt64());
  }
  return message;
}

constexpr const char* kNoticeColumns =
    "key, kind, review, action, milestone, recipient, due, scheduled, state, message_id, detail, "
    "recorded";

NoticeRecord read_notice(const SQLite::Statement& row) {
  NoticeRecord notice;
  notice.key = text(row.getColumn(0));
  notice.kind = kind_column(row.getColumn(1));
  notice.review = text(row.getColumn(2));
  notice.action = text(row.getColumn(3));
  notice.milestone = text(row.getColumn(4));
  notice.recipient = text(row.getColumn(5));
  notice.due = due_column(row.getColumn(6));
  notice.scheduled = from_unix(row.getColumn(7).getInt64());
  notice.state = state_column(row.getColumn(8));
  notice.message_id = text(row.getColumn(9));
  notice.detail = text(row.getColumn(10));
  notice.recorded = from_unix(row.getColumn(11).getInt64());
  return notice;
}

// Binds a notice to `INSERT INTO notices (<kNoticeColumns>) VALUES (?1, ..., ?12)`.
void bind_notice(SQLite::Statement& insert, const NoticeRecord& notice, std::string_view state,
                 const std::string& message_id, Instant recorded) {
  insert.bind(1, notice.key);
  insert.bind(2, std::string(token(notice.kind)));
  insert.bind(3, notice.review);
  insert.bind(4, notice.action);
  insert.bind(5, notice.milestone);
  insert.bind(6, notice.recipient);
  insert.bind(7, base::iso_day(notice.due));
  insert.bind(8, to_unix(notice.scheduled));
  insert.bind(9, std::string(state));
  if (message_id.empty()) {
    insert.bind(10);  // NULL: no message to reference
  } else {
    insert.bind(10, message_id);
  }
  insert.bind(11, notice.detail);
  insert.bind(12, to_unix(recorded));
}

// SQLite's own words for a failed write ("disk I/O error") do not say what to fix: name the
// cause when it is the disk being full or read-only.
std::string describe_error(const SQLite::Exception& error, sqlite3* db) {
  const int code = error.getErrorCode();
  const int system_errno = db != nullptr ? ::sqlite3_system_errno(db) : 0;
  std::string what = error.what();
  if (code == SQLITE_FULL || system_errno == ENOSPC) {
    return "the disk is full (" + what + "): free some space";
  }
  if (system_errno == EDQUOT) {
    return "the disk quota is exceeded (" + what + "): free some space";
  }
  if (code == SQLITE_READONLY || system_errno == EROFS || system_errno == EACCES ||
      system_errno == EPERM) {
    return "the database is read-only (" + what +
           "): the service must be able to write it and its folder";
  }
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    return "it is damaged (" + what + ")";
  }
  return what;
}

bool is_damage(const SQLite::Exception& error) {
  const int code = error.getErrorCode();
  return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

std::string damaged(const std::string& path, const std::string& why) {
  return "state database " + path + " is damaged (" + why +
         "): restore it from a backup, or move it away to start a new one (a new state "
         "does not know what was sent, so notices may be sent again)";
}

int user_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

std::string too_new(const std::string& path, int version) {
  return "state database " + path + " has schema version " + std::to_string(version) +
         "; this plan-reminder knows up to " + std::to_string(kSchemaVersion) +
         ": upgrade plan-reminder";
}

void migrate(SQLite::Database& db, const std::string& path) {
  for (const auto& step : kMigrations) {
    // Re-read the version under the write lock: another process may be migrating too.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    const int version = user_version(db);
    if (version > kSchemaVersion) {
      throw std::runtime_error(too_new(path, version));
    }
    if (version >= step.version) {
      continue;
    }
    db.exec(step.sql);
    db.exec("PRAGMA user_version = " + std::to_string(step.version));
    transaction.commit();
  }
}

// A state on a network filesystem is refused before anything is made there (see
// network_filesystem.h): the check looks at the nearest folder that exists.
void refuse_network_filesystem(const std::string& path) {
  std::error_code error;
  fs::path folder = fs::absolute(fs::path(path), error).parent_path();
  while (!fs::exists(folder, error) && folder.has_parent_path() && folder != folder.parent_path()) {
    folder = folder.parent_path();
  }
  const auto type = sqlite::filesystem_type(folder.string());
  if (!type) {
    return;  // statfs failed: opening the file will say why
  }
  if (const auto name = sqlite::network_filesystem_name(*type)) {
    throw std::runtime_error(
        "state database " + path + " is on a network filesystem (" + std::string(*name) +
        "): refused, because SQLite's write-ahead log needs memory shared by every process "
        "using the state, which network filesystems do not give, and the state would be "
        "damaged; keep it on a local disk, or put it in PostgreSQL (state: postgresql://...)");
  }
}

SQLite::Database open_database(const std::string& path) {
  refuse_network_filesystem(path);
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    fs::create_directories(parent, error);
    if (error) {
      throw std::runtime_error("state database " + path + ": cannot create the folder " +
                               parent.string() + ": " + error.message());
    }
  }
  // A new state is made only where no file exists: an empty file is a lost database, not a
  // new one, and taking it as new would send everything again.
  std::error_code error;
  const bool existed = fs::exists(path, error);
  if (existed && fs::is_regular_file(path, error) && fs::file_size(path, error) == 0 && !error) {
    throw std::runtime_error(damaged(path, "the file is empty"));
  }
  // Looked at before SQLite opens the file (see clean_close.h).
  const bool needs_check = existed && !sqlite::unchanged_since_clean_close(path);
  sqlite3* handle = nullptr;
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000);
    handle = db.getHandle();
    if (needs_check) {
      SQLite::Statement check(db, "PRAGMA quick_check(5)");
      std::string problems;
      while (check.executeStep()) {
        const std::string line = check.getColumn(0).getString();
        if (line != "ok") {
          problems += (problems.empty() ? "" : "; ") + line;
        }
      }
      if (!problems.empty()) {
        throw std::runtime_error(damaged(path, "quick_check: " + problems));
      }
    }
    // Check before anything writes, so a newer schema is left exactly as it was.
    if (const int version = user_version(db); version > kSchemaVersion) {
      throw std::runtime_error(too_new(path, version));
    }
    const std::string journal_mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (journal_mode != "wal") {
      throw std::runtime_error("state database " + path +
                               ": cannot switch to write-ahead logging (journal mode is " +
                               journal_mode + ")");
    }
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db, path);
    return db;
  } catch (const SQLite::Exception& e) {
    if (is_damage(e)) {
      sqlite::forget_clean_close(path);
      throw std::runtime_error(damaged(path, e.what()));
    }
    throw std::runtime_error("state database " + path + ": " + describe_error(e, handle));
  }
}

// Every row of `select`, as notices or as messages.
std::vector<NoticeRecord> read_notices(SQLite::Statement& select) {
  std::vector<NoticeRecord> notices;
  while (select.executeStep()) {
    notices.push_back(read_notice(select));
  }
  return notices;
}
std::vector<OutboxMessage> read_messages(SQLite::Statement& select) {
  std::vector<OutboxMessage> messages;
  while (select.executeStep()) {
    messages.push_back(read_message(select));
  }
  return messages;
}

// Resets a cached statement however its use ends, so it never pins an old read snapshot.
class StatementInUse {
 public:
  explicit StatementInUse(SQLite::Statement& statement) : statement_(statement) {}
  ~StatementInUse() { statement_.tryReset(); }
  StatementInUse(const StatementInUse&) = delete;
  StatementInUse& operator=(const StatementInUse&) = delete;

 private:
  SQLite::Statement& statement_;
};

// One pass at a time on one state file: an exclusive flock on the file STATE.lock, held for a
// pass, which also names the holder's pid. (A PostgreSQL store would take an advisory lock.)
class FilePassLock final : public PassLock {
 public:
  static base::Result<std::unique_ptr<PassLock>> acquire(const std::string& state_path,
                                                         std::chrono::milliseconds wait) {
    const std::string path = state_path + ".lock";
    const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (descriptor < 0) {
      throw std::runtime_error("cannot open the lock file " + path + ": " + std::strerror(errno));
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (::flock(descriptor, LOCK_EX | LOCK_NB) == 0) {
        break;
      }
      if (errno != EWOULDBLOCK && errno != EINTR) {
        const std::string reason = std::strerror(errno);
        ::close(descriptor);
        std::string message = "cannot lock " + path;
        message += ": ";
        message += reason;
        throw std::runtime_error(message);
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        const std::string pid = holder(descriptor);
        ::close(descriptor);
        std::string busy = "another plan-reminder";
        if (!pid.empty()) {
          busy += " (pid " + pid + ")";
        }
        busy += " is running a pass on ";
        busy += state_path;
        return base::Error{std::move(busy)};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // Name the holder for whoever waits; a failure to write only loses that courtesy.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(descriptor, 0) == 0) {
      [[maybe_unused]] ssize_t written = ::pwrite(descriptor, pid.data(), pid.size(), 0);
    }
    return std::unique_ptr<PassLock>(new FilePassLock(descriptor));
  }

  ~FilePassLock() override {
    ::close(descriptor_);  // releases the lock
  }
  FilePassLock(const FilePassLock&) = delete;
  FilePassLock& operator=(const FilePassLock&) = delete;

 private:
  explicit FilePassLock(int descriptor) : descriptor_(descriptor) {}

  // The pid the holder wrote into the lock file, or "".
  static std::string holder(int descriptor) {
    char text[32] = {};
    const ssize_t count = ::pread(descriptor, text, sizeof text - 1, 0);
    std::string pid = count > 0 ? std::string(text, static_cast<std::size_t>(count)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
      pid.pop_back();
    }
    return pid;
  }

  int descriptor_;
};

// Updates as they were, ids, decisions and tellings included (state copy).
void insert_updates(SQLite::Database& db, const std::vector<UpdateRecord>& updates) {
  SQLite::Statement insert(db, std::string("INSERT INTO updates (") + kUpdateColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                   "?13, ?14, ?15, ?16)");
  for (const auto& update : updates) {
    insert.bind(1, update.id);
    insert.bind(2, update.review);
    insert.bind(3, update.action);
    insert.bind(4, update.milestone);
    insert.bind(5, update.agency);
    insert.bind(6, std::string(token(update.kind)));
    insert.bind(7, base::iso_day(update.done_on));
    insert.bind(8, update.target);
    insert.bind(9, update.note);
    insert.bind(10, to_unix(update.submitted));
    insert.bind(11, update.token_id);
    insert.bind(12, std::string(token(update.state)));
    update.decided ? insert.bind(13, to_unix(*update.decided)) : insert.bind(13);
    insert.bind(14, update.decision_note);
    insert.bind(15, update.told_message);
    update.told ? insert.bind(16, to_unix(*update.told)) : insert.bind(16);
    insert.exec();
    insert.reset();
  }
}

// synchronous=NORMAL for as long as it lives, then FULL again: for a commit whose loss in a
// power cut the next synced commit would make good anyway (see begin_attempt).
class RelaxedSync {
 public:
  explicit RelaxedSync(SQLite::Database& db) : db_(db) { db_.exec("PRAGMA synchronous = NORMAL"); }
  ~RelaxedSync() {
    try {
      db_.exec("PRAGMA synchronous = FULL");
    } catch (const SQLite::Exception&) {  // NOLINT(bugprone-empty-catch): only sets a flag
    }
  }
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  SQLite::Database& db_;
};

class SqliteStateStore final : public StateStore {
 public:
  SqliteStateStore(std::string path, SQLite::Database db)
      : path_(std::move(path)),
        closing_(path_),
        db_(std::move(db)),
        // In the key's index order, which is the set's: nothing to sort.
        handled_keys_(db_, "SELECT key FROM notices ORDER BY key"),
        notice_count_(db_, "SELECT count(*) FROM notices") {}

  base::KeySet handled_keys() override {
    return guarded("reading the handled notice keys", [&] {
      // One read transaction, so the count and the keys agree.
      SQLite::Transaction transaction(db_);
      base::KeySet::Builder keys;
      {
        const StatementInUse counting(notice_count_);
        notice_count_.executeStep();
        // Room for keys longer than most, so the text is not moved as it grows: the pages not
        // written are never touched.
        const auto count = static_cast<std::size_t>(notice_count_.getColumn(0).getInt64());
        keys.reserve(count, count * 128);
      }
      {
        const StatementInUse select(handled_keys_);
        while (handled_keys_.executeStep()) {
          const auto column = handled_keys_.getColumn(0);
          keys.add({column.getText(), static_cast<std::size_t>(column.getBytes())});
        }
      }
      transaction.commit();
      return std::move(keys).build();
    });
  }

  void record_dropped(const std::vector<NoticeRecord>& notices) override {
    guarded("recording dropped notices", [&] {
      SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement insert(db_, std::string("INSERT INTO notices (") + kNoticeColumns +
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                                        "?11, ?12) ON CONFLICT (key) DO NOTHING");
      for (const auto& notice : notices) {
        bind_notice(insert, notice, "dropped", "", notice.recorded);
        insert.exec();
        insert.reset();
      }
      transaction.commit();
    });
  }

  std::size_t enqueue_all(std::vector<QueuedMessage> messages) override {
    const std::string what = messages.size() == 1
                                 ? "queueing message " + messages.front().message.message_id
                                 : "queueing " + std::to_string(messages.size()) + " messages";
    // Packed before the write lock is taken: other instances wait only for the writing.
    for (auto& queued : messages) {
      queued.message.raw = packed_text(queued.message.raw);
    }
    return guarded(what, [&] {
      SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement insert_message(
          db_,
          "INSERT INTO messages (message_id, kind, subject, envelope_from, recipients, raw, state, "
          "attempts, created, next_attempt, last_error) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', 0, ?7, ?8, '') "
          "ON CONFLICT (message_id) DO NOTHING");
      SQLite::Statement insert_notice(db_, std::string("INSERT INTO notices (") + kNoticeColumns +
                                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                               "?10, ?11, ?12) ON CONFLICT (key) DO NOTHING");
      SQLite::Statement tell(db_,
                             "UPDATE updates SET told_message = ?2, told = ?3 WHERE id = ?1 AND "
                             "told IS NULL AND state IN ('accepted', 'rejected')");
      std::size_t stored = 0;
      // The notices of the messages stored, inserted in their keys' order once the messages are.
      // A pass's notices come agency by agency, scattered across the key index; in order, the
      // index pages a batch changes are read and written fewer times (in a national catch-up,
      // a third fewer reads and an eighth fewer writes).
      std::vector<std::pair<const NoticeRecord*, const OutboxMessage*>> new_notices;
      for (const auto& [message, notices] : messages) {
        // An unset next attempt means "as soon as it is stored".
        const Instant first_attempt =
            message.next_attempt == Instant{} ? message.created : message.next_attempt;
        insert_message.bind(1, message.message_id);
        insert_message.bind(2, std::string(token(message.kind)));
        insert_message.bind(3, message.subject);
        insert_message.bind(4, message.envelope_from);
        insert_message.bind(5, join_recipients(message.recipients));
        insert_message.bind(6, message.raw.data(), static_cast<int>(message.raw.size()));
        insert_message.bind(7, to_unix(message.created));
        insert_message.bind(8, to_unix(first_attempt));
        const int inserted = insert_message.exec();
        insert_message.reset();
        if (inserted == 0) {
          continue;  // already stored: a re-render after a crash, nothing to do
        }
        ++stored;
        for (const auto& notice : notices) {
          new_notices.emplace_back(&notice, &message);
        }
        for (const std::int64_t id : message.tells_updates) {
          tell.bind(1, id);
          tell.bind(2, message.message_id);
          tell.bind(3, to_unix(message.created));
          tell.exec();
          tell.reset();
        }
      }
      std::sort(new_notices.begin(), new_notices.end(),
                [](const auto& a, const auto& b) { return a.first->key < b.first->key; });
      for (const auto& [notice, message] : new_notices) {
        bind_notice(insert_notice, *notice, "queued", message->message_id, message->created);
        if (insert_notice.exec() == 0) {
          // The transaction rolls back as this unwinds: no message of the batch is stored.
          throw std::logic_error("notice " + notice->key + " is already recorded (" +
                                 existing_state(notice->key) + "); queueing it in message " +
                                 message->message_id + " would send it twice");
        }
        insert_notice.reset();
      }
      transaction.commit();
      return stored;
    });
  }

  std::vector<OutboxMessage> due_messages(Instant now) override {
    return guarded("reading the due messages", [&] {
      SQLite::Statement select(db_, std::string("SELECT ") + kMessageColumnsWithoutText +
                                        " FROM messages WHERE state = 'queued' AND "
                                        "next_attempt <= ?1 ORDER BY next_attempt, id");
      select.bind(1, to_unix(now));
      return read_messages(select);
    });
  }

  std::string message_raw(std::int64_t id) override {
    return unpacked_text(guarded("reading message " + std::to_string(id), [&] {
      SQLite::Statement select(db_, "SELECT raw FROM messages WHERE id = ?1");
      select.bind(1, id);
      return select.executeStep() ? blob(select.getColumn(0)) : std::string();
    }));
  }

  std::optional<Instant> next_attempt() override {
    return guarded("reading the next attempt", [&]() -> std::optional<Instant> {
      const auto earliest =
          db_.execAndGet("SELECT min(next_attempt) FROM messages WHERE state = 'queued'");
      if (earliest.isNull()) {
        return std::nullopt;
      }
      return from_unix(earliest.getInt64());
    });
  }

  std::size_t queued_count() override {
    return guarded("counting the queued messages", [&] {
      return static_cast<std::size_t>(
          db_.execAndGet("SELECT count(*) FROM messages WHERE state = 'queued'").getInt64());
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

  bool begin_attempt(std::int64_t id, Instant at) override {
    return guarded("recording an attempt to send message " + std::to_string(id), [&] {
      // The claim is written without waiting for the disk (synchronous=NORMAL, only for it): the
      // outcome's commit on this connection (mark_sent and the others) syncs the log with the
      // claim in it. A power cut between the two loses only the claim, which leaves the message
      // queued, to be sent again, as a claim that survived would (a message in flight is sent
      // again either way), with one attempt fewer counted. One wait for the disk a message.
      const RelaxedSync relaxed(db_);
      SQLite::Statement claim(db_,
                              "UPDATE messages SET attempts = attempts + 1, sending_since = ?2 "
                              "WHERE id = ?1 AND state = 'queued'");
      claim.bind(1, id);
      claim.bind(2, to_unix(at));
      if (claim.exec() == 1) {
        return true;
      }
      message_state(id);  // no longer queued; throws for an unknown id
      return false;
    });
  }

  void mark_partly_sent(std::int64_t id, Instant at, const std::string& refused,
                        const std::vector<std::string>& failed_keys) override {
    settle("marking message " + std::to_string(id) + " sent", id,
           {"state = 'sent', last_error = :detail, sending_since = NULL",
            "state = 'sent', detail = :detail, recorded = :at", refused, at},
           [&] {
             SQLite::Statement failed(db_, "UPDATE notices SET state = 'failed' WHERE key = ?1");
             for (const auto& key : failed_keys) {
               failed.bind(1, key);
               failed.exec();
               failed.reset();
             }
           });
  }

  void drop_message(std::int64_t id, Instant at, const std::string& detail) override {
    settle("dropping message " + std::to_string(id), id,
           {"sending_since = NULL",
            "state = 'dropped', detail = :detail, recorded = :at, message_id = NULL", detail, at},
           [&] {
             SQLite::Statement remove(db_, "DELETE FROM messages WHERE id = ?1");
             remove.bind(1, id);
             remove.exec();
           });
  }

  std::vector<NoticeRecord> notices_of_message(const std::string& message_id) override {
    return guarded("reading the notices of message " + message_id, [&] {
      SQLite::Statement select(db_, std::string("SELECT ") + kNoticeColumns +
                                        " FROM notices WHERE message_id = ?1 ORDER BY key");
      select.bind(1, message_id);
      return read_notices(select);
    });
  }

  std::vector<NoticeRecord> notices_like(const NoticeRecord& notice) override {
    return guarded("reading the notices about " + notice.key, [&] {
      SQLite::Statement select(db_, std::string("SELECT ") + kNoticeColumns +
                                        " FROM notices WHERE review = ?1 AND action = ?2 AND "
                                        "milestone = ?3 AND recipient = ?4 AND due = ?5 "
                                        "ORDER BY scheduled, key");
      select.bind(1, notice.review);
      select.bind(2, notice.action);
      select.bind(3, notice.milestone);
      select.bind(4, notice.recipient);
      select.bind(5, base::iso_day(notice.due));
      return read_notices(select);
    });
  }

  std::vector<NoticeRecord> notices_since(Instant since) override {
    return guarded("reading the notification log", [&] {
      SQLite::Statement select(db_,
                               std::string("SELECT ") + kNoticeColumns +
                                   " FROM notices WHERE recorded >= ?1 ORDER BY recorded, key");
      select.bind(1, to_unix(since));
      return read_notices(select);
    });
  }

  std::vector<OutboxMessage> messages_since(Instant since) override {
    auto messages = guarded("reading the outbox", [&] {
      SQLite::Statement select(db_, std::string("SELECT ") + kMessageColumns +
                                        " FROM messages WHERE created >= ?1 ORDER BY created, id");
      select.bind(1, to_unix(since));
      return read_messages(select);
    });
    for (auto& message : messages) {
      message.raw = unpacked_text(std::move(message.raw));
    }
    return messages;
  }

  std::vector<OutboxMessage> failed_messages_since(Instant since) override {
    return guarded("reading failed messages", [&] {
      // The raw text is left out: the digest needs only who, what and why.
      SQLite::Statement select(db_,
                               std::string("SELECT ") + kMessageColumnsWithoutText +
                                   " FROM messages WHERE created >= ?1 AND (state = 'failed' OR "
                                   "(state = 'sent' AND last_error <> '')) ORDER BY created, id");
      select.bind(1, to_unix(since));
      return read_messages(select);
    });
  }

  std::optional<std::string> setting(const std::string& name) override {
    return guarded("reading setting " + name, [&]() -> std::optional<std::string> {
      SQLite::Statement select(db_, "SELECT value FROM settings WHERE name = ?1");
      select.bind(1, name);
      if (!select.executeStep()) {
        return std::nullopt;
      }
      return text(select.getColumn(0));
    });
  }

  void set_setting(const std::string& name, const std::string& value) override {
    guarded("writing setting " + name, [&] {
      SQLite::Statement upsert(db_,
                               "INSERT INTO settings (name, value) VALUES (?1, ?2) "
                               "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
      upsert.bind(1, name);
      upsert.bind(2, value);
      upsert.exec();
    });
  }

  base::Result<std::unique_ptr<PassLock>> lock_passes(std::chrono::milliseconds wait) override {
    return FilePassLock::acquire(path_, wait);
  }

  // Frees the connection's page cache; what is needed again is read back from the file.
  void idle() override {
    const std::lock_guard lock(mutex_);
    ::sqlite3_db_release_memory(db_.getHandle());
  }

  std::vector<int> calendar_sequences(const std::vector<CalendarEntry>& entries) override {
    return guarded("numbering calendar events", [&] {
      SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
      // A new UID starts at 0; a changed date goes up by one; the same date leaves it.
      SQLite::Statement upsert(
          db_,
          "INSERT INTO calendar_events (uid, due, sequence) VALUES (?1, ?2, 0) "
          "ON CONFLICT (uid) DO UPDATE SET due = excluded.due, "
          "sequence = sequence + 1 WHERE due <> excluded.due");
      SQLite::Statement select(db_, "SELECT sequence FROM calendar_events WHERE uid = ?1");
      std::vector<int> sequences;
      sequences.reserve(entries.size());
      for (const auto& entry : entries) {
        upsert.bind(1, entry.uid);
        upsert.bind(2, day_text(entry.due));
        upsert.exec();
        upsert.reset();
        select.bind(1, entry.uid);
        select.executeStep();
        sequences.push_back(select.getColumn(0).getInt());
        select.reset();
      }
      transaction.commit();
      return sequences;
    });
  }

  DeliveryCounts delivery_counts() override {
    return guarded("counting notices and messages", [&] {
      // One read transaction, so both counts are of the same moment.
      SQLite::Transaction transaction(db_);
      DeliveryCounts counts;
      counts.notices = count_by_kind_and_state("notices");
      counts.messages = count_by_kind_and_state("messages");
      transaction.commit();
      return counts;
    });
  }

  std::int64_t add_update(const UpdateRecord& update) override {
    return guarded("storing an agency's update", [&] {
      SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement supersede(
          db_,
          "UPDATE updates SET state = 'superseded', decided = ?5 WHERE state = 'waiting' AND "
          "review = ?1 AND action = ?2 AND milestone = ?3 AND agency = ?4");
      supersede.bind(1, update.review);
      supersede.bind(2, update.action);
      supersede.bind(3, update.milestone);
      supersede.bind(4, update.agency);
      supersede.bind(5, to_unix(update.submitted));
      supersede.exec();
      SQLite::Statement insert(
          db_,
          "INSERT INTO updates (review, action, milestone, agency, kind, done_on, target, note, "
          "submitted, token_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
      insert.bind(1, update.review);
      insert.bind(2, update.action);
      insert.bind(3, update.milestone);
      insert.bind(4, update.agency);
      insert.bind(5, std::string(token(update.kind)));
      insert.bind(6, update.done_on ? day_text(*update.done_on) : std::string());
      insert.bind(7, update.target);
      insert.bind(8, update.note);
      insert.bind(9, to_unix(update.submitted));
      insert.bind(10, update.token_id);
      insert.exec();
      const std::int64_t id = db_.getLastInsertRowid();
      transaction.commit();
      return id;
    });
  }

  std::vector<UpdateRecord> updates(const std::vector<UpdateState>& states) override {
    return guarded("reading agencies' updates", [&] {
      std::string sql = std::string("SELECT ") + kUpdateColumns + " FROM updates";
      if (!states.empty()) {
        sql += " WHERE state IN (";
        for (std::size_t i = 0; i < states.size(); ++i) {
          sql += i == 0 ? "?" : ", ?";
        }
        sql += ")";
      }
      sql += " ORDER BY id";
      SQLite::Statement select(db_, sql);
      for (std::size_t i = 0; i < states.size(); ++i) {
        select.bind(static_cast<int>(i + 1), std::string(token(states[i])));
      }
      std::vector<UpdateRecord> found;
      while (select.executeStep()) {
        found.push_back(read_update(select));
      }
      return found;
    });
  }

  std::optional<UpdateRecord> update(std::int64_t id) override {
    return guarded("reading an agency's update", [&]() -> std::optional<UpdateRecord> {
      SQLite::Statement select(
          db_, std::string("SELECT ") + kUpdateColumns + " FROM updates WHERE id = ?1");
      select.bind(1, id);
      if (!select.executeStep()) {
        return std::nullopt;
      }
      return read_update(select);
    });
  }

  bool decide_update(std::int64_t id, UpdateState decision, Instant at,
                     const std::string& note) override {
    if (decision != UpdateState::accepted && decision != UpdateState::rejected) {
      throw std::invalid_argument("an update is decided by accepting or rejecting it, not as " +
                                  std::string(token(decision)));
    }
    return guarded("deciding an agency's update", [&] {
      SQLite::Statement decide(db_,
                               "UPDATE updates SET state = ?2, decided = ?3, decision_note = ?4 "
                               "WHERE id = ?1 AND state = 'waiting'");
      decide.bind(1, id);
      decide.bind(2, std::string(token(decision)));
      decide.bind(3, to_unix(at));
      decide.bind(4, note);
      return decide.exec() == 1;
    });
  }

  std::vector<UpdateRecord> decisions_to_tell() override {
    return guarded("reading the decisions to tell agencies", [&] {
      SQLite::Statement select(db_, std::string("SELECT ") + kUpdateColumns +
                                        " FROM updates WHERE state IN ('accepted', 'rejected') "
                                        "AND told IS NULL ORDER BY decided, id");
      std::vector<UpdateRecord> found;
      while (select.executeStep()) {
        found.push_back(read_update(select));
      }
      return found;
    });
  }

  StateContents contents() override;
  void replace_contents(const StateContents& contents) override;
  TableCounts table_counts() override;

  std::optional<Instant> previous_digest(Instant before) override {
    return guarded("reading the previous digest", [&]() -> std::optional<Instant> {
      // Digest keys are "digest/<day>/<recipient>": the key range keeps to the primary key's
      // index instead of reading the whole log.
      SQLite::Statement select(db_,
                               "SELECT MAX(scheduled) FROM notices WHERE key >= 'digest/' AND "
                               "key < 'digest0' AND kind = 'digest' AND scheduled < ?1 AND "
                               "state IN ('queued', 'sent')");
      select.bind(1, to_unix(before));
      if (!select.executeStep() || select.getColumn(0).isNull()) {
        return std::nullopt;
      }
      return from_unix(select.getColumn(0).getInt64());
    });
  }

 private:
  // Serialises callers (the connection and its cached statements are not shared safely) and
  // turns SQLite's errors into ones that name the database and what was being done.
  template <typename Operation>
  std::invoke_result_t<Operation&> guarded(const std::string& what, Operation&& operation) {
    const std::lock_guard lock(mutex_);
    try {
      return operation();
    } catch (const SQLite::Exception& e) {
      if (is_damage(e)) {
        // Found in use, not at open (see clean_close.h): the next open checks the whole file.
        closing_.damaged = true;
        sqlite::forget_clean_close(path_);
        throw std::runtime_error(damaged(path_, what + ": " + e.what()));
      }
      throw std::runtime_error("state database " + path_ + ": " + what + ": " +
                               describe_error(e, db_.getHandle()));
    }
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
      SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement message(db_, "UPDATE messages SET " + std::string(change.message_set) +
                                         " WHERE id = :id AND state = 'queued'");
      bind_change(message, id, change);
      update_queued_message(id, message);
      if (!change.notices_set.empty()) {
        SQLite::Statement notices(
            db_, "UPDATE notices SET " + std::string(change.notices_set) +
                     " WHERE message_id = (SELECT message_id FROM messages WHERE id = :id)");
        bind_change(notices, id, change);
        notices.exec();
      }
      then();
      transaction.commit();
    });
  }

  // Binds the parameters of a Change that `statement` uses.
  static void bind_change(SQLite::Statement& statement, std::int64_t id, const Change& change) {
    statement.bind(":id", id);
    if (statement.getIndex(":detail") != 0) {
      statement.bind(":detail", std::string(change.detail));
    }
    if (statement.getIndex(":at") != 0) {
      statement.bind(":at", to_unix(change.at));
    }
  }

  // Runs `update` (its parameters bound) on a queued message, which must be there.
  void update_queued_message(std::int64_t id, SQLite::Statement& update) {
    if (update.exec() == 0) {
      throw std::logic_error("outbox message " + std::to_string(id) + " is already " +
                             message_state(id) + ", not queued");
    }
  }

  // The state of message `id`; a logic error (a caller's mistake) when there is no such message.
  std::string message_state(std::int64_t id) {
    SQLite::Statement select(db_, "SELECT state FROM messages WHERE id = ?1");
    select.bind(1, id);
    if (!select.executeStep()) {
      throw std::logic_error("no outbox message has id " + std::to_string(id));
    }
    return text(select.getColumn(0));
  }

  // `table` (notices or messages) counted by kind and state, in the enums' order.
  std::vector<DeliveryCount> count_by_kind_and_state(const std::string& table) {
    SQLite::Statement select(
        db_, "SELECT kind, state, count(*) FROM " + table + " GROUP BY kind, state");
    std::vector<DeliveryCount> counts;
    while (select.executeStep()) {
      counts.push_back(DeliveryCount{kind_column(select.getColumn(0)),
                                     state_column(select.getColumn(1)),
                                     select.getColumn(2).getInt64()});
    }
    std::sort(counts.begin(), counts.end(), [](const DeliveryCount& a, const DeliveryCount& b) {
      return std::pair(a.kind, a.state) < std::pair(b.kind, b.state);
    });
    return counts;
  }

  std::string existing_state(const std::string& key) {
    SQLite::Statement select(db_, "SELECT state FROM notices WHERE key = ?1");
    select.bind(1, key);
    if (!select.executeStep()) {
      return "unknown state";
    }
    return text(select.getColumn(0));
  }

  void insert_contents(const StateContents& contents);

  // Destroyed after the connection below has closed: notes a clean close (clean_close.h).
  struct Closing {
    explicit Closing(std::string state_path) : path(std::move(state_path)) {}
    std::string path;
    bool damaged = false;
    Closing(const Closing&) = delete;
    Closing& operator=(const Closing&) = delete;
    ~Closing() {
      if (!damaged) {
        sqlite::note_clean_close(path);
      }
    }
  };

  std::string path_;
  std::mutex mutex_;
  Closing closing_;
  SQLite::Database db_;
  // Prepared once: handled_keys runs at every pass over hundreds of thousands of keys.
  SQLite::Statement handled_keys_;
  SQLite::Statement notice_count_;
};

StateContents SqliteStateStore::contents() {
  return guarded("reading the whole state", [&] {
    SQLite::Transaction transaction(db_);  // one snapshot of every table
    StateContents contents;
    SQLite::Statement messages(
        db_, std::string("SELECT ") + kMessageColumns + " FROM messages ORDER BY id");
    contents.messages = read_messages(messages);
    SQLite::Statement notices(
        db_, std::string("SELECT ") + kNoticeColumns + " FROM notices ORDER BY key");
    contents.notices = read_notices(notices);
    SQLite::Statement settings(db_, "SELECT name, value FROM settings ORDER BY name");
    while (settings.executeStep()) {
      contents.settings.emplace_back(text(settings.getColumn(0)), text(settings.getColumn(1)));
    }
    SQLite::Statement events(db_, "SELECT uid, due, sequence FROM calendar_events ORDER BY uid");
    while (events.executeStep()) {
      contents.calendar_events.push_back(CalendarEvent{text(events.getColumn(0)),
                                                       due_column(events.getColumn(1)).value(),
                                                       events.getColumn(2).getInt()});
    }
    SQLite::Statement updates(
        db_, std::string("SELECT ") + kUpdateColumns + " FROM updates ORDER BY id");
    while (updates.executeStep()) {
      contents.updates.push_back(read_update(updates));
    }
    transaction.commit();
    return contents;
  });
}

void SqliteStateStore::replace_contents(const StateContents& contents) {
  guarded("replacing the whole state", [&] {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    db_.exec(
        "DELETE FROM notices; DELETE FROM messages; DELETE FROM settings; "
        "DELETE FROM calendar_events; DELETE FROM updates;");
    insert_contents(contents);
    transaction.commit();
  });
}

// Rows as they were, ids included: new ids continue after the highest (INTEGER PRIMARY KEY).
void SqliteStateStore::insert_contents(const StateContents& contents) {
  SQLite::Statement message(db_, std::string("INSERT INTO messages (") + kMessageColumns +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                     "?12, ?13)");
  for (const auto& copied : contents.messages) {
    message.bind(1, copied.id);
    message.bind(2, copied.message_id);
    message.bind(3, std::string(token(copied.kind)));
    message.bind(4, copied.subject);
    message.bind(5, copied.envelope_from);
    message.bind(6, join_recipients(copied.recipients));
    message.bind(7, copied.raw.data(), static_cast<int>(copied.raw.size()));
    message.bind(8, std::string(token(copied.state)));
    message.bind(9, copied.attempts);
    message.bind(10, to_unix(copied.created));
    message.bind(11, to_unix(copied.next_attempt));
    message.bind(12, copied.last_error);
    copied.sending_since ? message.bind(13, to_unix(*copied.sending_since)) : message.bind(13);
    message.exec();
    message.reset();
  }
  SQLite::Statement notice(db_, std::string("INSERT INTO notices (") + kNoticeColumns +
                                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  for (const auto& copied : contents.notices) {
    bind_notice(notice, copied, token(copied.state), copied.message_id, copied.recorded);
    notice.exec();
    notice.reset();
  }
  SQLite::Statement setting(db_, "INSERT INTO settings (name, value) VALUES (?1, ?2)");
  for (const auto& [name, value] : contents.settings) {
    setting.bind(1, name);
    setting.bind(2, value);
    setting.exec();
    setting.reset();
  }
  SQLite::Statement event(db_,
                          "INSERT INTO calendar_events (uid, due, sequence) VALUES (?1, ?2, ?3)");
  for (const auto& copied : contents.calendar_events) {
    event.bind(1, copied.uid);
    event.bind(2, day_text(copied.due));
    event.bind(3, copied.sequence);
    event.exec();
    event.reset();
  }
  insert_updates(db_, contents.updates);
}

TableCounts SqliteStateStore::table_counts() {
  return guarded("counting the state's rows", [&] {
    SQLite::Statement select(
        db_,
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM notices), "
        "(SELECT count(*) FROM settings), (SELECT count(*) FROM calendar_events), "
        "(SELECT count(*) FROM updates)");
    select.executeStep();
    return TableCounts{select.getColumn(0).getInt64(), select.getColumn(1).getInt64(),
                       select.getColumn(2).getInt64(), select.getColumn(3).getInt64(),
                       select.getColumn(4).getInt64()};
  });
}

}  // namespace

std::unique_ptr<StateStore> open_sqlite_state(const std::string& path) {
  auto db = open_database(path);
  try {
    return std::make_unique<SqliteStateStore>(path, std::move(db));
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("state database " + path + ": " + e.what());
  }
}

base::Result<std::unique_ptr<StateStore>> open_existing_sqlite_state(const std::string& path) {
  // Throws (as open() would) when the folder cannot be read: only "not there" is expected.
  if (!fs::exists(path)) {
    return base::Error{path + " does not exist"};
  }
  return open_sqlite_state(path);
}

}  // namespace plan_reminder::store
