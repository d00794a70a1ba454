// Tests for UTF-8 decoding, counting and cutting: what users see as columns in error messages
// and as the length of shortened subjects, values and table cells.
#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace plan_reminder::base {
namespace {

using namespace std::string_literals;

// Tests that ASCII, two-, three- and four-byte characters decode to their code points.
TEST(DecodeUtf8, ReadsEachLengthOfCharacter) {
  EXPECT_EQ(decode_utf8("a", 0).length, 1U);
  EXPECT_EQ(decode_utf8("a", 0).code, U'a');
  EXPECT_EQ(decode_utf8("é", 0).length, 2U);
  EXPECT_EQ(decode_utf8("é", 0).code, U'é');
  EXPECT_EQ(decode_utf8("€", 0).length, 3U);
  EXPECT_EQ(decode_utf8("€", 0).code, U'€');
  EXPECT_EQ(decode_utf8("\U0001F600", 0).length, 4U);
  EXPECT_EQ(decode_utf8("\U0001F600", 0).code, U'\U0001F600');
  EXPECT_EQ(decode_utf8("x€", 1).code, U'€');
}

// Tests that bytes which are not UTF-8 are refused, whatever form the mistake takes.
TEST(DecodeUtf8, RefusesWhatIsNotUtf8) {
  EXPECT_EQ(decode_utf8("\x80", 0).length, 0U) << "a stray continuation byte";
  EXPECT_EQ(decode_utf8("\xE9t\xE9", 0).length, 0U) << "Latin-1 text";
  EXPECT_EQ(decode_utf8("\xE2\x82", 0).length, 0U) << "a sequence cut by the end";
  EXPECT_EQ(decode_utf8("\xC0\xAF", 0).length, 0U) << "an overlong '/'";
  EXPECT_EQ(decode_utf8("\xE0\x80\xAF", 0).length, 0U) << "an overlong three-byte form";
  EXPECT_EQ(decode_utf8("\xF0\x80\x80\xAF", 0).length, 0U) << "an overlong four-byte form";
  EXPECT_EQ(decode_utf8("\xED\xA0\x80", 0).length, 0U) << "a surrogate";
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80", 0).length, 0U) << "above U+10FFFF";
  EXPECT_EQ(decode_utf8("\xF8\x88\x80\x80\x80", 0).length, 0U) << "a five-byte form";
  EXPECT_EQ(decode_utf8("\xFF", 0).length, 0U);
}

// Tests that characters, not bytes, are counted.
TEST(CountCharacters, CountsCharactersNotBytes) {
  EXPECT_EQ(count_characters(""), 0U);
  EXPECT_EQ(count_characters("abc"), 3U);
  EXPECT_EQ(count_characters("Trésor – 2€"), 11U);
}

// Tests that the offset of a character is where its first byte stands, and the end when the
// text is shorter.
TEST(OffsetOfCharacter, FindsTheStartOfACharacter) {
  EXPECT_EQ(offset_of_character("aé€b", 0), 0U);
  EXPECT_EQ(offset_of_character("aé€b", 2), 3U);
  EXPECT_EQ(offset_of_character("aé€b", 3), 6U);
  EXPECT_EQ(offset_of_character("aé€b", 4), 7U);
  EXPECT_EQ(offset_of_character("aé€b", 99), 7U);
}

// Tests that a cut never lands inside a character.
TEST(CharacterBoundaryBefore, NeverSplitsACharacter) {
  const std::string text = "a€b";  // € is bytes 1..3
  EXPECT_EQ(character_boundary_before(text, 0), 0U);
  EXPECT_EQ(character_boundary_before(text, 1), 1U);
  EXPECT_EQ(character_boundary_before(text, 2), 1U);
  EXPECT_EQ(character_boundary_before(text, 3), 1U);
  EXPECT_EQ(character_boundary_before(text, 4), 4U);
  EXPECT_EQ(character_boundary_before(text, 5), 5U);
  EXPECT_EQ(character_boundary_before(text, 50), 5U);
}

// Tests that shortened text keeps whole characters and says it was shortened.
TEST(Shorten, KeepsWholeCharactersAndMarksTheCut) {
  EXPECT_EQ(shorten("abc", 3), "abc");
  EXPECT_EQ(shorten("abcd", 3), "abc…");
  EXPECT_EQ(shorten("€€€€", 2), "€€…");
  EXPECT_EQ(shorten("€€€€", 2, "..."), "€€...");
  EXPECT_EQ(shorten("", 0), "");
  EXPECT_EQ(shorten("a", 0), "…");
}

}  // namespace
}  // namespace plan_reminder::base
