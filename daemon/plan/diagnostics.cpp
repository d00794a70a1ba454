#include "plan/diagnostics.h"

#include "base/utf8.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

namespace plan_reminder::plan {
namespace {

// Longest key path and message shown, whatever they hold.
constexpr std::size_t kMaxKeyPath = 200;
constexpr std::size_t kMaxMessage = 2000;

// Characters that move the cursor, end a line or reorder text on display.
bool is_hidden_control(char32_t code) {
  return (code >= 0x80 && code <= 0x9F) || code == 0x2028 || code == 0x2029 ||
         (code >= 0x200E && code <= 0x200F) || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

std::string escape_for_display(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char code[16];
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        std::snprintf(code, sizeof code, "\\x%02x", static_cast<unsigned>(c));
        out += code;
      }
      ++i;
      continue;
    }
    auto [length, point] = base::decode_utf8(text, i);
    if (length == 0) {
      std::snprintf(code, sizeof code, "\\x%02x", static_cast<unsigned>(c));
      out += code;
      ++i;
    } else if (is_hidden_control(point)) {
      std::snprintf(code, sizeof code, "\\u{%x}", static_cast<unsigned>(point));
      out += code;
      i += length;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string quote_value(std::string_view text, char quote) {
  return quote + base::shorten(text, kQuotedCharacters) + quote;
}

std::string Diagnostic::to_string() const {
  std::string out = escape_for_display(file);
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  out += ": ";
  if (!key_path.empty()) {
    out += escape_for_display(base::shorten(key_path, kMaxKeyPath)) + ": ";
  }
  out += escape_for_display(base::shorten(message, kMaxMessage));
  return out;
}

void Diagnostics::add(Diagnostic diagnostic) {
  ++total_;
  std::size_t& listed = listed_per_file_[diagnostic.file];
  if (listed >= kListedPerFile || items_.size() >= kListedInAll) {
    Unlisted& unlisted = unlisted_[diagnostic.file];
    // A configuration problem among them keeps `check`'s exit code right.
    if (unlisted.count++ == 0 || diagnostic.kind != FileKind::plan) {
      unlisted.kind = diagnostic.kind;
    }
    return;
  }
  ++listed;
  items_.push_back(std::move(diagnostic));
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& diagnostic : other.items_) {
    add(diagnostic);
  }
  for (const auto& [file, unlisted] : other.unlisted_) {
    Unlisted& mine = unlisted_[file];
    if (mine.count == 0 || unlisted.kind != FileKind::plan) {
      mine.kind = unlisted.kind;
    }
    mine.count += unlisted.count;
    total_ += unlisted.count;
  }
}

bool Diagnostics::any_of_kind(FileKind kind) const {
  return std::any_of(items_.begin(), items_.end(),
                     [kind](const Diagnostic& d) { return d.kind == kind; }) ||
         std::any_of(unlisted_.begin(), unlisted_.end(),
                     [kind](const auto& entry) { return entry.second.kind == kind; });
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
}

std::vector<std::string> Diagnostics::lines() const {
  std::vector<std::string> out;
  out.reserve(items_.size() + unlisted_.size());
  std::set<std::string_view> summed_up;
  auto sum_up = [&](const std::string& file) {
    auto found = unlisted_.find(file);
    if (found == unlisted_.end() || !summed_up.insert(found->first).second) {
      return;
    }
    std::size_t count = found->second.count;
    out.push_back(escape_for_display(file) + ": ... and " + std::to_string(count) + " more " +
                  (count == 1 ? "problem" : "problems") + " in this file, not listed");
  };
  for (std::size_t i = 0; i < items_.size(); ++i) {
    out.push_back(items_[i].to_string());
    bool last_of_file = i + 1 == items_.size() || items_[i + 1].file != items_[i].file;
    if (last_of_file) {
      sum_up(items_[i].file);
    }
  }
  for (const auto& [file, unlisted] : unlisted_) {
    sum_up(file);
  }
  return out;
}

}  // namespace plan_reminder::plan
