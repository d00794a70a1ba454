// Emails as outbox entries (see outbox_entry.h).
#include "service/outbox_entry.h"

#include "mail/marking.h"
#include "plan/address.h"
#include "service/local_time.h"

#include <utility>

namespace plan_reminder::service {
namespace {

// The sender from the config ("Name <address>"), already validated by the loader.
mail::Address sender(const plan::Config& config) {
  std::string problem;
  auto named = plan::parse_named_address(config.from, problem);
  return named ? mail::Address{named->name, named->address} : mail::Address{"", config.from};
}

// A notice of the log, queued in `message_id` unless it was dropped.
store::NoticeRecord record(const std::string& key, mail::EmailKind kind,
                           const std::string& recipient, store::DeliveryState state,
                           const std::string& message_id, date::sys_seconds now) {
  store::NoticeRecord record;
  record.key = key;
  record.kind = kind;
  record.recipient = recipient;
  record.scheduled = now;
  record.state = state;
  record.message_id = message_id;
  record.recorded = now;
  return record;
}

store::NoticeRecord milestone_record(const policy::Notice& notice, store::DeliveryState state,
                                     const std::string& message_id, date::sys_seconds now) {
  store::NoticeRecord out =
      record(notice.key, notice.stage, notice.recipient.id, state, message_id, now);
  out.review = notice.plan->review.id;
  out.action = notice.action->id;
  out.milestone = notice.milestone->id;
  out.due = notice.due;
  out.scheduled = notice.scheduled;
  out.detail = notice.dropped_because;
  return out;
}

}  // namespace

mail::Message message_for(const plan::Config& config, const policy::Clock& clock,
                          const mail::RenderedEmail& rendered, std::vector<mail::Address> to,
                          const std::vector<std::string>& keys, date::sys_seconds now) {
  mail::Message message;
  message.from = sender(config);
  message.to = std::move(to);
  message.subject = rendered.subject;
  message.text = rendered.text;
  message.html = rendered.html;
  message.message_id = message_id_of(config, keys);
  message.date = now;
  message.utc_offset = utc_offset(clock, now);
  mail::apply_marking(message, config.classification);
  return message;
}

std::string message_id_of(const plan::Config& config, const std::vector<std::string>& keys) {
  return mail::message_id_for(keys, domain_of(sender(config)));
}

std::optional<mail::Address> coordinator_of(const plan::Directory& directory) {
  if (directory.coordinator.to.empty()) {
    return std::nullopt;
  }
  return mail::Address{directory.coordinator.name, directory.coordinator.to.front()};
}

std::string domain_of(const mail::Address& sender) {
  auto at = sender.address.rfind('@');
  return at == std::string::npos ? sender.address : sender.address.substr(at + 1);
}

std::vector<store::NoticeRecord> queued_notices(const policy::PlannedEmail& planned,
                                                const std::string& message_id,
                                                date::sys_seconds now) {
  std::vector<store::NoticeRecord> records;
  records.reserve(planned.notices.size() + 1);
  for (const auto& notice : planned.notices) {
    records.push_back(milestone_record(notice, store::DeliveryState::queued, message_id, now));
  }
  if (!planned.digest_key.empty()) {
    records.push_back(record(planned.digest_key, mail::EmailKind::digest, planned.recipient.id,
                             store::DeliveryState::queued, message_id, now));
  }
  return records;
}

store::NoticeRecord dropped_notice(const policy::Notice& notice, date::sys_seconds now) {
  return milestone_record(notice, store::DeliveryState::dropped, "", now);
}

store::OutboxMessage outbox_message(const mail::Message& message, std::string raw,
                                    mail::EmailKind kind, date::sys_seconds now) {
  store::OutboxMessage outbox;
  outbox.message_id = message.message_id;
  outbox.kind = kind;
  outbox.subject = message.subject;
  outbox.envelope_from = message.from.address;
  outbox.recipients = mail::envelope_recipients(message);
  outbox.raw = std::move(raw);
  outbox.created = now;
  outbox.next_attempt = now;
  return outbox;
}

void enqueue_for_coordinator(store::StateStore& store, const plan::Snapshot& snapshot,
                             const policy::Clock& clock, mail::EmailKind kind,
                             const mail::RenderedEmail& rendered, const std::string& key,
                             std::vector<std::string> references, date::sys_seconds now) {
  auto coordinator = coordinator_of(snapshot.directory);
  if (!coordinator) {
    return;
  }
  mail::Message message = message_for(snapshot.config, clock, rendered, {*coordinator}, {key}, now);
  message.references = std::move(references);
  store::NoticeRecord notice =
      record(key, kind, "coordinator", store::DeliveryState::queued, message.message_id, now);
  notice.detail = rendered.subject;
  store.enqueue(outbox_message(message, mail::compose(message), kind, now), {notice});
}

}  // namespace plan_reminder::service
