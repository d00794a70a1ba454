// Loading, checking and rendering the Mustache email templates. The views become Mustache
// data here (with the small helpers templates cannot compute: counts, plurals, RAG words and
// colours); subject and text parts render without escaping, HTML parts escape every value.
#include "mail/templates.h"

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
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
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

constexpr std::array kKinds = {EmailKind::reminder, EmailKind::due,     EmailKind::overdue,
                               EmailKind::escalation, EmailKind::digest, EmailKind::failure,
                               EmailKind::problem};
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

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
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
  static const std::regex with_offset(R"(^(.*) at ([0-9]+)$)");
  std::smatch match;
  if (!std::regex_match(error, match, with_offset)) {
    return template_problem(file, "template does not parse: " + error);
  }
  const std::string what = match[1];
  const std::size_t offset = std::stoul(match[2]);
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

struct PartialUse {
  std::string name;
  std::size_t offset = 0;
};

std::vector<PartialUse> partials_used(const std::string& text) {
  static const std::regex partial_tag(R"(\{\{\s*>\s*([^}\s]+)\s*\}\})");
  std::vector<PartialUse> uses;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), partial_tag);
       it != std::sregex_iterator(); ++it) {
    uses.push_back({(*it)[1].str(), static_cast<std::size_t>(it->position(0))});
  }
  return uses;
}

// `{{{x}}}` and `{{& x}}` insert a value unescaped: never wanted in an HTML part, where a
// milestone text containing "<" must show as written.
std::optional<std::size_t> unescaped_value(const std::string& text) {
  static const std::regex unescaped(R"(\{\{\{|\{\{\s*&)");
  std::smatch match;
  if (std::regex_search(text, match, unescaped)) {
    return static_cast<std::size_t>(match.position(0));
  }
  return std::nullopt;
}

// The Mustache rule for "standalone" lines: a line holding nothing but section, comment or
// partial tags (and blanks) leaves no line of its own in the output. kainjow applies it only
// to sections that render, so a section that does not would leave an empty line behind, and
// it also drops a deliberate empty line that follows a section. So each such line is marked
// here, which turns kainjow's rule off for it, and tidy_lines() drops the lines left holding
// only the mark.
std::string mark_standalone_lines(const std::string& text) {
  static const std::regex standalone(R"(^[ \t]*(\{\{[#^/!>][^}]*\}\}[ \t]*)+\r?$)");
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      out.append(text, start, std::string::npos);
      break;
    }
    std::string line = text.substr(start, end - start);
    if (std::regex_match(line, standalone)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      line += kStandaloneMark;
    }
    out += line;
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
  set_rag_rows(out, "recommendations", view.recommendations, "recommendation",
               "recommendations");
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
  out.set("subject", view.subject);
  out.set("recipients", view.recipients);
  out.set("error", view.error);
  out.set("has_error", !view.error.empty());
  out.set("error_lines", lines_of(view.error));
  out.set("attempts", std::to_string(view.attempts));
  out.set("attempts_text", plural(view.attempts, "attempt", "attempts"));
  out.set("first_attempt", view.first_attempt);
  out.set("has_first_attempt", !view.first_attempt.empty());
  out.set("permanent", view.permanent);
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

  Templates templates;
  std::map<std::string, fs::path> files;  // "reminder.text" or "partial:<name>" -> its file
  for (EmailKind kind : kKinds) {
    for (const char* part : kParts) {
      const std::string key = template_key(kind, part);
      const fs::path file = root / (key + kExtension);
      std::optional<std::string> text = read_text(file);
      if (!text) {
        report(template_problem(file, fs::exists(file, error)
                                          ? std::string("cannot read template")
                                          : std::string("missing template: the ") + part +
                                                " part of " + to_string(kind) + " emails"));
        continue;
      }
      templates.sources_[key] = std::move(*text);
      files[key] = file;
    }
  }

  const fs::path partial_folder = root / kPartialFolder;
  if (fs::is_directory(partial_folder, error)) {
    const std::string extension = kExtension;
    for (const fs::directory_entry& entry : fs::directory_iterator(partial_folder, error)) {
      const std::string filename = entry.path().filename().string();
      if (!entry.is_regular_file(error) || filename.size() <= extension.size() ||
          filename.compare(filename.size() - extension.size(), extension.size(), extension) != 0) {
        continue;
      }
      const std::string name = filename.substr(0, filename.size() - extension.size());
      std::optional<std::string> text = read_text(entry.path());
      if (!text) {
        report(template_problem(entry.path(), "cannot read template"));
        continue;
      }
      templates.partials_[name] = std::move(*text);
      files["partial:" + name] = entry.path();
    }
  }

  // Each file parses on its own: kainjow parses partials only when rendering them.
  const auto check = [&](const std::string& key, const std::string& text) {
    const mustache::mustache parsed{text};
    if (!parsed.is_valid()) {
      report(parse_problem(files.at(key), text, parsed.error_message()));
    }
  };
  for (const auto& [key, text] : templates.sources_) {
    check(key, text);
  }
  for (const auto& [name, text] : templates.partials_) {
    check("partial:" + name, text);
  }

  // Every partial used exists and includes itself nowhere down the line, and no template or
  // partial an HTML part uses leaves a value unescaped.
  const std::function<void(const std::string&, std::vector<std::string>&, bool)> visit =
      [&](const std::string& key, std::vector<std::string>& path, bool html) {
        const bool is_partial = key.rfind("partial:", 0) == 0;
        const std::string& text =
            is_partial ? templates.partials_.at(key.substr(8)) : templates.sources_.at(key);
        if (html) {
          if (const std::optional<std::size_t> at = unescaped_value(text)) {
            report(template_problem_at(
                files.at(key), text, *at,
                "HTML parts must escape every value: write {{name}}, not {{{name}}} or {{&name}}"));
          }
        }
        for (const PartialUse& use : partials_used(text)) {
          if (templates.partials_.count(use.name) == 0) {
            const fs::path expected = fs::path(kPartialFolder) / (use.name + kExtension);
            report(template_problem_at(
                files.at(key), text, use.offset,
                "partial \"" + use.name + "\" not found: expected " + expected.string()));
            continue;
          }
          if (std::find(path.begin(), path.end(), use.name) != path.end()) {
            report(template_problem_at(files.at(key), text, use.offset,
                                       "partial \"" + use.name + "\" includes itself"));
            continue;
          }
          path.push_back(use.name);
          visit("partial:" + use.name, path, html);
          path.pop_back();
        }
      };
  for (const auto& [key, text] : templates.sources_) {
    std::vector<std::string> path;
    const bool html = key.size() > 5 && key.compare(key.size() - 5, 5, ".html") == 0;
    visit(key, path, html);
  }

  for (Diagnostic& problem : problems) {
    out.add(std::move(problem));
  }
  if (!problems.empty()) {
    return std::nullopt;
  }
  for (auto& [key, text] : templates.sources_) {
    text = mark_standalone_lines(text);
  }
  for (auto& [name, text] : templates.partials_) {
    text = mark_standalone_lines(text);
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
  for (const auto& [name, text] : partials) {
    data.set(name, mustache::partial{[&text = text]() { return text; }});
  }
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
      view.kind == EmailKind::problem) {
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

}  // namespace plan_reminder::mail
