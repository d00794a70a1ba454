// Who a milestone notice email goes to and what it says (see notice_email.h).
#include "policy/notice_email.h"

#include "mail/notice_kinds.h"
#include "plan/address.h"
#include "plan/review_types.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>
#include <variant>

namespace plan_reminder::policy {
namespace {

using date::local_days;

std::string agency_names(const plan::Directory& directory,
                         const std::vector<plan::AgencyRef>& refs) {
  std::string out;
  for (const auto& ref : refs) {
    if (!out.empty()) {
      out += ", ";
    }
    const plan::Agency* agency = directory.find(ref.id);
    out += agency != nullptr && !agency->mailbox.name.empty() ? agency->mailbox.name : ref.id;
  }
  return out;
}

// The agencies' own addresses (their `to`), as copies.
void copy_agencies(std::vector<mail::Address>& cc, const plan::Directory& directory,
                   const std::vector<plan::AgencyRef>& refs) {
  for (const auto& ref : refs) {
    if (const plan::Agency* agency = directory.find(ref.id)) {
      add_addresses(cc, agency->mailbox, agency->mailbox.to);
    }
  }
}

// The copies a notice's kind asks for.
void copy_for(std::vector<mail::Address>& cc, const plan::Directory& directory,
              const Notice& notice) {
  const mail::Copies& copies = mail::facts(notice.stage).copies;
  if (copies.support) {
    copy_agencies(cc, directory, notice.action->support);
  }
  if (copies.coordinator) {
    add_addresses(cc, directory.coordinator, directory.coordinator.to);
  }
  if (copies.leads) {
    copy_agencies(cc, directory, notice.action->lead);
  }
}

// Addresses in `cc` that are already in `to` are left out.
void prune_cc(PlannedEmail& email) {
  std::erase_if(email.cc, [&](const mail::Address& cc) {
    return std::any_of(email.to.begin(), email.to.end(), [&](const mail::Address& to) {
      return plan::same_address(to.address, cc.address);
    });
  });
}

// The recipient's own addresses and copy list; its name for the greeting.
void address_to_recipient(PlannedEmail& email, const plan::Directory& directory,
                          mail::NoticeEmailView& view) {
  if (email.recipient.kind == Recipient::Kind::chair) {
    view.recipient_name = directory.chair.name;
    add_addresses(email.to, directory.chair, directory.chair.to);
    add_addresses(email.cc, directory.chair, directory.chair.cc);
  } else if (const plan::Agency* agency = directory.find(email.recipient.id)) {
    view.recipient_name = agency->mailbox.name;
    add_addresses(email.to, agency->mailbox, agency->mailbox.to);
    add_addresses(email.cc, agency->mailbox, agency->mailbox.cc);
  }
}

// An email about several milestones takes the kind of its most urgent notice.
mail::EmailKind most_urgent(const std::vector<Notice>& notices) {
  mail::EmailKind top = mail::EmailKind::reminder;
  for (const auto& notice : notices) {
    if (mail::more_urgent(notice.stage, top)) {
      top = notice.stage;
    }
  }
  return top;
}

}  // namespace

mail::MilestoneView milestone_view(const plan::Directory& directory, const plan::Plan& plan,
                                   const plan::Recommendation& recommendation,
                                   const plan::Action& action, const plan::Milestone& milestone,
                                   const MilestoneStanding& standing, local_days today) {
  mail::MilestoneView view;
  view.review_id = plan.review.id;
  view.review_title = plan::review_display_name(plan.review);
  view.review_type = plan.review.type;
  view.recommendation_id = recommendation.id;
  view.action_id = action.id;
  view.action_text = action.text;
  view.milestone_id = milestone.id;
  view.milestone_text = milestone.text.empty() ? action.text : milestone.text;
  view.lead = agency_names(directory, action.lead);
  view.target = milestone.target_display();
  if (standing.due) {
    // The words for it are made from these dates where the email is rendered.
    view.due_day = standing.due;
    view.days = (local_days(*standing.due) - today).count();
  }
  // The latest accepted progress note (SPEC §9), dated, above what the plan says: the
  // milestone's own progress, then the action's.
  for (const std::string& part :
       {milestone.progress_notes.empty() ? std::string()
                                         : mail::plain_day(milestone.progress_notes.front().on) +
                                               ": " + milestone.progress_notes.front().text,
        milestone.progress, action.progress}) {
    if (!part.empty()) {
      view.progress += (view.progress.empty() ? "" : "\n") + part;
    }
  }
  view.rag = standing.rag;
  return view;
}

void add_addresses(std::vector<mail::Address>& out, const plan::Mailbox& mailbox,
                   const std::vector<std::string>& addresses) {
  for (const auto& address : addresses) {
    bool known = std::any_of(out.begin(), out.end(), [&](const mail::Address& a) {
      return plan::same_address(a.address, address);
    });
    if (!known) {
      out.push_back(mail::Address{mailbox.name, address});
    }
  }
}

void finish_notice_email(PlannedEmail& email, const plan::Snapshot& snapshot, local_days today) {
  const plan::Directory& directory = snapshot.directory;
  std::sort(email.notices.begin(), email.notices.end(), [](const Notice& a, const Notice& b) {
    return std::tie(a.due, a.plan->review.id, a.action->id, a.milestone->id) <
           std::tie(b.due, b.plan->review.id, b.action->id, b.milestone->id);
  });
  email.kind = most_urgent(email.notices);
  mail::NoticeEmailView view;
  view.kind = email.kind;
  view.partnership = directory.partnership;
  view.coordinator_name = directory.coordinator.name;
  view.coordinator_address =
      directory.coordinator.to.empty() ? std::string() : directory.coordinator.to.front();
  view.today = date::year_month_day{today};
  address_to_recipient(email, directory, view);

  std::set<std::pair<std::string, std::string>> actions;
  for (const auto& notice : email.notices) {
    copy_for(email.cc, directory, notice);
    if (actions.emplace(notice.plan->review.id, notice.action->id).second) {
      email.actions.emplace_back(notice.plan->review.id, notice.action->id);
    }
  }
  email.view = std::move(view);
  email.rows_pending = true;
  prune_cc(email);
}

void add_notice_rows(PlannedEmail& email, const plan::Snapshot& snapshot) {
  auto* view = std::get_if<mail::NoticeEmailView>(&email.view);
  if (view == nullptr || !email.rows_pending) {
    return;
  }
  email.rows_pending = false;
  const local_days today{view->today};
  view->items.reserve(email.notices.size());
  for (const auto& notice : email.notices) {
    MilestoneStanding standing =
        policy::standing(*notice.milestone, *notice.action, notice.plan->review, view->today,
                         snapshot.config.policy.digest_horizon_days);
    mail::MilestoneView item;
    if (view->items.size() < mail::kMaxListed) {
      item = milestone_view(snapshot.directory, *notice.plan, *notice.recommendation,
                            *notice.action, *notice.milestone, standing, today);
    } else {
      // Counted, not listed: only what the email's counts and summary read (views.h).
      item.review_id = notice.plan->review.id;
      item.review_type = notice.plan->review.type;
      item.action_id = notice.action->id;
      item.milestone_id = notice.milestone->id;
      if (standing.due) {
        item.due_day = standing.due;
        item.days = (local_days(*standing.due) - today).count();
      }
      item.rag = standing.rag;
    }
    item.stage = notice.stage;
    item.escalated = notice.stage == mail::EmailKind::escalation;
    view->items.push_back(std::move(item));
  }
}

}  // namespace plan_reminder::policy
