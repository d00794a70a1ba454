// The update page (see update_page.h).
#include "pages/update_page.h"

#include "mail/template_data.h"
#include "mail/template_text.h"
#include "pages/page_layout.h"

namespace plan_reminder::pages {
namespace {

// The choices, in the order the page offers them, with their words.
struct Choice {
  const char* value;
  const char* label;
  const char* hint;
};
constexpr Choice kChoices[] = {
    {"", "Nothing to report for now", ""},
    {"completed", "Completed", "Give the date it was completed below; a note is welcome."},
    {"progress", "Progress update", "Say what has been done below."},
    {"new_target", "A new target date is needed", "Give the new date and the reason below."},
    {"not_implemented", "It will not be implemented", "Give the reason below."},
};

mail::mustache::data milestone_data(const UpdatePageMilestone& item, std::size_t index) {
  mail::mustache::data out = mail::milestone_data(item.milestone);
  const std::string n = std::to_string(index + 1);
  out.set("n", n);
  out.set("waiting", item.waiting);
  out.set("has_waiting", !item.waiting.empty());
  std::vector<mail::mustache::data> choices;
  choices.reserve(std::size(kChoices));
  for (std::size_t i = 0; i < std::size(kChoices); ++i) {
    mail::mustache::data choice;
    choice.set("id", "kind-" + n + (i == 0 ? "" : "-" + std::to_string(i)));
    choice.set("value", kChoices[i].value);
    choice.set("label", kChoices[i].label);
    choice.set("hint", kChoices[i].hint);
    choice.set("has_hint", *kChoices[i].hint != '\0');
    choice.set("checked", item.entry.kind == kChoices[i].value);
    choices.push_back(std::move(choice));
  }
  mail::set_moved(out, "choices", mail::list_of(std::move(choices)));
  out.set("done_value", item.entry.done_on);
  out.set("target_value", item.entry.target);
  out.set("note_value", item.entry.note);
  for (const char* field : {"kind", "done", "target", "note"}) {
    auto found = item.errors.find(field);
    const bool has = found != item.errors.end();
    out.set(std::string(field) + "_error", has ? found->second : std::string());
    out.set(std::string("has_") + field + "_error", has);
  }
  return out;
}

}  // namespace

std::string render_update(const WebTemplates& templates, const UpdatePageView& view) {
  mail::mustache::data out = page_data("Update your actions", view.partnership, view.today);
  out.set("agency_name", view.agency_name);
  out.set("form_action", view.form_action);
  out.set("form_token", view.form_token);
  const int count = static_cast<int>(view.milestones.size());
  out.set("count_text", mail::plural(count, "milestone", "milestones"));
  out.set("has_milestones", count > 0);
  std::vector<mail::mustache::data> list;
  list.reserve(view.milestones.size());
  for (std::size_t i = 0; i < view.milestones.size(); ++i) {
    list.push_back(milestone_data(view.milestones[i], i));
  }
  mail::set_moved(out, "milestones", mail::list_of(std::move(list)));
  std::vector<mail::mustache::data> problems;
  problems.reserve(view.problems.size());
  for (const progress::FieldProblem& problem : view.problems) {
    mail::mustache::data entry;
    entry.set("message", problem.message);
    entry.set("anchor", problem.index == progress::FieldProblem::kWholeForm
                            ? std::string("kind-1")
                            : progress::field_name(problem.field, problem.index));
    problems.push_back(std::move(entry));
  }
  mail::set_moved(out, "problems", mail::list_of(std::move(problems)));
  out.set("has_problems", !view.problems.empty());
  std::vector<mail::mustache::data> sent;
  sent.reserve(view.sent.size());
  for (const std::string& line : view.sent) {
    mail::mustache::data entry;
    entry.set("line", line);
    sent.push_back(std::move(entry));
  }
  mail::set_moved(out, "sent", mail::list_of(std::move(sent)));
  out.set("is_sent", !view.sent.empty());
  return templates.render("update", std::move(out));
}

}  // namespace plan_reminder::pages
