// Loading and checking the Mustache email templates: every kind's files are read, parsed and
// checked (partials found, no loops, bounded nesting, HTML parts escape every value) before
// any is used, each problem reported with its file, line and column.
#include "mail/template_loading.h"

#include "base/ascii.h"
#include "base/utf8.h"
#include "mail/mustache.h"
#include "mail/notice_kinds.h"
#include "mail/template_text.h"
#include "mail/templates.h"
#include "plan/loaders.h"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <vector>

namespace plan_reminder::mail {
namespace {

namespace fs = std::filesystem;
using plan::Diagnostic;
using plan::FileKind;

// Far beyond any template (a few KB), small enough that a wrong file named as one is refused.
constexpr std::size_t kMaxTemplateBytes = std::size_t{256} * 1024;

// --- Files and diagnostics -------------------------------------------------------------------

// The text of a template file, or why it cannot be read: "missing", or the reason from
// plan::read_file, which never blocks on a FIFO and reads only regular files.
std::optional<std::string> read_template_file(const fs::path& path, std::string& problem) {
  base::Result<std::string> read = plan::read_file(path.string(), kMaxTemplateBytes);
  if (!read) {
    std::error_code ignored;
    problem = fs::exists(fs::symlink_status(path, ignored))
                  ? "cannot read the template: " + read.error().message
                  : "missing";
    return std::nullopt;
  }
  std::string text = std::move(*read);
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
    } else if (!base::is_utf8_continuation(text[i])) {
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
  const bool located = at != std::string::npos && at + 4 < error.size() && error.size() - at < 24 &&
                       std::all_of(error.begin() + static_cast<std::ptrdiff_t>(at + 4), error.end(),
                                   base::is_ascii_digit);
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
  while (first < last && base::is_ascii_space(text[first])) {
    ++first;
  }
  while (last > first && base::is_ascii_space(text[last - 1])) {
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
  while (head < end && base::is_utf8_continuation(text[head])) {
    ++head;
  }
  std::size_t tail = end - kShown;
  while (tail < end && base::is_utf8_continuation(text[tail])) {
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

// The kind of a `{{` tag from the character after the braces (and any blanks).
TagKind tag_kind_of(char sigil) {
  switch (sigil) {
    case '#':
      return TagKind::section;
    case '^':
      return TagKind::inverted;
    case '/':
      return TagKind::close;
    case '>':
      return TagKind::partial;
    case '&':
      return TagKind::unescaped;
    case '!':
      return TagKind::comment;
    case '=':
      return TagKind::delimiters;
    default:
      return TagKind::variable;
  }
}

// A `{{{name}}}` tag starting at tag.start, or false with the problem in `scan`.
bool scan_triple_tag(const std::string& text, Tag& tag, TagScan& scan) {
  const std::size_t start = tag.start;
  const std::size_t close = text.find("}}}", start + 3);
  if (close == std::string::npos) {
    scan.problem_at = start;
    scan.problem = "tag " + quoted_tag(text, start, std::min(text.size(), start + 60)) +
                   " is never closed with }}}";
    return false;
  }
  tag.kind = TagKind::unescaped;
  tag.content = start + 3;
  tag.name = trimmed(std::string_view(text).substr(start + 3, close - start - 3));
  tag.end = close + 3;
  return true;
}

// A `{{...}}` tag starting at tag.start, or false with the problem in `scan`.
bool scan_double_tag(const std::string& text, Tag& tag, TagScan& scan) {
  const std::size_t start = tag.start;
  std::size_t sigil = start + 2;
  while (sigil < text.size() && base::is_ascii_space(text[sigil])) {
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
    return false;
  }
  tag.end = close + 2;
  tag.kind = tag_kind_of(first);
  // A variable has no sigil: its name starts where the sigil would be.
  tag.content = tag.kind == TagKind::variable ? sigil : sigil + 1;
  tag.name = trimmed(std::string_view(text).substr(tag.content, close - tag.content));
  if (tag.kind == TagKind::delimiters) {
    scan.problem_at = start;
    scan.problem = quoted_tag(text, start, tag.end) +
                   ": the tag delimiters cannot be changed in a template; write every tag "
                   "with {{ and }}";
    return false;
  }
  return true;
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
    const bool triple = start + 2 < text.size() && text[start + 2] == '{';
    if (!(triple ? scan_triple_tag(text, tag, scan) : scan_double_tag(text, tag, scan))) {
      return scan;
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

// The tags that Mustache lets stand alone on a line.
bool may_stand_alone(TagKind kind) {
  return kind == TagKind::section || kind == TagKind::inverted || kind == TagKind::close ||
         kind == TagKind::comment || kind == TagKind::partial;
}

// Whether the line [start, end) holds nothing but blanks and tags that may stand alone (at
// least one), its line end outside any tag. `next_tag` moves on past the tags that end before
// where the line was looked at.
bool only_standalone_tags(const std::string& text, std::size_t start, std::size_t end,
                          const std::vector<Tag>& tags, std::size_t& next_tag) {
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
      return false;
    }
  }
  // A line end inside a tag (a comment over several lines) goes with the tag.
  return any_tag && at <= end;
}

// The Mustache rule for "standalone" lines: a line holding nothing but section, comment or
// partial tags (and blanks) leaves no line of its own in the output. kainjow applies it only
// to sections that render, so a section that does not would leave an empty line behind, and
// it also drops a deliberate empty line that follows a section. So each such line is marked
// here, which turns kainjow's rule off for it, and tidy_lines() drops the lines left holding
// only the mark. A tag may span lines (a long comment): each line it covers counts as tags.
std::string mark_standalone_lines(const std::string& text, const std::vector<Tag>& tags) {
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
    if (only_standalone_tags(text, start, end, tags, next_tag)) {
      std::size_t line_end = end;
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

// The problems found while loading, each reported once: a partial used by several templates
// would otherwise report the same problem once for each.
class LoadProblems {
 public:
  void report(Diagnostic diagnostic) {
    if (reported_.insert(diagnostic.to_string()).second) {
      problems_.push_back(std::move(diagnostic));
    }
  }
  bool empty() const { return problems_.empty(); }
  void move_to(plan::Diagnostics& out) {
    for (Diagnostic& problem : problems_) {
      out.add(std::move(problem));
    }
    problems_.clear();
  }

 private:
  std::vector<Diagnostic> problems_;
  std::set<std::string> reported_;
};

// Whether a partial's text, its own partials written in, can be written into a template in
// place of its tag and parse as kainjow parses it on its own: only where its ends cannot join
// the text around the tag into one token ("{" then "{", "\r" then "\n", which kainjow reads
// as one line end where apart they are two). The text before a tag never ends in "{" (the tag
// would have started there); an empty text would join the text on either side.
bool may_inline(const std::string& inlined) {
  return !inlined.empty() && inlined.back() != '{' && inlined.back() != '\r' &&
         inlined.front() != '\n';
}

// Writes the partials into the templates that use them. kainjow parses a partial's text every
// time it renders the tag, once per item of a list; a template parsed once with its partials
// written in renders the same output (the delimiters never change and every partial parses on
// its own), without that. A partial that may not be written in keeps its tag, rendered as
// before; so does every partial once the texts written would pass kBudget (partials that each
// use another twice, nested sixteen deep, would otherwise make gigabytes of a few small files).
class PartialInliner {
 public:
  explicit PartialInliner(const std::map<std::string, std::string>& partials)
      : partials_(partials) {}

  std::string inlined(const std::string& text) {
    const TagScan scan = scan_tags(text);
    std::string out;
    std::size_t at = 0;
    for (const Tag& tag : scan.tags) {
      if (tag.kind != TagKind::partial) {
        continue;
      }
      const std::string* partial = partial_inlined(tag.name);
      if (partial == nullptr || partial->size() > budget_) {
        continue;
      }
      budget_ -= partial->size();
      out.append(text, at, tag.start - at);
      out += *partial;
      at = tag.end;
    }
    out.append(text, at, std::string::npos);
    return out;
  }

 private:
  static constexpr std::size_t kBudget = std::size_t{16} << 20U;

  // The partial with its own partials written in, made once; none when it may not be written
  // in. load() has refused loops, so the recursion ends.
  const std::string* partial_inlined(const std::string& name) {
    if (auto done = done_.find(name); done != done_.end()) {
      return done->second ? &*done->second : nullptr;
    }
    auto found = partials_.find(name);
    std::optional<std::string> text;
    if (found != partials_.end()) {
      text = inlined(found->second);
      if (!may_inline(*text)) {
        text.reset();
      }
    }
    auto& entry = done_[name] = std::move(text);
    return entry ? &*entry : nullptr;
  }

  const std::map<std::string, std::string>& partials_;
  std::map<std::string, std::optional<std::string>> done_;
  std::size_t budget_ = kBudget;
};

// Each file as read, with its tags.
struct Source {
  fs::path file;
  std::string text;
  std::vector<Tag> tags;
};

// "reminder.text" or "partial:<name>" -> its file; and the keys of those that could not be
// read (reported once, not again where they are used).
struct Sources {
  std::map<std::string, Source> files;
  std::set<std::string> unreadable;
};

void read_source(Sources& sources, LoadProblems& problems, const std::string& key,
                 const fs::path& file, const std::string& missing) {
  std::string problem;
  std::optional<std::string> text = read_template_file(file, problem);
  if (!text) {
    problems.report(template_problem(file, problem == "missing" ? missing : problem));
    sources.unreadable.insert(key);
    return;
  }
  sources.files[key] = Source{file, std::move(*text), {}};
}

// The files asked for, then every partial in the partials folder.
Sources read_sources(const fs::path& root, const std::vector<TemplateFile>& files,
                     LoadProblems& problems) {
  Sources sources;
  std::error_code error;
  for (const TemplateFile& file : files) {
    read_source(sources, problems, file.key, file.file, file.missing);
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
      read_source(sources, problems,
                  "partial:" + filename.substr(0, filename.size() - extension.size()), entry.path(),
                  "cannot be read: no such file (a link to nothing?)");
    }
  }
  return sources;
}

// Each file parses on its own (kainjow parses partials only when rendering them), with the
// text of its comments blanked out, as it will render.
void parse_sources(Sources& sources, LoadProblems& problems) {
  for (auto& [key, source] : sources.files) {
    TagScan scan = scan_tags(source.text);
    if (scan.problem_at) {
      problems.report(template_problem_at(source.file, source.text, *scan.problem_at,
                                          "template does not parse: " + scan.problem));
      continue;
    }
    std::string text = without_comment_text(source.text, scan.tags);
    const mustache::mustache parsed{text};
    if (!parsed.is_valid()) {
      problems.report(parse_problem(source.file, source.text, parsed.error_message()));
      continue;
    }
    source.tags = std::move(scan.tags);
    source.text = std::move(text);
  }
}

// Every partial used exists; partials never include themselves, directly or through others,
// nor nest deeper than rendering allows. One walk over the files, each visited once.
class PartialCheck {
 public:
  PartialCheck(const Sources& sources, LoadProblems& problems)
      : sources_(sources), problems_(problems) {}

  void run() {
    for (const auto& [key, source] : sources_.files) {
      if (visits_[key] == Visit::not_yet) {
        heights_[key] = visit(key);
      }
    }
  }

 private:
  enum class Visit { not_yet, under_way, done };

  // The partials nested in a file, itself included.
  int visit(const std::string& key) {
    visits_[key] = Visit::under_way;
    path_.push_back(key.substr(key.rfind(':') + 1));
    const Source& source = sources_.files.at(key);
    int height = 0;
    for (const Tag& tag : source.tags) {
      if (tag.kind == TagKind::partial) {
        height = std::max(height, partial_height(key, source, tag));
      }
    }
    path_.pop_back();
    visits_[key] = Visit::done;
    return height + 1;
  }

  // The height of the partial `tag` includes, once checked (0 when it cannot be used).
  int partial_height(const std::string& key, const Source& source, const Tag& tag) {
    const std::string used = "partial:" + tag.name;
    if (std::any_of(tag.name.begin(), tag.name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
      report(source, tag, "a partial's name cannot hold a control character");
      return 0;
    }
    if (sources_.files.count(used) == 0) {
      if (sources_.unreadable.count(used) == 0) {
        const fs::path expected = fs::path(kPartialFolder) / (tag.name + kExtension);
        report(source, tag,
               "partial \"" + tag.name + "\" not found: expected " + expected.string());
      }
      return 0;
    }
    if (visits_[used] == Visit::under_way) {
      std::string loop;
      for (auto it = std::find(path_.begin(), path_.end(), tag.name); it != path_.end(); ++it) {
        loop += *it + " > ";
      }
      report(source, tag, "partial \"" + tag.name + "\" includes itself: " + loop + tag.name);
      return 0;
    }
    if (visits_[used] == Visit::not_yet) {
      heights_[used] = visit(used);
    }
    if (heights_[used] == Templates::kMaxPartialDepth && key.rfind("partial:", 0) == 0) {
      const std::string depth = std::to_string(Templates::kMaxPartialDepth);
      report(source, tag,
             "partials nested deeper than " + depth + " levels: \"" + path_.back() +
                 "\" includes \"" + tag.name + "\", which nests " + depth + " levels of partials");
    }
    return heights_[used];
  }

  void report(const Source& source, const Tag& tag, std::string message) {
    problems_.report(template_problem_at(source.file, source.text, tag.start, std::move(message)));
  }

  const Sources& sources_;
  LoadProblems& problems_;
  std::map<std::string, Visit> visits_;
  std::map<std::string, int> heights_;
  std::vector<std::string> path_;
};

// Nothing an HTML part uses, itself or through its partials, leaves a value unescaped; each
// file is looked at once.
void check_html_escapes(const Sources& sources, LoadProblems& problems) {
  std::set<std::string> html_files;
  std::vector<std::string> pending;
  for (const auto& [key, source] : sources.files) {
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
    const Source& source = sources.files.at(key);
    bool reported_here = false;
    for (const Tag& tag : source.tags) {
      if (tag.kind == TagKind::unescaped && !reported_here) {
        problems.report(template_problem_at(
            source.file, source.text, tag.start,
            "HTML parts must escape every value: write {{name}}, not {{{name}}} or {{&name}}"));
        reported_here = true;
      }
      if (tag.kind == TagKind::partial && sources.files.count("partial:" + tag.name) > 0) {
        pending.push_back("partial:" + tag.name);
      }
    }
  }
}

}  // namespace

std::string template_key(EmailKind kind, const char* part) {
  return std::string(to_string(kind)) + '.' + part;
}

// --- Loading --------------------------------------------------------------------------------

std::optional<TemplateSet> load_template_set(const fs::path& root,
                                             const std::vector<TemplateFile>& files,
                                             plan::Diagnostics& out) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    out.add(template_problem(root, "template folder not found"));
    return std::nullopt;
  }
  LoadProblems problems;
  Sources sources = read_sources(root, files, problems);
  parse_sources(sources, problems);
  PartialCheck(sources, problems).run();
  check_html_escapes(sources, problems);
  if (!problems.empty()) {
    problems.move_to(out);
    return std::nullopt;
  }
  TemplateSet set;
  for (const auto& [key, source] : sources.files) {
    std::string text = mark_standalone_lines(source.text, source.tags);
    if (key.rfind("partial:", 0) == 0) {
      set.partials[key.substr(8)] = std::move(text);
    } else {
      set.sources[key] = std::move(text);
    }
  }
  PartialInliner inliner(set.partials);
  for (auto& [key, text] : set.sources) {
    text = inliner.inlined(text);
  }
  return set;
}

// Every kind's parts (mail/notice_kinds.h).
namespace {

// Whether template `key` opens a section `name` (a plain word), itself or through the partials
// it uses.
bool shows_section(const TemplateSet& set, const std::string& key, std::string_view name) {
  const std::regex section(R"(\{\{\s*#\s*)" + std::string(name) + R"(\s*\}\})");
  static const std::regex partial(R"(\{\{\s*>\s*([^}\s]+)\s*\}\})");
  std::vector<const std::string*> pending;
  if (auto found = set.sources.find(key); found != set.sources.end()) {
    pending.push_back(&found->second);
  }
  std::set<std::string> seen;
  while (!pending.empty()) {
    const std::string& text = *pending.back();
    pending.pop_back();
    if (std::regex_search(text, section)) {
      return true;
    }
    for (std::sregex_iterator it(text.begin(), text.end(), partial), end; it != end; ++it) {
      const std::string name = (*it)[1].str();
      auto used = set.partials.find(name);
      if (used != set.partials.end() && seen.insert(name).second) {
        pending.push_back(&used->second);
      }
    }
  }
  return false;
}

}  // namespace

std::optional<Templates> Templates::load(const std::string& folder, plan::Diagnostics& out) {
  const fs::path root(folder);
  std::error_code error;
  std::vector<TemplateFile> files;
  for (const KindFacts& facts : kKindTable) {
    for (const char* part : kParts) {
      const std::string key = template_key(facts.kind, part);
      fs::path file = root / (key + kExtension);
      // A kind added after a copy of the templates was made (the test message came with
      // send-test's rework): the copy must still load after an upgrade, so its files come from
      // the installed templates until the copy has its own.
      if (facts.installed_fallback && !fs::exists(fs::symlink_status(file, error))) {
        fs::path installed = fs::path(Templates::default_folder()) / (key + kExtension);
        if (fs::exists(installed, error)) {
          file = installed;
        }
      }
      files.push_back(TemplateFile{key, file,
                                   std::string("missing template: the ") + part + " part of " +
                                       to_string(facts.kind) + " emails"});
    }
  }
  std::optional<TemplateSet> set = load_template_set(root, files, out);
  if (!set) {
    return std::nullopt;
  }
  Templates templates;
  templates.set_ = std::move(*set);
  for (const KindFacts& facts : kKindTable) {
    if (shows_section(templates.set_, template_key(facts.kind, "text"), "decisions")) {
      templates.telling_decisions_.insert(facts.kind);
    }
  }
  return templates;
}

bool Templates::tells_decisions(EmailKind kind) const {
  return telling_decisions_.count(kind) > 0;
}

bool Templates::shows(EmailKind kind, std::string_view name) const {
  return shows_section(set_, template_key(kind, "text"), name);
}

}  // namespace plan_reminder::mail
