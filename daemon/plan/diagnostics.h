// Problems found in the files a user wrote, each with the place it was found:
// `file:line:column: key.path: message`. Every loader reports into one Diagnostics so that a
// run shows all problems at once, not only the first.
#pragma once

#include <string>
#include <vector>

namespace plan_reminder::plan {

// Which kind of file a problem is in; `check` exits 78 for configuration and 65 for plan data.
enum class FileKind { config, directory, templates, plan };

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem concerns the whole file
  int column = 0;  // 1-based
  std::string key_path;
  std::string message;
  FileKind kind = FileKind::plan;

  // `file:line:column: key.path: message`, leaving out what is unknown.
  std::string to_string() const;
};

class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void append(const Diagnostics& other);

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  bool any_of_kind(FileKind kind) const;
  const std::vector<Diagnostic>& items() const { return items_; }

  // Orders by file, line and column, keeping the order of discovery for ties.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace plan_reminder::plan
