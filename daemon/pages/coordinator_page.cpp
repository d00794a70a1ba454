// The coordinator's page (see coordinator_page.h).
#include "pages/coordinator_page.h"

#include "mail/template_data.h"
#include "mail/template_text.h"
#include "pages/page_layout.h"

namespace plan_reminder::pages {
namespace {

mail::mustache::data update_data(const WaitingUpdate& update) {
  mail::mustache::data out =
      update.milestone ? mail::milestone_data(*update.milestone) : mail::mustache::data();
  out.set("in_plans", update.milestone.has_value());
  out.set("id", std::to_string(update.id));
  out.set("agency_name", update.agency_name);
  out.set("about", update.about);
  out.set("request", update.request);
  out.set("update_note", update.note);
  out.set("has_update_note", !update.note.empty());
  out.set("submitted", update.submitted);
  out.set("note_value", update.note_value);
  out.set("note_error", update.note_error);
  out.set("has_note_error", !update.note_error.empty());
  return out;
}

}  // namespace

std::string render_coordinator(const WebTemplates& templates, const CoordinatorPageView& view) {
  mail::mustache::data out = page_data("Updates from agencies", view.partnership, view.today);
  out.set("form_action", view.form_action);
  out.set("form_token", view.form_token);
  const int count = static_cast<int>(view.waiting.size());
  out.set("count_text", count == 1
                            ? std::string("1 update waits for your decision")
                            : mail::plural(count, "update", "updates") + " wait for your decision");
  out.set("has_waiting", count > 0);
  std::vector<mail::mustache::data> list;
  list.reserve(view.waiting.size());
  for (const WaitingUpdate& update : view.waiting) {
    list.push_back(update_data(update));
  }
  mail::set_moved(out, "waiting", mail::list_of(std::move(list)));
  out.set("outcome", view.outcome);
  out.set("has_outcome", !view.outcome.empty());
  out.set("problem", view.problem);
  out.set("problem_anchor", view.problem_anchor);
  out.set("has_problem", !view.problem.empty());
  return templates.render("updates", std::move(out));
}

}  // namespace plan_reminder::pages
