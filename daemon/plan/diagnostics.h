// Problems found in the files a user wrote, each with the place it was found:
// `file:line:column: key.path: message`. Every loader reports into one Diagnostics so that a
// run shows all problems at once, not only the first.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan {

// Which kind of file a problem is in; `check` exits 78 for configuration and 65 for plan data.
enum class FileKind { config, directory, templates, plan };

// A value from a user's file as a message quotes it: in single quotes, cut after
// kQuotedCharacters characters with "…", so that a 1 MB value does not make a 1 MB message.
inline constexpr std::size_t kQuotedCharacters = 80;
std::string quote_value(std::string_view text, char quote = '\'');

// `text` safe to print on a terminal, in a log line or an email: control characters (C0, DEL,
// C1), Unicode line separators and bidirectional overrides are written as \n, \r, \t, \x1b or
// \u{202e}, and bytes that are not UTF-8 as \xff, so a file cannot forge a line or send a
// terminal escape sequence through a message that quotes it.
std::string escape_for_display(std::string_view text);

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem concerns the whole file
  int column = 0;  // 1-based
  std::string key_path;
  std::string message;
  FileKind kind = FileKind::plan;

  // `file:line:column: key.path: message`, leaving out what is unknown, on one line with
  // escape_for_display() applied to every part.
  std::string to_string() const;
};

// The problems found in one load. A file with 100,000 mistakes must not make a 30 MB email or
// hold gigabytes: past kListedPerFile problems in one file, or kListedInAll in all, problems are
// counted, not kept.
class Diagnostics {
 public:
  static constexpr std::size_t kListedPerFile = 100;
  static constexpr std::size_t kListedInAll = 1000;

  void add(Diagnostic diagnostic);
  void append(const Diagnostics& other);

  bool empty() const { return total_ == 0; }
  // Every problem, listed or only counted.
  std::size_t size() const { return total_; }
  bool any_of_kind(FileKind kind) const;
  // The problems kept, to be listed.
  const std::vector<Diagnostic>& items() const { return items_; }

  // Orders by file, line and column, keeping the order of discovery for ties.
  void sort();

  // What a person reads, one line each: every listed problem, and after a file's last one,
  // "FILE: ... and N more problems in this file". check, the log and the coordinator's problem
  // email all show these lines.
  std::vector<std::string> lines() const;

 private:
  struct Unlisted {
    std::size_t count = 0;
    FileKind kind = FileKind::plan;
  };

  std::vector<Diagnostic> items_;
  std::map<std::string, std::size_t, std::less<>> listed_per_file_;
  std::map<std::string, Unlisted, std::less<>> unlisted_;
  std::size_t total_ = 0;
};

}  // namespace plan_reminder::plan
