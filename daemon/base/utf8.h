// UTF-8 text as bytes: decoding one character, counting characters and cutting text on a
// character boundary. The one home for these; plan files, JSON, subjects and tables all use it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plan_reminder::base {

// True for the bytes 10xxxxxx that continue a UTF-8 sequence.
constexpr bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// One decoded character: its length in bytes (0 when the bytes are not UTF-8) and code point.
struct Utf8Character {
  std::size_t length = 0;
  char32_t code = 0;
};

// The well-formed UTF-8 character at byte `at` (at < text.size()), or a length of 0 when the bytes
// there are not one: a stray continuation byte, a cut sequence, an overlong form, a surrogate or
// a value above U+10FFFF.
Utf8Character decode_utf8(std::string_view text, std::size_t at);

// How many characters `text` holds, counting the bytes that start a sequence (what an editor
// counts as columns for the Latin text of plans).
std::size_t count_characters(std::string_view text);

// The byte offset at which character number `index` (from 0) starts, or text.size() when the
// text has no more than `index` characters.
std::size_t offset_of_character(std::string_view text, std::size_t index);

// The nearest character boundary at or before byte `at`: never inside a UTF-8 sequence. An `at`
// at or beyond the end gives text.size().
std::size_t character_boundary_before(std::string_view text, std::size_t at);

// The first `limit` characters of `text`, then `ellipsis` when it is longer.
std::string shorten(std::string_view text, std::size_t limit, std::string_view ellipsis = "\u2026");

}  // namespace plan_reminder::base
