// Tests of the packed set of handled notice keys.
#include "base/key_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace plan_reminder::base {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Tests that keys given in any order, some twice, are each found once, that keys which are
// only a prefix of, or differ by one byte from, a key are not, and that bytes above 0x7f sort
// after ASCII as in the database's index.
TEST(KeySetTest, KeysInAnyOrderAreFoundAndOthersAreNot) {
  KeySet::Builder builder;
  for (const char* key : {"r/1.2/m/2026-01-05/due/0/police", "r/1.1/m/2026-01-05/due/0/police",
                          "r/1.2/m/2026-01-05/due/0/police", "r/\xc3\xa9/m", "", "r/1"}) {
    builder.add(key);
  }
  const KeySet keys = std::move(builder).build();
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_TRUE(keys.contains("r/1.1/m/2026-01-05/due/0/police"));
  EXPECT_TRUE(keys.contains("r/1.2/m/2026-01-05/due/0/police"));
  EXPECT_TRUE(keys.contains("r/\xc3\xa9/m"));
  EXPECT_TRUE(keys.contains(""));
  EXPECT_TRUE(keys.contains("r/1"));
  EXPECT_FALSE(keys.contains("r/1.2/m/2026-01-05/due/0/polic"));
  EXPECT_FALSE(keys.contains("r/1.2/m/2026-01-05/due/0/policf"));
  EXPECT_FALSE(keys.contains("r/1."));
  EXPECT_EQ(keys.count("r/1"), 1u);
  EXPECT_THAT(keys, ElementsAre("", "r/1", "r/1.1/m/2026-01-05/due/0/police",
                                "r/1.2/m/2026-01-05/due/0/police", "r/\xc3\xa9/m"));
}

// Tests that keys inserted after the set is made (a preview's passes) are found, listed and
// counted once, and that a copy keeps its own keys.
TEST(KeySetTest, KeysInsertedLaterAreFoundAndACopyIsItsOwn) {
  KeySet keys{"b", "a"};
  keys.insert("c");
  keys.insert("a");
  keys.insert("c");
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_TRUE(keys.contains("c"));
  EXPECT_THAT(keys, UnorderedElementsAre("a", "b", "c"));

  const KeySet copy = keys;
  keys.insert("d");
  EXPECT_FALSE(copy.contains("d"));
  EXPECT_THAT(copy, UnorderedElementsAre("a", "b", "c"));
  EXPECT_TRUE(KeySet{}.empty());
  EXPECT_FALSE(KeySet{}.contains(""));
}

// Tests the set against std::set on thousands of random keys, shuffled, with repeats: the same
// members, and the same answer for keys it does not hold.
TEST(KeySetTest, AgreesWithAnOrderedSetOnRandomKeys) {
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> letter('a', 'e');
  std::uniform_int_distribution<int> length(0, 6);
  auto make_key = [&] {
    std::string key(static_cast<std::size_t>(length(random)), 'a');
    for (char& c : key) {
      c = static_cast<char>(letter(random));
    }
    return key;
  };
  std::set<std::string> expected;
  KeySet::Builder builder;
  for (int i = 0; i < 5000; ++i) {
    const std::string key = make_key();
    expected.insert(key);
    builder.add(key);
  }
  const KeySet keys = std::move(builder).build();
  EXPECT_EQ(keys.size(), expected.size());
  EXPECT_TRUE(std::equal(keys.begin(), keys.end(), expected.begin(), expected.end()));
  for (int i = 0; i < 5000; ++i) {
    const std::string key = make_key();
    EXPECT_EQ(keys.contains(key), expected.count(key) == 1) << key;
  }
}

}  // namespace
}  // namespace plan_reminder::base
