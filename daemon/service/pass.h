// One pass of the service (SPEC §4, §5): compose what is due (compose.h), store it in the
// outbox with its notices (outbox_entry.h), then deliver what the outbox holds: retries,
// stale notices dropped, and the coordinator told of failures.
#pragma once

#include "mail/templates.h"
#include "mail/transport.h"
#include "plan/snapshot.h"
#include "policy/schedule.h"
#include "service/update_links.h"
#include "store/state_store.h"

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace plan_reminder::service {

using Instant = date::sys_seconds;

struct PassReport {
  std::size_t queued = 0;   // messages stored in the outbox by this pass
  std::size_t dropped = 0;  // stale notices recorded as dropped (planning or delivery)
  std::size_t delivered = 0;
  std::size_t retrying = 0;      // transient failures, to be tried again
  std::size_t failed = 0;        // permanent failures, or given up after three days
  std::size_t refused = 0;       // recipients refused in messages delivered to the others
  bool stopped = false;          // delivery stopped early because a stop was requested
  bool clock_went_back = false;  // the pass was before the last one: it planned nothing
  std::optional<Instant> next_retry;
  // How long the pass took (PassRunner::run), by the steady clock; for the log.
  std::chrono::milliseconds took{0};
  // For the log, one line each: every failed message, refused recipient and settings problem
  // (errors); every message left to retry, and the clock going back (warnings).
  std::vector<std::string> errors;
  std::vector<std::string> warnings;

  // Something failed, or waits for a retry (`run --once` then exits 69).
  bool troubled() const { return failed + retrying + refused > 0; }
  // "3 queued, 2 delivered, 1 to retry, 0 failed, 0 stale dropped; took 0.42 s" (and refused
  // recipients when there were any), for the log's pass line.
  std::string summary() const;
};

// Retry delays: 1 minute doubling to 1 hour; give up 3 days after the first attempt.
std::chrono::seconds retry_delay(int attempts);
inline constexpr std::chrono::hours give_up_after{72};

class PassRunner {
 public:
  PassRunner(const plan::Snapshot& snapshot, const mail::Templates& templates,
             store::StateStore& store, mail::Transport& transport);

  // Asked between messages; when it returns true, delivery stops after the message in flight
  // and the rest stay queued (SIGTERM: finish the message in flight, record it, exit).
  void set_stop_check(std::function<bool()> stop_requested) {
    stop_requested_ = std::move(stop_requested);
  }

  // With links, every notice email carries its update link (SPEC §9); `links` outlives the
  // runner.
  void set_update_links(const UpdateLinks* links) { update_links_ = links; }

  // Plans, stores and delivers everything due at `now`.
  PassReport run(Instant now);
  // Only delivers what the outbox holds for `now` (retries), planning nothing new.
  PassReport deliver(Instant now);

 private:
  PassReport plan_and_deliver(Instant now);
  // Every message that failed in one round of delivery: they make one notice to the
  // coordinator, with advice for each distinct cause.
  struct FailedBatch {
    mail::FailureView view;
    std::vector<std::string> message_ids;
    std::set<mail::SendResult::Cause> causes;
  };

  // Sends one message and records the outcome. Gives the error when the server or the
  // settings failed (stop_batch): the rest of the batch would fail the same way.
  struct Outcome {
    std::optional<std::string> stop_error;
    mail::SendResult::Cause cause{};
  };
  // Delivery begun while a pass is still composing (its thread would only wait for the next
  // email's rendering): the messages stored so far, taken in delivery's order, and how their
  // round went so far.
  struct EarlyDelivery {
    std::deque<store::OutboxMessage> due;
    FailedBatch failed;
    Outcome stopped;           // stop_error set: a batch was stopped, nothing more is attempted
    bool began = false;        // the settings problem was read
    bool stored_more = false;  // a batch was stored since `due` was read
  };
  // Delivers the next message of `early`; false when there is none, or delivery has stopped.
  bool deliver_early(EarlyDelivery& early, PassReport& report, Instant now);

  // Delivers what the outbox holds for `now`, in two rounds (the second sends the notice to
  // the coordinator of the first's failures); the first round goes on from `early`.
  void deliver_into(PassReport& report, Instant now, EarlyDelivery early);
  Outcome deliver_one(const store::OutboxMessage& message, Instant now, PassReport& report,
                      FailedBatch& failed);
  // The messages after a batch stopped: each waits for its next attempt, or fails when it has
  // waited three days.
  void defer(std::span<const store::OutboxMessage> rest, const std::string& error,
             mail::SendResult::Cause cause, Instant now, PassReport& report, FailedBatch& failed);
  void add_failure(FailedBatch& failed, const store::OutboxMessage& message, int attempts,
                   const std::string& error, bool permanent, mail::SendResult::Cause cause) const;
  void notify_failures(FailedBatch& failed, Instant now);
  // Drops a queued message whose notices have all gone stale while it waited (their due date
  // has passed, or a later notice about the same occurrence replaced them). Returns whether
  // it did.
  bool drop_if_stale(const store::OutboxMessage& message, Instant now);
  // Why a queued notice has gone stale by `today` (the partnership's day), or "" when it still
  // stands.
  std::string why_stale(const store::NoticeRecord& notice, date::year_month_day today);
  void record_refused(const store::OutboxMessage& message, const mail::SendResult& result,
                      Instant now, PassReport& report, mail::FailureView& failures);
  // Tells the coordinator at once (and once per distinct problem) that the settings stop
  // every delivery: credentials, certificate, or the sender refused.
  void report_settings_problem(const mail::SendResult& result, Instant now, PassReport& report);
  void enqueue_failure_notice(mail::FailureView view, const std::string& key,
                              std::vector<std::string> references, Instant now);

  const plan::Snapshot& snapshot_;
  const mail::Templates& templates_;
  store::StateStore& store_;
  mail::Transport& transport_;
  policy::Clock clock_;
  std::function<bool()> stop_requested_;
  const UpdateLinks* update_links_ = nullptr;
  std::optional<std::string> settings_problem_;  // as recorded, read once per delivery
};

}  // namespace plan_reminder::service
