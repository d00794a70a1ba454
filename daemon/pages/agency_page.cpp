// An agency's page (see agency_page.h).
#include "pages/agency_page.h"

#include "mail/template_data.h"
#include "mail/template_text.h"
#include "policy/agenda.h"
#include "policy/notice_email.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace plan_reminder::pages {
namespace {

using policy::MilestoneState;

bool leads(const plan::Action& action, std::string_view agency_id) {
  return std::any_of(action.lead.begin(), action.lead.end(),
                     [agency_id](const plan::AgencyRef& ref) { return ref.id == agency_id; });
}

// What an open milestone without a due date says instead of its days.
std::string undated_words(MilestoneState state) {
  switch (state) {
    case MilestoneState::undated:
      return "needs a target date";
    case MilestoneState::pending:
      return "waits for the review's publication date";
    case MilestoneState::ongoing:
      return "ongoing";
    case MilestoneState::on_hold:
      return "on hold";
    default:
      return "";
  }
}

}  // namespace

std::optional<AgencyView> agency_view(const plan::Snapshot& snapshot, std::string_view agency_id,
                                      date::year_month_day today) {
  const plan::Agency* agency = snapshot.directory.find(agency_id);
  if (agency == nullptr) {
    return std::nullopt;
  }
  AgencyView view;
  view.partnership = snapshot.directory.partnership;
  view.agency_id = agency->id;
  view.agency_name = agency->mailbox.name;
  view.today = today;
  policy::AgendaOptions options;
  options.as_of = today;
  options.horizon_days = snapshot.config.policy.digest_horizon_days;
  options.agency = std::string(agency_id);
  for (const policy::AgendaItem& item : policy::build_agenda(snapshot.plans, options)) {
    if (item.standing.state == MilestoneState::complete ||
        item.standing.state == MilestoneState::not_implemented) {
      continue;
    }
    AgencyMilestone entry;
    entry.milestone =
        policy::milestone_view(snapshot.directory, *item.plan, *item.recommendation, *item.action,
                               *item.milestone, item.standing, date::local_days(today));
    if (!item.standing.due) {
      entry.milestone.when = undated_words(item.standing.state);
    }
    entry.leads = leads(*item.action, agency_id);
    view.milestones.push_back(std::move(entry));
  }
  return view;
}

std::optional<std::string> render_agency(const WebTemplates& templates, const AgencyView& view,
                                         const PageRequest& request) {
  const std::optional<PageSlice> slice =
      page_slice(view.milestones.size(), kMilestonesPerPage, request.page);
  if (!slice) {
    return std::nullopt;
  }
  mail::mustache::data out = page_data(view.agency_name, view.partnership, view.today);
  out.set("agency_id", view.agency_id);
  out.set("agency_name", view.agency_name);
  const int count = static_cast<int>(view.milestones.size());
  out.set("count_text", mail::plural(count, "open milestone", "open milestones"));
  out.set("has_milestones", count > 0);
  std::vector<mail::mustache::data> list;
  list.reserve(slice->end - slice->first);
  for (std::size_t i = slice->first; i < slice->end; ++i) {
    mail::mustache::data entry = mail::milestone_data(view.milestones[i].milestone);
    entry.set("leads", view.milestones[i].leads);
    entry.set("role_word", view.milestones[i].leads ? "Lead" : "Support");
    list.push_back(std::move(entry));
  }
  mail::set_moved(out, "milestones", mail::list_of(std::move(list)));
  set_pagination(out, *slice, request.link);
  return templates.render("agency", std::move(out));
}

}  // namespace plan_reminder::pages
