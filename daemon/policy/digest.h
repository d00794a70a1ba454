// The weekly digest: when it is due, who gets it, and what it says (the milestones overdue,
// due soon, completed and undated, the RAG tallies per recommendation and per agency, and the
// audit trail since the previous digest).
#pragma once

#include "policy/schedule.h"

#include <date/date.h>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace plan_reminder::policy {

// The digests a pass at `now` (inside the digest window) sends: one per recipient, none empty,
// none already in the log.
std::vector<PlannedEmail> plan_digests(const PassInputs& inputs, Instant now);

// The digest's content as of `today`; `log` holds the keys of the notification log, which say
// which overdue milestones have been escalated. Each list of milestones keeps its first
// `max_rows` rows and counts them all (`counts`): a national digest's lists run to tens of
// thousands, of which an email shows a few hundred.
mail::DigestView digest_view(const plan::Snapshot& snapshot, date::year_month_day today,
                             std::vector<mail::AuditRow> audit,
                             std::vector<mail::AuditRow> failures, const base::KeySet& log,
                             std::size_t max_rows = std::numeric_limits<std::size_t>::max());

}  // namespace plan_reminder::policy
