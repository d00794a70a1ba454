// Where a problem in an imported table is, in the words of the error convention.
#include "intake/table.h"

namespace plan_reminder::intake {

std::string place(const std::string& file, const Table& table, std::size_t row,
                  const std::string& column) {
  std::string out = file + ": " + table.name + ", row " + std::to_string(row + 1);
  if (!column.empty()) {
    out += ", column \"" + column + "\"";
  }
  return out + ": ";
}

}  // namespace plan_reminder::intake
