// Text tidying for rendered emails (see template_text.h).
#include "mail/template_text.h"

#include "base/ascii.h"
#include "base/utf8.h"

#include <algorithm>
#include <optional>
#include <string_view>

namespace plan_reminder::mail {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t plain = 0;  // where the characters not yet copied start
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      // &#39; rather than &apos;, which some mail clients show literally.
      case '\'':
        entity = "&#39;";
        break;
      default:
        continue;
    }
    out.append(text, plain, i - plain);
    out += entity;
    plain = i + 1;
  }
  out.append(text, plain, std::string::npos);
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
// without counting blank lines. One pass over the text, with no copy of each line: a national
// catch-up tidies hundreds of megabytes.
namespace {

// The line as it is kept, or none when it held only tags (see kStandaloneMark): without the
// mark and, except for the "-- " signature separator, without trailing blanks. `scratch` holds
// the line when a mark has to be taken out of it.
std::optional<std::string_view> tidy_line(std::string_view line, std::string& scratch) {
  if (line.find(kStandaloneMark) != std::string_view::npos) {
    constexpr char kTagsOnly[] = {' ', '\t', kStandaloneMark};
    if (line.find_first_not_of(std::string_view(kTagsOnly, sizeof kTagsOnly)) ==
        std::string_view::npos) {
      return std::nullopt;
    }
    scratch.assign(line);
    scratch.erase(std::remove(scratch.begin(), scratch.end(), kStandaloneMark), scratch.end());
    line = scratch;
  }
  if (line != "-- ") {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
  }
  return line;
}

}  // namespace

std::string tidy_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::string scratch;
  int blank_run = 0;
  // Lines end at "\r\n", '\n' or a lone '\r'; text after the last line end is a line too.
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = start;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') {
      ++end;
    }
    std::size_t next = end + 1;
    if (end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') {
      next = end + 2;
    }
    const std::optional<std::string_view> line =
        tidy_line(std::string_view(text).substr(start, end - start), scratch);
    start = next;
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
