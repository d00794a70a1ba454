// The delivery loop of a pass (see pass.h): retries, stale notices, refused recipients and
// the coordinator told of failures.
#include "service/pass.h"

#include "base/iso_day.h"
#include "mail/notice_kinds.h"
#include "plan/address.h"
#include "service/audit_rows.h"
#include "service/compose.h"
#include "service/local_time.h"
#include "service/outbox_entry.h"
#include "store/stored_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <set>

namespace plan_reminder::service {
namespace {

const char* const last_pass_setting = "last_pass";
// The settings problem the coordinator was last told of ("" once deliveries work again).
const char* const settings_problem_setting = "settings_problem";
// The emails a pass stores in one transaction: at most this many, or the first to reach this
// many bytes as composed (before their text is packed). Delivery can begin once the first batch
// is stored (see plan_and_deliver): 32 emails wait for the disk once, and let a pass of a few
// hundred deliver while it is still composing.
constexpr std::size_t max_batch_emails = 32;
constexpr std::size_t max_batch_bytes = std::size_t{8} << 20U;

// Ends the transport's batch (closes any connection) however delivery ends, a state that fails
// included.
class CloseAtEnd {
 public:
  explicit CloseAtEnd(mail::Transport& transport) : transport_(transport) {}
  CloseAtEnd(const CloseAtEnd&) = delete;
  CloseAtEnd& operator=(const CloseAtEnd&) = delete;
  ~CloseAtEnd() { transport_.close(); }

 private:
  mail::Transport& transport_;
};

std::optional<Instant> read_instant(const std::optional<std::string>& text) {
  if (!text) {
    return std::nullopt;
  }
  long long seconds = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return std::nullopt;
  }
  return Instant{std::chrono::seconds(seconds)};
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string joined;
  for (const auto& item : items) {
    joined += (joined.empty() ? "" : separator) + item;
  }
  return joined;
}

// "message 7 ('Subject') to a@x, b@y", for the log.
std::string describe(const store::OutboxMessage& message) {
  return "message " + std::to_string(message.id) + " ('" + message.subject + "') to " +
         join(message.recipients, ", ");
}

// Problems of the settings (not of a message or of the server's health): every message would
// fail the same way until they are fixed.
bool is_settings_problem(const mail::SendResult& result) {
  using Cause = mail::SendResult::Cause;
  return result.stop_batch &&
         (result.cause == Cause::credentials || result.cause == Cause::certificate ||
          result.cause == Cause::sender_refused);
}

// The addresses a notice's recipient (an agency id, "chair" or "coordinator") is sent to.
std::vector<std::string> addresses_of(const plan::Directory& directory,
                                      const std::string& recipient) {
  if (recipient == "chair") {
    return directory.chair.to;
  }
  if (recipient == "coordinator") {
    return directory.coordinator.to;
  }
  if (const plan::Agency* agency = directory.find(recipient)) {
    return agency->mailbox.to;
  }
  return {};
}

}  // namespace

std::string PassReport::summary() const {
  std::string text = std::to_string(queued) + " queued, " + std::to_string(delivered) +
                     " delivered, " + std::to_string(retrying) + " to retry, " +
                     std::to_string(failed) + " failed, ";
  if (refused > 0) {
    text +=
        std::to_string(refused) + (refused == 1 ? " recipient" : " recipients") + " not accepted, ";
  }
  text += std::to_string(dropped) + " stale dropped";
  if (took.count() > 0) {
    std::array<char, 32> seconds{};
    std::snprintf(seconds.data(), seconds.size(), "%.2f", static_cast<double>(took.count()) / 1000);
    text += "; took " + std::string(seconds.data()) + " s";
  }
  return text;
}

std::chrono::seconds retry_delay(int attempts) {
  std::chrono::seconds delay = std::chrono::minutes(1);
  for (int i = 1; i < attempts && delay < std::chrono::hours(1); ++i) {
    delay *= 2;
  }
  return std::min<std::chrono::seconds>(delay, std::chrono::hours(1));
}

PassRunner::PassRunner(const plan::Snapshot& snapshot, const mail::Templates& templates,
                       store::StateStore& store, mail::Transport& transport)
    : snapshot_(snapshot),
      templates_(templates),
      store_(store),
      transport_(transport),
      clock_(policy::clock_for(snapshot.config)) {}

PassReport PassRunner::run(Instant now) {
  const auto started = std::chrono::steady_clock::now();
  PassReport report = plan_and_deliver(now);
  report.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

PassReport PassRunner::plan_and_deliver(Instant now) {
  PassReport report;
  base::KeySet handled = store_.handled_keys();
  std::optional<Instant> last_pass = read_instant(store_.setting(last_pass_setting));
  if (last_pass && now < *last_pass) {
    // Planning before the last pass would send again what its later notices replaced: plan
    // nothing until the clock has caught up, only deliver what is queued.
    report.clock_went_back = true;
    report.warnings.push_back("the clock is behind the last pass (" +
                              short_local_time(clock_, *last_pass) +
                              "): planning nothing new until then, only delivering what is "
                              "queued; check the system clock");
    deliver_into(report, now, EarlyDelivery{});
    return report;
  }
  // The digest's audit trail covers everything since the previous digest, whatever a clock
  // change or a bank-holiday move did to the week (the first digest: the past 7 days). Read
  // only when a digest goes out.
  std::optional<Instant> audit_since;
  auto since_previous_digest = [&] {
    if (!audit_since) {
      date::local_days today = clock_.zone.day_of(now);
      audit_since = store_.previous_digest(clock_.zone.at(today, std::chrono::minutes(0)))
                        .value_or(clock_.zone.at(today - date::days(7), std::chrono::minutes(0)));
    }
    return *audit_since;
  };
  policy::PassInputs inputs;
  inputs.snapshot = &snapshot_;
  inputs.clock = &clock_;
  inputs.handled = &handled;
  inputs.last_pass = last_pass;
  inputs.audit = [&] { return audit_rows(store_, clock_, since_previous_digest()); };
  inputs.failures = [&] { return failure_rows(store_, clock_, since_previous_digest()); };
  PassAdditions additions;
  if (update_links_ != nullptr) {
    additions.update_links =
        update_links_->maker(store_, date::year_month_day{clock_.zone.day_of(now)});
  }
  // Each agency's next notice email tells it the coordinator's decisions on its updates.
  additions.decisions = decisions_to_tell(store_.decisions_to_tell(), snapshot_);
  // The digest lists the updates waiting for the coordinator, read once for all its copies.
  std::optional<std::vector<mail::WaitingUpdateRow>> waiting;
  additions.digest = [&](mail::DigestView& digest) {
    if (!waiting) {
      waiting =
          waiting_update_rows(store_.updates({store::UpdateState::waiting}), snapshot_, clock_);
    }
    digest.updates_waiting = *waiting;
    if (update_links_ != nullptr && !waiting->empty()) {
      digest.updates_link =
          update_links_->coordinator_link(store_, date::year_month_day{clock_.zone.day_of(now)});
    }
  };
  // The emails are stored as they are composed, a batch at a time: one transaction, and one
  // wait for the disk, for many emails, while a pass holds only a few megabytes of them. Nothing
  // is sent before its batch is stored.
  std::vector<store::QueuedMessage> batch;
  std::size_t batch_bytes = 0;
  // Delivery begins while the pass composes: whenever this thread would wait for the next
  // email's rendering, it delivers a message already stored instead. In a large pass, most of
  // the delivery then overlaps the rendering.
  const CloseAtEnd close_at_end{transport_};
  EarlyDelivery early;
  auto store_batch = [&] {
    if (!batch.empty()) {
      report.queued += store_.enqueue_all(std::move(batch));
      batch.clear();
      batch_bytes = 0;
      early.stored_more = true;
    }
  };
  ComposedPass pass = compose_pass(
      inputs, templates_, now,
      [&](ComposedEmail email) {
        store::OutboxMessage message =
            outbox_message(email.message, std::move(email.raw), email.planned.kind, now);
        message.tells_updates = std::move(email.tells);
        batch_bytes += email.composed_bytes;
        batch.push_back(store::QueuedMessage{std::move(message), std::move(email.notices)});
        if (batch.size() >= max_batch_emails || batch_bytes >= max_batch_bytes) {
          store_batch();
        }
      },
      additions,
      {// Packed as the state keeps it on the rendering threads, not while storing.
       .finish = [](ComposedEmail& email) { email.raw = store::packed_text(email.raw); },
       .meanwhile = [&] { return deliver_early(early, report, now); }});
  store_batch();
  store_.record_dropped(pass.dropped);
  report.dropped += pass.dropped.size();  // beside those delivery dropped meanwhile
  // Only a pass inside the send window moves the mark from which stale notices are counted.
  if (pass.notice_window) {
    store_.set_setting(last_pass_setting, std::to_string(now.time_since_epoch().count()));
  }
  deliver_into(report, now, std::move(early));
  return report;
}

PassReport PassRunner::deliver(Instant now) {
  PassReport report;
  deliver_into(report, now, EarlyDelivery{});
  return report;
}

bool PassRunner::deliver_early(EarlyDelivery& early, PassReport& report, Instant now) {
  if (early.stopped.stop_error || (stop_requested_ && stop_requested_())) {
    return false;  // the rest is for deliver_into, which defers it or says delivery stopped
  }
  if (early.stored_more) {
    // The messages not attempted yet: every one attempted is settled, or waits for a retry
    // after `now`.
    std::vector<store::OutboxMessage> due = store_.due_messages(now);
    early.due.assign(std::make_move_iterator(due.begin()), std::make_move_iterator(due.end()));
    early.stored_more = false;
  }
  if (early.due.empty()) {
    return false;
  }
  if (!early.began) {
    settings_problem_ = store_.setting(settings_problem_setting);
    early.began = true;
  }
  const store::OutboxMessage message = std::move(early.due.front());
  early.due.pop_front();
  if (drop_if_stale(message, now)) {
    ++report.dropped;
  } else {
    early.stopped = deliver_one(message, now, report, early.failed);
  }
  return true;
}

void PassRunner::deliver_into(PassReport& report, Instant now, EarlyDelivery early) {
  const CloseAtEnd close_at_end{transport_};
  if (!early.began) {
    settings_problem_ = store_.setting(settings_problem_setting);
  }
  // A failure notice queued in one round goes out in the next; it never makes another.
  for (int round = 0; round < 2 && !report.stopped; ++round) {
    auto due = store_.due_messages(now);
    FailedBatch failed;
    std::size_t first = 0;
    if (round == 0) {
      failed = std::move(early.failed);
      if (early.stopped.stop_error) {
        // The server or the settings stopped delivery while the pass composed: the rest would
        // fail the same way.
        defer(due, *early.stopped.stop_error, early.stopped.cause, now, report, failed);
        first = due.size();
      }
    }
    if (due.empty() && failed.view.messages.empty()) {
      break;
    }
    for (std::size_t i = first; i < due.size(); ++i) {
      if (stop_requested_ && stop_requested_()) {
        report.stopped = true;
        break;
      }
      if (drop_if_stale(due[i], now)) {
        ++report.dropped;
        continue;
      }
      auto [stop_error, cause] = deliver_one(due[i], now, report, failed);
      if (stop_error) {
        defer(std::span(due).subspan(i + 1), *stop_error, cause, now, report, failed);
        break;
      }
    }
    notify_failures(failed, now);
  }
  report.next_retry = store_.next_attempt();
}

PassRunner::Outcome PassRunner::deliver_one(const store::OutboxMessage& message, Instant now,
                                            PassReport& report, FailedBatch& failed) {
  // Recorded before any byte leaves: when the state cannot be written this throws and
  // nothing is sent, rather than sending at every pass what can never be marked sent. A message
  // another instance sharing the state settled or is sending since it was read is left to it.
  if (!store_.begin_attempt(message.id, now)) {
    return {};
  }
  // Read only now, one at a time: a catch-up's queue is hundreds of megabytes.
  std::string raw;
  std::string unreadable = "its text is missing from the state";
  try {
    raw = store_.message_raw(message.id);
  } catch (const store::DamagedText& damaged) {
    unreadable = damaged.what();  // this message only: the others are read and sent
  }
  if (raw.empty()) {
    const std::string& error = unreadable;
    store_.mark_failed(message.id, now, error);
    ++report.failed;
    report.errors.push_back("not delivered: " + describe(message) + ": " + error);
    add_failure(failed, message, message.attempts + 1, error, true, mail::SendResult::Cause::local);
    return {};
  }
  mail::SendResult result = transport_.send(message.envelope_from, message.recipients, raw);
  if (result.delivered()) {
    ++report.delivered;
    if (result.refused.empty()) {
      store_.mark_sent(message.id, now);
    } else {
      record_refused(message, result, now, report, failed.view);
      failed.message_ids.push_back(message.message_id);
      failed.causes.insert(mail::SendResult::Cause::recipients_refused);
    }
    if (settings_problem_ && !settings_problem_->empty()) {
      store_.set_setting(settings_problem_setting, "");  // the settings work again
      settings_problem_ = "";
    }
    return {};
  }
  if (is_settings_problem(result)) {
    report_settings_problem(result, now, report);
  }
  // A batch stopped by the server or the settings (no connection, TLS, STARTTLS, AUTH) is
  // not this message's fault, even when the error is permanent: it waits for a fix.
  bool permanent = result.status == mail::SendResult::Status::permanent && !result.stop_batch;
  bool give_up = permanent || now - message.created >= give_up_after;
  std::string error = result.detail;
  if (give_up) {
    if (!permanent) {
      error.insert(0, "gave up after 3 days: ");
    }
    store_.mark_failed(message.id, now, error);
    ++report.failed;
    report.errors.push_back("not delivered: " + describe(message) + ": " + error);
    add_failure(failed, message, message.attempts + 1, error, permanent, result.cause);
  } else {
    Instant next = now + retry_delay(message.attempts + 1);
    store_.mark_retry(message.id, next, error);
    ++report.retrying;
    std::string line = "not delivered yet, retry at " + short_local_time(clock_, next);
    line += ": ";
    line += describe(message);
    line += ": ";
    line += error;
    report.errors.push_back(std::move(line));
  }
  if (!result.stop_batch) {
    return {};
  }
  return {std::move(error), result.cause};
}

void PassRunner::defer(std::span<const store::OutboxMessage> rest, const std::string& error,
                       mail::SendResult::Cause cause, Instant now, PassReport& report,
                       FailedBatch& failed) {
  // The server or the settings failed, not these messages: they would fail the same way, so
  // they wait for the next attempt instead of each timing out now.
  std::size_t waiting = 0;
  for (const store::OutboxMessage& other : rest) {
    std::string why = "not attempted: " + error;
    if (now - other.created >= give_up_after) {
      why.insert(0, "gave up after 3 days: ");
      store_.mark_failed(other.id, now, why);
      ++report.failed;
      report.errors.push_back("not delivered: " + describe(other) + ": " + why);
      add_failure(failed, other, other.attempts, why, false, cause);  // not attempted now
    } else {
      store_.mark_retry(other.id, now + retry_delay(other.attempts + 1), why);
      ++report.retrying;
      ++waiting;
    }
  }
  if (waiting > 0) {
    std::string line = std::to_string(waiting);
    line += waiting == 1 ? " more message waits" : " more messages wait";
    line += " for the next attempt, not attempted: ";
    line += error;
    report.warnings.push_back(std::move(line));
  }
}

void PassRunner::add_failure(FailedBatch& failed, const store::OutboxMessage& message, int attempts,
                             const std::string& error, bool permanent,
                             mail::SendResult::Cause cause) const {
  if (message.kind == mail::EmailKind::failure || message.kind == mail::EmailKind::problem) {
    return;  // a notice to the coordinator never makes another
  }
  mail::FailedMessageView view;
  view.subject = message.subject;
  view.recipients = join(message.recipients, ", ");
  view.error = error;
  view.attempts = attempts;
  view.first_attempt = clock_.zone.local_time(message.created);
  view.permanent = permanent;
  failed.view.messages.push_back(std::move(view));
  failed.message_ids.push_back(message.message_id);
  failed.causes.insert(cause);
}

void PassRunner::notify_failures(FailedBatch& failed, Instant now) {
  if (failed.view.messages.empty()) {
    return;
  }
  for (auto cause : failed.causes) {
    std::string advice(mail::advice_for(cause));
    if (!advice.empty() && std::find(failed.view.advice.begin(), failed.view.advice.end(),
                                     advice) == failed.view.advice.end()) {
      failed.view.advice.push_back(std::move(advice));
    }
  }
  const std::vector<std::string>& ids = failed.message_ids;
  std::vector<std::string> references(
      ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), max_references)));
  enqueue_failure_notice(std::move(failed.view), "failure/" + ids.front(), std::move(references),
                         now);
}

bool PassRunner::drop_if_stale(const store::OutboxMessage& message, Instant now) {
  // Only a message that waited since an earlier day can have gone stale.
  auto local_day = [&](Instant at) { return date::floor<date::days>(clock_.zone.local_time(at)); };
  const auto today = local_day(now);
  if (local_day(message.created) == today) {
    return false;
  }
  std::string reason;
  for (const auto& notice : store_.notices_of_message(message.message_id)) {
    if (!mail::facts(notice.kind).urgency) {
      return false;  // a digest or a notice to the coordinator is never stale
    }
    std::string why = why_stale(notice, date::year_month_day{today});
    if (why.empty()) {
      return false;  // one notice still stands: the message goes as it is
    }
    if (reason.empty()) {
      reason = std::move(why);
    }
  }
  if (reason.empty()) {
    return false;
  }
  store_.drop_message(message.id, now, "stale after a delivery delay: " + reason);
  return true;
}

std::string PassRunner::why_stale(const store::NoticeRecord& notice, date::year_month_day today) {
  if (mail::facts(notice.kind).only_before_due && notice.due && *notice.due < today) {
    return "its due date " + base::iso_day(notice.due) + " had passed when it could be sent";
  }
  for (const auto& other : store_.notices_like(notice)) {
    if (other.key == notice.key || (other.state != store::DeliveryState::queued &&
                                    other.state != store::DeliveryState::sent)) {
      continue;
    }
    if (mail::more_urgent(other.kind, notice.kind) ||
        (other.kind == notice.kind && other.scheduled > notice.scheduled)) {
      return std::string("a later ") + mail::to_string(other.kind) + " notice (" +
             short_local_time(clock_, other.scheduled) + ") replaced it";
    }
  }
  return {};
}

void PassRunner::record_refused(const store::OutboxMessage& message, const mail::SendResult& result,
                                Instant now, PassReport& report, mail::FailureView& failures) {
  std::vector<std::string> refused_addresses;
  std::string refused;
  for (const auto& recipient : result.refused) {
    refused_addresses.push_back(recipient.address);
    refused +=
        (refused.empty() ? "refused " : "; refused ") + recipient.address + ": " + recipient.reply;
    ++report.refused;
    report.errors.push_back("recipient " + recipient.address + " refused for " + describe(message) +
                            ": " + recipient.reply);
  }
  // A notice whose recipient got nothing (every address of it refused) failed; the others
  // were sent, and say who was refused.
  std::vector<std::string> failed_keys;
  for (const auto& notice : store_.notices_of_message(message.message_id)) {
    auto addresses = addresses_of(snapshot_.directory, notice.recipient);
    bool all_refused =
        !addresses.empty() &&
        std::all_of(addresses.begin(), addresses.end(), [&](const auto& address) {
          return std::any_of(refused_addresses.begin(), refused_addresses.end(),
                             [&](const auto& r) { return plan::same_address(r, address); });
        });
    if (all_refused) {
      failed_keys.push_back(notice.key);
    }
  }
  store_.mark_partly_sent(message.id, now, refused, failed_keys);
  if (message.kind == mail::EmailKind::failure || message.kind == mail::EmailKind::problem) {
    return;
  }
  mail::FailedMessageView view;
  view.subject = message.subject;
  view.recipients = join(refused_addresses, ", ");
  view.error = refused + " (delivered to the other recipients)";
  view.attempts = message.attempts + 1;
  view.first_attempt = clock_.zone.local_time(message.created);
  view.permanent = true;
  failures.messages.push_back(std::move(view));
}

void PassRunner::report_settings_problem(const mail::SendResult& result, Instant now,
                                         PassReport& report) {
  const std::string problem = result.detail;
  report.errors.push_back("delivery stopped by the settings: " + problem);
  if (settings_problem_ == problem) {
    return;  // the coordinator was told of exactly this problem
  }
  store_.set_setting(settings_problem_setting, problem);
  settings_problem_ = problem;
  mail::FailureView view;
  view.settings_problem = problem;
  view.waiting = static_cast<int>(store_.queued_count());
  std::string advice(mail::advice_for(result.cause));
  if (!advice.empty()) {
    view.advice.push_back(std::move(advice));
  }
  enqueue_failure_notice(std::move(view),
                         "failure/settings/" + std::to_string(now.time_since_epoch().count()), {},
                         now);
  report.errors.push_back(
      "the coordinator is told of the settings problem by email, which may "
      "fail the same way until it is fixed");
}

void PassRunner::enqueue_failure_notice(mail::FailureView view, const std::string& key,
                                        std::vector<std::string> references, Instant now) {
  view.partnership = snapshot_.directory.partnership;
  enqueue_for_coordinator(store_, snapshot_, clock_, mail::EmailKind::failure,
                          templates_.render(view), key, std::move(references), now);
}

}  // namespace plan_reminder::service
