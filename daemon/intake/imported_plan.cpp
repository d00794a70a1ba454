// Writing an imported plan as YAML, with its remarks as comments.
#include "intake/imported_plan.h"

#include "progress/write_back.h"

namespace plan_reminder::intake {
namespace {

using progress::double_quoted;

void remarks(const std::vector<std::string>& lines, const std::string& indent, std::string& out) {
  for (const auto& line : lines) {
    out += indent;
    out += "# import: ";
    out += line;
    out += '\n';
  }
}

std::string id_list(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += (i > 0 ? ", " : "") + ids[i];
  }
  return out + "]";
}

void write_action(const ImportedAction& action, std::string& out) {
  const std::string indent = "        ";
  out += "      - id: " + double_quoted(action.id) + "\n";
  remarks(action.remarks, indent, out);
  out += indent + "text: " + double_quoted(action.text) + "\n";
  out += indent + "lead: " + id_list(action.lead) + "\n";
  if (!action.support.empty()) {
    out += indent + "support: " + id_list(action.support) + "\n";
  }
  if (!action.outcome.empty()) {
    out += indent + "outcome: " + double_quoted(action.outcome) + "\n";
  }
  if (!action.progress.empty()) {
    out += indent + "progress: " + double_quoted(action.progress) + "\n";
  }
  out += indent + "status: " + (action.complete ? "complete" : "open") + "\n";
  if (action.milestones.size() == 1 && action.milestones.front().text.empty()) {
    // The table gave the action a target and no milestones: its one implicit milestone.
    if (!action.milestones.front().remark.empty()) {
      out += indent + "# import: " + action.milestones.front().remark + "\n";
    }
    out += indent + "target: " + double_quoted(action.milestones.front().target) + "\n";
    return;
  }
  out += indent + "milestones:\n";
  for (const auto& milestone : action.milestones) {
    if (!milestone.remark.empty()) {
      out += indent + "  # import: " + milestone.remark + "\n";
    }
    out += indent + "  - text: " + double_quoted(milestone.text) + "\n";
    out += indent + "    target: " + double_quoted(milestone.target) + "\n";
  }
}

}  // namespace

std::string to_yaml(const ImportedPlan& plan) {
  std::string out = "# Imported by `plan-reminder import` from " + plan.source + ".\n";
  out +=
      "# Lines marked \"import:\" say where the table was unclear: check them, then delete "
      "the mark.\n\n";
  out += "review:\n";
  out += "  id: " + plan.review_id + "\n";
  out += "  title: " + double_quoted(plan.title) + "\n";
  out += "  partnership: " + double_quoted(plan.partnership) + "\n";
  if (!plan.published.empty()) {
    out += "  published: " + plan.published + "\n";
  }
  out += "\nrecommendations:\n";
  for (const auto& recommendation : plan.recommendations) {
    out += "  - id: " + double_quoted(recommendation.id) + "\n";
    remarks(recommendation.remarks, "    ", out);
    out += "    scope: " + recommendation.scope + "\n";
    out += "    text: " + double_quoted(recommendation.text) + "\n";
    out += "    actions:\n";
    for (const auto& action : recommendation.actions) {
      write_action(action, out);
    }
    out += "\n";
  }
  return out;
}

}  // namespace plan_reminder::intake
