// A plan as read from a table, before it is written as YAML: the plan's fields with the
// remarks the import makes where the table was unclear ("import: ..." comments in the file).
#pragma once

#include <string>
#include <vector>

namespace plan_reminder::intake {

struct ImportedMilestone {
  std::string text;
  std::string target;  // as written; an xlsx date cell as an ISO date
  std::string remark;  // empty, or why this milestone needs a look
};

struct ImportedAction {
  std::string id;
  std::string text;
  std::vector<std::string> lead;
  std::vector<std::string> support;
  std::string outcome;
  std::string progress;
  bool complete = false;
  std::vector<ImportedMilestone> milestones;
  std::vector<std::string> remarks;
};

struct ImportedRecommendation {
  std::string id;
  std::string scope = "local";
  std::string text;
  std::vector<ImportedAction> actions;
  std::vector<std::string> remarks;
};

struct ImportedPlan {
  std::string source;  // "plan.docx, table 1"
  std::string review_id;
  std::string title;
  std::string partnership;
  std::string published;  // empty: not given
  std::vector<ImportedRecommendation> recommendations;
};

// The plan as YAML that the plan loader reads back exactly: every text double-quoted.
std::string to_yaml(const ImportedPlan& plan);

}  // namespace plan_reminder::intake
