// The records the state-store tests store: a notice, a message and an agency's update, about
// the example review, at literal instants.
#pragma once

#include "store/state_store.h"

#include <date/date.h>

#include <chrono>
#include <string>

namespace plan_reminder::store::test_records {

using namespace std::chrono_literals;
using namespace std::string_literals;

// A Monday morning send time in UTC, and the instants around it.
inline const Instant kMonday = date::sys_days{date::year{2025} / date::March / 3} + 9h;

inline NoticeRecord Notice(const std::string& key, const std::string& recipient = "wwin") {
  NoticeRecord notice;
  notice.key = key;
  notice.kind = EmailKind::reminder;
  notice.review = "david";
  notice.action = "3.1";
  notice.milestone = "training";
  notice.recipient = recipient;
  notice.due = date::year{2025} / date::March / 31;
  notice.scheduled = kMonday;
  return notice;
}

inline OutboxMessage Message(const std::string& message_id, Instant created = kMonday) {
  OutboxMessage message;
  message.message_id = message_id;
  message.kind = EmailKind::reminder;
  message.subject = "1 milestone needs attention";
  message.envelope_from = "dhr-actions@partnership.example.org";
  message.recipients = {"dhr-lead@wwin.example.org", "dhr-coordinator@council.example.org"};
  // Binary-safe: CRLF line ends and a NUL byte must come back unchanged.
  message.raw = "Subject: test\r\n\r\nbody\0end\r\n"s;
  message.created = created;
  return message;
}

// An agency's update of the example's 1.1 scoping milestone, submitted at `at`.
inline UpdateRecord Update(UpdateKind kind, Instant at, std::string agency = "wwin") {
  UpdateRecord update;
  update.review = "dhr-david";
  update.action = "1.1";
  update.milestone = "scoping";
  update.agency = std::move(agency);
  update.kind = kind;
  update.note = "Scoping document agreed by the steering group";
  update.submitted = at;
  update.token_id = "tok-1";
  return update;
}

}  // namespace plan_reminder::store::test_records
