// A small YAML document tree that keeps the line and column of every node and the text of
// every scalar exactly as written. Built from yaml-cpp's event parser, which is faster than
// YAML::Load and keeps "1.10" and "2020-01-20" as the user wrote them. Only plan/ sees yaml-cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::plan::yaml {

struct Mark {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct MappingEntry;

struct Node {
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  Mark mark;
  std::string scalar;       // the scalar's value, for Kind::scalar
  bool plain = false;       // an unquoted scalar (so `yes` or `1` was not meant as a string)
  std::vector<Node> items;  // Kind::sequence
  std::vector<MappingEntry> entries;  // Kind::mapping, in file order, duplicates kept

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }
};

// One `key: value` of a mapping. A struct rather than std::pair<Node, Node>: clang cannot
// instantiate that pair of a type still incomplete inside Node with libstdc++ 12.
struct MappingEntry {
  Node key;
  Node value;
};

// What a kind of node is called in messages: "a mapping", "a list", "text", "nothing".
std::string_view describe(const Node& node);

struct ParseResult {
  bool ok = false;
  Node root;          // null for an empty file
  Mark error_mark;    // where the parser stopped, when !ok
  std::string error;  // the parser's message, when !ok
};

// Parses one YAML document; more than one document is an error.
ParseResult parse(std::string_view text);

}  // namespace plan_reminder::plan::yaml
