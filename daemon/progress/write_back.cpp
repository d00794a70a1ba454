// Accepted updates written into plan files as text edits (see write_back.h).
#include "progress/write_back.h"

#include "base/iso_day.h"
#include "base/month_names.h"
#include "plan/diagnostics.h"
#include "plan/loaders.h"
#include "plan/model.h"
#include "plan/yaml_tree.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>
#include <utility>

namespace plan_reminder::progress {
namespace {

using plan::yaml::Mark;
using plan::yaml::Node;

// The lines of a text: where each starts, so that a mark becomes a byte offset.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        starts_.push_back(i + 1);
      }
    }
  }

  std::size_t count() const { return starts_.size(); }
  std::size_t start(std::size_t line) const { return starts_[line]; }  // 0-based line
  // Where the line's content ends: before its "\n" or "\r\n".
  std::size_t content_end(std::size_t line) const {
    const bool last = line + 1 == starts_.size();
    std::size_t end = last ? text_.size() : starts_[line + 1] - 1;
    if (!last && end > starts_[line] && text_[end - 1] == '\r') {
      --end;
    }
    return end;
  }
  // Where the next line starts, or the end of the text.
  std::size_t next_start(std::size_t line) const {
    return line + 1 < starts_.size() ? starts_[line + 1] : text_.size();
  }
  std::string_view content(std::size_t line) const {
    return text_.substr(starts_[line], content_end(line) - starts_[line]);
  }
  // The 0-based line of byte `at`.
  std::size_t line_of(std::size_t at) const {
    return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), at) -
                                    starts_.begin()) -
           1;
  }
  // The byte offset of a mark, when every character before it on its line is ASCII (so
  // columns and bytes agree), as before any key of a block mapping.
  std::optional<std::size_t> offset(Mark mark) const {
    if (mark.line < 1 || static_cast<std::size_t>(mark.line) > starts_.size() || mark.column < 1) {
      return std::nullopt;
    }
    std::size_t line = static_cast<std::size_t>(mark.line) - 1;
    std::size_t at = starts_[line] + static_cast<std::size_t>(mark.column) - 1;
    if (at > content_end(line)) {
      return std::nullopt;
    }
    for (std::size_t i = starts_[line]; i < at; ++i) {
      if (static_cast<unsigned char>(text_[i]) >= 0x80) {
        return std::nullopt;
      }
    }
    return at;
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

std::size_t indentation(std::string_view line) {
  std::size_t n = line.find_first_not_of(' ');
  return n == std::string_view::npos ? line.size() : n;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Where a plain scalar's text on one line ends: before a " #" comment and trailing blanks.
std::size_t plain_end(std::string_view line, std::size_t from) {
  std::size_t end = line.size();
  for (std::size_t i = from; i < line.size(); ++i) {
    if (line[i] == '#' && i > from && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      end = i;
      break;
    }
  }
  while (end > from && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
    --end;
  }
  return end;
}

// Where the quoted scalar opened at text[open] ends (just past its closing quote), or npos.
std::size_t quoted_end(std::string_view text, std::size_t open) {
  const char quote = text[open];
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// One change of the text: [begin, end) becomes `with`.
struct Splice {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string with;
};

// A mapping entry's key and where its value starts.
struct EntryPlace {
  const plan::yaml::MappingEntry* entry = nullptr;
  std::size_t key_line = 0;     // 0-based
  std::size_t indent = 0;       // the mapping's indentation: its keys' column - 1
  std::size_t after_colon = 0;  // just past the ':'
};

class Editor {
 public:
  Editor(std::string_view text, const std::string& file) : text_(text), file_(file), lines_(text) {
    std::size_t first_break = text.find('\n');
    eol_ = first_break != std::string_view::npos && first_break > 0 && text[first_break - 1] == '\r'
               ? "\r\n"
               : "\n";
  }

  base::Result<std::string> run(const Node& root, const std::vector<MilestoneEdit>& edits) {
    for (const MilestoneEdit& edit : edits) {
      if (auto done = edit_one(root, edit); !done) {
        return done.error();
      }
    }
    std::sort(splices_.begin(), splices_.end(), [](const Splice& a, const Splice& b) {
      return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
    });
    for (std::size_t i = 1; i < splices_.size(); ++i) {
      if (splices_[i].begin < splices_[i - 1].end) {
        return base::Error{file_ + ": two edits overlap; nothing was written"};
      }
    }
    std::string out;
    out.reserve(text_.size() + 256);
    std::size_t at = 0;
    for (const Splice& splice : splices_) {
      out.append(text_.substr(at, splice.begin - at));
      out += splice.with;
      at = splice.end;
    }
    out.append(text_.substr(at));
    return out;
  }

 private:
  base::Error error_at(Mark mark, const std::string& message) const {
    return base::Error{file_ + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column) +
                       ": " + message};
  }

  static const Node* value_of(const Node& mapping, std::string_view key) {
    if (!mapping.is_mapping()) {
      return nullptr;
    }
    for (const auto& [k, v] : mapping.entries) {
      if (k.is_scalar() && k.scalar == key) {
        return &v;
      }
    }
    return nullptr;
  }

  // The character where a node starts in the text, or '\0'.
  char first_char(const Node& node) const {
    auto at = lines_.offset(node.mark);
    return at && *at < text_.size() ? text_[*at] : '\0';
  }

  // Refuses a mapping that an edit cannot change alone: a flow mapping, an anchored one
  // (its aliases would change too) or an alias of another.
  base::Result<void> check_editable(const Node& node, const std::string& what) const {
    if (!node.is_mapping()) {
      return error_at(node.mark, what + " is not a mapping of keys; it cannot be written to");
    }
    switch (first_char(node)) {
      case '{':
        return error_at(node.mark, what +
                                       " is a flow mapping ({...}); write it as one key per "
                                       "line to export updates into it");
      case '&':
      case '*':
        return error_at(node.mark, what +
                                       " is shared through a YAML anchor or alias; write it "
                                       "out in full to export updates into it");
      default:
        return {};
    }
  }

  // The action `id`'s mapping, or null.
  static const Node* find_action(const Node& root, std::string_view id) {
    const Node* recommendations = value_of(root, "recommendations");
    if (recommendations == nullptr || !recommendations->is_sequence()) {
      return nullptr;
    }
    for (const Node& recommendation : recommendations->items) {
      const Node* actions = value_of(recommendation, "actions");
      if (actions == nullptr || !actions->is_sequence()) {
        continue;
      }
      for (const Node& action : actions->items) {
        const Node* given = value_of(action, "id");
        if (given != nullptr && given->is_scalar() && given->scalar == id) {
          return &action;
        }
      }
    }
    return nullptr;
  }

  // The milestone's mapping, as the loader numbers milestones: the action's `milestones:` item
  // with that id (or at that 1-based position when it has no id), or the action itself when it
  // has a single `target`.
  base::Result<const Node*> find_mapping(const Node& root, const MilestoneEdit& edit) const {
    const std::string what = "milestone " + edit.action + " " + edit.milestone;
    const base::Error missing{file_ + ": there is no " + what +
                              " in the file; nothing was written"};
    const Node* action = find_action(root, edit.action);
    if (action == nullptr) {
      return missing;
    }
    const Node* milestones = value_of(*action, "milestones");
    if (milestones == nullptr) {
      if (edit.milestone != "1") {
        return missing;
      }
      if (auto ok = check_editable(*action, "action " + edit.action); !ok) {
        return ok.error();
      }
      return action;
    }
    if (!milestones->is_sequence() || first_char(*milestones) == '*') {
      return error_at(milestones->mark, "the milestones of action " + edit.action +
                                            " are not a list written out; nothing was written");
    }
    for (std::size_t i = 0; i < milestones->items.size(); ++i) {
      const Node& milestone = milestones->items[i];
      const Node* id = value_of(milestone, "id");
      if ((id != nullptr && id->is_scalar() ? id->scalar : std::to_string(i + 1)) !=
          edit.milestone) {
        continue;
      }
      if (auto ok = check_editable(milestone, what); !ok) {
        return ok.error();
      }
      return &milestone;
    }
    return missing;
  }

  base::Result<EntryPlace> place_of(const plan::yaml::MappingEntry& entry) const {
    auto key_at = lines_.offset(entry.key.mark);
    if (!key_at || !entry.key.is_scalar()) {
      return error_at(entry.key.mark, "cannot find this key in the text; nothing was written");
    }
    std::size_t at = *key_at;
    if (text_[at] == '"' || text_[at] == '\'') {
      at = quoted_end(text_, at);
    } else if (text_.substr(at, entry.key.scalar.size()) == entry.key.scalar) {
      at += entry.key.scalar.size();
    } else {
      at = std::string_view::npos;
    }
    if (at != std::string_view::npos) {
      at = text_.find_first_not_of(" \t", at);
    }
    if (at == std::string_view::npos || text_[at] != ':') {
      return error_at(entry.key.mark, "cannot find the ':' after the key '" + entry.key.scalar +
                                          "'; nothing was written");
    }
    EntryPlace place;
    place.entry = &entry;
    place.key_line = static_cast<std::size_t>(entry.key.mark.line) - 1;
    place.indent = static_cast<std::size_t>(entry.key.mark.column) - 1;
    place.after_colon = at + 1;
    return place;
  }

  // The bytes of a scalar value to replace, from where it starts on the key's line to where
  // it ends (a quoted or block value may span lines); a comment after it stays.
  base::Result<Splice> value_extent(const EntryPlace& place) const {
    const Node& value = place.entry->value;
    const std::size_t line_end = lines_.content_end(place.key_line);
    std::size_t start = text_.find_first_not_of(" \t", place.after_colon);
    const bool on_key_line =
        start != std::string_view::npos && start < line_end && text_[start] != '#';
    if (!value.is_scalar() && !value.is_null()) {
      return error_at(value.mark, "'" + place.entry->key.scalar + "' is " +
                                      std::string(plan::yaml::describe(value)) +
                                      ", not text; nothing was written");
    }
    if (!on_key_line) {
      if (value.is_null()) {
        // `key:` alone, perhaps with a comment: the value goes after the colon.
        return Splice{place.after_colon, place.after_colon, ""};
      }
      return error_at(place.entry->key.mark,
                      "the value of '" + place.entry->key.scalar +
                          "' starts on the next line; write it after the key to export into "
                          "it");
    }
    const char c = text_[start];
    if (c == '&' || c == '*' || c == '!') {
      return error_at(place.entry->key.mark,
                      "the value of '" + place.entry->key.scalar +
                          "' has a YAML anchor, alias or tag; nothing was written");
    }
    if (c == '"' || c == '\'') {
      std::size_t end = quoted_end(text_, start);
      if (end == std::string_view::npos) {
        return error_at(value.mark, "the quoted text is never closed; nothing was written");
      }
      return Splice{start, end, ""};
    }
    const std::size_t first_end = start + plain_end(text_.substr(start, line_end - start), 0);
    if (c == '|' || c == '>') {
      return Splice{start, block_end(place, first_end), ""};
    }
    return Splice{start, plain_scalar_end(place, first_end), ""};
  }

  // Where a block scalar (`|`, `>-`...) ends: its header line ends at `header_end`, then come
  // the lines indented like its first line.
  std::size_t block_end(const EntryPlace& place, std::size_t header_end) const {
    std::size_t end = header_end;
    std::size_t content_indent = 0;
    for (std::size_t line = place.key_line + 1; line < lines_.count(); ++line) {
      std::string_view content = lines_.content(line);
      if (is_blank(content)) {
        continue;
      }
      std::size_t indent = indentation(content);
      if (content_indent == 0 && indent > place.indent) {
        content_indent = indent;
      }
      if (content_indent == 0 || indent < content_indent) {
        break;
      }
      end = lines_.content_end(line);
    }
    return end;
  }

  // Where a plain scalar ends: its first line ends at `first_end`, and it may fold over more
  // lines indented beyond the key, up to a comment line.
  std::size_t plain_scalar_end(const EntryPlace& place, std::size_t first_end) const {
    std::size_t end = first_end;
    for (std::size_t line = place.key_line + 1; line < lines_.count(); ++line) {
      std::string_view content = lines_.content(line);
      if (is_blank(content)) {
        continue;
      }
      std::size_t indent = indentation(content);
      if (indent <= place.indent || content[indent] == '#') {
        break;
      }
      end = lines_.start(line) + plain_end(content, indent);
    }
    return end;
  }

  // Where a new line goes after the mapping's last entry: past every line of its value (more
  // indented lines, or a list at the key's own indentation).
  std::size_t after_last_entry(const EntryPlace& place) const {
    std::size_t last = place.key_line;
    const bool list_value = place.entry->value.is_sequence();
    for (std::size_t line = place.key_line + 1; line < lines_.count(); ++line) {
      std::string_view content = lines_.content(line);
      if (is_blank(content)) {
        continue;
      }
      std::size_t indent = indentation(content);
      bool dash = indent == place.indent && content[indent] == '-' &&
                  (content.size() == indent + 1 || content[indent + 1] == ' ');
      if (indent < place.indent || (indent == place.indent && !(list_value && dash))) {
        break;
      }
      last = line;
    }
    return last;
  }

  // The keys an edit writes, in the order they are added, with their values as YAML.
  static std::vector<std::pair<std::string, std::string>> keys_of(const MilestoneEdit& edit) {
    std::vector<std::pair<std::string, std::string>> keys;
    if (edit.done) {
      keys.emplace_back("done", base::iso_day(edit.done));
    }
    if (edit.revised_target) {
      keys.emplace_back("revised_target", double_quoted(*edit.revised_target));
    }
    if (edit.progress) {
      keys.emplace_back("progress", double_quoted(*edit.progress));
    }
    if (edit.not_implemented) {
      keys.emplace_back("status", "not_implemented");
      keys.emplace_back("reason", double_quoted(*edit.not_implemented));
    }
    return keys;
  }

  // Replaces the value of an existing entry.
  base::Result<void> replace_value(const plan::yaml::MappingEntry& entry,
                                   const std::string& value) {
    auto place = place_of(entry);
    if (!place) {
      return place.error();
    }
    auto extent = value_extent(*place);
    if (!extent) {
      return extent.error();
    }
    // After a bare `key:` the value needs its space.
    extent->with = extent->begin == place->after_colon ? " " : "";
    extent->with += value;
    splices_.push_back(std::move(*extent));
    return {};
  }

  // Adds `lines` (each ended by the file's line end) after the mapping's last entry.
  base::Result<void> add_lines(const Node& mapping, const std::vector<std::string>& keys) {
    auto place = place_of(mapping.entries.back());
    if (!place) {
      return place.error();
    }
    std::string added;
    for (const std::string& key : keys) {
      added.append(place->indent, ' ');
      added += key;
      added += eol_;
    }
    const std::size_t last = after_last_entry(*place);
    const std::size_t at = lines_.next_start(last);
    if (at == text_.size() && lines_.content_end(last) == text_.size()) {
      // The last line has no line end: keep it so, and end the new lines without one.
      added.resize(added.size() - eol_.size());
      added.insert(0, eol_);
    }
    splices_.push_back(Splice{at, at, std::move(added)});
    return {};
  }

  base::Result<void> edit_one(const Node& root, const MilestoneEdit& edit) {
    auto found = find_mapping(root, edit);
    if (!found) {
      return found.error();
    }
    const Node& mapping = **found;
    if (mapping.entries.empty()) {
      return error_at(mapping.mark, "milestone " + edit.action + " " + edit.milestone +
                                        " has no keys; nothing was written");
    }
    std::vector<std::string> missing;
    for (const auto& [key, value] : keys_of(edit)) {
      auto entry = std::find_if(mapping.entries.begin(), mapping.entries.end(),
                                [&key = key](const plan::yaml::MappingEntry& candidate) {
                                  return candidate.key.is_scalar() && candidate.key.scalar == key;
                                });
      if (entry == mapping.entries.end()) {
        missing.push_back(key);
        missing.back().append(": ").append(value);
      } else if (auto replaced = replace_value(*entry, value); !replaced) {
        return replaced;
      }
    }
    return missing.empty() ? base::Result<void>() : add_lines(mapping, missing);
  }

  std::string_view text_;
  const std::string& file_;
  Lines lines_;
  std::string eol_;
  std::vector<Splice> splices_;
};

// What the loaded milestone says against what the edit meant, or "" when it says it all.
std::string disagreement(const plan::Plan& plan, const MilestoneEdit& edit) {
  const plan::Milestone* milestone = plan::find_milestone(plan, edit.action, edit.milestone);
  if (milestone == nullptr) {
    return "the milestone is gone";
  }
  if (edit.done && milestone->done != edit.done) {
    return "its done date did not read back";
  }
  if (edit.revised_target &&
      (!milestone->revised_target || milestone->revised_target->wording != *edit.revised_target)) {
    return "its revised target did not read back";
  }
  if (edit.progress) {
    const plan::Action* action = nullptr;
    for (const auto& recommendation : plan.recommendations) {
      for (const auto& candidate : recommendation.actions) {
        if (candidate.id == edit.action) {
          action = &candidate;
        }
      }
    }
    bool said = milestone->progress == *edit.progress ||
                (action != nullptr && action->progress == *edit.progress);
    if (!said) {
      return "its progress did not read back";
    }
  }
  if (edit.not_implemented && milestone->not_implemented != edit.not_implemented) {
    return "its reason for not implementing did not read back";
  }
  return "";
}

}  // namespace

std::vector<MilestoneEdit> edits_for(const std::string& file,
                                     const std::vector<UpdateStanding>& standings,
                                     const std::vector<store::UpdateRecord>& accepted,
                                     const calendar::TimeZone& zone) {
  std::vector<MilestoneEdit> edits;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const UpdateStanding& standing : standings) {
    if (standing.kind != UpdateStanding::Kind::not_in_file || standing.file != file) {
      continue;
    }
    auto update = std::find_if(accepted.begin(), accepted.end(),
                               [&](const auto& u) { return u.id == standing.id; });
    if (update == accepted.end()) {
      continue;
    }
    auto [slot, inserted] =
        index.emplace(std::pair{update->action, update->milestone}, edits.size());
    if (inserted) {
      edits.push_back(MilestoneEdit{update->action, update->milestone, {}, {}, {}, {}, {}});
    }
    MilestoneEdit& edit = edits[slot->second];
    edit.updates.push_back(update->id);
    switch (update->kind) {
      case store::UpdateKind::completed:
        edit.done = update->done_on;
        break;
      case store::UpdateKind::new_target:
        edit.revised_target = update->target;
        break;
      case store::UpdateKind::progress:
        edit.progress = base::plain_day(date::year_month_day{zone.day_of(update->submitted)}) +
                        ": " + update->note;
        break;
      case store::UpdateKind::not_implemented:
        edit.not_implemented = update->note;
        break;
    }
  }
  return edits;
}

base::Result<std::string> write_back(std::string_view text, const std::string& file,
                                     const std::vector<MilestoneEdit>& edits,
                                     plan::QuarterStyle quarters) {
  plan::yaml::ParseResult parsed = plan::yaml::parse(text);
  if (!parsed.ok) {
    return base::Error{file + ":" + std::to_string(parsed.error_mark.line) + ":" +
                       std::to_string(parsed.error_mark.column) + ": " + parsed.error};
  }
  Editor editor(text, file);
  auto edited = editor.run(parsed.root, edits);
  if (!edited) {
    return edited.error();
  }
  // The result must load as the plan it was, saying what the updates say.
  plan::Diagnostics problems;
  auto plan = plan::parse_plan(*edited, file, quarters, problems);
  if (!problems.empty() || !plan) {
    std::string first = problems.empty() ? "it does not load" : problems.lines().front();
    return base::Error{file + ": the edited plan would not load (" + first +
                       "); nothing was written"};
  }
  for (const MilestoneEdit& edit : edits) {
    if (auto wrong = disagreement(*plan, edit); !wrong.empty()) {
      std::string message = file + ": milestone " + edit.action + " " + edit.milestone;
      message += " of the edited plan does not say the updates: " + wrong;
      message += "; nothing was written";
      return base::Error{std::move(message)};
    }
  }
  return edited;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "\\x%02X", static_cast<unsigned>(c));
      out += code;
      continue;
    }
    // The Unicode line breaks NEL, LS and PS, which a YAML reader may fold.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) {
      out += "\\N";
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\L" : "\\P";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
  return out;
}

namespace {

// The lines of a text, each with its line end ("" after the last when the text ends in one).
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(at, end - at));
    at = end;
  }
  return lines;
}

// One line of an edit script: kept (' '), removed ('-') or added ('+').
struct DiffLine {
  char op = ' ';
  std::string_view text;
};

// Myers' furthest reaching paths: v[k + offset] is the furthest x on diagonal k.
class Paths {
 public:
  explicit Paths(long max) : offset_(max + 1), v_(static_cast<std::size_t>(2 * max + 2), 0) {}
  long& at(long k) { return v_[static_cast<std::size_t>(k + offset_)]; }
  // Whether the path to diagonal k at step d comes down from k + 1 (an insertion) rather than
  // across from k - 1 (a deletion).
  bool from_above(long k, long d) { return k == -d || (k != d && at(k - 1) < at(k + 1)); }

 private:
  long offset_;
  std::vector<long> v_;
};

// The paths before each step of Myers' greedy algorithm, up to the step that reaches the end.
std::vector<Paths> forward_paths(const std::vector<std::string_view>& a,
                                 const std::vector<std::string_view>& b) {
  const auto n = static_cast<long>(a.size());
  const auto m = static_cast<long>(b.size());
  Paths v(n + m);
  std::vector<Paths> trace;
  for (long d = 0; d <= n + m; ++d) {
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x = v.from_above(k, d) ? v.at(k + 1) : v.at(k - 1) + 1;
      long y = x - k;
      while (x < n && y < m && a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) {
        ++x;
        ++y;
      }
      v.at(k) = x;
      if (x >= n && y >= m) {
        return trace;
      }
    }
  }
  return trace;
}

// The shortest edit script from `a` to `b` (Myers' greedy algorithm: time and memory grow with
// the number of changed lines, few in a write-back, not with the size of the file squared).
std::vector<DiffLine> edit_script(const std::vector<std::string_view>& a,
                                  const std::vector<std::string_view>& b) {
  std::vector<Paths> trace = forward_paths(a, b);
  std::vector<DiffLine> script;
  auto x = static_cast<long>(a.size());
  auto y = static_cast<long>(b.size());
  for (auto d = static_cast<long>(trace.size()) - 1; d >= 0; --d) {
    Paths& v = trace[static_cast<std::size_t>(d)];
    const long k = x - y;
    const long previous_k = d == 0 ? 0 : (v.from_above(k, d) ? k + 1 : k - 1);
    const long previous_x = d == 0 ? 0 : v.at(previous_k);
    const long previous_y = previous_x - previous_k;
    for (; x > previous_x && y > previous_y; --x, --y) {
      script.push_back(DiffLine{' ', a[static_cast<std::size_t>(x - 1)]});
    }
    if (d > 0) {
      script.push_back(x == previous_x ? DiffLine{'+', b[static_cast<std::size_t>(y - 1)]}
                                       : DiffLine{'-', a[static_cast<std::size_t>(x - 1)]});
    }
    x = previous_x;
    y = previous_y;
  }
  std::reverse(script.begin(), script.end());
  return script;
}

// The end of the hunk whose first change is at `first`: `context` lines after its last change,
// taking in later changes that are no more than twice the context away.
std::ptrdiff_t hunk_end(const std::vector<DiffLine>& script, std::ptrdiff_t first,
                        std::ptrdiff_t context) {
  const auto lines = static_cast<std::ptrdiff_t>(script.size());
  std::ptrdiff_t end = first + 1;
  for (std::ptrdiff_t j = end; j < lines && j - end <= 2 * context; ++j) {
    if (script[static_cast<std::size_t>(j)].op != ' ') {
      end = j + 1;
    }
  }
  return std::min(lines, end + context);
}

// "-l,n" as diff writes it: ",n" left out when n is 1; l is the line before when n is 0.
std::string range(char sign, std::size_t first, std::size_t count) {
  std::string out(1, sign);
  out += std::to_string(count == 0 ? first - 1 : first);
  if (count != 1) {
    out += "," + std::to_string(count);
  }
  return out;
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, const std::string& path,
                         int context) {
  const std::vector<DiffLine> script = edit_script(split_lines(before), split_lines(after));
  const auto lines = static_cast<std::ptrdiff_t>(script.size());
  const auto around = static_cast<std::ptrdiff_t>(context);
  std::string out;
  std::ptrdiff_t i = 0;
  std::size_t old_line = 1;  // the line number of script[i] in `before` and in `after`
  std::size_t new_line = 1;
  while (i < lines) {
    auto change = std::find_if(script.begin() + i, script.end(),
                               [](const DiffLine& line) { return line.op != ' '; });
    if (change == script.end()) {
      break;
    }
    // The hunk: from `context` lines before its first change to `context` after its last.
    const std::ptrdiff_t first_change = change - script.begin();
    const std::ptrdiff_t start = std::max(i, first_change - around);
    const std::ptrdiff_t end = hunk_end(script, first_change, around);
    old_line += static_cast<std::size_t>(start - i);
    new_line += static_cast<std::size_t>(start - i);
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    std::string body;
    for (std::ptrdiff_t j = start; j < end; ++j) {
      const DiffLine& line = script[static_cast<std::size_t>(j)];
      old_count += line.op != '+' ? 1 : 0;
      new_count += line.op != '-' ? 1 : 0;
      body += line.op;
      body += line.text;
      if (line.text.empty() || line.text.back() != '\n') {
        body += "\n\\ No newline at end of file\n";
      }
    }
    if (out.empty()) {
      out = "--- a/" + path + "\n";
      out += "+++ b/" + path + "\n";
    }
    out += "@@ " + range('-', old_line, old_count);
    out += " " + range('+', new_line, new_count) + " @@\n";
    out += body;
    old_line += old_count;
    new_line += new_count;
    i = end;
  }
  return out;
}

}  // namespace plan_reminder::progress
