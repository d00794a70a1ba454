// Views as Mustache data: the fields of each view, plus the small helpers templates cannot
// compute (counts, plurals, the words for kinds, states, ratings and dates, and colours). The
// only place where a view's enums and dates become the words an email shows.
#pragma once

#include "mail/mustache.h"
#include "mail/views.h"

#include <cstddef>

namespace plan_reminder::mail {

// The most an email lists in one list (a notice's milestones, each list of a digest); the rest
// are counted ("and 51,691 more milestones"), so that no email outgrows what a person reads or
// an SMTP server accepts (about 4 KB per milestone listed, in text and HTML).
inline constexpr std::size_t kMaxListed = 200;

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
