// The state database (SQLite, WAL): the notification log and the outbox. Never the source of
// truth for plans. Every write is one transaction; a message is stored before its first
// delivery attempt, so a crash loses nothing and repeats at most the message in flight, with
// the same Message-ID. Only store/ knows SQLite.
#pragma once

#include "store/email_kind.h"

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace plan_reminder::store {

using Instant = date::sys_seconds;

// One (milestone, stage, occurrence, recipient) notice, or one digest, and what became of it.
struct NoticeRecord {
  std::string key;  // unique forever
  EmailKind kind = EmailKind::reminder;
  std::string review;     // review id ("" for a digest)
  std::string action;     // action id
  std::string milestone;  // milestone id
  std::string recipient;  // agency id, "chair", "coordinator" or "digest"
  std::string due;        // YYYY-MM-DD or ""
  Instant scheduled{};    // when the policy meant it to go
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
};

class StateStore {
 public:
  // Opens or creates the database (and its folder), in WAL mode, migrating the schema to the
  // current version. A new database is made only where no file exists: an existing file is
  // checked first (SQLite's quick_check) and an empty or damaged one is refused. Throws
  // std::runtime_error with the path and the reason on failure; a write that fails because
  // the disk is full or read-only says so.
  static std::unique_ptr<StateStore> open(const std::string& path);
  virtual ~StateStore() = default;

  // Keys of every notice ever queued, sent, failed or dropped: the exactly-once guard.
  virtual std::unordered_set<std::string> handled_keys() = 0;

  // Records notices dropped as stale by catch-up, so they never go later. Each keeps its own
  // `recorded` and `detail`; keys already present are left as they are.
  virtual void record_dropped(const std::vector<NoticeRecord>& notices) = 0;

  // Stores a message and its notices (state queued) in one transaction. Returns false and
  // changes nothing when a message with the same Message-ID is already stored. The message's
  // id, state and attempts are ignored; an unset next_attempt (the epoch) means `created`; the
  // notices are recorded at `created`. Throws std::logic_error, storing nothing, when any
  // notice key is already recorded (in any state): exactly-once would be broken.
  virtual bool enqueue(OutboxMessage message, const std::vector<NoticeRecord>& notices) = 0;

  // Queued messages whose next attempt is due at `now`, oldest first.
  virtual std::vector<OutboxMessage> due_messages(Instant now) = 0;
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
  // and marks it in flight, in one transaction. Throws when the state cannot be written; the
  // caller must then send nothing, or every pass would send it again without recording it.
  // (The marks above then count no attempt of their own.)
  virtual void begin_attempt(std::int64_t id, Instant at) = 0;
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

  // Frees the connection's page cache (a daemon calls it before sleeping until the next pass);
  // what is needed again is read back from the file.
  virtual void release_memory() = 0;

  // When the latest digest scheduled before `before` was scheduled (that is, composed), if
  // any digest was sent or is still queued: the digest's audit trail starts there.
  virtual std::optional<Instant> previous_digest(Instant before) = 0;
};

// Only one process may pass and deliver at a time on one state: an exclusive flock on the
// file STATE.lock, held for a pass, which also names the holder's pid.
class PassLock {
 public:
  // Takes the lock, trying again for up to `wait`. Returns null when another process still
  // holds it; `busy` then says which ("another plan-reminder (pid N) is running a pass on
  // STATE"). Throws std::runtime_error when the lock file cannot be opened.
  static std::unique_ptr<PassLock> acquire(const std::string& state_path,
                                           std::chrono::milliseconds wait, std::string& busy);
  ~PassLock();
  PassLock(const PassLock&) = delete;
  PassLock& operator=(const PassLock&) = delete;

 private:
  explicit PassLock(int descriptor) : descriptor_(descriptor) {}
  int descriptor_;
};

}  // namespace plan_reminder::store
