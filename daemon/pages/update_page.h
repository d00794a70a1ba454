// The agency's update page (/update/ID?m=...&t=..., SPEC §9): the milestones of one email's
// update link, each with its action, target as written, due date, last progress and any update
// still waiting for the coordinator, and a form to report, for each, a completion, progress, a
// new target date or that it will not be implemented. After a submission with mistakes the
// page comes back with what was typed, an error summary and a message next to each field; after
// a good one, a confirmation. Works without JavaScript. Pure: rendering from the view.
#pragma once

#include "mail/views.h"
#include "pages/web_templates.h"
#include "progress/update_form.h"

#include <date/date.h>

#include <map>
#include <string>
#include <vector>

namespace plan_reminder::pages {

struct UpdatePageMilestone {
  mail::MilestoneView milestone;
  std::string waiting;                        // what is waiting for the coordinator, or ""
  progress::MilestoneEntry entry;             // as typed, shown again after a mistake
  std::map<std::string, std::string> errors;  // field ("kind", "done"...) -> message
};

struct UpdatePageView {
  std::string partnership;
  std::string agency_name;
  date::year_month_day today{};
  std::string form_action;  // where the form posts: the link itself
  std::string form_token;   // the CSRF field
  std::vector<UpdatePageMilestone> milestones;
  std::vector<progress::FieldProblem> problems;  // the error summary, in page order
  std::vector<std::string> sent;                 // after a good submission: what was sent
};

std::string render_update(const WebTemplates& templates, const UpdatePageView& view);

}  // namespace plan_reminder::pages
