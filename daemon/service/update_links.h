// The "Update these actions" links that notice emails carry (SPEC §9): each signed for one lead
// agency and one email (its Message-ID), working `web.link_days` from the day it was composed.
// The update page (service/web_pages.h) opens the milestones of that email only.
#pragma once

#include "base/result.h"
#include "mail/views.h"
#include "plan/config.h"
#include "policy/schedule.h"
#include "service/compose.h"
#include "store/state_store.h"
#include "web/link_tokens.h"

#include <date/date.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::service {

// What an update link is signed for: the agency, and the email's Message-ID without its angle
// brackets (as the link's `m=` carries it).
web::LinkSubject update_link_subject(std::string_view agency, std::string_view message_id);

// What an update asks for, as pages and emails word it: "Completed on 2 March 2020", "Progress
// update", "New target date: June 2027", "Will not be implemented".
std::string request_words(const store::UpdateRecord& update);

// The digest's rows of the updates `waiting` for the coordinator, oldest first, with the
// agencies' names and the milestones' words from `snapshot` (the ids, for a milestone the plans
// no longer have).
std::vector<mail::WaitingUpdateRow> waiting_update_rows(std::vector<store::UpdateRecord> waiting,
                                                        const plan::Snapshot& snapshot,
                                                        const policy::Clock& clock);

// The decisions each agency is to be told, from `decided` (the state's decisions_to_tell()),
// with the milestones' words from `snapshot`. The function it returns gives each agency its
// decisions once: a second email of the same pass to the same agency repeats none.
DecisionsToTell decisions_to_tell(const std::vector<store::UpdateRecord>& decided,
                                  const plan::Snapshot& snapshot);

class UpdateLinks {
 public:
  // For a config with a `web:` section: its link secret, made first when it is a file not made
  // yet (as the web surface does). Null without `web:`; an error naming the file when the
  // secret cannot be had.
  static base::Result<std::unique_ptr<UpdateLinks>> for_config(const plan::Config& config);

  UpdateLinks(plan::WebSettings settings, web::LinkSecret secret)
      : settings_(std::move(settings)), secret_(std::move(secret)) {}

  // The links of a pass on `today` (the partnership's day), signed at each agency's current
  // epoch in `state`, so that revoking an agency's update links stops them all.
  UpdateLinkMaker maker(store::StateStore& state, date::year_month_day today) const;
  // The digest's link to the coordinator's page (/updates), signed on `today` to work
  // `web.link_days`, at the coordinator link's current epoch (`url coordinator --revoke`).
  std::string coordinator_link(store::StateStore& state, date::year_month_day today) const;

 private:
  plan::WebSettings settings_;
  web::LinkSecret secret_;
};

}  // namespace plan_reminder::service
