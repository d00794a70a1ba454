// Views as Mustache data: the fields of each view, plus the small helpers templates cannot
// compute (counts, plurals, the words for kinds, states, ratings and dates, and colours). The
// only place where a view's enums and dates become the words an email shows.
#pragma once

#include "mail/mustache.h"
#include "mail/views.h"

#include <cstddef>

namespace plan_reminder::mail {

// One milestone, one RAG row, one entry of the log, as every email and web page words them.
mustache::data milestone_data(const MilestoneView& milestone);
mustache::data rag_row_data(const RagRow& row);
mustache::data audit_row_data(const AuditRow& row);

mustache::data notice_data(const NoticeEmailView& view);
mustache::data digest_data(const DigestView& view);
mustache::data failure_data(const FailureView& view);
mustache::data problem_data(const ProblemView& view);
mustache::data test_data(const TestView& view);

}  // namespace plan_reminder::mail
