#include "plan/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <map>
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

Mark to_mark(const YAML::Mark& mark) { return Mark{mark.line + 1, mark.column + 1}; }

// Builds the tree from parser events. Containers are built on a stack; a mapping's key waits
// in `pending_key` until its value is complete.
class TreeBuilder : public YAML::EventHandler {
 public:
  Node take_root() { return std::move(root_); }
  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark&) override { ++documents_; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node node;
    node.mark = to_mark(mark);
    complete(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    Node node = found != anchors_.end() ? found->second : Node{};
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
    complete(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::Kind::sequence, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::Kind::mapping, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    Node node;
    YAML::anchor_t anchor = 0;
    bool has_key = false;
    Node pending_key;
  };

  void open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    Open frame;
    frame.node.kind = kind;
    frame.node.mark = to_mark(mark);
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void close() {
    Open frame = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(frame.node), frame.anchor);
  }

  void complete(Node node, YAML::anchor_t anchor) {
    if (anchor != 0) {
      anchors_[anchor] = node;
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
      parent.node.entries.emplace_back(std::move(parent.pending_key), std::move(node));
      parent.has_key = false;
    }
  }

  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Node> anchors_;
  Node root_;
  int documents_ = 0;
};

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
  ViewBuffer buffer(text);
  std::istream in(&buffer);
  TreeBuilder builder;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents() > 1) {
        result.error = "expected one YAML document, found a second one";
        result.error_mark = Mark{0, 0};
        result.root = builder.take_root();
        return result;
      }
    }
  } catch (const YAML::Exception& e) {
    result.error = e.msg;
    result.error_mark = e.mark.is_null() ? Mark{} : to_mark(e.mark);
    return result;
  }
  result.ok = true;
  result.root = builder.take_root();
  return result;
}

}  // namespace plan_reminder::plan::yaml
