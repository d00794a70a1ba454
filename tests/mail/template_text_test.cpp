// Tests of the text tidying of rendered emails (mail/template_text.h): subjects on one line
// that mail clients show whole, text parts without stray blank lines, HTML escaping.
#include "mail/template_text.h"

#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace plan_reminder::mail {
namespace {

// Tests that a subject becomes one line: line ends and whitespace runs become one space and
// control characters go.
TEST(TemplateTextTest, SubjectIsOneLine) {
  EXPECT_EQ(one_line("  Overdue:\r\n  1.1\tScoping\x07 document  \n"),
            "Overdue: 1.1 Scoping document");
}

// Tests that a subject longer than 200 characters is cut at a word, with "…", and no trailing
// comma or colon before it.
TEST(TemplateTextTest, LongSubjectIsCutAtAWord) {
  std::string subject = "Overdue:";
  while (subject.size() < 300) {
    subject += " milestone,";
  }
  const std::string cut = one_line(subject);
  EXPECT_LE(base::count_characters(cut), kMaxSubjectCharacters);
  EXPECT_EQ(cut.substr(cut.size() - 3), "\u2026");
  EXPECT_EQ(cut.substr(cut.size() - 12, 9), "milestone");
}

// Tests that the text part has '\n' line ends, no trailing blanks except in the "-- "
// signature separator, no blank line at the start, at most one in a row, and one line end at
// the end; lines left holding only tags go.
TEST(TemplateTextTest, TextLinesAreTidy) {
  const std::string marked = std::string("  \x01\n");
  EXPECT_EQ(tidy_lines("\n\nDear WWiN,  \r\n" + marked + "\n\n\nText\t\n-- \nplan-reminder\n\n\n"),
            "Dear WWiN,\n\nText\n-- \nplan-reminder\n");
}

// Tests that a lone '\r' ends a line as '\n' does, that a line holding text keeps it without
// the tag mark, and that text without a final line end gets one.
TEST(TemplateTextTest, TidyLinesReadsEveryLineEnd) {
  EXPECT_EQ(tidy_lines("one\rtwo\x01 \r\n\r\rthree\r\n\x01\t\nfour"), "one\ntwo\n\nthree\nfour\n");
  EXPECT_EQ(tidy_lines(""), "");
  EXPECT_EQ(tidy_lines("\n\n"), "");
}

// Tests that HTML escaping covers the five characters that matter, with &#39; for the
// apostrophe (some mail clients show &apos; as written).
TEST(TemplateTextTest, HtmlEscapesMarkup) {
  EXPECT_EQ(html_escape("<b>Women's & \"Aid\"</b>"),
            "&lt;b&gt;Women&#39;s &amp; &quot;Aid&quot;&lt;/b&gt;");
}

// Tests the wording helpers: plurals and lists.
TEST(TemplateTextTest, PluralsAndLists) {
  EXPECT_EQ(plural(1, "milestone", "milestones"), "1 milestone");
  EXPECT_EQ(plural(0, "milestone", "milestones"), "0 milestones");
  EXPECT_EQ(joined({"a"}), "a");
  EXPECT_EQ(joined({"a", "b"}), "a and b");
  EXPECT_EQ(joined({"a", "b", "c"}), "a, b and c");
}

}  // namespace
}  // namespace plan_reminder::mail
