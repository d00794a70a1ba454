// ASCII case folding: for keywords, e-mail addresses and SMTP verbs, never for people's text
// (which is Unicode and is shown as written). Independent of the C locale.
#pragma once

#include <string>
#include <string_view>

namespace plan_reminder::base {

constexpr bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_ascii_alnum(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c);
}
// The C locale's white space: space, tab, line feed, carriage return, vertical tab, form feed.
constexpr bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` with A-Z made a-z; every other byte (UTF-8 included) as it is.
std::string ascii_lower(std::string_view text);

// True when `a` and `b` are the same but for the case of ASCII letters.
bool equals_ignoring_ascii_case(std::string_view a, std::string_view b);

}  // namespace plan_reminder::base
