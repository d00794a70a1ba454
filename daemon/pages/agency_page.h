// An agency's page (/agency/ID, SPEC §8): the agency's open milestones, those it leads and
// those it supports (saying which), most urgent first, with the action, the milestone, the
// target as written, the due date, the days and the RAG. Pure: the day comes in as an argument.
#pragma once

#include "mail/views.h"
#include "pages/page_layout.h"
#include "pages/web_templates.h"
#include "plan/snapshot.h"

#include <date/date.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::pages {

// Milestones per page: a page stays a size a browser shows at once.
inline constexpr std::size_t kMilestonesPerPage = 50;

struct AgencyMilestone {
  mail::MilestoneView milestone;
  bool leads = false;  // the agency leads the action; otherwise it supports it
};

struct AgencyView {
  std::string partnership;
  std::string agency_id;
  std::string agency_name;
  date::year_month_day today{};
  std::vector<AgencyMilestone> milestones;  // open ones only, most urgent first
};

// The agency's open milestones as of `today`, or nothing when the directory has no such agency
// (the caller answers 404).
std::optional<AgencyView> agency_view(const plan::Snapshot& snapshot, std::string_view agency_id,
                                      date::year_month_day today);

// Page `request.page` of the agency's milestones, or nothing when that page does not exist.
std::optional<std::string> render_agency(const WebTemplates& templates, const AgencyView& view,
                                         const PageRequest& request);

}  // namespace plan_reminder::pages
