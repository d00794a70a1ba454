// The weekly digest (see digest.h): its occurrences, recipients and content.
#include "policy/digest.h"

#include "plan/review_types.h"
#include "policy/agenda.h"
#include "policy/notice_email.h"
#include "policy/timelines.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>

namespace plan_reminder::policy {
namespace {

using date::days;
using date::local_days;

// Digests: one a week on the digest day, moved to the next business day.
struct DigestOccurrence {
  local_days nominal;
  local_days day;
};

std::optional<DigestOccurrence> latest_digest(const plan::Policy& policy, const Clock& clock,
                                              local_days today) {
  // The nominal digest days on or before today, newest first; a holiday move is at most a
  // few days, so looking back two weeks is enough.
  local_days nominal = today - (date::weekday{today} - policy.digest_day);
  for (int back = 0; back < 3; ++back, nominal -= days(7)) {
    local_days day = clock.business_days.on_or_after(nominal);
    if (day <= today) {
      return DigestOccurrence{nominal, day};
    }
  }
  return std::nullopt;
}

std::vector<Recipient> digest_recipients(const plan::Directory& directory) {
  if (directory.digest_is_list) {
    return {Recipient{Recipient::Kind::digest, "digest"}};
  }
  std::vector<Recipient> out;
  for (const auto* list : {&directory.digest.to, &directory.digest.cc}) {
    for (const auto& address : *list) {
      out.push_back(Recipient{Recipient::Kind::digest, "digest:" + address});
    }
  }
  return out;
}

std::string digest_key(local_days nominal, const Recipient& recipient) {
  return "digest/" + date::format("%F", nominal) + "/" + recipient.id;
}

void address_digest(PlannedEmail& email, const plan::Mailbox& box) {
  if (email.recipient.id == "digest") {
    add_addresses(email.to, box, box.to);
    add_addresses(email.cc, box, box.cc);
  } else {
    add_addresses(email.to, box, {email.recipient.id.substr(std::string("digest:").size())});
  }
}

// Whether the log holds an escalation of the milestone for its due date: the digest says
// "escalated" from what was sent or queued, not from the days it is late (SPEC §4).
bool escalation_in_log(const plan::Policy& policy, const base::KeySet& log, const plan::Plan& plan,
                       const plan::Action& action, const plan::Milestone& milestone,
                       date::year_month_day due, date::year_month_day today) {
  const Recipient chair{Recipient::Kind::chair, "chair"};
  // No occurrence's nominal day is later than today's: business-day moves only delay them.
  Series series = *chair_timeline(policy, local_days(due)).series;
  for (int n = series.estimate(local_days(today)); n >= 0; --n) {
    if (log.count(
            notice_key(plan, action, milestone, due, mail::EmailKind::escalation, n, chair)) != 0) {
      return true;
    }
  }
  return false;
}

// Counts a milestone in a recommendation's or an agency's row.
void tally(mail::RagRow& row, const MilestoneStanding& standing) {
  ++row.total;
  switch (standing.state) {
    case MilestoneState::overdue:
      ++row.overdue;
      break;
    case MilestoneState::due:
    case MilestoneState::upcoming:
      if (standing.days && *standing.days <= amber_window_days) {
        ++row.due_soon;
      }
      break;
    case MilestoneState::undated:
    case MilestoneState::pending:
      ++row.undated;
      break;
    case MilestoneState::complete:
      ++row.complete;
      break;
    default:
      break;
  }
  // The worst rating wins: red over amber over green.
  if (standing.rag == Rag::red || !row.rag ||
      (standing.rag == Rag::amber && row.rag == Rag::green)) {
    row.rag = standing.rag;
  }
}

// The digest's list for where a milestone stands, with its count; none (null) when it lists
// neither the milestone nor its kind (complete more than a week ago, ongoing).
struct DigestList {
  std::vector<mail::MilestoneView>* rows = nullptr;
  std::size_t* count = nullptr;
};

DigestList list_for(mail::DigestView& view, const AgendaItem& item, date::year_month_day today) {
  const local_days today_day{today};
  switch (item.standing.state) {
    case MilestoneState::overdue:
      return {&view.overdue, &view.counts.overdue};
    case MilestoneState::due:
    case MilestoneState::upcoming:
      return {&view.due_soon, &view.counts.due_soon};
    case MilestoneState::undated:
    case MilestoneState::pending:
      return {&view.undated, &view.counts.undated};
    case MilestoneState::not_implemented:
      return {&view.not_implemented, &view.counts.not_implemented};
    case MilestoneState::complete:
      if (item.milestone->done && local_days(*item.milestone->done) > today_day - days(8) &&
          local_days(*item.milestone->done) <= today_day) {
        return {&view.completed, &view.counts.completed};
      }
      return {};
    default:
      return {};
  }
}

// A milestone's row in its list, with what the list says of it.
mail::MilestoneView listed_milestone(mail::MilestoneView milestone, const AgendaItem& item,
                                     const plan::Policy& policy, const base::KeySet& log,
                                     date::year_month_day today) {
  switch (item.standing.state) {
    case MilestoneState::overdue:
      milestone.escalated = escalation_in_log(policy, log, *item.plan, *item.action,
                                              *item.milestone, *item.standing.due, today);
      break;
    case MilestoneState::undated:
      milestone.when = "needs a target date";
      break;
    case MilestoneState::pending:
      milestone.when = "waits for the review's publication date";
      break;
    case MilestoneState::not_implemented:
      milestone.when = "will not be implemented: " + item.milestone->not_implemented.value_or("");
      break;
    case MilestoneState::complete:
      milestone.when = "done " + mail::plain_day(*item.milestone->done);
      break;
    default:
      break;
  }
  return milestone;
}

// The RAG rows: recommendations in plan order, agencies by name.
void add_rag_rows(mail::DigestView& view, const plan::Snapshot& snapshot,
                  const std::map<std::string, mail::RagRow>& recommendations,
                  const std::map<std::string, mail::RagRow>& agencies) {
  for (const auto& plan : snapshot.plans) {
    for (const auto& recommendation : plan->recommendations) {
      auto found = recommendations.find(plan->review.id + "\n" + recommendation.id);
      if (found != recommendations.end()) {
        view.recommendations.push_back(found->second);
      }
    }
  }
  for (const auto& [id, row] : agencies) {
    view.agencies.push_back(row);
  }
  std::sort(view.agencies.begin(), view.agencies.end(),
            [](const mail::RagRow& a, const mail::RagRow& b) { return a.name < b.name; });
}

}  // namespace

std::vector<PlannedEmail> plan_digests(const PassInputs& inputs, Instant now) {
  std::vector<PlannedEmail> out;
  const plan::Snapshot& snapshot = *inputs.snapshot;
  const Clock& clock = *inputs.clock;
  const local_days today = clock.zone.day_of(now);
  auto digest = latest_digest(snapshot.config.policy, clock, today);
  if (!digest) {
    return out;
  }
  // The week's log, read once and only if a digest goes out.
  std::optional<std::vector<mail::AuditRow>> audit;
  std::optional<std::vector<mail::AuditRow>> failures;
  for (const Recipient& recipient : digest_recipients(snapshot.directory)) {
    std::string key = digest_key(digest->nominal, recipient);
    if (inputs.handled->count(key) != 0) {
      continue;
    }
    if (!audit) {
      audit = inputs.audit ? inputs.audit() : std::vector<mail::AuditRow>{};
      failures = inputs.failures ? inputs.failures() : std::vector<mail::AuditRow>{};
    }
    // An email lists the first rows of each list and counts the rest.
    mail::DigestView view = digest_view(snapshot, date::year_month_day{today}, *audit, *failures,
                                        *inputs.handled, mail::kMaxListed);
    if (view.total == 0) {
      continue;  // never an empty email
    }
    PlannedEmail email;
    email.kind = mail::EmailKind::digest;
    email.recipient = recipient;
    email.digest_key = key;
    email.view = std::move(view);
    address_digest(email, snapshot.directory.digest);
    out.push_back(std::move(email));
  }
  return out;
}

mail::DigestView digest_view(const plan::Snapshot& snapshot, date::year_month_day today,
                             std::vector<mail::AuditRow> audit,
                             std::vector<mail::AuditRow> failures, const base::KeySet& log,
                             std::size_t max_rows) {
  const plan::Policy& policy = snapshot.config.policy;
  const plan::Directory& directory = snapshot.directory;
  mail::DigestView view;
  view.partnership = directory.partnership;
  view.today = today;
  view.horizon_days = policy.digest_horizon_days;
  view.audit = std::move(audit);
  view.failures = std::move(failures);

  AgendaOptions options;
  options.as_of = today;
  options.horizon_days = policy.digest_horizon_days;
  std::map<std::string, mail::RagRow> recommendations;
  std::map<std::string, mail::RagRow> agencies;
  for (const auto& item : build_agenda(snapshot.plans, options)) {
    ++view.total;
    if (const DigestList list = list_for(view, item, today); list.rows != nullptr) {
      ++*list.count;
      if (list.rows->size() < max_rows) {
        list.rows->push_back(listed_milestone(
            milestone_view(directory, *item.plan, *item.recommendation, *item.action,
                           *item.milestone, item.standing, local_days(today)),
            item, policy, log, today));
      }
    }
    mail::RagRow& row = recommendations[item.plan->review.id + "\n" + item.recommendation->id];
    row.name = plan::review_display_name(item.plan->review) + " — recommendation " +
               item.recommendation->id;
    tally(row, item.standing);
    for (const auto& ref : item.action->lead) {
      mail::RagRow& agency = agencies[ref.id];
      if (agency.name.empty()) {
        const plan::Agency* known = directory.find(ref.id);
        agency.name = known != nullptr ? known->mailbox.name : ref.id;
      }
      tally(agency, item.standing);
    }
  }
  add_rag_rows(view, snapshot, recommendations, agencies);
  return view;
}

}  // namespace plan_reminder::policy
