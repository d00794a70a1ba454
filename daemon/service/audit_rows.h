// The digest's audit trail (SPEC §4): the notification log and the failed deliveries since
// the previous digest, as rows of the digest email.
#pragma once

#include "mail/views.h"
#include "policy/schedule.h"
#include "store/state_store.h"

#include <date/date.h>

#include <vector>

namespace plan_reminder::service {

// Every notice recorded since `since`.
std::vector<mail::AuditRow> audit_rows(store::StateStore& store, const policy::Clock& clock,
                                       date::sys_seconds since);
// Every message that failed since `since`.
std::vector<mail::AuditRow> failure_rows(store::StateStore& store, const policy::Clock& clock,
                                         date::sys_seconds since);

}  // namespace plan_reminder::service
