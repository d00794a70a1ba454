// Who a milestone notice email goes to and what it says: the recipient's addresses, the copies
// each kind of notice asks for (mail/notice_kinds.h), and the view of each milestone. The
// digest uses the same milestone view and address list.
#pragma once

#include "policy/agenda.h"
#include "policy/schedule.h"

#include <date/date.h>

#include <string>
#include <vector>

namespace plan_reminder::policy {

// The view of one milestone as it stands on `today`.
mail::MilestoneView milestone_view(const plan::Directory& directory, const plan::Plan& plan,
                                   const plan::Recommendation& recommendation,
                                   const plan::Action& action, const plan::Milestone& milestone,
                                   const MilestoneStanding& standing, date::local_days today);

// Adds each of `addresses` not yet in `out`, under the mailbox's name.
void add_addresses(std::vector<mail::Address>& out, const plan::Mailbox& mailbox,
                   const std::vector<std::string>& addresses);

// Fills in the kind, the addresses and the view of an email from its notices, all but the
// view's rows (its `items`), which add_notice_rows (schedule.h) makes.
void finish_notice_email(PlannedEmail& email, const plan::Snapshot& snapshot,
                         date::local_days today);

}  // namespace plan_reminder::policy
