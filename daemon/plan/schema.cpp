#include "plan/schema.h"

#include "base/ascii.h"
#include "plan/target_date.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>

namespace plan_reminder::plan {
namespace {

template <typename Words>
std::string list_of(const Words& words) {
  std::string out;
  std::size_t i = 0;
  for (auto word : words) {
    if (i > 0) {
      out += i + 1 == words.size() ? " or " : ", ";
    }
    out += quote_value(word);
    ++i;
  }
  return out;
}

// The word of `words` nearest to `text` when it is close enough to be a slip ("did you mean"),
// or empty.
template <typename Words>
std::string_view nearest_of(std::string_view text, const Words& words) {
  std::string_view nearest;
  std::size_t best = 3;
  for (std::string_view candidate : words) {
    std::size_t distance = edit_distance(text, candidate);
    if (distance < best && distance <= candidate.size() / 2) {
      best = distance;
      nearest = candidate;
    }
  }
  return nearest;
}

// Reports a value that is not a scalar; true when it is one.
bool expect_scalar(FileContext& context, const Entry& entry, std::string_view expected) {
  if (entry.value->is_scalar()) {
    return true;
  }
  context.error(
      entry.mark(), entry.path,
      "expected " + std::string(expected) + ", found " + std::string(yaml::describe(*entry.value)));
  return false;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void FileContext::error(yaml::Mark mark, std::string key_path, std::string message) {
  ++errors_;
  out_.add(
      Diagnostic{file_, mark.line, mark.column, std::move(key_path), std::move(message), kind_});
}

yaml::Mark Entry::mark() const {
  if (value != nullptr && !value->is_null()) {
    return value->mark;
  }
  if (key != nullptr) {
    return key->mark;
  }
  return value != nullptr ? value->mark : yaml::Mark{};
}

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string item_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + '[' + std::to_string(index) + ']';
}

MappingReader::MappingReader(FileContext& context, const Entry& entry,
                             std::initializer_list<std::string_view> allowed)
    : context_(context), self_(entry) {
  if (!entry) {
    return;
  }
  if (!entry.value->is_mapping()) {
    context.error(
        entry.mark(), entry.path,
        "expected a mapping of keys to values, found " + std::string(yaml::describe(*entry.value)));
    return;
  }
  valid_ = true;
  std::map<std::string_view, const yaml::Node*> seen;
  for (const auto& [key, value] : entry.value->entries) {
    if (!key.is_scalar()) {
      context.error(key.mark, entry.path,
                    "expected a key name, found " + std::string(yaml::describe(key)));
      continue;
    }
    std::string path = child_path(entry.path, key.scalar);
    auto [previous, inserted] = seen.emplace(key.scalar, &key);
    if (!inserted) {
      context.error(key.mark, path,
                    "duplicate key " + quote_value(key.scalar) + " (first given at line " +
                        std::to_string(previous->second->mark.line) + ")");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key.scalar) != allowed.end()) {
      continue;
    }
    std::string message = "unknown key " + quote_value(key.scalar);
    if (std::string_view nearest = nearest_of(key.scalar, allowed); !nearest.empty()) {
      message += " (did you mean " + quote_value(nearest) + "?)";
    } else {
      message += "; expected one of " + list_of(allowed);
    }
    context.error(key.mark, path, std::move(message));
  }
}

Entry MappingReader::get(std::string_view key) const {
  if (!valid_) {
    return {};
  }
  for (const auto& [k, v] : self_.value->entries) {
    if (k.is_scalar() && k.scalar == key) {
      return Entry{&k, &v, child_path(self_.path, key)};
    }
  }
  return {};
}

Entry MappingReader::require(std::string_view key, std::string_view expected) const {
  Entry entry = get(key);
  if (!entry && valid_) {
    context_.error(self_.mark(), self_.path.empty() ? std::string(key) : self_.path,
                   "missing required key " + quote_value(key) + " (" + std::string(expected) + ")");
  }
  return entry;
}

std::vector<Entry> list_items(FileContext& context, const Entry& entry) {
  std::vector<Entry> items;
  if (!entry || entry.value->is_null()) {
    return items;
  }
  if (!entry.value->is_sequence()) {
    context.error(entry.mark(), entry.path,
                  "expected a list, found " + std::string(yaml::describe(*entry.value)));
    return items;
  }
  items.reserve(entry.value->items.size());
  for (std::size_t i = 0; i < entry.value->items.size(); ++i) {
    items.push_back(Entry{nullptr, &entry.value->items[i], item_path(entry.path, i)});
  }
  return items;
}

std::string find_forbidden_character(std::string_view text, Lines lines) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    // Printable ASCII, nearly every byte of a plan, is decided by one comparison.
    if (static_cast<unsigned char>(c - 0x20) < 0x5f || c == '\t') {
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (lines == Lines::many) {
        continue;
      }
      return "a line break";
    }
    if (c < 0x20 || c == 0x7f) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      return std::string("the control character ") + code;
    }
    // Unicode line breaks in UTF-8: NEL (C2 85), LINE and PARAGRAPH SEPARATOR (E2 80 A8/A9).
    if (lines == Lines::one && c == 0xC2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x85) {
      return "a line break (U+0085)";
    }
    if (lines == Lines::one && c == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      return static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "a line break (U+2028)"
                                                             : "a line break (U+2029)";
    }
  }
  return {};
}

std::optional<std::string> read_text(FileContext& context, const Entry& entry, Lines lines,
                                     bool allow_empty) {
  if (!entry) {
    return std::nullopt;
  }
  if (entry.value->is_null()) {
    if (allow_empty) {
      return std::string();
    }
    context.error(entry.mark(), entry.path, "expected text, found nothing");
    return std::nullopt;
  }
  if (!expect_scalar(context, entry, "text")) {
    return std::nullopt;
  }
  const std::string& text = entry.value->scalar;
  if (!allow_empty && text.find_first_not_of(" \t\r\n") == std::string::npos) {
    context.error(entry.mark(), entry.path, "expected text, found an empty string");
    return std::nullopt;
  }
  std::string bad = find_forbidden_character(text, lines);
  if (!bad.empty()) {
    std::string why = lines == Lines::one ? "this value can appear in an email header, so it "
                                            "must be one line without control characters"
                                          : "control characters are not allowed";
    context.error(entry.mark(), entry.path, "contains " + bad + "; " + why);
    return std::nullopt;
  }
  return text;
}

namespace {

bool is_identifier_char(char c) {
  return base::is_ascii_alnum(c) || c == '.' || c == '-' || c == '_';
}

bool is_slug(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '-' || s.back() == '-') {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || base::is_ascii_digit(c) || c == '-';
  });
}

}  // namespace

std::optional<std::string> read_identifier(FileContext& context, const Entry& entry) {
  auto text = read_text(context, entry, Lines::one);
  if (!text) {
    return std::nullopt;
  }
  if (text->size() > 64 || !std::all_of(text->begin(), text->end(), is_identifier_char)) {
    context.error(entry.mark(), entry.path,
                  "expected an id of letters, digits, '.', '-' or '_' (at most 64), found " +
                      quote_value(*text));
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> read_slug(FileContext& context, const Entry& entry) {
  auto text = read_text(context, entry, Lines::one);
  if (!text) {
    return std::nullopt;
  }
  if (!is_slug(*text)) {
    context.error(entry.mark(), entry.path,
                  "expected a lowercase id of letters, digits and '-' (like 'dhr-david'), "
                  "found " +
                      quote_value(*text));
    return std::nullopt;
  }
  return text;
}

std::optional<bool> read_bool(FileContext& context, const Entry& entry) {
  if (!entry || !expect_scalar(context, entry, "true or false")) {
    return std::nullopt;
  }
  const std::string& text = entry.value->scalar;
  if (entry.value->plain && (text == "true" || text == "True" || text == "TRUE")) {
    return true;
  }
  if (entry.value->plain && (text == "false" || text == "False" || text == "FALSE")) {
    return false;
  }
  context.error(entry.mark(), entry.path, "expected true or false, found " + quote_value(text));
  return std::nullopt;
}

std::optional<int> read_int(FileContext& context, const Entry& entry, int min, int max) {
  if (!entry || !expect_scalar(context, entry, "a whole number")) {
    return std::nullopt;
  }
  const std::string& text = entry.value->scalar;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    context.error(entry.mark(), entry.path, "expected a whole number, found " + quote_value(text));
    return std::nullopt;
  }
  if (value < min || value > max) {
    context.error(entry.mark(), entry.path,
                  "expected a number from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", found " + text);
    return std::nullopt;
  }
  return value;
}

std::optional<date::year_month_day> read_date(FileContext& context, const Entry& entry) {
  if (!entry || !expect_scalar(context, entry, "a date")) {
    return std::nullopt;
  }
  auto day = read_day(entry.value->scalar);
  if (!day) {
    context.error(entry.mark(), entry.path,
                  "expected a date such as 2020-03-20, 20/03/2020 or 20 March 2020, found " +
                      quote_value(entry.value->scalar));
  }
  return day;
}

std::optional<std::chrono::minutes> read_time_of_day(FileContext& context, const Entry& entry) {
  if (!entry || !expect_scalar(context, entry, "a time such as \"09:00\"")) {
    return std::nullopt;
  }
  const std::string& text = entry.value->scalar;
  int hours = -1;
  int minutes = -1;
  bool shaped = text.size() == 5 && text[2] == ':';
  if (shaped) {
    auto h = std::from_chars(text.data(), text.data() + 2, hours);
    auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
    shaped = h.ec == std::errc() && h.ptr == text.data() + 2 && m.ec == std::errc() &&
             m.ptr == text.data() + 5;
  }
  if (!shaped || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
    // A plain 09:00 is read by some YAML 1.1 tools as a number of minutes; quoting avoids it.
    context.error(
        entry.mark(), entry.path,
        "expected a 24-hour time such as \"09:00\" (in quotes), found " + quote_value(text));
    return std::nullopt;
  }
  return std::chrono::hours(hours) + std::chrono::minutes(minutes);
}

std::optional<date::weekday> read_weekday(FileContext& context, const Entry& entry) {
  static constexpr std::string_view names[] = {"sunday",   "monday", "tuesday", "wednesday",
                                               "thursday", "friday", "saturday"};
  if (!entry || !expect_scalar(context, entry, "a day of the week")) {
    return std::nullopt;
  }
  const std::string lower = base::ascii_lower(entry.value->scalar);
  for (unsigned i = 0; i < 7; ++i) {
    if (lower == names[i]) {
      return date::weekday{i};
    }
  }
  context.error(
      entry.mark(), entry.path,
      "expected a day of the week (monday to sunday), found " + quote_value(entry.value->scalar));
  return std::nullopt;
}

std::optional<std::string> read_choice(FileContext& context, const Entry& entry,
                                       std::initializer_list<std::string_view> choices) {
  return read_choice(context, entry, std::vector<std::string_view>(choices));
}

std::optional<std::string> read_choice(FileContext& context, const Entry& entry,
                                       const std::vector<std::string_view>& choices) {
  if (!entry || !expect_scalar(context, entry, "one of " + list_of(choices))) {
    return std::nullopt;
  }
  const std::string& text = entry.value->scalar;
  if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
    std::string message = "expected " + list_of(choices) + ", found " + quote_value(text);
    if (std::string_view nearest = nearest_of(text, choices); !nearest.empty()) {
      message += " (did you mean " + quote_value(nearest) + "?)";
    }
    context.error(entry.mark(), entry.path, std::move(message));
    return std::nullopt;
  }
  return text;
}

}  // namespace plan_reminder::plan
