// The digest's audit trail from the state (see audit_rows.h).
#include "service/audit_rows.h"

#include <string>
#include <utility>

namespace plan_reminder::service {

std::vector<mail::AuditRow> audit_rows(store::StateStore& store, const policy::Clock& clock,
                                       date::sys_seconds since) {
  std::vector<mail::AuditRow> rows;
  for (const auto& notice : store.notices_since(since)) {
    mail::AuditRow row;
    row.when = clock.zone.local_time(notice.recorded);
    row.kind = notice.kind;
    row.recipient = notice.recipient;
    row.about = notice.review.empty()
                    ? std::string(mail::to_string(notice.kind))
                    : notice.review + " " + notice.action + " (" + notice.milestone + ")";
    row.state = notice.state;
    row.detail = notice.detail;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<mail::AuditRow> failure_rows(store::StateStore& store, const policy::Clock& clock,
                                         date::sys_seconds since) {
  std::vector<mail::AuditRow> rows;
  for (const auto& message : store.failed_messages_since(since)) {
    mail::AuditRow row;
    row.when = clock.zone.local_time(message.created);
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

}  // namespace plan_reminder::service
