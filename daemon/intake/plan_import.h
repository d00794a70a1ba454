// `plan-reminder import`'s core: the bytes of a .docx, .xlsx or .csv action-plan table and the
// agency directory in, the plan's YAML out. Pure: no files, no clock.
#pragma once

#include "base/result.h"
#include "intake/imported_plan.h"
#include "intake/table.h"
#include "plan/model.h"

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::intake {

struct ImportOptions {
  std::string review_id;
  std::string title;
  std::string published;  // ISO date or empty
};

// The tables of a file, by its extension (.docx, .xlsx, .csv); `file` names it in errors.
base::Result<std::vector<Table>> read_tables(std::string_view bytes, const std::string& file,
                                             const Limits& limits = {});

// The plan the tables hold: every table with a recognisable header row, in order.
base::Result<ImportedPlan> build_plan(const std::vector<Table>& tables, const std::string& file,
                                      const ImportOptions& options,
                                      const plan::Directory& directory);

}  // namespace plan_reminder::intake
