// Signing the update links of a pass (see update_links.h).
#include "service/update_links.h"

#include <utility>

namespace plan_reminder::service {

web::LinkSubject update_link_subject(std::string_view agency, std::string_view message_id) {
  if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>') {
    message_id = message_id.substr(1, message_id.size() - 2);
  }
  return web::LinkSubject{web::LinkPurpose::update, std::string(agency), {std::string(message_id)}};
}

base::Result<std::unique_ptr<UpdateLinks>> UpdateLinks::for_config(const plan::Config& config) {
  if (!config.web) {
    return std::unique_ptr<UpdateLinks>();
  }
  if (auto created = web::LinkSecret::create_if_missing(*config.web); !created) {
    return created.error();
  }
  auto secret = web::LinkSecret::load(*config.web);
  if (!secret) {
    return secret.error();
  }
  return std::make_unique<UpdateLinks>(*config.web, std::move(*secret));
}

UpdateLinkMaker UpdateLinks::maker(store::StateStore& state, date::year_month_day today) const {
  const date::year_month_day last_day = web::emailed_link_last_day(today, settings_.link_days);
  return [this, &state, last_day](const std::string& agency, const std::string& message_id) {
    const web::LinkSubject subject = update_link_subject(agency, message_id);
    const std::uint64_t epoch = web::current_epoch(state, subject);
    return web::link_url(settings_.base_url, subject, web::sign(secret_, subject, epoch, last_day));
  };
}

}  // namespace plan_reminder::service
