// Finding an action-plan table by its header row: column names matched loosely, as the Home
// Office template and partnerships write them ("Action(s)", "Lead Agency/ies", "Key
// milestones", "Target date", "Timescale", "Date of completion and outcome", "Progress"...).
#pragma once

#include "intake/table.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::intake {

// What a column holds, in the plan's terms.
enum class Field { recommendation, scope, action, lead, milestones, target, outcome, progress };
inline constexpr std::size_t kFieldCount = 8;

// The field a header names, if any.
std::optional<Field> field_of_header(std::string_view header);

// Where each field's column is in a table, and the header row it was found on.
struct Columns {
  std::size_t header_row = 0;
  std::array<std::optional<std::size_t>, kFieldCount> at{};
  std::array<std::string, kFieldCount> names{};  // the headers as written, for messages

  const std::optional<std::size_t>& operator[](Field field) const {
    return at[static_cast<std::size_t>(field)];
  }
  const std::string& name(Field field) const { return names[static_cast<std::size_t>(field)]; }
};

// The first row among the first rows of `table` that names at least an action, a lead agency
// and a target or milestones column; nullopt when none does.
std::optional<Columns> find_header(const Table& table);

}  // namespace plan_reminder::intake
