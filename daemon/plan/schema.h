// Strict readers for YAML files, in the manner of Kea's SimpleParser: every mapping states the
// keys it allows, unknown and duplicate keys are errors, and every value is checked for the
// type and form expected, with an error naming file:line:column, the key path and what was
// expected. Readers never stop at the first problem.
#pragma once

#include "plan/diagnostics.h"
#include "plan/yaml_tree.h"

#include <date/date.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {

// Collects the problems of one file.
class FileContext {
 public:
  FileContext(std::string file, FileKind kind, Diagnostics& out)
      : file_(std::move(file)), kind_(kind), out_(out) {}

  void error(yaml::Mark mark, std::string key_path, std::string message);
  const std::string& file() const { return file_; }
  std::size_t errors() const { return errors_; }

 private:
  std::string file_;
  FileKind kind_;
  Diagnostics& out_;
  std::size_t errors_ = 0;
};

// One value found in the file: under a key of a mapping, or an item of a list.
struct Entry {
  const yaml::Node* key = nullptr;  // null for list items and for the document root
  const yaml::Node* value = nullptr;
  std::string path;

  explicit operator bool() const { return value != nullptr; }
  // Where to point at the value: an empty value (`id:`) is reported at its key, since the
  // parser places it at the start of the next line.
  yaml::Mark mark() const;
};

// Levenshtein distance, for "did you mean" suggestions (unknown keys, unknown agency names).
std::size_t edit_distance(std::string_view a, std::string_view b);

std::string child_path(std::string_view parent, std::string_view key);
std::string item_path(std::string_view parent, std::size_t index);

class MappingReader {
 public:
  // Reports when `entry` is not a mapping, then every key outside `allowed` (suggesting the
  // nearest allowed one) and every key given twice.
  MappingReader(FileContext& context, const Entry& entry,
                std::initializer_list<std::string_view> allowed);

  bool valid() const { return valid_; }
  const Entry& self() const { return self_; }

  // The entry for `key`, or an empty Entry when it is absent.
  Entry get(std::string_view key) const;
  // As get(), but a missing key is an error: "missing required key 'id' (expected <what>)".
  Entry require(std::string_view key, std::string_view expected) const;

 private:
  FileContext& context_;
  Entry self_;
  bool valid_ = false;
};

// The items of a list; reports when the entry is not a list. An absent entry has no items.
std::vector<Entry> list_items(FileContext& context, const Entry& entry);

// Text rules: values that can reach a mail header must be one line.
enum class Lines { one, many };

// A scalar, as written. Reports lists, mappings, empty text (unless allowed) and control
// characters; tabs are allowed, line breaks only with Lines::many.
std::optional<std::string> read_text(FileContext& context, const Entry& entry, Lines lines,
                                     bool allow_empty = false);

// An identifier: letters, digits, '.', '-' and '_', 1 to 64 characters.
std::optional<std::string> read_identifier(FileContext& context, const Entry& entry);
// A slug for review and agency ids: lowercase letters, digits and '-', starting with a letter
// or digit, 1 to 64 characters.
std::optional<std::string> read_slug(FileContext& context, const Entry& entry);

std::optional<bool> read_bool(FileContext& context, const Entry& entry);
std::optional<int> read_int(FileContext& context, const Entry& entry, int min, int max);
// An exact day: 2020-03-20, 20/03/2020, 20 March 2020.
std::optional<date::year_month_day> read_date(FileContext& context, const Entry& entry);
// A 24-hour local time "HH:MM".
std::optional<std::chrono::minutes> read_time_of_day(FileContext& context, const Entry& entry);
// "monday" .. "sunday".
std::optional<date::weekday> read_weekday(FileContext& context, const Entry& entry);
// One of `choices`, written exactly; an error lists them and suggests the nearest.
std::optional<std::string> read_choice(FileContext& context, const Entry& entry,
                                       std::initializer_list<std::string_view> choices);
std::optional<std::string> read_choice(FileContext& context, const Entry& entry,
                                       const std::vector<std::string_view>& choices);

// The first control character in `text` that `lines` does not allow, described for a message
// ("a line break", "the control character U+0007"), or empty when there is none.
std::string find_forbidden_character(std::string_view text, Lines lines);

}  // namespace plan_reminder::plan
