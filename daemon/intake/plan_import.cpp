// Rows of an action-plan table into recommendations, actions and milestones.
#include "intake/plan_import.h"

#include "base/ascii.h"
#include "intake/agency_names.h"
#include "intake/csv_reader.h"
#include "intake/docx_reader.h"
#include "intake/header_row.h"
#include "intake/xlsx_reader.h"

#include <algorithm>

namespace plan_reminder::intake {
namespace {

std::string trimmed(std::string_view text) {
  while (!text.empty() && base::is_ascii_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && base::is_ascii_space(text.back())) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// The non-empty lines of a cell, each trimmed.
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (auto line = trimmed(text.substr(begin, end - begin)); !line.empty()) {
      lines.push_back(std::move(line));
    }
    begin = end + 1;
  }
  return lines;
}

std::size_t digits_at(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && base::is_ascii_digit(text[end])) {
    ++end;
  }
  return end - at;
}

// "(1) Implement ...", "1. Implement ...", "Recommendation 1: ..." -> {"1", "Implement ..."}.
std::pair<std::string, std::string> split_recommendation(std::string_view cell) {
  std::string_view text = cell;
  if (base::ascii_lower(text.substr(0, 14)) == "recommendation") {
    text.remove_prefix(14);
    text = std::string_view(text).substr(std::min(text.size(), text.find_first_not_of(' ')));
  }
  const bool bracket = !text.empty() && text.front() == '(';
  const std::size_t start = bracket ? 1 : 0;
  const std::size_t count = digits_at(text, start);
  if (count == 0 || start + count >= text.size()) {
    return {"", trimmed(cell)};
  }
  const char after = text[start + count];
  if ((bracket && after != ')') ||
      (!bracket && after != '.' && after != ')' && after != ':' && after != ' ')) {
    return {"", trimmed(cell)};
  }
  return {std::string(text.substr(start, count)), trimmed(text.substr(start + count + 1))};
}

// "1.2. Create a pathway ..." -> {"1.2", "Create a pathway ..."}; ids have at least one dot.
std::pair<std::string, std::string> split_action(std::string_view cell) {
  std::string_view text = cell;
  while (!text.empty() && base::is_ascii_space(text.front())) {
    text.remove_prefix(1);
  }
  if (base::ascii_lower(text.substr(0, 7)) == "action ") {
    text.remove_prefix(7);
  }
  std::size_t end = digits_at(text, 0);
  bool dotted = false;
  while (end > 0 && end + 1 < text.size() && text[end] == '.' && digits_at(text, end + 1) > 0) {
    end += 1 + digits_at(text, end + 1);
    dotted = true;
  }
  if (!dotted) {
    return {"", trimmed(cell)};
  }
  std::string id(text.substr(0, end));
  std::size_t rest = end;
  if (rest < text.size() && (text[rest] == '.' || text[rest] == ':' || text[rest] == ')')) {
    ++rest;
  }
  if (rest < text.size() && !base::is_ascii_space(text[rest])) {
    return {"", trimmed(cell)};
  }
  return {id, trimmed(text.substr(rest))};
}

// A completion cell that starts with the word "Completed" or "Complete" ("Meetings completed
// by WWiN" does not).
bool says_complete(std::string_view progress) {
  std::size_t end = 0;
  while (end < progress.size() && base::is_ascii_alpha(progress[end])) {
    ++end;
  }
  const std::string word = base::ascii_lower(progress.substr(0, end));
  return word == "completed" || word == "complete";
}

// Pairs the lines of a milestones cell with those of a target cell, in order.
std::vector<ImportedMilestone> pair_milestones(const std::vector<std::string>& texts,
                                               const std::vector<std::string>& targets) {
  std::vector<ImportedMilestone> milestones;
  if (texts.empty()) {
    // No milestones column or an empty cell: the action itself is the milestone (its text
    // stays empty: the plan gives the action a `target:` of its own).
    milestones.push_back({"", targets.empty() ? "" : targets.front(), ""});
    if (targets.size() > 1) {
      milestones.back().remark = "the target cell has " + std::to_string(targets.size()) +
                                 " lines and no milestones; only the first is kept";
    }
    return milestones;
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ImportedMilestone milestone{texts[i], "", ""};
    if (targets.size() == 1 && texts.size() > 1) {
      milestone.target = targets.front();
      milestone.remark =
          "one target for " + std::to_string(texts.size()) + " milestones: each is given it";
    } else if (i < targets.size()) {
      milestone.target = targets[i];
    } else if (!targets.empty()) {
      milestone.remark = "fewer targets than milestones in the table: this one has none";
    }
    milestones.push_back(std::move(milestone));
  }
  if (targets.size() > texts.size() && texts.size() > 1) {
    milestones.back().remark =
        "more targets than milestones in the table; the last ones are "
        "left out";
  } else if (targets.size() > texts.size()) {
    std::string rest;
    for (std::size_t i = 1; i < targets.size(); ++i) {
      rest += (i > 1 ? ", " : "") + targets[i];
    }
    milestones.back().remark = "further targets in the table, left out: " + rest;
  }
  return milestones;
}

class PlanBuilder {
 public:
  PlanBuilder(const std::string& file, const plan::Directory& directory, ImportedPlan& plan)
      : file_(file), names_(directory), plan_(plan) {}

  base::Result<void> add_table(const Table& table, const Columns& columns) {
    table_ = &table;
    columns_ = &columns;
    for (std::size_t row = columns.header_row + 1; row < table.rows.size(); ++row) {
      if (auto added = add_row(row); !added) {
        return added;
      }
    }
    return {};
  }

 private:
  std::string cell(std::size_t row, Field field) const {
    const auto& at = (*columns_)[field];
    const auto& cells = table_->rows[row];
    return at && *at < cells.size() ? trimmed(cells[*at]) : std::string();
  }

  base::Error error_at(std::size_t row, Field field, const std::string& message) const {
    return base::Error{place(file_, *table_, row, columns_->name(field)) + message};
  }

  bool is_blank_or_header(std::size_t row) const {
    const auto& cells = table_->rows[row];
    const bool blank = std::all_of(cells.begin(), cells.end(),
                                   [](const std::string& c) { return trimmed(c).empty(); });
    return blank || cells == table_->rows[columns_->header_row];
  }

  base::Result<void> add_row(std::size_t row) {
    if (is_blank_or_header(row)) {
      return {};
    }
    if (auto started = recommendation_of(row); !started) {
      return started;
    }
    auto& recommendation = plan_.recommendations.back();
    auto [id, text] = split_action(cell(row, Field::action));
    const std::string lead = cell(row, Field::lead);
    ImportedAction* above =
        recommendation.actions.empty() ? nullptr : &recommendation.actions.back();
    if (above != nullptr && (id == above->id || (id.empty() && lead.empty()))) {
      return continue_action(row, *above, id.empty() ? text : std::string());
    }
    if (lead.empty()) {
      return error_at(row, Field::lead, "no lead agency is named for this action");
    }
    return start_action(row, recommendation, id, text);
  }

  base::Result<void> recommendation_of(std::size_t row) {
    const std::string text = cell(row, Field::recommendation);
    auto& list = plan_.recommendations;
    if (text.empty() || (!list.empty() && text == raw_recommendation_)) {
      if (list.empty() && !(*columns_)[Field::recommendation]) {
        return base::Error{place(file_, *table_, columns_->header_row) +
                           "the header row has no \"Recommendation\" column"};
      }
      if (list.empty()) {
        return error_at(row, Field::recommendation,
                        "the first action has no recommendation above it");
      }
      return {};
    }
    raw_recommendation_ = text;
    ImportedRecommendation recommendation;
    auto [id, rest] = split_recommendation(text);
    recommendation.id = id.empty() ? std::to_string(list.size() + 1) : id;
    recommendation.text = rest;
    if (id.empty()) {
      recommendation.remarks.push_back("the table gives this recommendation no number: " +
                                       recommendation.id + " is its place in the table");
    }
    if (auto scope = scope_of(row, recommendation); !scope) {
      return scope;
    }
    list.push_back(std::move(recommendation));
    return {};
  }

  base::Result<void> scope_of(std::size_t row, ImportedRecommendation& recommendation) const {
    const std::string scope = base::ascii_lower(cell(row, Field::scope));
    if (scope.empty()) {
      recommendation.remarks.emplace_back("no scope in the table: local assumed");
      return {};
    }
    for (std::string_view known : {"local", "regional", "national"}) {
      if (scope == known) {
        recommendation.scope = std::string(known);
        return {};
      }
    }
    return error_at(row, Field::scope,
                    "\"" + cell(row, Field::scope) +
                        "\" is not a scope: expected Local, "
                        "Regional or National");
  }

  base::Result<void> start_action(std::size_t row, ImportedRecommendation& recommendation,
                                  const std::string& id, const std::string& text) {
    ImportedAction action;
    action.id = id;
    if (id.empty()) {
      action.id = recommendation.id + "." + std::to_string(recommendation.actions.size() + 1);
      action.remarks.push_back("the table gives this action no number: " + action.id +
                               " is its place under the recommendation");
    }
    action.text = text;
    auto agencies = names_.read(cell(row, Field::lead));
    if (!agencies) {
      return error_at(row, Field::lead, agencies.error().message);
    }
    action.lead = std::move(agencies->lead);
    action.support = std::move(agencies->support);
    action.outcome = cell(row, Field::outcome);
    action.progress = cell(row, Field::progress);
    action.complete = says_complete(action.progress);
    action.milestones =
        pair_milestones(lines_of(cell(row, Field::milestones)), lines_of(cell(row, Field::target)));
    if (action.text.empty()) {
      return error_at(row, Field::action, "the action has no text");
    }
    recommendation.actions.push_back(std::move(action));
    return {};
  }

  // A row with no action number (or the same one) adds to the action above it.
  base::Result<void> continue_action(std::size_t row, ImportedAction& action,
                                     const std::string& text) {
    if (!text.empty()) {
      action.text += "\n" + text;
    }
    auto milestones = lines_of(cell(row, Field::milestones));
    auto targets = lines_of(cell(row, Field::target));
    if (!milestones.empty() || !targets.empty()) {
      for (auto& milestone : pair_milestones(milestones, targets)) {
        action.milestones.push_back(std::move(milestone));
      }
    }
    for (auto [field, value] : {std::pair{Field::outcome, &action.outcome},
                                std::pair{Field::progress, &action.progress}}) {
      const std::string more = cell(row, field);
      if (!more.empty() && more != *value) {
        *value += value->empty() ? more : "\n" + more;
      }
    }
    action.complete = says_complete(action.progress);
    return {};
  }

  const std::string& file_;
  AgencyNames names_;
  ImportedPlan& plan_;
  const Table* table_ = nullptr;
  const Columns* columns_ = nullptr;
  std::string raw_recommendation_;
};

std::string extension_of(const std::string& file) {
  const auto dot = file.rfind('.');
  return dot == std::string::npos ? std::string() : base::ascii_lower(file.substr(dot));
}

}  // namespace

base::Result<std::vector<Table>> read_tables(std::string_view bytes, const std::string& file,
                                             const Limits& limits) {
  const std::string extension = extension_of(file);
  if (extension == ".csv") {
    auto table = read_csv(bytes, file, limits);
    if (!table) {
      return table.error();
    }
    return std::vector<Table>{std::move(*table)};
  }
  if (extension == ".docx") {
    return read_docx(bytes, file, limits);
  }
  if (extension == ".xlsx") {
    return read_xlsx(bytes, file, limits);
  }
  return base::Error{file +
                     ": expected a Word document (.docx), a spreadsheet (.xlsx) or CSV "
                     "(.csv), by the name's ending"};
}

base::Result<ImportedPlan> build_plan(const std::vector<Table>& tables, const std::string& file,
                                      const ImportOptions& options,
                                      const plan::Directory& directory) {
  ImportedPlan plan;
  plan.review_id = options.review_id;
  plan.title = options.title;
  plan.published = options.published;
  plan.partnership = directory.partnership;
  PlanBuilder builder(file, directory, plan);
  std::vector<std::string> used;
  for (const Table& table : tables) {
    auto columns = find_header(table);
    if (!columns) {
      continue;
    }
    if (auto added = builder.add_table(table, *columns); !added) {
      return added.error();
    }
    used.push_back(table.name);
  }
  if (used.empty()) {
    return base::Error{file +
                       ": no table with a header row naming at least an action (\"Action(s)\"), "
                       "a lead agency (\"Lead agency\") and a target (\"Target date\") or "
                       "milestones (\"Key milestones\") in its first rows"};
  }
  if (plan.recommendations.empty()) {
    return base::Error{file + ": " + used.front() + " has a header row but no actions under it"};
  }
  plan.source = file + ", " + used.front();
  for (std::size_t i = 1; i < used.size(); ++i) {
    plan.source += (i + 1 == used.size() ? " and " : ", ") + used[i];
  }
  return plan;
}

}  // namespace plan_reminder::intake
