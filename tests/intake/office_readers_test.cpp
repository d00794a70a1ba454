// Tests of intake/docx_reader.h, intake/xlsx_reader.h and intake/zip_archive.h: tables out of
// Word and Excel parts, and hostile archives and XML refused or left unexpanded.
#include "intake/docx_reader.h"
#include "intake/xlsx_reader.h"
#include "intake/zip_archive.h"
#include "zip_fixture.h"

#include <gtest/gtest.h>

namespace plan_reminder::intake {
namespace {

using testing::make_zip;
using Rows = std::vector<std::vector<std::string>>;

std::string cell(const std::string& text, const std::string& properties = "") {
  std::string paragraphs;
  std::size_t begin = 0;
  for (;;) {
    auto end = text.find('\n', begin);
    paragraphs += "<w:p><w:r><w:t>" + text.substr(begin, end - begin) + "</w:t></w:r></w:p>";
    if (end == std::string::npos) {
      break;
    }
    begin = end + 1;
  }
  return "<w:tc><w:tcPr>" + properties + "</w:tcPr>" + paragraphs + "</w:tc>";
}

std::string docx(const std::string& body, const std::string& prolog = "") {
  return make_zip(
      {{"word/document.xml", "<?xml version=\"1.0\"?>" + prolog +
                                 "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                                 "wordprocessingml/2006/main\"><w:body>" +
                                 body + "</w:body></w:document>"}});
}

// Tests that a vertically merged cell gives each row it spans the text of its first cell, and
// that each paragraph of a cell is one line.
TEST(DocxReader, MergedCellsAndParagraphs) {
  const std::string table =
      "<w:tbl><w:tr>" + cell("Recommendation") + cell("Key milestones") + "</w:tr><w:tr>" +
      cell("(1) Implement", "<w:vMerge w:val=\"restart\"/>") + cell("First\nSecond") +
      "</w:tr><w:tr>" + cell("", "<w:vMerge/>") + cell("Third") + "</w:tr></w:tbl>";
  auto tables = read_docx(docx(table), "plan.docx");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  ASSERT_EQ(tables->size(), 1U);
  EXPECT_EQ(tables->front().name, "table 1");
  EXPECT_EQ(tables->front().rows, (Rows{{"Recommendation", "Key milestones"},
                                        {"(1) Implement", "First\nSecond"},
                                        {"(1) Implement", "Third"}}));
}

// Tests that a cell spanning two grid columns puts the next cell in the third column.
TEST(DocxReader, GridSpanKeepsColumnsInPlace) {
  const std::string table = "<w:tbl><w:tr>" + cell("a") + cell("b") + cell("c") + "</w:tr><w:tr>" +
                            cell("wide", "<w:gridSpan w:val=\"2\"/>") + cell("z") +
                            "</w:tr></w:tbl>";
  auto tables = read_docx(docx(table), "plan.docx");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_EQ(tables->front().rows[1], (std::vector<std::string>{"wide", "", "z"}));
}

// Tests that a file that is not a zip archive is refused as such.
TEST(ZipArchive, NotAZipIsAClearError) {
  auto tables = read_docx("just some text", "plan.docx");
  ASSERT_FALSE(tables.ok());
  EXPECT_NE(tables.error().message.find("plan.docx: not a Word (.docx) or Excel (.xlsx) document"),
            std::string::npos);
}

// Tests that a part which inflates beyond the limit is refused before it is inflated whole.
TEST(ZipArchive, ZipBombIsRefused) {
  const std::string bytes = make_zip({{"word/document.xml", std::string(4 * 1024 * 1024, ' ')}});
  ASSERT_LT(bytes.size(), 64U * 1024);  // it compresses well: the bomb's shape
  Limits limits;
  limits.max_total_bytes = 1024 * 1024;
  limits.max_entry_bytes = 1024 * 1024;
  auto tables = read_docx(bytes, "bomb.docx", limits);
  ASSERT_FALSE(tables.ok());
  EXPECT_NE(tables.error().message.find("bomb.docx: the document unpacks to more than 1 MB"),
            std::string::npos);
}

// Tests that an entity bomb is never expanded: the entity reference stays short plain text.
TEST(OfficeXml, EntityBombIsNotExpanded) {
  std::string entities = "<!DOCTYPE w:document [<!ENTITY a0 \"lol\">";
  for (int i = 1; i < 10; ++i) {
    entities += "<!ENTITY a" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) {
      entities += "&a" + std::to_string(i - 1) + ";";
    }
    entities += "\">";
  }
  entities += "]>";
  const std::string table = "<w:tbl><w:tr>" + cell("&a9;") + "</w:tr></w:tbl>";
  auto tables = read_docx(docx(table, entities), "bomb.docx");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_LT(tables->front().rows[0][0].size(), 16U);
}

// Tests that an external entity is never read: no file's text reaches the table.
TEST(OfficeXml, ExternalEntityIsNotResolved) {
  const std::string prolog =
      "<!DOCTYPE w:document [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>";
  const std::string table = "<w:tbl><w:tr>" + cell("&secret;") + "</w:tr></w:tbl>";
  auto tables = read_docx(docx(table, prolog), "plan.docx");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_EQ(tables->front().rows[0][0].find("root:"), std::string::npos);
  EXPECT_LT(tables->front().rows[0][0].size(), 16U);
}

std::string xlsx(const std::string& sheet_data, const std::string& merges = "") {
  return make_zip(
      {{"xl/workbook.xml",
        "<workbook xmlns:r=\"r\"><sheets><sheet name=\"Plan\" sheetId=\"1\" r:id=\"rId1\"/>"
        "</sheets></workbook>"},
       {"xl/_rels/workbook.xml.rels",
        "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
        "</Relationships>"},
       {"xl/sharedStrings.xml",
        "<sst><si><t>Target date</t></si><si><r><t>Rich </t></r><r>"
        "<t>text</t></r></si></sst>"},
       {"xl/styles.xml",
        "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
        "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
        "<xf numFmtId=\"14\"/></cellXfs></styleSheet>"},
       {"xl/worksheets/sheet1.xml",
        "<worksheet><sheetData>" + sheet_data + "</sheetData>" + merges + "</worksheet>"}});
}

// Tests that shared, rich and inline strings, numbers, and dates in date-formatted cells read
// as the sheet shows them (dates as ISO dates).
TEST(XlsxReader, ReadsStringsNumbersAndDates) {
  auto tables = read_xlsx(
      xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
           "<c r=\"C1\" t=\"inlineStr\"><is><t>inline</t></is></c></row>"
           "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>43921</v></c><c r=\"B2\" s=\"2\"><v>43830</v></c>"
           "<c r=\"D2\"><v>2021</v></c></row>"),
      "plan.xlsx");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_EQ(tables->front().name, "sheet 'Plan'");
  EXPECT_EQ(tables->front().rows, (Rows{{"Target date", "Rich text", "inline"},
                                        {"2020-03-31", "2019-12-31", "", "2021"}}));
}

// Tests that merged cells are filled with the value of their top-left cell.
TEST(XlsxReader, FillsMergedCells) {
  auto tables = read_xlsx(xlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>(1) Do</t></is>"
                               "</c><c r=\"B1\"><v>1</v></c></row><row r=\"3\"><c r=\"B3\">"
                               "<v>3</v></c></row>",
                               "<mergeCells><mergeCell ref=\"A1:A3\"/></mergeCells>"),
                          "plan.xlsx");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_EQ(tables->front().rows, (Rows{{"(1) Do", "1"}, {"(1) Do"}, {"(1) Do", "3"}}));
}

// Tests that a sheet with a cell far down (a huge sheet) is refused, not laid out in memory.
TEST(XlsxReader, RefusesAHugeSheet) {
  auto tables =
      read_xlsx(xlsx("<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>"), "huge.xlsx");
  ASSERT_FALSE(tables.ok());
  EXPECT_NE(tables.error().message.find("huge.xlsx: sheet 'Plan': more than 10000 rows"),
            std::string::npos);
}

}  // namespace
}  // namespace plan_reminder::intake
