#include "service/pass.h"

#include "plan/address.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace plan_reminder::service {
namespace {

const char* const last_pass_setting = "last_pass";
constexpr std::size_t max_references = 20;

std::string iso(const date::year_month_day& day) {
  return date::format("%F", day);
}

// The sender from the config ("Name <address>"), already validated by the loader.
mail::Address sender(const plan::Config& config) {
  std::string problem;
  auto named = plan::parse_named_address(config.from, problem);
  return named ? mail::Address{named->name, named->address} : mail::Address{"", config.from};
}

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? address : address.substr(at + 1);
}

std::optional<mail::Address> coordinator(const plan::Directory& directory) {
  if (directory.coordinator.to.empty()) {
    return std::nullopt;
  }
  return mail::Address{directory.coordinator.name, directory.coordinator.to.front()};
}

store::NoticeRecord record_of(const policy::Notice& notice, const std::string& state,
                              const std::string& message_id, Instant now) {
  store::NoticeRecord record;
  record.key = notice.key;
  record.kind = policy::to_string(notice.stage);
  record.review = notice.plan->review.id;
  record.action = notice.action->id;
  record.milestone = notice.milestone->id;
  record.recipient = notice.recipient.id;
  record.due = iso(notice.due);
  record.scheduled = notice.scheduled;
  record.state = state;
  record.message_id = message_id;
  record.detail = notice.dropped_because;
  record.recorded = now;
  return record;
}

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

}  // namespace

std::chrono::minutes utc_offset(const policy::Clock& clock, Instant now) {
  auto local = clock.zone.local_time(now).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::minutes>(local - now.time_since_epoch());
}

std::string short_local_time(const policy::Clock& clock, Instant instant) {
  auto local = clock.zone.local_time(instant);
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  return date::format("%a ", ymd) + std::to_string(static_cast<unsigned>(ymd.day())) +
         date::format(" %b %Y %H:%M", local);
}

ComposedPass compose_pass(const plan::Snapshot& snapshot, const mail::Templates& templates,
                          const policy::Clock& clock,
                          const std::unordered_set<std::string>& handled,
                          std::optional<Instant> last_pass, policy::AuditSource audit,
                          policy::AuditSource failures, Instant now,
                          const std::function<void(ComposedEmail)>& on_email) {
  policy::PassInputs inputs;
  inputs.snapshot = &snapshot;
  inputs.clock = &clock;
  inputs.handled = &handled;
  inputs.last_pass = last_pass;
  inputs.audit = std::move(audit);
  inputs.failures = std::move(failures);
  policy::PassPlan plan = policy::plan_pass(inputs, now);

  ComposedPass result;
  result.notice_window = plan.notice_window;
  mail::Address from = sender(snapshot.config);
  std::string domain = domain_of(from.address);
  for (auto& planned : plan.emails) {
    ComposedEmail email;
    mail::RenderedEmail rendered = planned.kind == mail::EmailKind::digest
                                       ? templates.render(planned.digest_view)
                                       : templates.render(planned.notice_view);
    std::vector<std::string> keys;
    for (const auto& notice : planned.notices) {
      keys.push_back(notice.key);
    }
    if (!planned.digest_key.empty()) {
      keys.push_back(planned.digest_key);
    }
    mail::Message& message = email.message;
    message.from = from;
    message.to = planned.to;
    message.cc = planned.cc;
    message.reply_to = coordinator(snapshot.directory);
    message.subject = rendered.subject;
    message.text = rendered.text;
    message.html = rendered.html;
    message.message_id = mail::message_id_for(keys, domain);
    // Threading needs only a few; an email about hundreds of actions must not carry a
    // header of hundreds of IDs.
    for (const auto& [review, action] : planned.actions) {
      if (message.references.size() == max_references) {
        break;
      }
      message.references.push_back(mail::thread_id_for(review, action, domain));
    }
    message.date = now;
    message.utc_offset = utc_offset(clock, now);
    email.raw = mail::compose(message);

    for (const auto& notice : planned.notices) {
      email.notices.push_back(record_of(notice, "queued", message.message_id, now));
    }
    if (!planned.digest_key.empty()) {
      store::NoticeRecord record;
      record.key = planned.digest_key;
      record.kind = "digest";
      record.recipient = planned.recipient.id;
      record.scheduled = now;
      record.state = "queued";
      record.message_id = message.message_id;
      record.recorded = now;
      email.notices.push_back(std::move(record));
    }
    email.planned = std::move(planned);
    on_email(std::move(email));
    planned = policy::PlannedEmail{};  // its view can be large: free it now
  }
  for (const auto& notice : plan.dropped) {
    result.dropped.push_back(record_of(notice, "dropped", "", now));
  }
  return result;
}

std::chrono::seconds retry_delay(int attempts) {
  std::chrono::seconds delay = std::chrono::minutes(1);
  for (int i = 1; i < attempts && delay < std::chrono::hours(1); ++i) {
    delay *= 2;
  }
  return std::min<std::chrono::seconds>(delay, std::chrono::hours(1));
}

std::vector<mail::AuditRow> audit_rows(store::StateStore& store, const policy::Clock& clock,
                                       Instant since) {
  std::vector<mail::AuditRow> rows;
  for (const auto& notice : store.notices_since(since)) {
    mail::AuditRow row;
    row.when = short_local_time(clock, notice.recorded);
    row.kind = notice.kind;
    row.recipient = notice.recipient;
    row.about = notice.review.empty()
                    ? notice.kind
                    : notice.review + " " + notice.action + " (" + notice.milestone + ")";
    row.state = notice.state;
    row.detail = notice.detail;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<mail::AuditRow> failure_rows(store::StateStore& store, const policy::Clock& clock,
                                         Instant since) {
  std::vector<mail::AuditRow> rows;
  for (const auto& message : store.failed_messages_since(since)) {
    mail::AuditRow row;
    row.when = short_local_time(clock, message.created);
    row.kind = message.kind;
    for (const auto& recipient : message.recipients) {
      row.recipient += (row.recipient.empty() ? "" : ", ") + recipient;
    }
    row.about = message.subject;
    row.state = message.state;
    row.detail = message.last_error;
    rows.push_back(std::move(row));
  }
  return rows;
}

PassRunner::PassRunner(const plan::Snapshot& snapshot, const mail::Templates& templates,
                       store::StateStore& store, mail::Transport& transport)
    : snapshot_(snapshot),
      templates_(templates),
      store_(store),
      transport_(transport),
      clock_(policy::clock_for(snapshot.config)) {}

PassReport PassRunner::run(Instant now) {
  PassReport report;
  std::unordered_set<std::string> handled = store_.handled_keys();
  std::optional<Instant> last_pass = read_instant(store_.setting(last_pass_setting));
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
  // Each email is stored as soon as it is composed, so a pass holds one email at a time.
  ComposedPass pass = compose_pass(
      snapshot_, templates_, clock_, handled, last_pass,
      [&] { return audit_rows(store_, clock_, since_previous_digest()); },
      [&] { return failure_rows(store_, clock_, since_previous_digest()); }, now,
      [&](ComposedEmail email) {
        store::OutboxMessage message;
        message.message_id = email.message.message_id;
        message.kind = mail::to_string(email.planned.kind);
        message.subject = email.message.subject;
        message.envelope_from = email.message.from.address;
        message.recipients = mail::envelope_recipients(email.message);
        message.raw = std::move(email.raw);
        message.created = now;
        message.next_attempt = now;
        if (store_.enqueue(std::move(message), email.notices)) {
          ++report.queued;
        }
      });
  store_.record_dropped(pass.dropped);
  report.dropped = pass.dropped.size();
  // Only a pass inside the send window moves the mark from which stale notices are counted.
  if (pass.notice_window) {
    store_.set_setting(last_pass_setting, std::to_string(now.time_since_epoch().count()));
  }
  deliver_into(report, now);
  return report;
}

PassReport PassRunner::deliver(Instant now) {
  PassReport report;
  deliver_into(report, now);
  return report;
}

void PassRunner::deliver_into(PassReport& report, Instant now) {
  // A failure notice queued in one round goes out in the next; it never makes another.
  for (int round = 0; round < 2 && !report.stopped; ++round) {
    auto due = store_.due_messages(now);
    if (due.empty()) {
      break;
    }
    for (std::size_t i = 0; i < due.size(); ++i) {
      if (stop_requested_ && stop_requested_()) {
        report.stopped = true;
        break;
      }
      const store::OutboxMessage& message = due[i];
      mail::SendResult result =
          transport_.send(message.envelope_from, message.recipients, message.raw);
      if (result.delivered()) {
        store_.mark_sent(message.id, now);
        ++report.delivered;
        continue;
      }
      report.last_error = result.detail;
      // A batch stopped by the server or the settings (no connection, TLS, STARTTLS, AUTH) is
      // not this message's fault, even when the error is permanent: it waits for a fix.
      bool permanent = result.status == mail::SendResult::Status::permanent && !result.stop_batch;
      bool give_up = permanent || now - message.created >= give_up_after;
      if (give_up) {
        std::string error = permanent ? result.detail : "gave up after 3 days: " + result.detail;
        store_.mark_failed(message.id, now, error);
        ++report.failed;
        if (message.kind != "failure") {
          enqueue_failure_notice(message, error, now);
        }
      } else {
        store_.mark_retry(message.id, now + retry_delay(message.attempts + 1), result.detail);
        ++report.retrying;
      }
      if (result.stop_batch) {
        // The server or the settings failed, not this message: the rest would fail the same
        // way, so they wait for the next attempt instead of each timing out now.
        for (std::size_t j = i + 1; j < due.size(); ++j) {
          store_.mark_retry(due[j].id, now + retry_delay(due[j].attempts + 1),
                            "not attempted: " + result.detail);
          ++report.retrying;
        }
        break;
      }
    }
  }
  transport_.close();
  report.next_retry = store_.next_attempt();
}

void enqueue_for_coordinator(store::StateStore& store, const plan::Snapshot& snapshot,
                             const policy::Clock& clock, mail::EmailKind kind,
                             const mail::RenderedEmail& rendered, const std::string& key,
                             std::vector<std::string> references, Instant now) {
  auto to = coordinator(snapshot.directory);
  if (!to) {
    return;
  }
  mail::Address from = sender(snapshot.config);
  mail::Message message;
  message.from = from;
  message.to = {*to};
  message.subject = rendered.subject;
  message.text = rendered.text;
  message.html = rendered.html;
  message.message_id = mail::message_id_for({key}, domain_of(from.address));
  message.references = std::move(references);
  message.date = now;
  message.utc_offset = utc_offset(clock, now);

  store::OutboxMessage outbox;
  outbox.message_id = message.message_id;
  outbox.kind = mail::to_string(kind);
  outbox.subject = message.subject;
  outbox.envelope_from = from.address;
  outbox.recipients = mail::envelope_recipients(message);
  outbox.raw = mail::compose(message);
  outbox.created = now;
  outbox.next_attempt = now;
  store::NoticeRecord record;
  record.key = key;
  record.kind = mail::to_string(kind);
  record.recipient = "coordinator";
  record.scheduled = now;
  record.state = "queued";
  record.message_id = message.message_id;
  record.detail = rendered.subject;
  record.recorded = now;
  store.enqueue(std::move(outbox), {record});
}

void PassRunner::enqueue_failure_notice(const store::OutboxMessage& failed,
                                        const std::string& error, Instant now) {
  mail::FailureView view;
  view.partnership = snapshot_.directory.partnership;
  view.subject = failed.subject;
  for (const auto& recipient : failed.recipients) {
    view.recipients += (view.recipients.empty() ? "" : ", ") + recipient;
  }
  view.error = error;
  view.attempts = failed.attempts + 1;
  view.first_attempt = short_local_time(clock_, failed.created);
  view.permanent = error.rfind("gave up", 0) != 0;
  enqueue_for_coordinator(store_, snapshot_, clock_, mail::EmailKind::failure,
                          templates_.render(view), "failure/" + failed.message_id,
                          {failed.message_id}, now);
}

}  // namespace plan_reminder::service
