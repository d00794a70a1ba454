// Text tidying for rendered emails: what Mustache output needs before it is sent (one-line
// subjects, tidy line ends and blank lines, HTML escaping) and the small wording helpers the
// Mustache data uses (plurals, lists). Pure string functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::mail {

// Long enough for any sensible subject, short enough that mail clients show it whole.
inline constexpr std::size_t kMaxSubjectCharacters = 200;
// Marks template lines that hold only tags (see mark_standalone_lines in
// template_loading.cpp); a control character that YAML text cannot contain. tidy_lines()
// drops the lines left holding only the mark.
inline constexpr char kStandaloneMark = '\x01';

// The escapes of the HTML parts, and none for the subject and the text part.
std::string html_escape(const std::string& text);
std::string no_escape(const std::string& text);

// One line: whitespace runs (line ends included) become one space, control characters go, and
// a subject longer than mail clients show is cut at a word with "…".
std::string one_line(const std::string& text);

// '\n' line ends, no standalone tag lines, no trailing blanks (except in the "-- " signature
// separator), at most one empty line in a row, none at the start, and exactly one line end at
// the end.
std::string tidy_lines(const std::string& text);

// "1 milestone", "2 milestones".
std::string plural(int count, const std::string& one, const std::string& many);
std::string capitalised(std::string text);
// "a", "a and b", "a, b and c".
std::string joined(const std::vector<std::string>& parts);

}  // namespace plan_reminder::mail
