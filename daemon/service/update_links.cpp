// Signing the update links of a pass (see update_links.h).
#include "service/update_links.h"

#include "progress/decisions.h"
#include "service/local_time.h"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <utility>

namespace plan_reminder::service {

web::LinkSubject update_link_subject(std::string_view agency, std::string_view message_id) {
  if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>') {
    message_id = message_id.substr(1, message_id.size() - 2);
  }
  return web::LinkSubject{web::LinkPurpose::update, std::string(agency), {std::string(message_id)}};
}

std::string request_words(const store::UpdateRecord& update) {
  switch (update.kind) {
    case store::UpdateKind::completed:
      return update.done_on ? "Completed on " + mail::plain_day(*update.done_on) : "Completed";
    case store::UpdateKind::progress:
      return "Progress update";
    case store::UpdateKind::new_target:
      return "New target date: " + update.target;
    case store::UpdateKind::not_implemented:
      return "Will not be implemented";
  }
  return "";
}

namespace {

// "1.1 Research scoping document produced", or the ids for a milestone no longer in the plans.
std::string milestone_words(const store::UpdateRecord& update, const plan::Snapshot& snapshot) {
  const plan::Milestone* milestone = progress::find_milestone(snapshot, update);
  return milestone != nullptr ? update.action + " " + milestone->text : progress::about(update);
}

}  // namespace

std::vector<mail::WaitingUpdateRow> waiting_update_rows(std::vector<store::UpdateRecord> waiting,
                                                        const plan::Snapshot& snapshot,
                                                        const policy::Clock& clock) {
  std::stable_sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
    return std::tie(a.submitted, a.id) < std::tie(b.submitted, b.id);
  });
  std::vector<mail::WaitingUpdateRow> rows;
  for (const store::UpdateRecord& update : waiting) {
    mail::WaitingUpdateRow row;
    const plan::Agency* agency = snapshot.directory.find(update.agency);
    row.agency = agency != nullptr ? agency->mailbox.name : update.agency;
    row.milestone = milestone_words(update, snapshot);
    row.request = request_words(update);
    row.submitted = short_local_time(clock, update.submitted);
    rows.push_back(std::move(row));
  }
  return rows;
}

DecisionsToTell decisions_to_tell(const std::vector<store::UpdateRecord>& decided,
                                  const plan::Snapshot& snapshot) {
  auto by_agency = std::make_shared<std::map<std::string, AgencyDecisions>>();
  for (const store::UpdateRecord& update : decided) {
    AgencyDecisions& decisions = (*by_agency)[update.agency];
    decisions.views.push_back(
        mail::DecisionView{milestone_words(update, snapshot), request_words(update),
                           update.state == store::UpdateState::accepted, update.decision_note});
    decisions.ids.push_back(update.id);
  }
  return [by_agency](const std::string& agency) {
    AgencyDecisions out;
    if (auto found = by_agency->find(agency); found != by_agency->end()) {
      out = std::move(found->second);
      by_agency->erase(found);
    }
    return out;
  };
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

std::string UpdateLinks::coordinator_link(store::StateStore& state,
                                          date::year_month_day today) const {
  const web::LinkSubject subject{web::LinkPurpose::coordinator, std::string(web::kBoardId), {}};
  return web::link_url(settings_.base_url, subject,
                       web::sign(secret_, subject, web::current_epoch(state, subject),
                                 web::emailed_link_last_day(today, settings_.link_days)));
}

}  // namespace plan_reminder::service
