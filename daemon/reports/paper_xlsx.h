// The board paper as an Excel workbook (SPEC §11), through libxlsxwriter (known only here): a
// summary sheet and one sheet per review, header rows frozen, RAG as a cell fill with its word,
// dates as Excel dates, set up to print on A4 with the marking in the page header and footer.
#pragma once

#include "base/result.h"
#include "reports/board_paper.h"

#include <string>
#include <vector>

namespace plan_reminder::reports {

// Excel's limits on a sheet name: at most 31 characters, none of []:*?/\, not starting or
// ending with an apostrophe, unique regardless of case. Each wanted name (a review id) made
// valid, cut and numbered where needed; `taken` names (the summary sheet) are avoided too.
std::vector<std::string> sheet_names(const std::vector<std::string>& wanted,
                                     const std::vector<std::string>& taken);

// The workbook's bytes; `scratch_folder` holds the file libxlsxwriter writes while it works.
base::Result<std::string> paper_xlsx(const BoardPaper& paper, const std::string& scratch_folder);

}  // namespace plan_reminder::reports
