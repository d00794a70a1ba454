// The "Update these actions" links that notice emails carry (SPEC §9): each signed for one lead
// agency and one email (its Message-ID), working `web.link_days` from the day it was composed.
// The update page (service/web_pages.h) opens the milestones of that email only.
#pragma once

#include "base/result.h"
#include "plan/config.h"
#include "service/compose.h"
#include "store/state_store.h"
#include "web/link_tokens.h"

#include <date/date.h>

#include <memory>
#include <string>
#include <string_view>

namespace plan_reminder::service {

// What an update link is signed for: the agency, and the email's Message-ID without its angle
// brackets (as the link's `m=` carries it).
web::LinkSubject update_link_subject(std::string_view agency, std::string_view message_id);

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

 private:
  plan::WebSettings settings_;
  web::LinkSecret secret_;
};

}  // namespace plan_reminder::service
