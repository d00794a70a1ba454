// The coordinator's page (/updates?t=..., SPEC §9): every update the agencies sent that waits
// for a decision, oldest first, each with the milestone it is about as the plans say it now,
// what the agency asks for and its note, and a form to accept it (one click) or reject it (a
// note saying why is required: the agency is told). After a decision the page says what was
// done; a rejection without a note comes back with a message next to the note. Works without
// JavaScript. Pure: rendering from the view.
#pragma once

#include "mail/views.h"
#include "pages/web_templates.h"

#include <date/date.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plan_reminder::pages {

struct WaitingUpdate {
  std::int64_t id = 0;
  std::string agency_name;
  // The milestone as the plans say it now; none when the plans no longer have it.
  std::optional<mail::MilestoneView> milestone;
  std::string about;       // "dhr-david 1.1 scoping": always, for a milestone no longer there
  std::string request;     // "Completed on 27 November 2026", "New target date: June 2027"...
  std::string note;        // the agency's note or reason
  std::string submitted;   // "27 November 2026 at 10:42"
  std::string note_value;  // the coordinator's note as typed, shown again after a mistake
  std::string note_error;  // why the decision was refused, next to the note
};

struct CoordinatorPageView {
  std::string partnership;
  date::year_month_day today{};
  std::string form_action;  // where the forms post: the link itself
  std::string form_token;   // the CSRF field
  std::vector<WaitingUpdate> waiting;
  std::string outcome;         // what the last decision did, for the status message; or ""
  std::string problem;         // a decision refused as a whole (already decided...), or ""
  std::string problem_anchor;  // the field the error summary links to
};

std::string render_coordinator(const WebTemplates& templates, const CoordinatorPageView& view);

}  // namespace plan_reminder::pages
