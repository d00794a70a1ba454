// The board paper as CSV for Excel (SPEC §11): UTF-8 with a byte-order mark, CRLF line ends,
// RFC 4180 quoting, and no cell Excel would take for a formula.
#pragma once

#include "reports/board_paper.h"

#include <string>
#include <string_view>

namespace plan_reminder::reports {

// One CSV cell: text Excel would read as a formula (starting with = + - or @) gets a leading
// apostrophe, and a cell with a comma, quote or line break is quoted (quotes doubled).
std::string csv_cell(std::string_view text);

// The paper as one table: a row per recommendation, per change and per chase of an overdue
// milestone, each saying which section it belongs to; the marking, when there is one, on a line
// of its own first and last.
std::string paper_csv(const BoardPaper& paper);

}  // namespace plan_reminder::reports
