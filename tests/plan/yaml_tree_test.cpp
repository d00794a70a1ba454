// Tests of the YAML tree: the positions reported to users and scalars kept as written.
#include "plan/yaml_tree.h"

#include <gtest/gtest.h>

namespace plan_reminder::plan::yaml {
namespace {

// Tests that every node carries the 1-based line and column where the user wrote it.
TEST(YamlTree, KeepsLineAndColumnOfEveryNode) {
  ParseResult parsed = parse("review:\n  id: dhr-x\n  tags: [a, b]\n");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  const Node& review = parsed.root.entries.at(0).value;
  EXPECT_EQ(review.entries.at(0).key.mark.line, 2);
  EXPECT_EQ(review.entries.at(0).key.mark.column, 3);
  EXPECT_EQ(review.entries.at(0).value.mark.column, 7);
  const Node& tags = review.entries.at(1).value;
  ASSERT_TRUE(tags.is_sequence());
  EXPECT_EQ(tags.items.at(1).scalar, "b");
  EXPECT_EQ(tags.items.at(1).mark.line, 3);
  EXPECT_EQ(tags.items.at(1).mark.column, 13);
}

// Tests that numbers and dates stay text exactly as written, so "1.10" is not read as 1.1.
TEST(YamlTree, KeepsScalarsAsWritten) {
  ParseResult parsed = parse("id: 1.10\npublished: 2020-01-20\nquoted: \"1.10\"\n");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.root.entries[0].value.scalar, "1.10");
  EXPECT_TRUE(parsed.root.entries[0].value.plain);
  EXPECT_EQ(parsed.root.entries[1].value.scalar, "2020-01-20");
  EXPECT_FALSE(parsed.root.entries[2].value.plain);
}

// Tests that `key:` with no value, `~` and `null` are nothing, and "" is empty text.
TEST(YamlTree, DistinguishesNothingFromEmptyText) {
  ParseResult parsed = parse("a:\nb: ~\nc: null\nd: \"\"\n");
  ASSERT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.root.entries[0].value.is_null());
  EXPECT_TRUE(parsed.root.entries[1].value.is_null());
  EXPECT_TRUE(parsed.root.entries[2].value.is_null());
  EXPECT_TRUE(parsed.root.entries[3].value.is_scalar());
  EXPECT_EQ(parsed.root.entries[3].value.scalar, "");
}

// Tests that an alias stands for a copy of its anchored node, so shared outcomes work.
TEST(YamlTree, ExpandsAliases) {
  ParseResult parsed = parse("a: &shared [x, y]\nb: *shared\n");
  ASSERT_TRUE(parsed.ok);
  const Node& b = parsed.root.entries[1].value;
  ASSERT_TRUE(b.is_sequence());
  ASSERT_EQ(b.items.size(), 2u);
  EXPECT_EQ(b.items[1].scalar, "y");
}

// Tests that duplicate keys are kept, so the validator can report them (YAML::Load hides them).
TEST(YamlTree, KeepsDuplicateKeys) {
  ParseResult parsed = parse("a: 1\na: 2\n");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.root.entries.size(), 2u);
}

// Tests that a syntax error gives the parser's message and the place it stopped.
TEST(YamlTree, ReportsSyntaxErrorsWithPosition) {
  ParseResult parsed = parse("a: 1\n  b: 2\n");
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error, "illegal map value");
  EXPECT_EQ(parsed.error_mark.line, 2);
  EXPECT_EQ(parsed.error_mark.column, 4);
}

// Tests that a bracket never closed is reported where it was opened, not where the parser
// gave up.
TEST(YamlTree, ReportsAnUnclosedBracketWhereItOpens) {
  ParseResult parsed = parse("a: [1, 2\nb: 3\n");
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error, "end of sequence flow not found");
  EXPECT_EQ(parsed.error_mark.line, 1);
  EXPECT_EQ(parsed.error_mark.column, 4);
}

// Tests that a second document in one file is refused rather than silently ignored.
TEST(YamlTree, RefusesASecondDocument) {
  ParseResult parsed = parse("a: 1\n---\nb: 2\n");
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error, "expected one YAML document, found a second one");
}

// Tests that an empty file is an empty document, not an error of the parser.
TEST(YamlTree, EmptyFileIsNull) {
  ParseResult parsed = parse("# only a comment\n");
  EXPECT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.root.is_null());
}

}  // namespace
}  // namespace plan_reminder::plan::yaml
