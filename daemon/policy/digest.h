// The weekly digest: when it is due, who gets it, and what it says (the milestones overdue,
// due soon, completed and undated, the RAG tallies per recommendation and per agency, and the
// audit trail since the previous digest).
#pragma once

#include "policy/schedule.h"

#include <date/date.h>

#include <string>
#include <vector>

namespace plan_reminder::policy {

// The digests a pass at `now` (inside the digest window) sends: one per recipient, none empty,
// none already in the log.
std::vector<PlannedEmail> plan_digests(const PassInputs& inputs, Instant now);

// The digest's content as of `today`; `log` holds the keys of the notification log, which say
// which overdue milestones have been escalated.
mail::DigestView digest_view(const plan::Snapshot& snapshot, date::year_month_day today,
                             std::vector<mail::AuditRow> audit,
                             std::vector<mail::AuditRow> failures, const base::KeySet& log);

}  // namespace plan_reminder::policy
