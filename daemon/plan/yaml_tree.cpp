#include "plan/yaml_tree.h"

#include "base/utf8.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdio>
#include <istream>
#include <map>
#include <optional>
#include <streambuf>

namespace plan_reminder::plan::yaml {
namespace {

// Reads a buffer in place, so the text is not copied into a stringstream first.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

Mark to_mark(const YAML::Mark& mark) {
  return Mark{mark.line + 1, mark.column + 1};
}

// A construct the tree refuses, thrown from inside the event handler to stop the parser at once.
struct Refused {
  Mark mark;
  std::string message;
};

// An alias copies its anchored node, so a few hundred bytes of aliases of aliases can stand for
// gigabytes ("billion laughs"). Plans alias a shared outcome text a few dozen times, kilobytes
// in all; the copies made for anchors and aliases may add up to this much, counting each node
// as kNodeCost bytes besides its text.
constexpr std::size_t kMaxAliasedBytes = std::size_t{4} * 1024 * 1024;
constexpr std::size_t kNodeCost = 64;

// A plan of a thousand actions has about 100,000 values (keys, texts, lists); a file with many
// more is not a plan, and building its tree would hold hundreds of megabytes.
constexpr std::size_t kMaxNodes = 500'000;

// What a node costs to copy, in the units of kMaxAliasedBytes.
std::size_t copy_cost(const Node& node) {
  std::size_t cost = kNodeCost + node.scalar.size();
  for (const Node& item : node.items) {
    cost += copy_cost(item);
  }
  for (const auto& [key, value] : node.entries) {
    cost += copy_cost(key) + copy_cost(value);
  }
  return cost;
}

// Builds the tree from parser events. Containers are built on a stack; a mapping's key waits
// in `pending_key` until its value is complete.
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(std::string_view text) : text_(text) {}

  Node take_root() { return std::move(root_); }
  int documents() const { return documents_; }
  Mark second_document() const { return second_document_; }

  // The innermost `[` or `{` still open, for errors about a flow collection never closed.
  std::optional<Mark> open_flow() const {
    for (auto frame = stack_.rbegin(); frame != stack_.rend(); ++frame) {
      if (frame->flow) {
        return frame->node.mark;
      }
    }
    return std::nullopt;
  }

  // yaml-cpp (0.7) accepts a quoted scalar that the file ends inside; the last scalar is the
  // only one that can be, so its closing quote is checked here.
  std::optional<Mark> unclosed_last_quote() const {
    if (!last_quote_ || *last_quote_ >= text_.size()) {
      return std::nullopt;
    }
    std::size_t at = *last_quote_;
    char quote = text_[at];
    if (quote != '"' && quote != '\'') {
      return std::nullopt;
    }
    for (std::size_t i = at + 1; i < text_.size(); ++i) {
      if (quote == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == quote) {
        if (quote == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
          continue;
        }
        return std::nullopt;
      }
    }
    return last_quote_mark_;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) {
      second_document_ = dash_line_before(mark);
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node node;
    node.mark = to_mark(mark);
    // An empty list item (`-` alone) is placed by the parser at the next token; point at its
    // dash instead, which is where the user has to look.
    if (!stack_.empty() && stack_.back().node.kind == Node::Kind::sequence && !stack_.back().flow) {
      node.mark = dash_before(mark).value_or(node.mark);
    }
    complete(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    Node node;
    if (found != anchors_.end()) {
      count_copy(to_mark(mark), found->second.cost);
      node = found->second.node;
    }
    node.mark = to_mark(mark);
    complete(std::move(node), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node node;
    node.kind = Node::Kind::scalar;
    node.mark = to_mark(mark);
    node.scalar = value;
    node.plain = tag == "?";
    if (node.plain) {
      last_quote_.reset();
    } else {
      last_quote_ = static_cast<std::size_t>(mark.pos);
      last_quote_mark_ = node.mark;
    }
    complete(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(Node::Kind::sequence, mark, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(Node::Kind::mapping, mark, anchor, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    Node node;
    YAML::anchor_t anchor = 0;
    bool flow = false;
    bool has_key = false;
    Node pending_key;
  };

  // Counts a copy made for an anchor or an alias, and stops the parse when there is too much.
  void count_copy(Mark mark, std::size_t cost) {
    copied_bytes_ += cost;
    if (copied_bytes_ > kMaxAliasedBytes) {
      throw Refused{mark, "the anchors (&name) and aliases (*name) up to here repeat more than " +
                              std::to_string(kMaxAliasedBytes / (std::size_t{1024} * 1024)) +
                              " MiB of text; write the values out, or alias less"};
    }
  }

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor, bool flow) {
    Open frame;
    frame.node.kind = kind;
    frame.node.mark = to_mark(mark);
    frame.anchor = anchor;
    frame.flow = flow;
    stack_.push_back(std::move(frame));
  }

  void close() {
    Open frame = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(frame.node), frame.anchor);
  }

  void complete(Node node, YAML::anchor_t anchor) {
    if (++nodes_ > kMaxNodes) {
      throw Refused{node.mark, "the file holds more than " + std::to_string(kMaxNodes / 1000) +
                                   ",000 YAML values (keys, texts and lists), far more than any "
                                   "plan; is it the right file?"};
    }
    if (anchor != 0) {
      std::size_t cost = copy_cost(node);
      count_copy(node.mark, cost);
      anchors_.insert_or_assign(anchor, Anchored{node, cost});
    }
    if (stack_.empty()) {
      if (documents_ == 1) {
        root_ = std::move(node);
      }
      return;
    }
    Open& parent = stack_.back();
    if (parent.node.kind == Node::Kind::sequence) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.has_key) {
      parent.pending_key = std::move(node);
      parent.has_key = true;
    } else {
      parent.node.entries.push_back(MappingEntry{std::move(parent.pending_key), std::move(node)});
      parent.has_key = false;
    }
  }

  // The `-` of an empty block-sequence item: the last non-blank, non-comment character before
  // the parser's mark, when it is a dash.
  std::optional<Mark> dash_before(const YAML::Mark& mark) const {
    std::size_t end = std::min(static_cast<std::size_t>(mark.pos), text_.size());
    int line = mark.line + 1;
    while (end > 0) {
      std::size_t start = text_.rfind('\n', end - 1);
      start = start == std::string_view::npos ? 0 : start + 1;
      std::string_view content = text_.substr(start, end - start);
      if (auto hash = content.find('#'); hash != std::string_view::npos) {
        content = content.substr(0, hash);
      }
      auto last = content.find_last_not_of(" \t\r\n");
      if (last != std::string_view::npos) {
        if (content[last] != '-') {
          return std::nullopt;
        }
        return Mark{line, static_cast<int>(last) + 1};
      }
      if (start == 0) {
        break;
      }
      end = start - 1;
      --line;
    }
    return std::nullopt;
  }

  // A second document starts at its `---` line, which yaml-cpp's mark has already passed.
  Mark dash_line_before(const YAML::Mark& mark) const {
    std::size_t at = std::min(static_cast<std::size_t>(mark.pos), text_.size());
    std::size_t found = text_.rfind("---", at);
    if (found == std::string_view::npos) {
      return to_mark(mark);
    }
    int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + found, '\n'));
    std::size_t line_start = text_.rfind('\n', found == 0 ? 0 : found - 1);
    int column = line_start == std::string_view::npos || found == 0
                     ? static_cast<int>(found) + 1
                     : static_cast<int>(found - line_start);
    return Mark{line, column};
  }

  std::string_view text_;
  std::optional<std::size_t> last_quote_;
  Mark last_quote_mark_;
  Mark second_document_;
  std::vector<Open> stack_;
  struct Anchored {
    Node node;
    std::size_t cost = 0;
  };
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::size_t copied_bytes_ = 0;
  std::size_t nodes_ = 0;
  Node root_;
  int documents_ = 0;
};

// Where byte `at` of `text` stands, counting lines at '\n' as yaml-cpp does and columns in
// characters.
Mark place_of(std::string_view text, std::size_t at) {
  std::size_t line_start = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + line_start, '\n'));
  int column =
      1 + static_cast<int>(base::count_characters(text.substr(line_start, at - line_start)));
  return Mark{line, column};
}

// What in `text` is not YAML text, before it reaches the parser: bytes that are not UTF-8, a NUL
// (which yaml-cpp takes for the end of the file) and a carriage return without a line feed (old
// Mac line endings, which yaml-cpp does not count as line breaks). A UTF-8 byte order mark is
// fine.
std::optional<Refused> check_text(std::string_view text) {
  std::size_t at = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (at < text.size()) {
    char c = text[at];
    // Printable ASCII, nearly every byte of a file, is decided by one comparison.
    if (static_cast<unsigned char>(c - 0x20) < 0x5f || c == '\n' || c == '\t') {
      ++at;
      continue;
    }
    if (c == '\0') {
      return Refused{place_of(text, at), "the file contains a NUL byte here; is it a text file?"};
    }
    if (c == '\r' && (at + 1 == text.size() || text[at + 1] != '\n')) {
      return Refused{place_of(text, at),
                     "a carriage return without a line feed (old Mac line endings); save the "
                     "file with Unix (LF) or Windows (CRLF) line endings"};
    }
    std::size_t length = base::decode_utf8(text, at).length;
    if (length == 0) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      return Refused{place_of(text, at), std::string("the byte ") + code +
                                             " is not UTF-8 text; save the file as UTF-8"};
    }
    at += length;
  }
  return std::nullopt;
}

// Whether the character at `i` follows a blank (or starts the text).
bool after_blank(std::string_view text, std::size_t i) {
  return i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t');
}

// Where a scalar quoted by text[open] ends: its closing quote, or text.size() when it is never
// closed. `\"` escapes inside double quotes; `''` is a quote inside single quotes.
std::size_t closing_quote(std::string_view text, std::size_t open) {
  const char quote = text[open];
  std::size_t end = open + 1;
  for (; end < text.size(); ++end) {
    if (quote == '"' && text[end] == '\\') {
      ++end;
    } else if (text[end] == quote) {
      if (quote == '\'' && end + 1 < text.size() && text[end + 1] == '\'') {
        ++end;
        continue;
      }
      break;
    }
  }
  return std::min(end, text.size());
}

// The quoted scalars of `text` as [opening quote, closing quote] byte ranges (the end is
// text.size() for one never closed), found by a light scan: a quote opens a scalar where a value
// can start (after indentation, "- ", ": ", "? ", '[', '{' or ','), so the apostrophe in
// `text: It's done` opens nothing.
std::vector<std::pair<std::size_t, std::size_t>> quoted_scalars(std::string_view text,
                                                                std::size_t until) {
  std::vector<std::pair<std::size_t, std::size_t>> found;
  char before = '\n';  // the last non-blank character outside quotes, '\n' at a line start
  for (std::size_t i = 0; i < text.size() && i < until; ++i) {
    char c = text[i];
    if (c == '\n') {
      before = '\n';
      continue;
    }
    if (c == ' ' || c == '\t') {
      continue;
    }
    bool value_start = before == '\n' || before == '[' || before == '{' || before == ',' ||
                       ((before == ':' || before == '-' || before == '?') && after_blank(text, i));
    if (c == '#' && (before == '\n' || after_blank(text, i))) {
      i = std::min(text.find('\n', i), text.size()) - 1;
      continue;
    }
    if ((c == '"' || c == '\'') && value_start) {
      std::size_t end = closing_quote(text, i);
      found.emplace_back(i, end);
      i = end;
    }
    before = c;
  }
  return found;
}

// Points a parser error where the user has to look: at the bracket of a flow collection that
// is never closed, and at a tab used for indentation, which yaml-cpp sometimes reports only
// as "illegal map value".
void explain_error(std::string_view text, std::size_t error_at, const TreeBuilder& builder,
                   ParseResult& result) {
  // A quote closed lines later, or never, makes yaml-cpp stop further on with a message about
  // what follows: point at the quote instead.
  auto scalars = quoted_scalars(text, error_at);
  if (!scalars.empty()) {
    auto [open, close] = scalars.back();
    if (close >= text.size()) {
      result.error = "the quoted text is never closed: the file ends before its closing quote";
      result.error_mark = place_of(text, open);
      return;
    }
    if (text.substr(open, close - open).find('\n') != std::string_view::npos) {
      result.error = "the quote opened here is closed only at line " +
                     std::to_string(place_of(text, close).line) +
                     ": close it on the line where it opens";
      result.error_mark = place_of(text, open);
      return;
    }
  }
  bool unclosed_flow = result.error.rfind("end of sequence flow", 0) == 0 ||
                       result.error.rfind("end of map flow", 0) == 0;
  if (unclosed_flow) {
    if (auto open = builder.open_flow()) {
      result.error_mark = *open;
    }
    return;
  }
  if (result.error_mark.line < 1) {
    return;
  }
  std::size_t start = 0;
  for (int line = 1; line < result.error_mark.line && start != std::string_view::npos; ++line) {
    start = text.find('\n', start);
    start = start == std::string_view::npos ? start : start + 1;
  }
  if (start == std::string_view::npos) {
    return;
  }
  std::size_t indent_end = text.find_first_not_of(" \t", start);
  std::string_view indent =
      text.substr(start, (indent_end == std::string_view::npos ? text.size() : indent_end) - start);
  if (auto tab = indent.find('\t'); tab != std::string_view::npos) {
    result.error = "illegal tab when looking for indentation";
    result.error_mark = Mark{result.error_mark.line, static_cast<int>(tab) + 1};
  }
}

}  // namespace

std::string_view describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return "nothing";
    case Node::Kind::scalar:
      return "text";
    case Node::Kind::sequence:
      return "a list";
    case Node::Kind::mapping:
      return "a mapping";
  }
  return "something else";
}

ParseResult parse(std::string_view text) {
  ParseResult result;
  if (auto refused = check_text(text)) {
    result.error = std::move(refused->message);
    result.error_mark = refused->mark;
    return result;
  }
  ViewBuffer buffer(text);
  std::istream in(&buffer);
  TreeBuilder builder(text);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents() > 1) {
        result.error = "expected one YAML document, found a second one";
        result.error_mark = builder.second_document();
        return result;
      }
    }
  } catch (const Refused& refused) {
    result.error = refused.message;
    result.error_mark = refused.mark;
    return result;
  } catch (const YAML::Exception& e) {
    result.error = e.msg;
    result.error_mark = e.mark.is_null() ? Mark{} : to_mark(e.mark);
    std::size_t error_at = e.mark.is_null()
                               ? text.size()
                               : std::min(static_cast<std::size_t>(e.mark.pos), text.size());
    explain_error(text, error_at, builder, result);
    return result;
  }
  if (auto quote = builder.unclosed_last_quote()) {
    result.error = "the quoted text is never closed: the file ends before its closing quote";
    result.error_mark = *quote;
    return result;
  }
  result.ok = true;
  result.root = builder.take_root();
  return result;
}

}  // namespace plan_reminder::plan::yaml
