#include "base/utf8.h"

namespace plan_reminder::base {

Utf8Character decode_utf8(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80U) {
    return {1, lead};
  }
  std::size_t length = 0;
  char32_t code = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    code = lead & 0x1FU;
    minimum = 0x80;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    code = lead & 0x0FU;
    minimum = 0x800;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    code = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return {};
  }
  if (length > text.size() - at) {
    return {};
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (!is_utf8_continuation(text[at + i])) {
      return {};
    }
    code = (code << 6U) | (static_cast<unsigned char>(text[at + i]) & 0x3FU);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return {};
  }
  return {length, code};
}

std::size_t count_characters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    count += is_utf8_continuation(c) ? 0 : 1;
  }
  return count;
}

std::size_t offset_of_character(std::string_view text, std::size_t index) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_utf8_continuation(text[i]) && characters++ == index) {
      return i;
    }
  }
  return text.size();
}

std::size_t character_boundary_before(std::string_view text, std::size_t at) {
  if (at >= text.size()) {
    return text.size();
  }
  while (at > 0 && is_utf8_continuation(text[at])) {
    --at;
  }
  return at;
}

std::string shorten(std::string_view text, std::size_t limit, std::string_view ellipsis) {
  const std::size_t cut = offset_of_character(text, limit);
  std::string out(text.substr(0, cut));
  if (cut < text.size()) {
    out += ellipsis;
  }
  return out;
}

}  // namespace plan_reminder::base
