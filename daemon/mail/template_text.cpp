// Text tidying for rendered emails (see template_text.h).
#include "mail/template_text.h"

#include "base/ascii.h"
#include "base/utf8.h"

#include <algorithm>
#include <optional>
#include <sstream>

namespace plan_reminder::mail {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      // &#39; rather than &apos;, which some mail clients show literally.
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

std::string no_escape(const std::string& text) {
  return text;
}

// One line: whitespace runs (line ends included) become one space, control characters go, and
// a subject longer than mail clients show is cut at a word with "…".
std::string one_line(const std::string& text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (base::is_ascii_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if ((static_cast<unsigned char>(c) < 0x20) || c == 0x7F) {
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += c;
  }
  if (base::count_characters(out) <= kMaxSubjectCharacters) {
    return out;
  }
  // The byte offset of the character that would be one too many (room is kept for "…").
  std::size_t cut = base::offset_of_character(out, kMaxSubjectCharacters - 1);
  const std::size_t space = out.rfind(' ', cut);
  if (space != std::string::npos && space > cut / 2) {
    cut = space;
  }
  out.resize(cut);
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ':')) {
    out.pop_back();
  }
  return out + "\u2026";
}

// '\n' line ends, no standalone tag lines (see mark_standalone_lines), no trailing blanks
// (except in the "-- " signature separator), at most one empty line in a row, none at the
// start, and exactly one line end at the end: templates can then be laid out for reading
// without counting blank lines.
namespace {

// '\r\n' and a lone '\r' become '\n'.
std::string with_unix_line_ends(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 == text.size() || text[i + 1] != '\n') {
      out += '\n';
    }
  }
  return out;
}

// The line as it is kept, or none when it held only tags (see kStandaloneMark): without the
// mark and, except for the "-- " signature separator, without trailing blanks.
std::optional<std::string> tidy_line(std::string line) {
  if (line.find(kStandaloneMark) != std::string::npos) {
    if (line.find_first_not_of(std::string(" \t") + kStandaloneMark) == std::string::npos) {
      return std::nullopt;
    }
    line.erase(std::remove(line.begin(), line.end(), kStandaloneMark), line.end());
  }
  if (line != "-- ") {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
  }
  return line;
}

}  // namespace

std::string tidy_lines(const std::string& text) {
  std::string out;
  std::istringstream lines(with_unix_line_ends(text));
  int blank_run = 0;
  for (std::string read; std::getline(lines, read);) {
    std::optional<std::string> line = tidy_line(std::move(read));
    if (!line) {
      continue;
    }
    blank_run = line->empty() ? blank_run + 1 : 0;
    if (line->empty() && (out.empty() || blank_run > 1)) {
      continue;
    }
    out += *line;
    out += '\n';
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

std::string plural(int count, const std::string& one, const std::string& many) {
  return std::to_string(count) + ' ' + (count == 1 ? one : many);
}

std::string capitalised(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  }
  return text;
}

// "a", "a and b", "a, b and c".
std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += (i + 1 == parts.size()) ? " and " : ", ";
    }
    out += parts[i];
  }
  return out;
}

}  // namespace plan_reminder::mail
