// Loose matching of header names.
#include "intake/header_row.h"

#include "base/ascii.h"

namespace plan_reminder::intake {
namespace {

// Only the first rows are searched: a title or an introduction may come before the header.
constexpr std::size_t kHeaderSearchRows = 10;

// Lower-case letters and digits, everything else one space: "Lead Agency/ies" is
// "lead agency ies".
std::string words_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (base::is_ascii_alnum(c)) {
      out += base::ascii_lower(c);
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  if (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

bool has(const std::string& words, std::string_view word) {
  return words.find(word) != std::string::npos;
}

}  // namespace

std::optional<Field> field_of_header(std::string_view header) {
  const std::string words = words_of(header);
  if (words.empty() || words.size() > 60) {
    return std::nullopt;
  }
  // Order matters: "Date of completion and outcome" is the progress column, not the outcome.
  if (has(words, "completion") || has(words, "progress") || has(words, "update") ||
      words == "status" || has(words, "comments")) {
    return Field::progress;
  }
  if (has(words, "recommendation")) {
    return Field::recommendation;
  }
  if (words == "scope" || words == "level") {
    return Field::scope;
  }
  if (has(words, "milestone")) {
    return Field::milestones;
  }
  if (has(words, "target") || has(words, "timescale") || has(words, "deadline") ||
      has(words, "due date") || words == "by when" || words == "date") {
    return Field::target;
  }
  if (has(words, "lead") || has(words, "agenc") || has(words, "responsib") || words == "owner") {
    return Field::lead;
  }
  if (words.starts_with("action") || words == "what") {
    return Field::action;
  }
  if (has(words, "outcome")) {
    return Field::outcome;
  }
  return std::nullopt;
}

std::optional<Columns> find_header(const Table& table) {
  for (std::size_t row = 0; row < table.rows.size() && row < kHeaderSearchRows; ++row) {
    Columns columns;
    columns.header_row = row;
    for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
      auto field = field_of_header(table.rows[row][column]);
      if (!field) {
        continue;
      }
      auto index = static_cast<std::size_t>(*field);
      if (!columns.at[index]) {  // the first of two alike columns counts
        columns.at[index] = column;
        columns.names[index] = table.rows[row][column];
      }
    }
    if (columns[Field::action] && columns[Field::lead] &&
        (columns[Field::target] || columns[Field::milestones])) {
      return columns;
    }
  }
  return std::nullopt;
}

}  // namespace plan_reminder::intake
