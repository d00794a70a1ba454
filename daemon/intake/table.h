// The one model of an imported table, whatever file it came from (.docx, .xlsx, .csv): rows of
// cells of text, merged cells already filled in, paragraphs of a cell as lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace plan_reminder::intake {

// One table of a document, as its cells read: row 0 is the table's first row.
struct Table {
  std::string name;  // how errors name it: "table 1", "sheet 'Action plan'"
  std::vector<std::vector<std::string>> rows;
};

// Where a problem is, for messages: `plan.docx: table 1, row 7, column "Target date": `.
std::string place(const std::string& file, const Table& table, std::size_t row,
                  const std::string& column = {});

// Limits that keep a hostile file from exhausting memory or time.
struct Limits {
  std::size_t max_entries = 10'000;                             // zip entries
  std::size_t max_entry_bytes = std::size_t{32} * 1024 * 1024;  // one uncompressed zip entry
  std::size_t max_total_bytes = std::size_t{64} * 1024 * 1024;  // all entries read, uncompressed
  std::size_t max_rows = 10'000;                                // rows of one table
  std::size_t max_columns = 64;                                 // columns of one table
  std::size_t max_cell_bytes = std::size_t{256} * 1024;         // text of one cell
};

}  // namespace plan_reminder::intake
