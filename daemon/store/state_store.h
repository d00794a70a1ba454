// The state store's interface: the notification log and the outbox. Never the source of truth
// for plans. Every write is one transaction; a message is stored before its first delivery
// attempt, so a crash loses nothing and repeats at most the message in flight, with the same
// Message-ID. Nothing here names a storage engine: a SQLite file (store/sqlite/) or a
// PostgreSQL database (store/postgresql/, for a `postgresql://` location), behind the same calls.
#pragma once

#include "base/key_set.h"
#include "base/result.h"
#include "store/email_kind.h"
#include "store/update_kind.h"

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plan_reminder::store {

using Instant = date::sys_seconds;

// One (milestone, stage, occurrence, recipient) notice, or one digest, and what became of it.
struct NoticeRecord {
  std::string key;  // unique forever
  EmailKind kind = EmailKind::reminder;
  std::string review;                       // review id ("" for a digest)
  std::string action;                       // action id
  std::string milestone;                    // milestone id
  std::string recipient;                    // agency id, "chair", "coordinator" or "digest"
  std::optional<date::year_month_day> due;  // the milestone's due date (none for a digest)
  Instant scheduled{};                      // when the policy meant it to go
  DeliveryState state = DeliveryState::queued;
  std::string message_id;  // "" when dropped
  std::string detail;      // why dropped or failed, or why still waiting (retry)
  Instant recorded{};      // when the state last changed
};

struct OutboxMessage {
  std::int64_t id = 0;
  std::string message_id;
  EmailKind kind = EmailKind::reminder;
  std::string subject;
  std::string envelope_from;
  std::vector<std::string> recipients;
  std::string raw;                              // the composed message
  DeliveryState state = DeliveryState::queued;  // queued, sent or failed
  int attempts = 0;
  Instant created{};
  Instant next_attempt{};
  std::string last_error;
  // When the attempt in flight began (begin_attempt), until its outcome is recorded.
  std::optional<Instant> sending_since;
  // The coordinator's decisions this message tells its agency (SPEC §9): marked told, with
  // this message, in the transaction that stores it.
  std::vector<std::int64_t> tells_updates;
};

// A message to store with the notices it carries (StateStore::enqueue_all).
struct QueuedMessage {
  OutboxMessage message;
  std::vector<NoticeRecord> notices;
};

// One event of a calendar feed (SPEC §8): its UID and the due date it shows today.
struct CalendarEntry {
  std::string uid;
  date::year_month_day due;
};

// One submission through an agency's update link (SPEC §9), kept for ever: never deleted, its
// fields never changed; only its decision is added, once.
struct UpdateRecord {
  std::int64_t id = 0;  // given by the store
  std::string review;
  std::string action;
  std::string milestone;
  std::string agency;  // the agency whose link sent it
  UpdateKind kind = UpdateKind::progress;
  std::optional<date::year_month_day> done_on;  // completed only
  std::string target;                           // new_target only: the wording asked for
  std::string note;                             // the note, or the reason
  Instant submitted{};
  std::string token_id;  // which link sent it (web::token_id: never the token itself)
  UpdateState state = UpdateState::waiting;
  std::optional<Instant> decided;  // when accepted, rejected or superseded
  std::string decision_note;       // the coordinator's note (required for a rejection)
  // The email that told the agency the decision, and when it was queued; none until then.
  std::string told_message;
  std::optional<Instant> told;
};

// A calendar event as the state keeps it: the due date it last showed and its SEQUENCE.
struct CalendarEvent {
  std::string uid;
  date::year_month_day due;
  int sequence = 0;
};

// Everything a state holds, ids included: what `state copy` moves from one state to another.
struct StateContents {
  // By id; tells_updates is left empty (see updates), and `raw` is as stored: packed (see
  // store/stored_text.h), or plain as a state older than version 6 holds it, and copied so.
  std::vector<OutboxMessage> messages;
  std::vector<NoticeRecord> notices;                          // by key
  std::vector<std::pair<std::string, std::string>> settings;  // by name
  std::vector<CalendarEvent> calendar_events;                 // by uid
  std::vector<UpdateRecord> updates;                          // by id
};

// How many rows each table of a state holds: `state copy` checks the copy by them.
struct TableCounts {
  std::int64_t messages = 0;
  std::int64_t notices = 0;
  std::int64_t settings = 0;
  std::int64_t calendar_events = 0;
  std::int64_t updates = 0;
  friend bool operator==(const TableCounts&, const TableCounts&) = default;
};

// How many notices or messages of one kind are in one delivery state.
struct DeliveryCount {
  EmailKind kind = EmailKind::reminder;
  DeliveryState state = DeliveryState::queued;
  std::int64_t count = 0;
};

// The notification log and the outbox counted (for /metrics): only the (kind, state) pairs
// that occur, ordered by kind and then state.
struct DeliveryCounts {
  std::vector<DeliveryCount> notices;
  std::vector<DeliveryCount> messages;
};

// Held while one process passes and delivers on a state: two passes at once would both send
// what neither has yet marked sent. Released when destroyed.
class PassLock {
 public:
  virtual ~PassLock() = default;
  // Nothing while the lock is still held, else why it is not: a PostgreSQL lock ends with the
  // session holding it, when its connection is cut or the server ends it (a process paused
  // too long). Asks the server, so it also keeps that session from looking idle; cheap enough
  // before each message. Safe to call from another thread than the pass's.
  virtual std::optional<std::string> lost() { return std::nullopt; }
};

// `location` as it may be printed or logged: a PostgreSQL URL without its password (in the
// user information or a `password=` parameter); a file path as it is.
std::string printable_location(std::string_view location);

class StateStore {
 public:
  // Opens the state at `location` (the config's `state:`: a file path, or a `postgresql://` or
  // `postgres://` URL whose password comes from the URL, the systemd credential `db-password`
  // under $CREDENTIALS_DIRECTORY, PGPASSFILE or ~/.pgpass), creating it when there is none yet,
  // and brings its schema up to date. An existing state is checked first and a damaged one is
  // refused. Throws std::runtime_error naming the location and the reason on failure; a write
  // that fails because the disk is full or read-only says so.
  static std::unique_ptr<StateStore> open(const std::string& location);
  // The same for a state that was made before; an error, and nothing created, when there is
  // none yet (for the commands that only read it).
  static base::Result<std::unique_ptr<StateStore>> open_existing(const std::string& location);
  virtual ~StateStore() = default;

  // Only one process may pass and deliver at a time on one state. Takes the lock, trying again
  // for up to `wait`; when another process still holds it, the error says which ("another
  // plan-reminder (pid N) is running a pass on STATE", or "... leads the passes on STATE" for a
  // lead). Throws std::runtime_error when the lock cannot be taken at all.
  virtual base::Result<std::unique_ptr<PassLock>> lock_passes(std::chrono::milliseconds wait) = 0;
  // Whether the pass lock is a lead shared by instances on several machines (PostgreSQL): a
  // daemon then holds it between passes, and the others follow until it is free. A file lock
  // (SQLite) is taken for each pass, so that a `run --once` can have its turn.
  virtual bool lock_is_lead() const { return false; }

  // Keys of every notice ever queued, sent, failed or dropped: the exactly-once guard.
  virtual base::KeySet handled_keys() = 0;

  // Records notices dropped as stale by catch-up, so they never go later. Each keeps its own
  // `recorded` and `detail`; keys already present are left as they are.
  virtual void record_dropped(const std::vector<NoticeRecord>& notices) = 0;

  // Stores a message and its notices (state queued) in one transaction. Returns false and
  // changes nothing when a message with the same Message-ID is already stored. The message's
  // id, state and attempts are ignored; an unset next_attempt (the epoch) means `created`; the
  // notices are recorded at `created`. Throws std::logic_error, storing nothing, when any
  // notice key is already recorded (in any state): exactly-once would be broken.
  bool enqueue(OutboxMessage message, std::vector<NoticeRecord> notices) {
    std::vector<QueuedMessage> one;
    one.push_back(QueuedMessage{std::move(message), std::move(notices)});
    return enqueue_all(std::move(one)) == 1;
  }
  // Stores several messages, each as enqueue() does, in one transaction (one wait for the disk
  // rather than one per message) and returns how many were new. All or nothing: when one throws,
  // none is stored.
  virtual std::size_t enqueue_all(std::vector<QueuedMessage> messages) = 0;

  // Queued messages whose next attempt is due at `now`, oldest first, without their text
  // (`raw` is empty): a catch-up's queue can be hundreds of megabytes, so each is read with
  // message_raw as it is sent.
  virtual std::vector<OutboxMessage> due_messages(Instant now) = 0;
  // The composed text of message `id`; "" when there is no such message. Throws DamagedText
  // (store/stored_text.h) when the stored text does not unpack.
  virtual std::string message_raw(std::int64_t id) = 0;
  // The earliest next attempt of any queued message.
  virtual std::optional<Instant> next_attempt() = 0;
  virtual std::size_t queued_count() = 0;

  // Delivery outcomes: the message and all its notices change state together. Each counts one
  // attempt. A retry leaves the notices queued (their detail says why they wait). Throws
  // std::logic_error, changing nothing, when the message is unknown or no longer queued.
  virtual void mark_sent(std::int64_t id, Instant at) = 0;
  virtual void mark_retry(std::int64_t id, Instant next_attempt, const std::string& error) = 0;
  virtual void mark_failed(std::int64_t id, Instant at, const std::string& error) = 0;

  // Records, before any byte of message `id` leaves, that it is being sent: counts the attempt
  // and marks it in flight, in one transaction, and returns true. Returns false, changing
  // nothing, when the message is no longer this store's to send: it is no longer queued (on a
  // shared state, another instance settled it since it was read) or another instance is
  // claiming it; the caller skips it. Throws when the state cannot be written; the caller must
  // then send nothing, or every pass would send it again without recording it. (The marks above
  // then count no attempt of their own.) While this store's pass lock is a lead, the claim and
  // the marks are fenced: they throw, changing nothing, when another instance has taken the
  // lead since (this one was paused or cut off).
  [[nodiscard]] virtual bool begin_attempt(std::int64_t id, Instant at) = 0;
  // Delivered to the recipients the server accepted; `refused` says who was refused and why.
  // The message is sent; notices whose keys are in `failed_keys` (their recipient got nothing)
  // are failed with `refused` as detail, the others are sent with it as detail.
  virtual void mark_partly_sent(std::int64_t id, Instant at, const std::string& refused,
                                const std::vector<std::string>& failed_keys) = 0;
  // Drops a queued message whose notices have all gone stale: the notices are recorded as
  // dropped with `detail` and the message is removed unsent.
  virtual void drop_message(std::int64_t id, Instant at, const std::string& detail) = 0;
  // The notices a message carries.
  virtual std::vector<NoticeRecord> notices_of_message(const std::string& message_id) = 0;
  // Every notice about the same occurrence as `notice`: same review, action, milestone,
  // recipient and due date.
  virtual std::vector<NoticeRecord> notices_like(const NoticeRecord& notice) = 0;

  // The audit trail: notices recorded at or after `since`, in order.
  virtual std::vector<NoticeRecord> notices_since(Instant since) = 0;
  virtual std::vector<OutboxMessage> messages_since(Instant since) = 0;
  // Failed messages, and messages some recipients refused (state sent, last_error saying who),
  // created at or after `since`, without their raw text (for the digest).
  virtual std::vector<OutboxMessage> failed_messages_since(Instant since) = 0;

  // Small named values that survive restarts (e.g. the instant of the last pass).
  virtual std::optional<std::string> setting(const std::string& name) = 0;
  virtual void set_setting(const std::string& name, const std::string& value) = 0;

  // The SEQUENCE of each calendar event, in the order of `entries`: a calendar replaces an
  // event it already has only when the sequence went up. A UID seen for the first time is
  // recorded at 0; one whose due date differs from the one recorded (a revised target, or a
  // revision taken back) goes up by one and the new date is recorded. One transaction.
  virtual std::vector<int> calendar_sequences(const std::vector<CalendarEntry>& entries) = 0;

  // Every notice and every message counted by kind and delivery state.
  virtual DeliveryCounts delivery_counts() = 0;

  // The daemon is going to sleep until its next pass: free caches; what is needed again is read
  // back from the store.
  virtual void idle() = 0;

  // Stores an agency's submission as waiting and returns its id. A waiting update the same
  // agency sent earlier for the same milestone becomes superseded (decided at `submitted`).
  // One transaction.
  virtual std::int64_t add_update(const UpdateRecord& update) = 0;
  // The updates in one of `states` (every update when empty), oldest first.
  virtual std::vector<UpdateRecord> updates(const std::vector<UpdateState>& states) = 0;
  virtual std::optional<UpdateRecord> update(std::int64_t id) = 0;
  // Accepts or rejects (`decision`) the waiting update `id`, with the coordinator's note: false,
  // and nothing changed, when it is not waiting (unknown, decided or superseded). Throws
  // std::invalid_argument for a decision other than accepted or rejected.
  virtual bool decide_update(std::int64_t id, UpdateState decision, Instant at,
                             const std::string& note) = 0;
  // The accepted and rejected updates whose agency has not been told yet, in the order decided.
  virtual std::vector<UpdateRecord> decisions_to_tell() = 0;

  // When the latest digest scheduled before `before` was scheduled (that is, composed), if
  // any digest was sent or is still queued: the digest's audit trail starts there.
  virtual std::optional<Instant> previous_digest(Instant before) = 0;

  // Everything the state holds, in one read transaction (for `state copy`).
  virtual StateContents contents() = 0;
  // Replaces everything the state holds with `contents`, ids kept, in one transaction; new ids
  // continue after the highest copied.
  virtual void replace_contents(const StateContents& contents) = 0;
  virtual TableCounts table_counts() = 0;
};

}  // namespace plan_reminder::store
