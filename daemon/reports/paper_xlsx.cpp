// The board paper as an Excel workbook (see paper_xlsx.h). libxlsxwriter writes the workbook to
// a file when it is closed (this Debian version has no memory output): a scratch file, read
// back and removed.
#include "reports/paper_xlsx.h"

#include "base/ascii.h"
#include "base/iso_day.h"
#include "base/shared_library.h"
#include "base/utf8.h"
#include "mail/notice_kinds.h"

#include <xlsxwriter.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

namespace plan_reminder::reports {
namespace {

constexpr std::size_t kSheetNameLimit = 31;
// Excel's limit on the characters of one cell.
constexpr std::size_t kCellLimit = 32767;

// The libxlsxwriter functions used, typed from xlsxwriter.h so that a mismatch fails to
// compile; named as in the library, as they belong to three of its objects.
struct XlsxLibrary {
  decltype(&::format_set_align) format_set_align;
  decltype(&::format_set_bg_color) format_set_bg_color;
  decltype(&::format_set_bold) format_set_bold;
  decltype(&::format_set_bottom) format_set_bottom;
  decltype(&::format_set_font_color) format_set_font_color;
  decltype(&::format_set_font_size) format_set_font_size;
  decltype(&::format_set_num_format) format_set_num_format;
  decltype(&::format_set_text_wrap) format_set_text_wrap;
  decltype(&::lxw_strerror) lxw_strerror;
  decltype(&::workbook_add_format) workbook_add_format;
  decltype(&::workbook_add_worksheet) workbook_add_worksheet;
  decltype(&::workbook_close) workbook_close;
  decltype(&::workbook_new_opt) workbook_new_opt;
  decltype(&::worksheet_fit_to_pages) worksheet_fit_to_pages;
  decltype(&::worksheet_freeze_panes) worksheet_freeze_panes;
  decltype(&::worksheet_repeat_rows) worksheet_repeat_rows;
  decltype(&::worksheet_set_column) worksheet_set_column;
  decltype(&::worksheet_set_footer) worksheet_set_footer;
  decltype(&::worksheet_set_header) worksheet_set_header;
  decltype(&::worksheet_set_landscape) worksheet_set_landscape;
  decltype(&::worksheet_set_paper) worksheet_set_paper;
  decltype(&::worksheet_write_datetime) worksheet_write_datetime;
  decltype(&::worksheet_write_number) worksheet_write_number;
  decltype(&::worksheet_write_string) worksheet_write_string;
};

bool resolve_all(const base::SharedLibrary& library, XlsxLibrary& l, std::string& e) {
  return library.resolve("format_set_align", l.format_set_align, e) &&
         library.resolve("format_set_bg_color", l.format_set_bg_color, e) &&
         library.resolve("format_set_bold", l.format_set_bold, e) &&
         library.resolve("format_set_bottom", l.format_set_bottom, e) &&
         library.resolve("format_set_font_color", l.format_set_font_color, e) &&
         library.resolve("format_set_font_size", l.format_set_font_size, e) &&
         library.resolve("format_set_num_format", l.format_set_num_format, e) &&
         library.resolve("format_set_text_wrap", l.format_set_text_wrap, e) &&
         library.resolve("lxw_strerror", l.lxw_strerror, e) &&
         library.resolve("workbook_add_format", l.workbook_add_format, e) &&
         library.resolve("workbook_add_worksheet", l.workbook_add_worksheet, e) &&
         library.resolve("workbook_close", l.workbook_close, e) &&
         library.resolve("workbook_new_opt", l.workbook_new_opt, e) &&
         library.resolve("worksheet_fit_to_pages", l.worksheet_fit_to_pages, e) &&
         library.resolve("worksheet_freeze_panes", l.worksheet_freeze_panes, e) &&
         library.resolve("worksheet_repeat_rows", l.worksheet_repeat_rows, e) &&
         library.resolve("worksheet_set_column", l.worksheet_set_column, e) &&
         library.resolve("worksheet_set_footer", l.worksheet_set_footer, e) &&
         library.resolve("worksheet_set_header", l.worksheet_set_header, e) &&
         library.resolve("worksheet_set_landscape", l.worksheet_set_landscape, e) &&
         library.resolve("worksheet_set_paper", l.worksheet_set_paper, e) &&
         library.resolve("worksheet_write_datetime", l.worksheet_write_datetime, e) &&
         library.resolve("worksheet_write_number", l.worksheet_write_number, e) &&
         library.resolve("worksheet_write_string", l.worksheet_write_string, e);
}

// libxlsxwriter (libxlsxwriter.so.4), loaded at the first workbook and never unloaded: linked,
// it and the libcrypto and libminizip it brings were mapped in every idle daemon, though only
// `report --format xlsx` writes a workbook. Thread-safe.
const base::LoadedFunctions<XlsxLibrary>& loaded_xlsx() {
  static const auto loaded = base::load_functions<XlsxLibrary>(
      "libxlsxwriter.so.4", "the Excel board paper", "libxlsxwriter4", resolve_all);
  return loaded;
}

// Once a workbook is started, libxlsxwriter is loaded.
const XlsxLibrary& xlsx() {
  return loaded_xlsx().get();
}

// The workbook handle: closing writes the file and frees everything the workbook made (its
// sheets and formats), so it is the one handle to own.
struct WorkbookCloser {
  void operator()(lxw_workbook* workbook) const { xlsx().workbook_close(workbook); }
};
using WorkbookHandle = std::unique_ptr<lxw_workbook, WorkbookCloser>;

// The scratch file libxlsxwriter writes, removed however the rendering ends.
struct ScratchFile {
  std::string path;
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  explicit ScratchFile(std::string name) : path(std::move(name)) {}
  ~ScratchFile() {
    if (!path.empty()) {
      ::unlink(path.c_str());
    }
  }
};

struct Formats {
  lxw_format* title = nullptr;
  lxw_format* heading = nullptr;
  lxw_format* header = nullptr;
  lxw_format* text = nullptr;
  lxw_format* date = nullptr;
  lxw_format* percent = nullptr;
  lxw_format* marking = nullptr;
  lxw_format* red = nullptr;
  lxw_format* amber = nullptr;
  lxw_format* green = nullptr;
};

// Excel's own "Bad", "Neutral" and "Good" cell styles: a light fill with dark text of the same
// hue, readable in print; the word is in the cell as well, never the colour alone.
lxw_format* rag_format(lxw_workbook* workbook, lxw_color_t fill, lxw_color_t font) {
  lxw_format* format = xlsx().workbook_add_format(workbook);
  xlsx().format_set_bg_color(format, fill);
  xlsx().format_set_font_color(format, font);
  xlsx().format_set_bold(format);
  return format;
}

Formats make_formats(lxw_workbook* workbook) {
  Formats f;
  f.title = xlsx().workbook_add_format(workbook);
  xlsx().format_set_bold(f.title);
  xlsx().format_set_font_size(f.title, 14);
  f.heading = xlsx().workbook_add_format(workbook);
  xlsx().format_set_bold(f.heading);
  xlsx().format_set_font_size(f.heading, 12);
  f.header = xlsx().workbook_add_format(workbook);
  xlsx().format_set_bold(f.header);
  xlsx().format_set_bg_color(f.header, 0xD9D9D9);
  xlsx().format_set_bottom(f.header, LXW_BORDER_THIN);
  xlsx().format_set_text_wrap(f.header);
  xlsx().format_set_align(f.header, LXW_ALIGN_VERTICAL_TOP);
  f.text = xlsx().workbook_add_format(workbook);
  xlsx().format_set_text_wrap(f.text);
  xlsx().format_set_align(f.text, LXW_ALIGN_VERTICAL_TOP);
  f.date = xlsx().workbook_add_format(workbook);
  xlsx().format_set_num_format(f.date, "d mmm yyyy");
  xlsx().format_set_align(f.date, LXW_ALIGN_VERTICAL_TOP);
  xlsx().format_set_align(f.date, LXW_ALIGN_LEFT);
  f.percent = xlsx().workbook_add_format(workbook);
  xlsx().format_set_num_format(f.percent, "0\"%\"");
  xlsx().format_set_align(f.percent, LXW_ALIGN_VERTICAL_TOP);
  f.marking = xlsx().workbook_add_format(workbook);
  xlsx().format_set_bold(f.marking);
  xlsx().format_set_font_color(f.marking, 0xC00000);
  f.red = rag_format(workbook, 0xFFC7CE, 0x9C0006);
  f.amber = rag_format(workbook, 0xFFEB9C, 0x9C5700);
  f.green = rag_format(workbook, 0xC6EFCE, 0x006100);
  return f;
}

// Text Excel takes as it is: cut at its limit on a character boundary.
std::string cell_text(std::string_view text) {
  if (text.size() <= kCellLimit) {
    return std::string(text);
  }
  std::size_t end = kCellLimit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return std::string(text.substr(0, end));
}

// Writes cells on one sheet, a row at a time.
class SheetWriter {
 public:
  SheetWriter(lxw_worksheet* sheet, const Formats& formats) : sheet_(sheet), f_(formats) {}

  lxw_row_t row() const { return row_; }
  void next_row(lxw_row_t rows = 1) { row_ += rows; }

  void text(lxw_col_t column, std::string_view value, lxw_format* format = nullptr) {
    if (!value.empty()) {
      xlsx().worksheet_write_string(sheet_, row_, column, cell_text(value).c_str(),
                                    format != nullptr ? format : f_.text);
    }
  }
  void number(lxw_col_t column, int value, lxw_format* format = nullptr) {
    xlsx().worksheet_write_number(sheet_, row_, column, value, format);
  }
  void day(lxw_col_t column, date::year_month_day value) {
    lxw_datetime when{static_cast<int>(value.year()),
                      static_cast<int>(unsigned(value.month())),
                      static_cast<int>(unsigned(value.day())),
                      0,
                      0,
                      0.0};
    xlsx().worksheet_write_datetime(sheet_, row_, column, &when, f_.date);
  }
  void rag(lxw_col_t column, const std::optional<Rag>& value) {
    if (!value) {
      return;
    }
    lxw_format* fill = *value == Rag::red ? f_.red : *value == Rag::amber ? f_.amber : f_.green;
    // The word as well, for a reader without the colours (or a grey printer).
    text(column, mail::to_string(*value), fill);
  }
  void headers(std::initializer_list<std::string_view> names) {
    lxw_col_t column = 0;
    for (std::string_view name : names) {
      text(column++, name, f_.header);
    }
    next_row();
  }

 private:
  lxw_worksheet* sheet_;
  const Formats& f_;
  lxw_row_t row_ = 0;
};

// A4, landscape, as wide as one page, and the marking in the printed header and footer.
void set_up_printing(lxw_worksheet* sheet, const std::string& marking) {
  xlsx().worksheet_set_paper(sheet, 9);
  xlsx().worksheet_set_landscape(sheet);
  xlsx().worksheet_fit_to_pages(sheet, 1, 0);
  if (marking.empty()) {
    return;
  }
  // "&" starts a code in Excel's header language: doubled, it is itself.
  std::string escaped = "&C&\"-,Bold\"";
  for (char c : marking) {
    escaped += c == '&' ? std::string("&&") : std::string(1, c);
  }
  xlsx().worksheet_set_header(sheet, escaped.c_str());
  xlsx().worksheet_set_footer(sheet, escaped.c_str());
}

void set_widths(lxw_worksheet* sheet, std::initializer_list<double> widths) {
  lxw_col_t column = 0;
  for (double width : widths) {
    xlsx().worksheet_set_column(sheet, column, column, width, nullptr);
    ++column;
  }
}

void write_marking(SheetWriter& out, const BoardPaper& paper, const Formats& f) {
  if (!paper.marking.empty()) {
    out.text(0, paper.marking, f.marking);
    out.next_row();
  }
}

std::string since_text(const BoardPaper& paper) {
  return "Changes since " + mail::plain_day(paper.since) + " (" + paper.since_basis + ")";
}

// Columns 2 to 8 of a summary or recommendation row: the RAG, complete, total, the share
// complete, and the overdue, due-soon and undated counts.
void write_tally(SheetWriter& out, const mail::RagRow& tally, std::optional<int> percent,
                 const Formats& f) {
  out.rag(2, tally.rag);
  out.number(3, tally.complete);
  out.number(4, tally.total);
  if (percent) {
    out.number(5, *percent, f.percent);
  }
  out.number(6, tally.overdue);
  out.number(7, tally.due_soon);
  out.number(8, tally.undated);
}

void write_summary(lxw_worksheet* sheet, const BoardPaper& paper,
                   const std::vector<std::string>& names, const Formats& f) {
  set_up_printing(sheet, paper.marking);
  set_widths(sheet, {22, 50, 10, 11, 9, 12, 10, 10, 10, 12});
  SheetWriter out(sheet, f);
  write_marking(out, paper, f);
  out.text(0, "Action plan status: " + paper.partnership, f.title);
  out.next_row();
  out.text(0, "As of " + mail::plain_day(paper.today) + ". " + since_text(paper) + ".", nullptr);
  out.next_row(2);
  const lxw_row_t header = out.row();
  out.headers({"Sheet", "Review", "RAG", "Complete", "Total", "% complete", "Overdue", "Due soon",
               "Undated", "Changes"});
  xlsx().worksheet_freeze_panes(sheet, out.row(), 0);
  xlsx().worksheet_repeat_rows(sheet, header, header);
  for (std::size_t i = 0; i < paper.reviews.size(); ++i) {
    const PaperReview& review = paper.reviews[i];
    out.text(0, names[i]);
    out.text(1, review.name);
    write_tally(out, review.tally, review.percent_complete, f);
    out.number(9, static_cast<int>(review.changes.size()));
    out.next_row();
  }
  out.next_row();
  write_marking(out, paper, f);
}

void write_recommendations(SheetWriter& out, const PaperReview& review, const Formats& f) {
  for (const PaperRecommendation& r : review.recommendations) {
    out.text(0, r.id);
    out.text(1, r.text);
    write_tally(out, r.tally, r.percent_complete, f);
    out.next_row();
  }
}

void write_changes(SheetWriter& out, const BoardPaper& paper, const PaperReview& review,
                   const Formats& f) {
  out.text(0, since_text(paper), f.heading);
  out.next_row();
  if (review.changes.empty()) {
    out.text(0, "Nothing changed.", nullptr);
    out.next_row();
    return;
  }
  out.headers(
      {"Date", "Milestone", "Change", "Recommendation", "Action", "Milestone id", "Detail"});
  for (const PaperChange& c : review.changes) {
    out.day(0, c.on);
    out.text(1, c.milestone_text);
    out.text(2, to_string(c.kind));
    out.text(3, c.recommendation_id);
    out.text(4, c.action_id);
    out.text(5, c.milestone_id);
    out.text(6, c.detail);
    out.next_row();
  }
}

void write_overdue(SheetWriter& out, const PaperReview& review, const Formats& f) {
  out.text(0, "Overdue milestones and how the agencies were chased", f.heading);
  out.next_row();
  if (review.overdue.empty()) {
    out.text(0, "Nothing is overdue.", nullptr);
    out.next_row();
    return;
  }
  out.headers({"Action", "Milestone", "Lead", "Due", "Days overdue", "Milestone id", "Target",
               "Chased by", "Sent", "To"});
  for (const OverdueMilestone& m : review.overdue) {
    out.text(0, m.action_id);
    out.text(1, m.milestone_text);
    out.text(2, m.lead);
    out.day(3, m.due);
    out.number(4, m.days_overdue);
    out.text(5, m.milestone_id);
    out.text(6, m.target);
    if (m.chase.empty()) {
      out.text(7, "no notice sent yet");
      out.next_row();
    }
    for (const ChaseEntry& entry : m.chase) {
      out.text(7, mail::facts(entry.kind).label);
      out.day(8, entry.sent);
      out.text(9, entry.recipients);
      out.next_row();
    }
  }
}

void write_review(lxw_worksheet* sheet, const BoardPaper& paper, const PaperReview& review,
                  const Formats& f) {
  set_up_printing(sheet, paper.marking);
  set_widths(sheet, {14, 60, 16, 14, 12, 12, 40, 12, 14, 24});
  SheetWriter out(sheet, f);
  write_marking(out, paper, f);
  out.text(0, review.name, f.title);
  out.next_row(2);
  const lxw_row_t header = out.row();
  out.headers({"Recommendation", "Text", "RAG", "Complete", "Total", "% complete", "Overdue",
               "Due soon", "Undated"});
  xlsx().worksheet_freeze_panes(sheet, out.row(), 0);
  xlsx().worksheet_repeat_rows(sheet, header, header);
  write_recommendations(out, review, f);
  out.next_row();
  write_changes(out, paper, review, f);
  out.next_row();
  write_overdue(out, review, f);
  out.next_row();
  write_marking(out, paper, f);
}

base::Result<std::string> read_back(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) {
    return base::Error{"cannot read back the workbook written to " + path};
  }
  return bytes;
}

// `name` without the characters Excel refuses in a sheet name, nor the quotes it refuses at
// either end; "Review" when nothing is left.
std::string clean_sheet_name(const std::string& name) {
  std::string clean;
  for (char c : name) {
    clean += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '-';
  }
  while (!clean.empty() && clean.front() == '\'') {
    clean.erase(0, 1);
  }
  return clean.empty() ? std::string("Review") : clean;
}

}  // namespace

std::vector<std::string> sheet_names(const std::vector<std::string>& wanted,
                                     const std::vector<std::string>& taken) {
  std::set<std::string> used;
  for (const std::string& name : taken) {
    used.insert(base::ascii_lower(name));
  }
  std::vector<std::string> out;
  for (const std::string& name : wanted) {
    const std::string clean = clean_sheet_name(name);
    std::string candidate;
    for (int n = 1;; ++n) {
      const std::string suffix = n == 1 ? std::string() : " (" + std::to_string(n) + ")";
      std::string base_name = clean;
      const std::size_t room = kSheetNameLimit - suffix.size();
      if (base::count_characters(base_name) > room) {
        base_name = base_name.substr(0, base::offset_of_character(base_name, room));
      }
      while (!base_name.empty() && base_name.back() == '\'') {
        base_name.pop_back();
      }
      candidate = base_name + suffix;
      if (used.insert(base::ascii_lower(candidate)).second) {
        break;
      }
    }
    out.push_back(candidate);
  }
  return out;
}

base::Result<std::string> paper_xlsx(const BoardPaper& paper, const std::string& scratch_folder) {
  if (const auto& loaded = loaded_xlsx(); !loaded.error.empty()) {
    return base::Error{loaded.error};
  }
  std::string pattern = scratch_folder + "/plan-reminder-report-XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return base::Error{"cannot create a scratch file in " + scratch_folder};
  }
  ::close(fd);
  ScratchFile scratch(pattern);
  lxw_workbook_options options{};
  options.tmpdir = const_cast<char*>(scratch_folder.c_str());
  WorkbookHandle workbook(xlsx().workbook_new_opt(scratch.path.c_str(), &options));
  if (!workbook) {
    return base::Error{"cannot start a workbook in " + scratch_folder};
  }
  const Formats formats = make_formats(workbook.get());
  const std::string summary_name = "Summary";
  std::vector<std::string> ids;
  for (const PaperReview& review : paper.reviews) {
    ids.push_back(review.id);
  }
  const std::vector<std::string> names = sheet_names(ids, {summary_name});
  lxw_worksheet* summary = xlsx().workbook_add_worksheet(workbook.get(), summary_name.c_str());
  if (summary == nullptr) {
    return base::Error{"cannot add the summary sheet"};
  }
  write_summary(summary, paper, names, formats);
  for (std::size_t i = 0; i < paper.reviews.size(); ++i) {
    lxw_worksheet* sheet = xlsx().workbook_add_worksheet(workbook.get(), names[i].c_str());
    if (sheet == nullptr) {
      return base::Error{"cannot add a sheet named '" + names[i] + "'"};
    }
    write_review(sheet, paper, paper.reviews[i], formats);
  }
  const lxw_error closed = xlsx().workbook_close(workbook.release());
  if (closed != LXW_NO_ERROR) {
    return base::Error{std::string("cannot write the workbook: ") + xlsx().lxw_strerror(closed)};
  }
  return read_back(scratch.path);
}

}  // namespace plan_reminder::reports
