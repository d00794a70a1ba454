// Loading, checking and rendering the Mustache email templates. The views become Mustache
// data here (with the small helpers templates cannot compute: counts, plurals, RAG words and
// colours); subject and text parts render without escaping, HTML parts escape every value.
#include "mail/templates.h"

#include "plan/loaders.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <kainjow/mustache.hpp>
#pragma GCC diagnostic pop

#include <date/date.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace plan_reminder::mail {
namespace {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;
using plan::Diagnostic;
using plan::FileKind;

constexpr std::array kKinds = {EmailKind::reminder,   EmailKind::due,    EmailKind::overdue,
                               EmailKind::escalation, EmailKind::digest, EmailKind::failure,
                               EmailKind::problem,    EmailKind::test};
constexpr std::array kParts = {"subject", "text", "html"};
constexpr const char* kExtension = ".mustache";
constexpr const char* kPartialFolder = "partials";
// Long enough for any sensible subject, short enough that mail clients show it whole.
constexpr std::size_t kMaxSubjectCharacters = 200;
// The most an email lists in one list (a notice's milestones, each list of a digest); the rest
// are counted ("and 51,691 more milestones"), so that no email outgrows what a person reads or
// an SMTP server accepts (about 4 KB per milestone listed, in text and HTML).
constexpr std::size_t kMaxListed = 200;
// Marks template lines that hold only tags (see mark_standalone_lines); a control character
// that YAML text cannot contain.
constexpr char kStandaloneMark = '\x01';
// The partial that marks where a partial's text ends when rendering (see render_source): a
// name no template can use, as load() refuses control characters in partial names.
constexpr const char* kPartialEndName = "\x02";
constexpr const char* kPartialEndTag = "{{>\x02}}";
// Far beyond any template (a few KB), small enough that a wrong file named as one is refused.
constexpr std::size_t kMaxTemplateBytes = 256 * 1024;

// --- Text utilities -------------------------------------------------------------------------

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_utf8_continuation(c); }));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

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
    if (is_space(c)) {
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
  if (utf8_length(out) <= kMaxSubjectCharacters) {
    return out;
  }
  // The byte offset of the character that would be one too many (room is kept for "…").
  std::size_t cut = 0;
  for (std::size_t characters = 0; cut < out.size(); ++cut) {
    if (!is_utf8_continuation(out[cut]) && characters++ == kMaxSubjectCharacters - 1) {
      break;
    }
  }
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
std::string tidy_lines(const std::string& text) {
  std::string unix_text;
  unix_text.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        continue;
      }
      unix_text += '\n';
    } else {
      unix_text += text[i];
    }
  }
  std::string out;
  std::istringstream lines(unix_text);
  std::string line;
  int blank_run = 0;
  while (std::getline(lines, line)) {
    if (line.find(kStandaloneMark) != std::string::npos) {
      if (line.find_first_not_of(std::string(" \t") + kStandaloneMark) == std::string::npos) {
        continue;
      }
      line.erase(std::remove(line.begin(), line.end(), kStandaloneMark), line.end());
    }
    if (line != "-- ") {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        line.pop_back();
      }
    }
    if (line.empty()) {
      if (out.empty() || ++blank_run > 1) {
        continue;
      }
    } else {
      blank_run = 0;
    }
    out += line;
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

// --- Files and diagnostics -------------------------------------------------------------------

// The text of a template file, or why it cannot be read: "missing", or the reason from
// plan::read_file, which never blocks on a FIFO and reads only regular files.
std::optional<std::string> read_template_file(const fs::path& path, std::string& problem) {
  std::string text;
  std::string error;
  if (!plan::read_file(path.string(), text, error, kMaxTemplateBytes)) {
    std::error_code ignored;
    problem = fs::exists(fs::symlink_status(path, ignored)) ? "cannot read the template: " + error
                                                            : "missing";
    return std::nullopt;
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    text.erase(0, 3);
  }
  return text;
}

struct Position {
  int line = 1;
  int column = 1;
};

// 1-based line and column (in characters) of a byte offset.
Position position_at(const std::string& text, std::size_t offset) {
  Position position;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else if (!is_utf8_continuation(text[i])) {
      ++position.column;
    }
  }
  return position;
}

Diagnostic template_problem(const fs::path& file, std::string message) {
  Diagnostic diagnostic;
  diagnostic.file = file.string();
  diagnostic.message = std::move(message);
  diagnostic.kind = FileKind::templates;
  return diagnostic;
}

Diagnostic template_problem_at(const fs::path& file, const std::string& text, std::size_t offset,
                               std::string message) {
  Diagnostic diagnostic = template_problem(file, std::move(message));
  const Position position = position_at(text, offset);
  diagnostic.line = position.line;
  diagnostic.column = position.column;
  return diagnostic;
}

// The tag as written at `offset` ("{{#items}}"), for quoting in a message.
std::string tag_at(const std::string& text, std::size_t offset) {
  const std::size_t end = text.find("}}", offset);
  if (end == std::string::npos || end - offset > 80) {
    return text.substr(offset, std::min<std::size_t>(20, text.size() - offset));
  }
  std::size_t length = end + 2 - offset;
  if (length < text.size() - offset && text[end + 2] == '}') {
    ++length;
  }
  return text.substr(offset, length);
}

// kainjow reports "Unclosed section "items" at 123", the number a byte offset; the diagnostic
// gives the line and column instead, and says what to do.
Diagnostic parse_problem(const fs::path& file, const std::string& text, const std::string& error) {
  const std::size_t at = error.rfind(" at ");
  const bool located =
      at != std::string::npos && at + 4 < error.size() && error.size() - at < 24 &&
      std::all_of(error.begin() + static_cast<std::ptrdiff_t>(at + 4), error.end(), is_digit);
  if (!located) {
    return template_problem(file, "template does not parse: " + error);
  }
  const std::string what = error.substr(0, at);
  const std::size_t offset = std::stoul(error.substr(at + 4));
  const std::string tag = tag_at(text, offset);
  std::string message;
  if (what.rfind("Unclosed section", 0) == 0) {
    const std::size_t open = what.find('"');
    const std::size_t close = what.rfind('"');
    const std::string name =
        (open != close) ? what.substr(open + 1, close - open - 1) : std::string();
    message = "section " + tag + " is never closed: expected {{/" + name + "}}";
  } else if (what.rfind("Unopened section", 0) == 0) {
    message = tag + " closes a section that is not open";
  } else if (what.rfind("Unclosed tag", 0) == 0) {
    message = "tag " + tag + " is never closed with }}";
  } else if (what.rfind("Invalid set delimiter", 0) == 0) {
    message = "invalid set-delimiter tag " + tag;
  } else {
    message = what;
  }
  return template_problem_at(file, text, offset, "template does not parse: " + message);
}

// --- Scanning tags ---------------------------------------------------------------------------

enum class TagKind { variable, unescaped, section, inverted, close, partial, comment, delimiters };

// One tag of a template: `{{name}}`, `{{{name}}}`, `{{#name}}`, `{{! comment }}`, ...;
// [start, end) covers the braces.
struct Tag {
  TagKind kind = TagKind::variable;
  std::string name;
  std::size_t start = 0;
  std::size_t end = 0;
  std::size_t content = 0;  // where the text after the tag's sigil starts
};

struct TagScan {
  std::vector<Tag> tags;  // in order, none overlapping
  std::optional<std::size_t> problem_at;
  std::string problem;
};

std::string trimmed(std::string_view text) {
  std::size_t first = 0;
  std::size_t last = text.size();
  while (first < last && is_space(text[first])) {
    ++first;
  }
  while (last > first && is_space(text[last - 1])) {
    --last;
  }
  return std::string(text.substr(first, last - first));
}

// The tag as written from `start` to `end`, shortened in the middle if long, for quoting.
std::string quoted_tag(const std::string& text, std::size_t start, std::size_t end) {
  constexpr std::size_t kShown = 30;
  if (end - start <= 2 * kShown) {
    return text.substr(start, end - start);
  }
  std::size_t head = start + kShown;
  while (head < end && is_utf8_continuation(text[head])) {
    ++head;
  }
  std::size_t tail = end - kShown;
  while (tail < end && is_utf8_continuation(text[tail])) {
    ++tail;
  }
  return text.substr(start, head - start) + "\u2026" + text.substr(tail, end - tail);
}

// Where a comment that starts at `from` (just after its "!") ends: at the "}}" that closes
// it, counting the whole tags it holds, so that a tag can be commented out as written
// (`{{! {{{name}}} }}`). npos when it is never closed.
std::size_t comment_end(const std::string& text, std::size_t from) {
  int depth = 0;
  for (std::size_t i = from; i + 1 < text.size();) {
    if (text.compare(i, 3, "{{{") == 0) {
      ++depth;
      i += 3;
    } else if (text.compare(i, 2, "{{") == 0) {
      ++depth;
      i += 2;
    } else if (depth > 0 && text.compare(i, 3, "}}}") == 0) {
      --depth;
      i += 3;
    } else if (text.compare(i, 2, "}}") == 0) {
      if (depth == 0) {
        return i;
      }
      --depth;
      i += 2;
    } else {
      ++i;
    }
  }
  return std::string::npos;
}

// Every tag of a template, as kainjow reads them, in one pass with no recursion (a regex
// over a 50,000-character tag exhausts the stack). Stops at the first tag that is never
// closed or that changes the delimiters: templates keep `{{ }}`, so that what is checked here
// (partials used, values left unescaped) is what renders.
TagScan scan_tags(const std::string& text) {
  TagScan scan;
  for (std::size_t start = text.find("{{"); start != std::string::npos;
       start = text.find("{{", start)) {
    Tag tag;
    tag.start = start;
    if (start + 2 < text.size() && text[start + 2] == '{') {
      const std::size_t close = text.find("}}}", start + 3);
      if (close == std::string::npos) {
        scan.problem_at = start;
        scan.problem = "tag " + quoted_tag(text, start, std::min(text.size(), start + 60)) +
                       " is never closed with }}}";
        return scan;
      }
      tag.kind = TagKind::unescaped;
      tag.content = start + 3;
      tag.name = trimmed(std::string_view(text).substr(start + 3, close - start - 3));
      tag.end = close + 3;
    } else {
      std::size_t sigil = start + 2;
      while (sigil < text.size() && is_space(text[sigil])) {
        ++sigil;
      }
      const char first = sigil < text.size() ? text[sigil] : '\0';
      const std::size_t close =
          first == '!' ? comment_end(text, sigil + 1) : text.find("}}", start + 2);
      if (close == std::string::npos) {
        scan.problem_at = start;
        scan.problem = (first == '!' ? "comment " : "tag ") +
                       quoted_tag(text, start, std::min(text.size(), start + 60)) +
                       " is never closed with }}";
        return scan;
      }
      tag.end = close + 2;
      tag.content = sigil + 1;
      switch (first) {
        case '#':
          tag.kind = TagKind::section;
          break;
        case '^':
          tag.kind = TagKind::inverted;
          break;
        case '/':
          tag.kind = TagKind::close;
          break;
        case '>':
          tag.kind = TagKind::partial;
          break;
        case '&':
          tag.kind = TagKind::unescaped;
          break;
        case '!':
          tag.kind = TagKind::comment;
          break;
        case '=':
          tag.kind = TagKind::delimiters;
          break;
        default:
          tag.kind = TagKind::variable;
          tag.content = sigil;
          break;
      }
      tag.name = trimmed(std::string_view(text).substr(tag.content, close - tag.content));
      if (tag.kind == TagKind::delimiters) {
        scan.problem_at = start;
        scan.problem = quoted_tag(text, start, tag.end) +
                       ": the tag delimiters cannot be changed in a template; write every tag "
                       "with {{ and }}";
        return scan;
      }
    }
    scan.tags.push_back(std::move(tag));
    start = scan.tags.back().end;
  }
  return scan;
}

// The template with what its comments hold blanked out (line ends kept, so that every offset
// and line stays where it was): kainjow ends a comment at its first "}}", while here it may
// hold whole tags.
std::string without_comment_text(std::string text, const std::vector<Tag>& tags) {
  for (const Tag& tag : tags) {
    if (tag.kind != TagKind::comment) {
      continue;
    }
    for (std::size_t i = tag.content; i + 2 < tag.end; ++i) {
      if (text[i] != '\n') {
        text[i] = ' ';
      }
    }
  }
  return text;
}

// The Mustache rule for "standalone" lines: a line holding nothing but section, comment or
// partial tags (and blanks) leaves no line of its own in the output. kainjow applies it only
// to sections that render, so a section that does not would leave an empty line behind, and
// it also drops a deliberate empty line that follows a section. So each such line is marked
// here, which turns kainjow's rule off for it, and tidy_lines() drops the lines left holding
// only the mark. A tag may span lines (a long comment): each line it covers counts as tags.
std::string mark_standalone_lines(const std::string& text, const std::vector<Tag>& tags) {
  const auto may_stand_alone = [](TagKind kind) {
    return kind == TagKind::section || kind == TagKind::inverted || kind == TagKind::close ||
           kind == TagKind::comment || kind == TagKind::partial;
  };
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t next_tag = 0;  // the first tag that ends after the current position
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      out.append(text, start, std::string::npos);
      break;
    }
    bool only_tags = true;
    bool any_tag = false;
    std::size_t at = start;
    while (at < end) {
      while (next_tag < tags.size() && tags[next_tag].end <= at) {
        ++next_tag;
      }
      if (text[at] == ' ' || text[at] == '\t' || (text[at] == '\r' && at + 1 == end)) {
        ++at;
      } else if (next_tag < tags.size() && tags[next_tag].start <= at &&
                 may_stand_alone(tags[next_tag].kind)) {
        any_tag = true;
        at = tags[next_tag].end;
      } else {
        only_tags = false;
        break;
      }
    }
    // A line end inside a tag (a comment over several lines) goes with the tag.
    const bool end_in_tag = at > end;
    std::size_t line_end = end;
    if (only_tags && any_tag && !end_in_tag) {
      if (line_end > start && text[line_end - 1] == '\r') {
        --line_end;
      }
      out.append(text, start, line_end - start);
      out += kStandaloneMark;
    } else {
      out.append(text, start, end - start);
    }
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string template_key(EmailKind kind, const char* part) {
  return std::string(to_string(kind)) + '.' + part;
}

// --- Views as Mustache data ------------------------------------------------------------------

struct RagStyle {
  const char* word;
  const char* background;
  const char* foreground;
};

// Colours with at least 4.5:1 contrast against their text; the word is always shown too.
RagStyle rag_style(const std::string& rag) {
  if (rag == "red") {
    return {"Red", "#b71c1c", "#ffffff"};
  }
  if (rag == "amber") {
    return {"Amber", "#ffc107", "#1a1a1a"};
  }
  if (rag == "green") {
    return {"Green", "#2e7d32", "#ffffff"};
  }
  return {"", "#6b7280", "#ffffff"};
}

void set_rag(mustache::data& out, const std::string& rag) {
  const RagStyle style = rag_style(rag);
  out.set("rag", rag);
  out.set("has_rag", std::string(style.word).size() > 0);
  out.set("rag_word", style.word);
  out.set("rag_background", style.background);
  out.set("rag_foreground", style.foreground);
  out.set("rag_red", rag == "red");
  out.set("rag_amber", rag == "amber");
  out.set("rag_green", rag == "green");
}

// A multi-line value as a list of {line, last}, so that the HTML part can break lines with
// <br> while every line stays escaped.
mustache::data lines_of(const std::string& text) {
  mustache::data list{mustache::data::type::list};
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(line);
  }
  while (!lines.empty() && lines.back().empty()) {
    lines.pop_back();
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    mustache::data entry;
    entry.set("line", lines[i]);
    entry.set("last", i + 1 == lines.size());
    list.push_back(entry);
  }
  return list;
}

// The day a view's `days` were counted from.
std::optional<date::year_month_day> as_of(const MilestoneView& milestone) {
  if (!milestone.due_day) {
    return std::nullopt;
  }
  return date::year_month_day{date::sys_days(*milestone.due_day) - date::days(milestone.days)};
}

// "due in 14 days", "due on Sunday 31 May 2020", "7 days overdue": a dated view is worded from
// its dates (SPEC §4), whatever the stage of its notice; an undated one keeps its `when`.
std::string when_from_days(const MilestoneView& milestone, DueWording wording) {
  if (!milestone.when.empty() || !milestone.due_day) {
    return milestone.when;
  }
  return when_due(*milestone.due_day, *as_of(milestone), wording);
}

// The stage of a notice as a label; what it says about the date is in `when`.
const char* stage_word(const std::string& stage) {
  if (stage == "reminder") {
    return "Reminder";
  }
  if (stage == "due") {
    return "Due date";
  }
  if (stage == "overdue") {
    return "Overdue";
  }
  if (stage == "escalation") {
    return "Escalated";
  }
  return "";
}

mustache::data milestone_data(const MilestoneView& milestone) {
  mustache::data out;
  const std::string when = when_from_days(milestone, DueWording::brief);
  out.set("stage", milestone.stage);
  out.set("stage_word", stage_word(milestone.stage));
  out.set("when", when);
  out.set("when_title", capitalised(when));
  out.set("when_dated", when_from_days(milestone, DueWording::with_date));
  out.set("has_when", !when.empty());
  out.set("review_id", milestone.review_id);
  out.set("review_title", milestone.review_title);
  out.set("has_review_title", !milestone.review_title.empty());
  out.set("recommendation_id", milestone.recommendation_id);
  out.set("has_recommendation_id", !milestone.recommendation_id.empty());
  out.set("action_id", milestone.action_id);
  out.set("action_text", milestone.action_text);
  out.set("has_action_text", !milestone.action_text.empty());
  out.set("action_text_lines", lines_of(milestone.action_text));
  out.set("milestone_id", milestone.milestone_id);
  out.set("milestone_text", milestone.milestone_text);
  out.set("lead", milestone.lead);
  out.set("has_lead", !milestone.lead.empty());
  out.set("target", milestone.target);
  out.set("has_target", !milestone.target.empty());
  out.set("due_date", milestone.due_date);
  out.set("has_due_date", !milestone.due_date.empty());
  out.set("days", std::to_string(milestone.days));
  out.set("days_overdue", std::to_string(milestone.days < 0 ? -milestone.days : 0));
  out.set("days_left", std::to_string(milestone.days > 0 ? milestone.days : 0));
  out.set("is_overdue", !milestone.due_date.empty() && milestone.days < 0);
  out.set("progress", milestone.progress);
  out.set("has_progress", !milestone.progress.empty());
  out.set("progress_lines", lines_of(milestone.progress));
  out.set("escalated", milestone.escalated);
  set_rag(out, milestone.rag);
  return out;
}

// `name_more` and `name_more_text` ("12 more milestones") for what a list of `count` leaves
// out beyond kMaxListed; false when it lists everything.
void set_more(mustache::data& out, const std::string& name, std::size_t count,
              const std::string& one, const std::string& many) {
  if (count <= kMaxListed) {
    out.set(name + "_more", false);
    out.set(name + "_more_text", "");
    return;
  }
  const int more = static_cast<int>(count - kMaxListed);
  out.set(name + "_more", std::to_string(more));
  out.set(name + "_more_text", plural(more, "more " + one, "more " + many));
}

// `name` as a list (at most kMaxListed) plus `has_name`, `name_count` and `name_count_text`
// ("1 milestone", counting all) and `name_more` / `name_more_text` for those not listed.
void set_milestones(mustache::data& out, const std::string& name,
                    const std::vector<MilestoneView>& milestones) {
  const int count = static_cast<int>(milestones.size());
  mustache::data list{mustache::data::type::list};
  for (std::size_t i = 0; i < milestones.size() && i < kMaxListed; ++i) {
    list.push_back(milestone_data(milestones[i]));
  }
  out.set(name, list);
  out.set("has_" + name, count > 0);
  out.set(name + "_count", std::to_string(count));
  out.set(name + "_count_text", plural(count, "milestone", "milestones"));
  set_more(out, name, milestones.size(), "milestone", "milestones");
}

mustache::data rag_row_data(const RagRow& row) {
  mustache::data out;
  out.set("name", row.name);
  set_rag(out, row.rag);
  out.set("overdue", std::to_string(row.overdue));
  out.set("due_soon", std::to_string(row.due_soon));
  out.set("undated", std::to_string(row.undated));
  out.set("complete", std::to_string(row.complete));
  out.set("total", std::to_string(row.total));
  out.set("total_text", plural(row.total, "milestone", "milestones"));
  return out;
}

void set_rag_rows(mustache::data& out, const std::string& name, const std::vector<RagRow>& rows,
                  const std::string& one, const std::string& many) {
  mustache::data list{mustache::data::type::list};
  for (std::size_t i = 0; i < rows.size() && i < kMaxListed; ++i) {
    list.push_back(rag_row_data(rows[i]));
  }
  out.set(name, list);
  out.set("has_" + name, !rows.empty());
  set_more(out, name, rows.size(), one, many);
}

std::string state_word(const std::string& state) {
  if (state == "sent") {
    return "Sent";
  }
  if (state == "queued") {
    return "Queued";
  }
  if (state == "failed") {
    return "Failed";
  }
  if (state == "dropped") {
    return "Dropped";
  }
  return capitalised(state);
}

void set_audit_rows(mustache::data& out, const std::string& name,
                    const std::vector<AuditRow>& rows) {
  mustache::data list{mustache::data::type::list};
  for (std::size_t i = 0; i < rows.size() && i < kMaxListed; ++i) {
    const AuditRow& row = rows[i];
    mustache::data entry;
    entry.set("when", row.when);
    entry.set("kind", row.kind);
    entry.set("recipient", row.recipient);
    entry.set("about", row.about);
    entry.set("state", row.state);
    entry.set("state_word", state_word(row.state));
    entry.set("failed", row.state == "failed");
    entry.set("detail", row.detail);
    entry.set("has_detail", !row.detail.empty());
    list.push_back(entry);
  }
  const int count = static_cast<int>(rows.size());
  out.set(name, list);
  out.set("has_" + name, count > 0);
  out.set(name + "_count", std::to_string(count));
  set_more(out, name, rows.size(), "entry", "entries");
}

// Where a dated item stands, from its dates: overdue, due today or due later.
enum class Standing { overdue, today, soon };

Standing standing_of(const MilestoneView& item) {
  if (item.days < 0) {
    return Standing::overdue;
  }
  return item.days == 0 ? Standing::today : Standing::soon;
}

// Where a group of notices stands, most urgent first, from their dates: "1 overdue, 2 due
// today and 1 due soon".
std::string stage_summary(const std::vector<MilestoneView>& items) {
  int overdue = 0;
  int due = 0;
  int soon = 0;
  for (const MilestoneView& item : items) {
    switch (standing_of(item)) {
      case Standing::overdue:
        ++overdue;
        break;
      case Standing::today:
        ++due;
        break;
      case Standing::soon:
        ++soon;
        break;
    }
  }
  std::vector<std::string> parts;
  if (overdue > 0) {
    parts.push_back(std::to_string(overdue) + " overdue");
  }
  if (due > 0) {
    parts.push_back(std::to_string(due) + " due today");
  }
  if (soon > 0) {
    parts.push_back(std::to_string(soon) + " due soon");
  }
  return joined(parts);
}

// When a group of items not yet overdue is due: as each of them says when they agree (one due
// date), otherwise "due by" the last of their due dates.
std::string group_when(const std::vector<MilestoneView>& items, DueWording wording) {
  std::optional<std::string> shared;
  bool agree = true;
  const MilestoneView* last = nullptr;
  for (const MilestoneView& item : items) {
    const std::string when = when_from_days(item, wording);
    if (!shared) {
      shared = when;
    } else if (*shared != when) {
      agree = false;
    }
    if (item.due_day && (last == nullptr || *item.due_day > *last->due_day)) {
      last = &item;
    }
  }
  if (!shared) {
    return "";
  }
  if (agree || last == nullptr) {
    return *shared;
  }
  return "due by " + long_day(*last->due_day);
}

mustache::data notice_data(const NoticeEmailView& view) {
  mustache::data out;
  const int count = static_cast<int>(view.items.size());
  std::set<std::pair<std::string, std::string>> actions;
  std::set<Standing> standings;
  int min_days_overdue = 0;
  for (const MilestoneView& item : view.items) {
    actions.emplace(item.review_id, item.action_id);
    standings.insert(standing_of(item));
    if (item.days < 0 && (min_days_overdue == 0 || -item.days < min_days_overdue)) {
      min_days_overdue = -item.days;
    }
  }
  const int action_count = static_cast<int>(actions.size());
  out.set("kind", to_string(view.kind));
  out.set("partnership", view.partnership);
  out.set("has_partnership", !view.partnership.empty());
  out.set("recipient_name", view.recipient_name);
  out.set("has_recipient_name", !view.recipient_name.empty());
  out.set("coordinator_name", view.coordinator_name);
  out.set("coordinator_address", view.coordinator_address);
  out.set("has_coordinator_address", !view.coordinator_address.empty());
  out.set("today", view.today);
  set_milestones(out, "items", view.items);
  out.set("count", std::to_string(count));
  out.set("count_text", plural(count, "milestone", "milestones"));
  out.set("one", count == 1);
  out.set("several", count > 1);
  out.set("first", count > 0 ? milestone_data(view.items.front()) : mustache::data(false));
  out.set("action_count", std::to_string(action_count));
  out.set("action_count_text", plural(action_count, "action", "actions"));
  out.set("one_action", action_count == 1);
  out.set("mixed", standings.size() > 1);
  out.set("summary", stage_summary(view.items));
  out.set("group_when", group_when(view.items, DueWording::brief));
  out.set("group_when_dated", group_when(view.items, DueWording::with_date));
  out.set("min_days_overdue", std::to_string(min_days_overdue));
  out.set("min_days_overdue_text", plural(min_days_overdue, "day", "days"));
  return out;
}

const std::array<const char*, 12> kMonths = {"january",   "february", "march",    "april",
                                             "may",       "june",     "july",     "august",
                                             "september", "october",  "november", "december"};

// The Monday of the week of "Monday 3 February 2020" (weekday optional), as "3 February 2020";
// the text as given, less its weekday, if it is not such a date.
std::string week_commencing(const std::string& today) {
  std::istringstream in(today);
  std::vector<std::string> words;
  for (std::string word; in >> word;) {
    words.push_back(word);
  }
  if (words.size() == 4) {
    words.erase(words.begin());
  }
  if (words.size() != 3) {
    return today;
  }
  std::string month_name = words[1];
  std::transform(month_name.begin(), month_name.end(), month_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto month = std::find(kMonths.begin(), kMonths.end(), month_name);
  const bool numeric = !words[0].empty() && !words[2].empty() &&
                       std::all_of(words[0].begin(), words[0].end(), is_digit) &&
                       std::all_of(words[2].begin(), words[2].end(), is_digit) &&
                       words[0].size() <= 2 && words[2].size() == 4;
  if (month == kMonths.end() || !numeric) {
    return words[0] + ' ' + words[1] + ' ' + words[2];
  }
  const date::year_month_day day{date::year{std::stoi(words[2])},
                                 date::month{static_cast<unsigned>(month - kMonths.begin() + 1)},
                                 date::day{static_cast<unsigned>(std::stoi(words[0]))}};
  if (!day.ok()) {
    return words[0] + ' ' + words[1] + ' ' + words[2];
  }
  const date::sys_days days{day};
  const date::sys_days monday = days - (date::weekday{days} - date::Monday);
  const date::year_month_day start{monday};
  std::string name = kMonths[static_cast<unsigned>(start.month()) - 1];
  return std::to_string(static_cast<unsigned>(start.day())) + ' ' + capitalised(name) + ' ' +
         std::to_string(static_cast<int>(start.year()));
}

mustache::data digest_data(const DigestView& view) {
  mustache::data out;
  out.set("kind", to_string(EmailKind::digest));
  out.set("partnership", view.partnership);
  out.set("has_partnership", !view.partnership.empty());
  out.set("today", view.today);
  out.set("week_commencing", week_commencing(view.today));
  out.set("horizon_days", std::to_string(view.horizon_days));
  out.set("horizon_text", plural(view.horizon_days, "day", "days"));
  out.set("total", std::to_string(view.total));
  out.set("total_text", plural(view.total, "milestone", "milestones"));
  set_milestones(out, "overdue", view.overdue);
  set_milestones(out, "due_soon", view.due_soon);
  set_milestones(out, "completed", view.completed);
  set_milestones(out, "undated", view.undated);
  set_rag_rows(out, "recommendations", view.recommendations, "recommendation", "recommendations");
  set_rag_rows(out, "agencies", view.agencies, "agency", "agencies");
  set_audit_rows(out, "audit", view.audit);
  set_audit_rows(out, "failures", view.failures);
  return out;
}

mustache::data failure_data(const FailureView& view) {
  mustache::data out;
  out.set("kind", to_string(EmailKind::failure));
  out.set("partnership", view.partnership);
  out.set("has_partnership", !view.partnership.empty());
  const int count = static_cast<int>(view.messages.size());
  // The subject: the one message's own subject, or how many failed.
  std::string summary;
  if (!view.settings_problem.empty()) {
    summary = "no email can be sent until the settings are fixed";
  } else if (count == 1) {
    summary = view.messages.front().subject;
  } else {
    summary = plural(count, "message", "messages");
  }
  out.set("summary", summary);
  out.set("settings_problem", view.settings_problem);
  out.set("has_settings_problem", !view.settings_problem.empty());
  out.set("settings_problem_lines", lines_of(view.settings_problem));
  out.set("waiting_text", plural(view.waiting, "message waits", "messages wait"));
  out.set("has_waiting", view.waiting > 0);
  out.set("count_text", plural(count, "message", "messages"));
  mustache::data messages{mustache::data::type::list};
  for (const auto& message : view.messages) {
    mustache::data item;
    item.set("subject", message.subject);
    item.set("recipients", message.recipients);
    item.set("error", message.error);
    item.set("has_error", !message.error.empty());
    item.set("error_lines", lines_of(message.error));
    item.set("attempts", std::to_string(message.attempts));
    item.set("attempts_text", plural(message.attempts, "attempt", "attempts"));
    item.set("first_attempt", message.first_attempt);
    item.set("has_first_attempt", !message.first_attempt.empty());
    item.set("permanent", message.permanent);
    messages.push_back(item);
  }
  out.set("messages", messages);
  out.set("has_messages", count > 0);
  mustache::data advice{mustache::data::type::list};
  for (const auto& line : view.advice) {
    mustache::data item;
    item.set("line", line);
    advice.push_back(item);
  }
  out.set("advice", advice);
  out.set("has_advice", !view.advice.empty());
  return out;
}

mustache::data problem_data(const ProblemView& view) {
  mustache::data out;
  out.set("kind", to_string(EmailKind::problem));
  out.set("partnership", view.partnership);
  out.set("has_partnership", !view.partnership.empty());
  mustache::data problems{mustache::data::type::list};
  for (const auto& problem : view.problems) {
    mustache::data item;
    item.set("problem", problem);
    problems.push_back(item);
  }
  out.set("problems", problems);
  out.set("count_text", plural(static_cast<int>(view.problems.size()), "problem", "problems"));
  out.set("since", view.since);
  out.set("has_since", !view.since.empty());
  return out;
}

mustache::data test_data(const TestView& view) {
  mustache::data out;
  out.set("kind", to_string(EmailKind::test));
  out.set("partnership", view.partnership);
  out.set("has_partnership", !view.partnership.empty());
  out.set("coordinator_name", view.coordinator_name);
  out.set("coordinator_address", view.coordinator_address);
  out.set("has_coordinator_address", !view.coordinator_address.empty());
  out.set("transport", view.transport);
  out.set("recipient", view.recipient);
  return out;
}

}  // namespace

// --- Loading --------------------------------------------------------------------------------

std::optional<Templates> Templates::load(const std::string& folder, plan::Diagnostics& out) {
  const fs::path root(folder);
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    out.add(template_problem(root, "template folder not found"));
    return std::nullopt;
  }

  // A partial used by several templates would report the same problem once for each.
  std::vector<Diagnostic> problems;
  std::set<std::string> reported;
  const auto report = [&](Diagnostic diagnostic) {
    if (reported.insert(diagnostic.to_string()).second) {
      problems.push_back(std::move(diagnostic));
    }
  };

  // Each file as read, with its tags: "reminder.text" or "partial:<name>" -> its file.
  struct Source {
    fs::path file;
    std::string text;
    std::vector<Tag> tags;
  };
  std::map<std::string, Source> sources;
  std::set<std::string> unreadable;  // reported once, not again where they are used
  const auto read = [&](const std::string& key, const fs::path& file, const std::string& missing) {
    std::string problem;
    std::optional<std::string> text = read_template_file(file, problem);
    if (!text) {
      report(template_problem(file, problem == "missing" ? missing : problem));
      unreadable.insert(key);
      return;
    }
    sources[key] = Source{file, std::move(*text), {}};
  };
  for (EmailKind kind : kKinds) {
    for (const char* part : kParts) {
      const std::string key = template_key(kind, part);
      fs::path file = root / (key + kExtension);
      // The test message's templates came with send-test's rework: a copy of the templates made
      // before it lacks them, and must still load after an upgrade, so they come from the
      // installed templates until the copy has its own.
      if (kind == EmailKind::test && !fs::exists(fs::symlink_status(file, error))) {
        fs::path installed = fs::path(default_folder()) / (key + kExtension);
        if (fs::exists(installed, error)) {
          file = installed;
        }
      }
      read(
          key, file,
          std::string("missing template: the ") + part + " part of " + to_string(kind) + " emails");
    }
  }
  const fs::path partial_folder = root / kPartialFolder;
  if (fs::is_directory(partial_folder, error)) {
    const std::string extension = kExtension;
    for (const fs::directory_entry& entry : fs::directory_iterator(partial_folder, error)) {
      const std::string filename = entry.path().filename().string();
      if (filename.size() <= extension.size() ||
          filename.compare(filename.size() - extension.size(), extension.size(), extension) != 0) {
        continue;
      }
      read("partial:" + filename.substr(0, filename.size() - extension.size()), entry.path(),
           "cannot be read: no such file (a link to nothing?)");
    }
  }

  // Each file parses on its own (kainjow parses partials only when rendering them), with the
  // text of its comments blanked out, as it will render.
  for (auto& [key, source] : sources) {
    TagScan scan = scan_tags(source.text);
    if (scan.problem_at) {
      report(template_problem_at(source.file, source.text, *scan.problem_at,
                                 "template does not parse: " + scan.problem));
      continue;
    }
    std::string text = without_comment_text(source.text, scan.tags);
    const mustache::mustache parsed{text};
    if (!parsed.is_valid()) {
      report(parse_problem(source.file, source.text, parsed.error_message()));
      continue;
    }
    source.tags = std::move(scan.tags);
    source.text = std::move(text);
  }

  // Every partial used exists; partials never include themselves, directly or through
  // others, nor nest deeper than rendering allows; and nothing an HTML part uses leaves a
  // value unescaped. One walk over the files, each visited once.
  enum class Visit { not_yet, under_way, done };
  std::map<std::string, Visit> visits;
  std::map<std::string, int> heights;  // partials nested in a file, itself included
  std::vector<std::string> path;
  const std::function<int(const std::string&)> visit = [&](const std::string& key) -> int {
    visits[key] = Visit::under_way;
    path.push_back(key.substr(key.rfind(':') + 1));
    const Source& source = sources.at(key);
    int height = 0;
    for (const Tag& tag : source.tags) {
      if (tag.kind != TagKind::partial) {
        continue;
      }
      const std::string used = "partial:" + tag.name;
      if (std::any_of(tag.name.begin(), tag.name.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        report(template_problem_at(source.file, source.text, tag.start,
                                   "a partial's name cannot hold a control character"));
        continue;
      }
      if (sources.count(used) == 0) {
        if (unreadable.count(used) > 0) {
          continue;
        }
        const fs::path expected = fs::path(kPartialFolder) / (tag.name + kExtension);
        report(template_problem_at(
            source.file, source.text, tag.start,
            "partial \"" + tag.name + "\" not found: expected " + expected.string()));
        continue;
      }
      if (visits[used] == Visit::under_way) {
        std::string loop;
        for (auto it = std::find(path.begin(), path.end(), tag.name); it != path.end(); ++it) {
          loop += *it + " > ";
        }
        report(template_problem_at(
            source.file, source.text, tag.start,
            "partial \"" + tag.name + "\" includes itself: " + loop + tag.name));
        continue;
      }
      if (visits[used] == Visit::not_yet) {
        heights[used] = visit(used);
      }
      if (heights[used] == kMaxPartialDepth && key.rfind("partial:", 0) == 0) {
        report(template_problem_at(
            source.file, source.text, tag.start,
            "partials nested deeper than " + std::to_string(kMaxPartialDepth) + " levels: \"" +
                path.back() + "\" includes \"" + tag.name + "\", which nests " +
                std::to_string(kMaxPartialDepth) + " levels of partials"));
      }
      height = std::max(height, heights[used]);
    }
    path.pop_back();
    visits[key] = Visit::done;
    return height + 1;
  };
  for (const auto& [key, source] : sources) {
    if (visits[key] == Visit::not_yet) {
      heights[key] = visit(key);
    }
  }
  // What every HTML part reaches, each file once.
  std::set<std::string> html_files;
  std::vector<std::string> pending;
  for (const auto& [key, source] : sources) {
    if (key.size() > 5 && key.compare(key.size() - 5, 5, ".html") == 0 &&
        key.rfind("partial:", 0) != 0) {
      pending.push_back(key);
    }
  }
  while (!pending.empty()) {
    const std::string key = pending.back();
    pending.pop_back();
    if (!html_files.insert(key).second) {
      continue;
    }
    const Source& source = sources.at(key);
    bool reported_here = false;
    for (const Tag& tag : source.tags) {
      if (tag.kind == TagKind::unescaped && !reported_here) {
        report(template_problem_at(
            source.file, source.text, tag.start,
            "HTML parts must escape every value: write {{name}}, not {{{name}}} or {{&name}}"));
        reported_here = true;
      }
      if (tag.kind == TagKind::partial && sources.count("partial:" + tag.name) > 0) {
        pending.push_back("partial:" + tag.name);
      }
    }
  }

  for (Diagnostic& problem : problems) {
    out.add(std::move(problem));
  }
  if (!problems.empty()) {
    return std::nullopt;
  }
  Templates templates;
  for (const auto& [key, source] : sources) {
    std::string text = mark_standalone_lines(source.text, source.tags);
    if (key.rfind("partial:", 0) == 0) {
      templates.partials_[key.substr(8)] = std::move(text);
    } else {
      templates.sources_[key] = std::move(text);
    }
  }
  return templates;
}

std::string Templates::default_folder() {
  std::error_code error;
  if (fs::is_directory(PLAN_REMINDER_TEMPLATE_DIR, error)) {
    return PLAN_REMINDER_TEMPLATE_DIR;
  }
  return PLAN_REMINDER_SOURCE_TEMPLATE_DIR;
}

// --- Rendering ------------------------------------------------------------------------------

namespace {

// Renders one loaded template; an error here means a template changed after load() checked
// it, which is a bug, not a routine failure.
std::string render_source(const std::map<std::string, std::string>& sources,
                          const std::map<std::string, std::string>& partials,
                          const std::string& key, mustache::data data, bool html) {
  // kainjow renders a partial by recursing into it: each one ends with a partial tag of its
  // own that counts its end, so that nesting stays bounded even if load() missed a loop.
  int depth = 0;
  for (const auto& [name, text] : partials) {
    data.set(name, mustache::partial{[&text = text, &depth, &key]() {
               if (++depth > Templates::kMaxPartialDepth) {
                 throw std::logic_error("template " + key + " nests partials deeper than " +
                                        std::to_string(Templates::kMaxPartialDepth) + " levels");
               }
               return text + kPartialEndTag;
             }});
  }
  data.set(kPartialEndName, mustache::partial{[&depth]() {
             --depth;
             return std::string();
           }});
  mustache::mustache tmpl{sources.at(key)};
  tmpl.set_custom_escape(html ? html_escape : no_escape);
  std::string result = tmpl.render(data);
  if (!tmpl.is_valid()) {
    throw std::logic_error("template " + key + " failed to render: " + tmpl.error_message());
  }
  return result;
}

RenderedEmail render_kind(const std::map<std::string, std::string>& sources,
                          const std::map<std::string, std::string>& partials, EmailKind kind,
                          mustache::data data) {
  RenderedEmail email;
  email.subject = one_line(
      render_source(sources, partials, template_key(kind, "subject"), data, /*html=*/false));
  data.set("email_subject", email.subject);
  email.text = tidy_lines(
      render_source(sources, partials, template_key(kind, "text"), data, /*html=*/false));
  email.html =
      tidy_lines(render_source(sources, partials, template_key(kind, "html"), data, /*html=*/true));
  return email;
}

}  // namespace

RenderedEmail Templates::render(const NoticeEmailView& view) const {
  if (view.kind == EmailKind::digest || view.kind == EmailKind::failure ||
      view.kind == EmailKind::problem || view.kind == EmailKind::test) {
    throw std::invalid_argument(std::string("a notice email cannot be of kind ") +
                                to_string(view.kind));
  }
  return render_kind(sources_, partials_, view.kind, notice_data(view));
}

RenderedEmail Templates::render(const DigestView& view) const {
  return render_kind(sources_, partials_, EmailKind::digest, digest_data(view));
}

RenderedEmail Templates::render(const FailureView& view) const {
  return render_kind(sources_, partials_, EmailKind::failure, failure_data(view));
}

RenderedEmail Templates::render(const ProblemView& view) const {
  return render_kind(sources_, partials_, EmailKind::problem, problem_data(view));
}

RenderedEmail Templates::render(const TestView& view) const {
  return render_kind(sources_, partials_, EmailKind::test, test_data(view));
}

}  // namespace plan_reminder::mail
