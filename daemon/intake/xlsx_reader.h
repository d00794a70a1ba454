// Sheets of an Excel workbook (.xlsx): every worksheet in the workbook's order as a table, with
// shared and inline strings, numbers as written, dates (numbers in a date-formatted cell) as
// ISO dates, and merged cells (mergeCells) filled with the value of their top-left cell.
#pragma once

#include "base/result.h"
#include "intake/table.h"

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::intake {

base::Result<std::vector<Table>> read_xlsx(std::string_view bytes, const std::string& file,
                                           const Limits& limits = {});

// A spreadsheet's date serial number (days since 1899-12-30, or since 1904-01-01 when the
// workbook says date1904) as YYYY-MM-DD; empty when it is no day.
std::string serial_to_iso_date(double serial, bool date1904);

}  // namespace plan_reminder::intake
