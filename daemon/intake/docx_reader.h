// Tables of a Word document (.docx): every w:tbl in document order, with horizontally merged
// cells (w:gridSpan) placed at their grid column and vertically merged ones (w:vMerge) given
// the text of the cell they continue; each paragraph of a cell is one line.
#pragma once

#include "base/result.h"
#include "intake/table.h"

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::intake {

base::Result<std::vector<Table>> read_docx(std::string_view bytes, const std::string& file,
                                           const Limits& limits = {});

}  // namespace plan_reminder::intake
