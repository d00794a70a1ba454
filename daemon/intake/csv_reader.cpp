// RFC 4180 CSV, read into the table model in one pass.
#include "intake/csv_reader.h"

#include "base/utf8.h"

namespace plan_reminder::intake {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Line and column of byte `at` for messages: 1-based, columns in characters.
std::string where(std::string_view text, std::size_t at) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return std::to_string(line) + ":" +
         std::to_string(base::count_characters(text.substr(line_start, at - line_start)) + 1);
}

class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& file, const Limits& limits)
      : text_(text), file_(file), limits_(limits) {}

  base::Result<Table> parse() {
    table_.name = "table 1";
    while (at_ < text_.size()) {
      if (auto problem = read_field(); !problem.empty()) {
        return base::Error{problem};
      }
    }
    if (!row_.empty() || !field_.empty()) {
      end_row();
    }
    if (table_.rows.size() > limits_.max_rows) {
      return base::Error{file_ + ": more than " + std::to_string(limits_.max_rows) +
                         " rows; an action plan has far fewer"};
    }
    return std::move(table_);
  }

 private:
  // Reads one field and the separator after it; a message when the text is not CSV.
  std::string read_field() {
    const std::size_t start = at_;
    if (text_[at_] == '"') {
      ++at_;
      for (;;) {
        if (at_ >= text_.size()) {
          return file_ + ":" + where(text_, start) + ": a quoted field is never closed";
        }
        if (text_[at_] == '"') {
          if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
            field_ += '"';
            at_ += 2;
            continue;
          }
          ++at_;
          break;
        }
        field_ += text_[at_++];
      }
    } else {
      while (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '\n' && text_[at_] != '\r') {
        if (text_[at_] == '"') {
          return file_ + ":" + where(text_, at_) +
                 ": a quote inside an unquoted field; quote the whole field and double the quote";
        }
        field_ += text_[at_++];
      }
    }
    if (field_.size() > limits_.max_cell_bytes) {
      return file_ + ":" + where(text_, start) + ": a field longer than " +
             std::to_string(limits_.max_cell_bytes) + " bytes";
    }
    return end_field(start);
  }

  std::string end_field(std::size_t start) {
    row_.push_back(std::move(field_));
    field_.clear();
    if (row_.size() > limits_.max_columns) {
      return file_ + ":" + where(text_, start) + ": more than " +
             std::to_string(limits_.max_columns) + " columns";
    }
    if (at_ >= text_.size()) {
      return {};
    }
    if (text_[at_] == ',') {
      ++at_;
      if (at_ == text_.size()) {
        row_.emplace_back();
      }
      return {};
    }
    if (text_[at_] == '\r' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n') {
      ++at_;
    }
    if (text_[at_] == '\n' || text_[at_] == '\r') {
      ++at_;
      end_row();
      return table_.rows.size() > limits_.max_rows
                 ? file_ + ": more than " + std::to_string(limits_.max_rows) + " rows"
                 : std::string();
    }
    return file_ + ":" + where(text_, at_) +
           ": expected a comma or a line end after a quoted field";
  }

  void end_row() {
    // Line breaks inside a quoted field keep the field's own line ends as LF.
    for (auto& cell : row_) {
      std::string clean;
      clean.reserve(cell.size());
      for (std::size_t i = 0; i < cell.size(); ++i) {
        if (cell[i] == '\r') {
          if (i + 1 < cell.size() && cell[i + 1] == '\n') {
            continue;
          }
          clean += '\n';
        } else {
          clean += cell[i];
        }
      }
      cell = std::move(clean);
    }
    table_.rows.push_back(std::move(row_));
    row_.clear();
  }

  std::string_view text_;
  const std::string& file_;
  const Limits& limits_;
  std::size_t at_ = 0;
  std::string field_;
  std::vector<std::string> row_;
  Table table_;
};

// The first byte that is not UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c < 0x80) {
      ++at;
      continue;
    }
    auto character = base::decode_utf8(text, at);
    if (character.length == 0) {
      return at;
    }
    at += character.length;
  }
  return std::string_view::npos;
}

}  // namespace

base::Result<Table> read_csv(std::string_view bytes, const std::string& file,
                             const Limits& limits) {
  if (bytes.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    bytes.remove_prefix(kByteOrderMark.size());
  }
  if (auto bad = first_invalid_utf8(bytes); bad != std::string_view::npos) {
    return base::Error{file + ":" + where(bytes, bad) +
                       ": the file is not UTF-8 text; save it as \"CSV UTF-8\""};
  }
  return CsvParser(bytes, file, limits).parse();
}

}  // namespace plan_reminder::intake
