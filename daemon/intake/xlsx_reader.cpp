// SpreadsheetML sheets into the table model.
#include "intake/xlsx_reader.h"

#include "base/ascii.h"
#include "intake/office_xml.h"
#include "intake/zip_archive.h"

#include <date/date.h>

#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace plan_reminder::intake {
namespace {

// What the workbook's shared parts say, for reading each sheet.
struct Workbook {
  std::vector<std::string> shared_strings;
  std::set<std::size_t> date_styles;  // indexes of cellXfs whose number format is a date
  bool date1904 = false;
};

// Text of a string item: <t>, or the <t> of each rich-text run <r>.
std::string string_item(const pugi::xml_node& item) {
  std::string text;
  for (pugi::xml_node child : item.children()) {
    if (local_name(child) == "t") {
      text += child.text().get();
    } else if (local_name(child) == "r") {
      text += child_named(child, "t").text().get();
    }
  }
  return text;
}

// Excel's built-in date formats (14-22, 45-47) and custom formats with day or year codes.
bool is_date_format(unsigned id, const std::map<unsigned, std::string>& custom) {
  if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47)) {
    return true;
  }
  auto found = custom.find(id);
  if (found == custom.end()) {
    return false;
  }
  bool quoted = false;
  for (char c : found->second) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (base::ascii_lower(c) == 'd' || base::ascii_lower(c) == 'y')) {
      return true;
    }
  }
  return false;
}

void read_styles(const pugi::xml_node& root, Workbook& workbook) {
  std::map<unsigned, std::string> custom;
  for (pugi::xml_node format : child_named(root, "numFmts").children()) {
    custom[attribute_named(format, "numFmtId").as_uint()] =
        attribute_named(format, "formatCode").value();
  }
  std::size_t index = 0;
  for (pugi::xml_node xf : child_named(root, "cellXfs").children()) {
    if (local_name(xf) != "xf") {
      continue;
    }
    if (is_date_format(attribute_named(xf, "numFmtId").as_uint(), custom)) {
      workbook.date_styles.insert(index);
    }
    ++index;
  }
}

// "AB12" -> column 27 (0-based), row 11 (0-based); false when it is no cell reference.
bool parse_reference(std::string_view reference, std::size_t& row, std::size_t& column) {
  std::size_t at = 0;
  column = 0;
  while (at < reference.size() && base::is_ascii_alpha(reference[at]) && at < 4) {
    column = column * 26 + static_cast<std::size_t>(base::ascii_lower(reference[at]) - 'a' + 1);
    ++at;
  }
  std::size_t number = 0;
  auto [end, error] =
      std::from_chars(reference.data() + at, reference.data() + reference.size(), number);
  if (at == 0 || error != std::errc() || end != reference.data() + reference.size() ||
      number == 0) {
    return false;
  }
  row = number - 1;
  column -= 1;
  return true;
}

std::string number_text(std::string_view value) {
  double number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    return std::string(value);
  }
  if (std::floor(number) == number && std::fabs(number) < 1e15) {
    return std::to_string(static_cast<long long>(number));
  }
  return std::string(value);
}

std::string cell_value(const pugi::xml_node& cell, const Workbook& workbook) {
  const std::string_view type = attribute_named(cell, "t").value();
  const std::string_view value = child_named(cell, "v").text().get();
  if (type == "s") {
    const std::size_t index = child_named(cell, "v").text().as_uint(~0U);
    return index < workbook.shared_strings.size() ? workbook.shared_strings[index] : "";
  }
  if (type == "inlineStr") {
    return string_item(child_named(cell, "is"));
  }
  if (type == "str" || type == "e") {
    return std::string(value);
  }
  if (type == "b") {
    return value == "1" ? "TRUE" : "FALSE";
  }
  if (!value.empty() && workbook.date_styles.contains(attribute_named(cell, "s").as_uint())) {
    double serial = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), serial);
    if (error == std::errc()) {
      if (auto day = serial_to_iso_date(serial, workbook.date1904); !day.empty()) {
        return day;
      }
    }
  }
  return number_text(value);
}

// Fills every cell of each merged range with its top-left value.
base::Result<void> fill_merged(const pugi::xml_node& root, Table& table, const std::string& file,
                               const Limits& limits) {
  for (pugi::xml_node merge : child_named(root, "mergeCells").children()) {
    const std::string_view range = attribute_named(merge, "ref").value();
    const auto colon = range.find(':');
    std::size_t top = 0, left = 0, bottom = 0, right = 0;
    if (colon == std::string_view::npos || !parse_reference(range.substr(0, colon), top, left) ||
        !parse_reference(range.substr(colon + 1), bottom, right) || bottom < top || right < left) {
      continue;
    }
    if (bottom >= limits.max_rows || right >= limits.max_columns) {
      return base::Error{file + ": " + table.name + ": the merged cells " + std::string(range) +
                         " reach beyond " + std::to_string(limits.max_rows) + " rows or " +
                         std::to_string(limits.max_columns) + " columns"};
    }
    if (table.rows.size() <= bottom) {
      table.rows.resize(bottom + 1);
    }
    const std::string value = left < table.rows[top].size() ? table.rows[top][left] : std::string();
    for (std::size_t row = top; row <= bottom; ++row) {
      auto& cells = table.rows[row];
      cells.resize(std::max(cells.size(), right + 1));
      for (std::size_t column = left; column <= right; ++column) {
        cells[column] = value;
      }
    }
  }
  return {};
}

base::Result<Table> read_sheet(const pugi::xml_node& root, Table table, const Workbook& workbook,
                               const std::string& file, const Limits& limits) {
  std::size_t next_row = 0;
  for (pugi::xml_node row : child_named(root, "sheetData").children()) {
    std::size_t index = attribute_named(row, "r").as_uint(0);
    index = index == 0 ? next_row : index - 1;
    if (index >= limits.max_rows) {
      return base::Error{file + ": " + table.name + ": more than " +
                         std::to_string(limits.max_rows) + " rows; an action plan has far fewer"};
    }
    next_row = index + 1;
    table.rows.resize(std::max(table.rows.size(), index + 1));
    std::size_t next_column = 0;
    for (pugi::xml_node cell : row.children()) {
      std::size_t r = index;
      std::size_t column = next_column;
      const std::string_view reference = attribute_named(cell, "r").value();
      if (!reference.empty() && !parse_reference(reference, r, column)) {
        return base::Error{place(file, table, index) + "the cell reference \"" +
                           std::string(reference) + "\" is not one"};
      }
      next_column = column + 1;
      if (column >= limits.max_columns) {
        return base::Error{place(file, table, index) + "more than " +
                           std::to_string(limits.max_columns) + " columns"};
      }
      auto& cells = table.rows[index];
      cells.resize(std::max(cells.size(), column + 1));
      cells[column] = cell_value(cell, workbook);
    }
  }
  if (auto filled = fill_merged(root, table, file, limits); !filled) {
    return filled.error();
  }
  return table;
}

// The worksheets' names and parts, in the workbook's order.
base::Result<std::vector<std::pair<std::string, std::string>>> sheet_parts(ZipArchive& archive,
                                                                           const std::string& file,
                                                                           Workbook& workbook) {
  auto book_xml = archive.read("xl/workbook.xml");
  auto rels_xml = archive.read("xl/_rels/workbook.xml.rels");
  if (!book_xml || !rels_xml) {
    return base::Error{(book_xml ? rels_xml : book_xml).error().message +
                       " (is it an Excel workbook?)"};
  }
  auto book = parse_xml(*book_xml, file, "xl/workbook.xml");
  auto rels = parse_xml(*rels_xml, file, "xl/_rels/workbook.xml.rels");
  if (!book || !rels) {
    return (book ? rels : book).error();
  }
  std::map<std::string, std::string, std::less<>> targets;
  for (pugi::xml_node rel : (*rels)->document_element().children()) {
    std::string target = attribute_named(rel, "Target").value();
    target = target.starts_with('/') ? target.substr(1) : target.insert(0, "xl/");
    targets[attribute_named(rel, "Id").value()] = target;
  }
  pugi::xml_node root = (*book)->document_element();
  const std::string_view date1904 =
      attribute_named(child_named(root, "workbookPr"), "date1904").value();
  workbook.date1904 = date1904 == "1" || date1904 == "true";
  std::vector<std::pair<std::string, std::string>> sheets;
  for (pugi::xml_node sheet : child_named(root, "sheets").children()) {
    auto target = targets.find(attribute_named(sheet, "id").value());
    if (target != targets.end()) {
      sheets.emplace_back(attribute_named(sheet, "name").value(), target->second);
    }
  }
  return sheets;
}

base::Result<void> read_shared(ZipArchive& archive, const std::string& file, Workbook& workbook) {
  for (const char* part : {"xl/sharedStrings.xml", "xl/styles.xml"}) {
    if (!archive.has(part)) {
      continue;
    }
    auto xml = archive.read(part);
    if (!xml) {
      return xml.error();
    }
    auto document = parse_xml(*xml, file, part);
    if (!document) {
      return document.error();
    }
    pugi::xml_node root = (*document)->document_element();
    if (std::string_view(part) == "xl/styles.xml") {
      read_styles(root, workbook);
      continue;
    }
    for (pugi::xml_node item : root.children()) {
      if (local_name(item) == "si") {
        workbook.shared_strings.push_back(string_item(item));
      }
    }
  }
  return {};
}

}  // namespace

std::string serial_to_iso_date(double serial, bool date1904) {
  if (!(serial >= 1 && serial < 2958466)) {  // up to 9999-12-31
    return {};
  }
  const date::sys_days epoch = date1904 ? date::sys_days{date::year{1904} / 1 / 1}
                                        : date::sys_days{date::year{1899} / 12 / 30};
  const date::sys_days day = epoch + date::days{static_cast<int>(std::floor(serial))};
  return date::format("%F", day);
}

base::Result<std::vector<Table>> read_xlsx(std::string_view bytes, const std::string& file,
                                           const Limits& limits) {
  auto archive = ZipArchive::open(bytes, file, limits);
  if (!archive) {
    return archive.error();
  }
  Workbook workbook;
  auto sheets = sheet_parts(*archive, file, workbook);
  if (!sheets) {
    return sheets.error();
  }
  if (auto shared = read_shared(*archive, file, workbook); !shared) {
    return shared.error();
  }
  std::vector<Table> tables;
  for (const auto& [name, part] : *sheets) {
    auto xml = archive->read(part);
    if (!xml) {
      return xml.error();
    }
    auto document = parse_xml(*xml, file, part);
    if (!document) {
      return document.error();
    }
    auto table = read_sheet((*document)->document_element(), Table{"sheet '" + name + "'", {}},
                            workbook, file, limits);
    if (!table) {
      return table.error();
    }
    tables.push_back(std::move(*table));
  }
  return tables;
}

}  // namespace plan_reminder::intake
