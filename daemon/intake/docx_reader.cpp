// WordprocessingML tables into the table model.
#include "intake/docx_reader.h"

#include "intake/office_xml.h"
#include "intake/zip_archive.h"

namespace plan_reminder::intake {
namespace {

// The text of one paragraph: runs' text, tabs as a space, line breaks as new lines.
void append_paragraph(const pugi::xml_node& paragraph, std::string& out) {
  for (pugi::xml_node node = paragraph.first_child(); node;) {
    const std::string_view name = local_name(node);
    if (name == "t") {
      out += node.text().get();
    } else if (name == "tab") {
      out += ' ';
    } else if (name == "br" || name == "cr") {
      out += '\n';
    }
    // Depth first through runs, hyperlinks and inserted text, but not into nested tables or
    // deleted text.
    if (node.first_child() && name != "tbl" && name != "del" && name != "delText" && name != "t") {
      node = node.first_child();
      continue;
    }
    while (node && node != paragraph && !node.next_sibling()) {
      node = node.parent();
    }
    if (!node || node == paragraph) {
      break;
    }
    node = node.next_sibling();
  }
}

std::string cell_text(const pugi::xml_node& cell) {
  std::string text;
  bool first = true;
  for (pugi::xml_node child : cell.children()) {
    if (local_name(child) != "p") {
      continue;
    }
    if (!first) {
      text += '\n';
    }
    first = false;
    append_paragraph(child, text);
  }
  // Trailing empty paragraphs are how Word ends a cell, not lines of the text.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::size_t int_attribute(const pugi::xml_node& properties, std::string_view element,
                          std::size_t fallback) {
  pugi::xml_node node = child_named(properties, element);
  if (!node) {
    return fallback;
  }
  const int value = attribute_named(node, "val").as_int(static_cast<int>(fallback));
  return value > 0 ? static_cast<std::size_t>(value) : fallback;
}

// One row: each cell at its grid column; a w:vMerge "continue" cell takes the text above.
base::Result<std::vector<std::string>> read_row(const pugi::xml_node& row,
                                                const std::vector<std::string>& above,
                                                const std::string& where, const Limits& limits) {
  std::vector<std::string> cells;
  std::size_t column = int_attribute(child_named(row, "trPr"), "gridBefore", 0);
  cells.resize(std::min(column, limits.max_columns));
  for (pugi::xml_node cell : row.children()) {
    if (local_name(cell) != "tc") {
      continue;
    }
    pugi::xml_node properties = child_named(cell, "tcPr");
    const std::size_t span = int_attribute(properties, "gridSpan", 1);
    pugi::xml_node merge = child_named(properties, "vMerge");
    const std::string_view merge_value = attribute_named(merge, "val").value();
    const bool continues = merge && merge_value != "restart";
    if (column + span > limits.max_columns) {
      return base::Error{where + "more than " + std::to_string(limits.max_columns) + " columns"};
    }
    cells.resize(column + span);
    cells[column] = continues && column < above.size() ? above[column] : cell_text(cell);
    if (cells[column].size() > limits.max_cell_bytes) {
      return base::Error{where + "a cell longer than " + std::to_string(limits.max_cell_bytes) +
                         " bytes"};
    }
    column += span;
  }
  return cells;
}

}  // namespace

base::Result<std::vector<Table>> read_docx(std::string_view bytes, const std::string& file,
                                           const Limits& limits) {
  auto archive = ZipArchive::open(bytes, file, limits);
  if (!archive) {
    return archive.error();
  }
  auto xml = archive->read("word/document.xml");
  if (!xml) {
    return base::Error{xml.error().message + " (is it a Word document?)"};
  }
  auto document = parse_xml(*xml, file, "word/document.xml");
  if (!document) {
    return document.error();
  }
  std::vector<Table> tables;
  for (pugi::xpath_node found : (*document)->select_nodes("//*[local-name()='tbl']")) {
    Table table;
    table.name = "table " + std::to_string(tables.size() + 1);
    for (pugi::xml_node row : found.node().children()) {
      if (local_name(row) != "tr") {
        continue;
      }
      if (table.rows.size() >= limits.max_rows) {
        return base::Error{file + ": " + table.name + ": more than " +
                           std::to_string(limits.max_rows) + " rows"};
      }
      static const std::vector<std::string> kNone;
      auto cells = read_row(row, table.rows.empty() ? kNone : table.rows.back(),
                            place(file, table, table.rows.size()), limits);
      if (!cells) {
        return cells.error();
      }
      table.rows.push_back(std::move(*cells));
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace plan_reminder::intake
