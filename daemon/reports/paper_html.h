// The board paper as one self-contained HTML page (SPEC §11), for printing on A4 or attaching to
// an agenda: no external assets, tables that break across pages with their header rows
// repeated, every text escaped, the RAG as a word on a coloured ground.
#pragma once

#include "reports/board_paper.h"

#include <string>

namespace plan_reminder::reports {

std::string paper_html(const BoardPaper& paper);

}  // namespace plan_reminder::reports
