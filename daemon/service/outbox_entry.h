// What the outbox holds for an email (SPEC §5): the message from the partnership's sender with
// its headers, the bytes to send, and the notices it carries. A pass's emails and the notices
// to the coordinator (failures, refused files) are made into outbox entries here, one way.
#pragma once

#include "mail/message.h"
#include "mail/views.h"
#include "plan/snapshot.h"
#include "policy/schedule.h"
#include "store/state_store.h"

#include <date/date.h>

#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::service {

// Threading needs only a few References; an email about hundreds of actions (or a failure
// notice about hundreds of messages) must not carry a header of hundreds of IDs.
inline constexpr std::size_t max_references = 20;

// A message from the configured sender to `to`, with the rendered text, dated `now` in the
// partnership's time zone, its Message-ID made from the keys of the notices it carries, marked
// with the config's classification (mail/marking.h). The caller adds copies, Reply-To and
// References.
mail::Message message_for(const plan::Config& config, const policy::Clock& clock,
                          const mail::RenderedEmail& rendered, std::vector<mail::Address> to,
                          const std::vector<std::string>& keys, date::sys_seconds now);

// The Message-ID of the email that carries the notices (or digest) of `keys`: the same for
// the same keys, whenever it is composed.
std::string message_id_of(const plan::Config& config, const std::vector<std::string>& keys);

// The coordinator's first address, where replies go; none when the directory has none.
std::optional<mail::Address> coordinator_of(const plan::Directory& directory);

// The domain of the sender's address, which Message-IDs and thread ids are made in.
std::string domain_of(const mail::Address& sender);

// The notices a planned email carries, as the log records them: queued in `message_id`.
std::vector<store::NoticeRecord> queued_notices(const policy::PlannedEmail& planned,
                                                const std::string& message_id,
                                                date::sys_seconds now);

// A notice a catch-up dropped, as the log records it.
store::NoticeRecord dropped_notice(const policy::Notice& notice, date::sys_seconds now);

// The composed message as the outbox stores it, due at once.
store::OutboxMessage outbox_message(const mail::Message& message, std::string raw,
                                    mail::EmailKind kind, date::sys_seconds now);

// Stores a message to the DHR coordinator (a failure or problem notice) in the outbox, under
// `key`, to go with the next delivery. Does nothing when the directory has no coordinator
// address.
void enqueue_for_coordinator(store::StateStore& store, const plan::Snapshot& snapshot,
                             const policy::Clock& clock, mail::EmailKind kind,
                             const mail::RenderedEmail& rendered, const std::string& key,
                             std::vector<std::string> references, date::sys_seconds now);

}  // namespace plan_reminder::service
