// Tests of loading the email templates (mail/template_loading.cpp): the shipped set loads, and
// a folder with missing, broken, unsafe or looping templates is reported file by file.
#include "mail/template_loading.h"
#include "mail/template_fixtures.h"
#include "mail/templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace plan_reminder::mail {
namespace {

using namespace test_fixtures;
using ::testing::HasSubstr;
using ::testing::Not;

// Tests that the kinds are named as their template files are.
TEST(EmailKindTest, NamesMatchTemplateFiles) {
  EXPECT_STREQ(to_string(EmailKind::reminder), "reminder");
  EXPECT_STREQ(to_string(EmailKind::due), "due");
  EXPECT_STREQ(to_string(EmailKind::overdue), "overdue");
  EXPECT_STREQ(to_string(EmailKind::escalation), "escalation");
  EXPECT_STREQ(to_string(EmailKind::digest), "digest");
  EXPECT_STREQ(to_string(EmailKind::failure), "failure");
  EXPECT_STREQ(to_string(EmailKind::test), "test");
}

// Tests that the templates shipped with the service load with no diagnostics.
TEST(TemplatesLoadTest, ShippedTemplatesLoadCleanly) {
  plan::Diagnostics diagnostics;
  EXPECT_TRUE(Templates::load(kShipped, diagnostics).has_value());
  EXPECT_TRUE(diagnostics.empty()) << messages_of(diagnostics);
}

// Tests that the default folder holds a complete set of templates.
TEST(TemplatesLoadTest, DefaultFolderHasTemplates) {
  const std::string folder = Templates::default_folder();
  EXPECT_TRUE(fs::exists(fs::path(folder) / "reminder.subject.mustache")) << folder;
  plan::Diagnostics diagnostics;
  EXPECT_TRUE(Templates::load(folder, diagnostics).has_value()) << messages_of(diagnostics);
}

// Tests that a missing file and a malformed one are both reported in one run, each with its
// path, and the malformed one with the line and column of the unclosed section.
TEST(TemplatesLoadTest, ReportsMissingAndMalformedTogether) {
  TemplateCopy copy;
  fs::remove(copy.folder() / "due.html.mustache");
  copy.write("reminder.text.mustache", "Dear {{recipient_name}},\n\n  {{#items}}\n{{action_id}}\n");

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 2U) << messages_of(diagnostics);

  bool saw_missing = false;
  bool saw_malformed = false;
  for (const plan::Diagnostic& d : diagnostics.items()) {
    EXPECT_EQ(d.kind, plan::FileKind::templates);
    if (d.file == (copy.folder() / "due.html.mustache").string()) {
      saw_missing = true;
      EXPECT_EQ(d.line, 0);
      EXPECT_THAT(d.message, HasSubstr("missing template"));
    }
    if (d.file == (copy.folder() / "reminder.text.mustache").string()) {
      saw_malformed = true;
      EXPECT_EQ(d.line, 3);
      EXPECT_EQ(d.column, 3);
      EXPECT_THAT(d.message, HasSubstr("{{#items}}"));
      EXPECT_THAT(d.message, HasSubstr("{{/items}}"));
    }
  }
  EXPECT_TRUE(saw_missing) << messages_of(diagnostics);
  EXPECT_TRUE(saw_malformed) << messages_of(diagnostics);
}

// Tests that a partial that is used but missing is reported where it is used, and that a
// broken partial is reported in its own file.
TEST(TemplatesLoadTest, ReportsMissingAndBrokenPartials) {
  TemplateCopy copy;
  fs::remove(copy.folder() / "partials" / "reply.text.mustache");
  copy.write("partials/audit_row.text.mustache", "- {{when}} {{#failed}}failed\n");

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  const std::string all = messages_of(diagnostics);
  EXPECT_THAT(all, HasSubstr((copy.folder() / "reminder.text.mustache").string() + ":"));
  EXPECT_THAT(all, HasSubstr("partial \"reply.text\" not found"));
  EXPECT_THAT(all, HasSubstr((copy.folder() / "partials" / "audit_row.text.mustache").string() +
                             ":1:12: template does not parse"));
}

// Tests that an HTML part may not insert a value unescaped, as a milestone text could then
// inject markup.
TEST(TemplatesLoadTest, RejectsUnescapedValuesInHtml) {
  TemplateCopy copy;
  copy.write("partials/reply.html.mustache", "<p>Replies go to {{{coordinator_name}}}</p>\n");

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1U) << messages_of(diagnostics);
  EXPECT_EQ(diagnostics.items()[0].file,
            (copy.folder() / "partials" / "reply.html.mustache").string());
  EXPECT_EQ(diagnostics.items()[0].line, 1);
  EXPECT_EQ(diagnostics.items()[0].column, 18);
}

// Tests that a partial including itself is an error rather than a crash when rendering.
TEST(TemplatesLoadTest, RejectsPartialThatIncludesItself) {
  TemplateCopy copy;
  copy.write("partials/rag_badge.html.mustache", "{{rag_word}} {{> rag_badge.html}}\n");

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  EXPECT_THAT(messages_of(diagnostics), HasSubstr("includes itself"));
}

// Tests that a folder or a FIFO in place of a template file is a problem naming that file,
// never a hang in open() waiting for a writer.
TEST(TemplatesLoadTest, FolderOrFifoInPlaceOfATemplateIsNamed) {
  TemplateCopy copy;
  fs::remove(copy.folder() / "due.html.mustache");
  fs::create_directory(copy.folder() / "due.html.mustache");
  fs::remove(copy.folder() / "reminder.text.mustache");
  ASSERT_EQ(::mkfifo((copy.folder() / "reminder.text.mustache").c_str(), 0600), 0);
  fs::remove(copy.folder() / "partials" / "reply.text.mustache");
  ASSERT_EQ(::mkfifo((copy.folder() / "partials" / "reply.text.mustache").c_str(), 0600), 0);

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  const std::string all = messages_of(diagnostics);
  EXPECT_THAT(all, HasSubstr((copy.folder() / "due.html.mustache").string() +
                             ": cannot read the template: it is a folder, not a file"));
  EXPECT_THAT(all, HasSubstr((copy.folder() / "reminder.text.mustache").string() +
                             ": cannot read the template: it is not a regular file (a FIFO)"));
  EXPECT_THAT(all, HasSubstr((copy.folder() / "partials" / "reply.text.mustache").string() +
                             ": cannot read the template: it is not a regular file (a FIFO)"));
  EXPECT_EQ(diagnostics.size(), 3U) << "the FIFO partial is not also reported where it is used\n"
                                    << all;
}

// Tests that a template may not change the tag delimiters: with `{{=<% %>=}}` an unescaped
// `<%& x %>` would slip past the HTML escaping check, and nobody needs other delimiters in an
// email template.
TEST(TemplatesLoadTest, RejectsDelimiterChanges) {
  TemplateCopy copy;
  copy.write("partials/reply.html.mustache",
             "<p>Replies go to\n{{=<% %>=}}<%& coordinator_name %></p>\n");

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1U) << messages_of(diagnostics);
  const plan::Diagnostic& problem = diagnostics.items()[0];
  EXPECT_EQ(problem.file, (copy.folder() / "partials" / "reply.html.mustache").string());
  EXPECT_EQ(problem.line, 2);
  EXPECT_EQ(problem.column, 1);
  EXPECT_THAT(problem.message, HasSubstr("{{=<% %>=}}"));
  EXPECT_THAT(problem.message, HasSubstr("delimiters cannot be changed"));
}

// Tests that partials including each other in a loop, directly or through others and
// whatever the delimiters, are refused when loading instead of recursing at render.
TEST(TemplatesLoadTest, RejectsPartialLoops) {
  TemplateCopy copy;
  copy.write("partials/rag_badge.html.mustache", "{{rag_word}} {{> loop_a}}\n");
  copy.write("partials/loop_a.mustache", "a {{> loop_b}}\n");
  copy.write("partials/loop_b.mustache", "b\n{{>loop_a}}\n");
  copy.write("partials/reply.text.mustache", "{{=<% %>=}}<%> reply.text %>\n");

  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load(copy.folder().string(), diagnostics).has_value());
  const std::string all = messages_of(diagnostics);
  EXPECT_THAT(all, HasSubstr((copy.folder() / "partials" / "loop_b.mustache").string() +
                             ":2:1: partial \"loop_a\" includes itself: loop_a > loop_b > "
                             "loop_a"));
  EXPECT_THAT(all,
              HasSubstr((copy.folder() / "partials" / "reply.text.mustache").string() + ":1:1:"));
}

// Tests that partials nested deeper than rendering allows are refused when loading, and that
// a chain at the limit renders.
TEST(TemplatesLoadTest, BoundsPartialNesting) {
  const auto chain = [](const TemplateCopy& copy, int depth) {
    copy.write("partials/reply.text.mustache", "Replies: {{> chain1}}\n");
    for (int i = 1; i <= depth; ++i) {
      copy.write("partials/chain" + std::to_string(i) + ".mustache",
                 i < depth ? "{{> chain" + std::to_string(i + 1) + "}}" : "end of chain");
    }
  };
  TemplateCopy at_limit;
  // reply.text itself is one level below the email's template.
  chain(at_limit, Templates::kMaxPartialDepth - 1);
  plan::Diagnostics diagnostics;
  const std::optional<Templates> templates =
      Templates::load(at_limit.folder().string(), diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  EXPECT_THAT(templates->render(notice(EmailKind::reminder, {scoping_milestone()})).text,
              HasSubstr("Replies: end of chain"));

  TemplateCopy too_deep;
  chain(too_deep, Templates::kMaxPartialDepth);
  plan::Diagnostics too_deep_diagnostics;
  EXPECT_FALSE(Templates::load(too_deep.folder().string(), too_deep_diagnostics).has_value());
  EXPECT_THAT(messages_of(too_deep_diagnostics), HasSubstr("partials nested deeper than"));
}

// Tests that a very long tag (50,000 characters) or tag line is checked without exhausting
// the stack, and an unclosed one is located.
TEST(TemplatesLoadTest, ChecksVeryLongTags) {
  const std::string name(50'000, 'x');
  TemplateCopy copy;
  copy.write("partials/reply.html.mustache",
             "<p>{{" + name + "}}</p>\n{{#" + name + "}}\n{{/" + name + "}}\n");
  plan::Diagnostics diagnostics;
  const std::optional<Templates> templates = Templates::load(copy.folder().string(), diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  EXPECT_THAT(templates->render(notice(EmailKind::reminder, {scoping_milestone()})).html,
              HasSubstr("<p></p>"));

  copy.write("partials/reply.html.mustache", "<p>\n  {{{" + name + "}}</p>\n");
  plan::Diagnostics unclosed;
  EXPECT_FALSE(Templates::load(copy.folder().string(), unclosed).has_value());
  ASSERT_EQ(unclosed.size(), 1U) << messages_of(unclosed).substr(0, 400);
  EXPECT_EQ(unclosed.items()[0].line, 2);
  EXPECT_EQ(unclosed.items()[0].column, 3);
  EXPECT_LT(unclosed.items()[0].message.size(), 300U);
}

// Tests that what a comment holds is not checked and never shows: a comment may hold whole
// tags, such as an unescaped value commented out of an HTML part.
TEST(TemplatesLoadTest, CommentsAreNotChecked) {
  TemplateCopy copy;
  copy.write("partials/reply.html.mustache",
             "<p>Replies go to {{! {{{coordinator_name}}} }}{{coordinator_name}}</p>\n"
             "{{! several lines,\n    {{& coordinator_address}} and {{#x}} }}\n");
  plan::Diagnostics diagnostics;
  const std::optional<Templates> templates = Templates::load(copy.folder().string(), diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  const RenderedEmail email = templates->render(notice(EmailKind::reminder, {scoping_milestone()}));
  EXPECT_THAT(email.html, HasSubstr("<p>Replies go to DHR coordinator</p>\n"));
  EXPECT_THAT(email.html, Not(HasSubstr("}")));
  EXPECT_THAT(email.html, Not(HasSubstr("several lines")));
}

// Tests that a copy of the templates made before the test message existed still loads after an
// upgrade (the installed test templates stand in), while a test template the copy does have is
// checked like every other.
TEST(TemplatesLoadTest, TestMessageTemplatesComeFromTheInstalledOnesUntilCopied) {
  TemplateCopy copy;
  for (const char* part : {"subject", "text", "html"}) {
    fs::remove(copy.folder() / (std::string("test.") + part + ".mustache"));
  }
  plan::Diagnostics diagnostics;
  EXPECT_TRUE(Templates::load(copy.folder().string(), diagnostics).has_value())
      << messages_of(diagnostics);

  copy.write("test.text.mustache", "{{> reply.txt}}\n");
  plan::Diagnostics broken;
  EXPECT_FALSE(Templates::load(copy.folder().string(), broken).has_value());
  EXPECT_THAT(messages_of(broken), HasSubstr((copy.folder() / "test.text.mustache").string() +
                                             ":1:1: partial \"reply.txt\" not found"));
}

// Tests that a folder that does not exist is one problem, not one per file.
TEST(TemplatesLoadTest, MissingFolderIsOneProblem) {
  plan::Diagnostics diagnostics;
  EXPECT_FALSE(Templates::load("/nonexistent/plan-reminder/templates", diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_EQ(diagnostics.items()[0].file, "/nonexistent/plan-reminder/templates");
  EXPECT_EQ(diagnostics.items()[0].kind, plan::FileKind::templates);
}

// Tests that extra files in the folder are ignored.
TEST(TemplatesLoadTest, IgnoresUnknownFiles) {
  TemplateCopy copy;
  copy.write("README.txt", "{{#not a template");
  copy.write("partials/unused.mustache", "Not used by any template.\n");
  plan::Diagnostics diagnostics;
  EXPECT_TRUE(Templates::load(copy.folder().string(), diagnostics).has_value())
      << messages_of(diagnostics);
}

// Tests that a configured folder is what renders: a changed subject shows in the email.
TEST(TemplatesLoadTest, ConfiguredFolderOverridesShippedTemplates) {
  TemplateCopy copy;
  copy.write("reminder.subject.mustache", "Action plan reminder for {{recipient_name}}\n");
  plan::Diagnostics diagnostics;
  const std::optional<Templates> templates = Templates::load(copy.folder().string(), diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  const RenderedEmail email = templates->render(notice(EmailKind::reminder, {scoping_milestone()}));
  EXPECT_EQ(email.subject, "Action plan reminder for Wearside Women in Need");
}

// A folder of one template, "page.text", and the partials given, loaded as a set.
class OneTemplate {
 public:
  OneTemplate(const std::string& text, const std::map<std::string, std::string>& partials) {
    fs::create_directories(dir_.path() / "partials");
    std::ofstream(dir_.path() / "page.text.mustache", std::ios::binary) << text;
    for (const auto& [name, partial] : partials) {
      std::ofstream(dir_.path() / "partials" / (name + ".mustache"), std::ios::binary) << partial;
    }
    plan::Diagnostics diagnostics;
    set_ = load_template_set(dir_.path(), {{"page.text", dir_.path() / "page.text.mustache", ""}},
                             diagnostics);
    EXPECT_TRUE(set_.has_value()) << messages_of(diagnostics);
  }

  const TemplateSet& set() const { return *set_; }
  std::string render(mustache::data data) const {
    return render_template(*set_, "page.text", data, /*html=*/false);
  }

 private:
  test_support::TempDir dir_{"pr-one-template"};
  std::optional<TemplateSet> set_;
};

mustache::data two_items() {
  mustache::data items = mustache::data::type::list;
  for (const auto& [name, rag] : {std::pair{"a", "Red"}, std::pair{"b", "Green"}}) {
    mustache::data item;
    item.set("name", name);
    item.set("rag", rag);
    items.push_back(item);
  }
  mustache::data data;
  data.set("items", items);
  data.set("count", "2");
  return data;
}

// Tests that partials, nested and inside a list, render as they did when each was parsed where
// it is used: the same text as the template rendered with its partial tags kept, including a
// partial ending in a carriage return before a line end (kept as a tag: written in, the two
// would be read as one line end).
TEST(TemplatesLoadTest, PartialsWrittenInRenderAsTheirTags) {
  const std::string text = "Items:{{#items}} {{> row}};{{/items}} total {{count}}{{> cr}}\n";
  const std::map<std::string, std::string> partials = {
      {"row", "{{name}}{{> badge}}"}, {"badge", " [{{rag}}]"}, {"cr", "!\r"}};
  const OneTemplate loaded(text, partials);
  EXPECT_EQ(loaded.render(two_items()), "Items: a [Red]; b [Green]; total 2!\r\n");

  const TemplateSet as_tags{{{"page.text", text}}, partials};
  mustache::data data = two_items();
  EXPECT_EQ(render_template(as_tags, "page.text", data, false), loaded.render(two_items()));
  // Written in where it could be, so that this test covers that way of rendering.
  EXPECT_THAT(loaded.set().sources.at("page.text"), Not(HasSubstr("{{> row}}")));
  EXPECT_THAT(loaded.set().sources.at("page.text"), HasSubstr("{{> cr}}"));
}

// Tests that an empty partial between a carriage return and a line feed renders as its tag
// does: written in, the two would join into one line end, and the section's line would go.
TEST(TemplatesLoadTest, AnEmptyPartialBetweenLineEndsRendersAsItsTag) {
  const std::string text = "{{#shown}}\r{{> empty}}\n{{/shown}}end\n";
  const std::map<std::string, std::string> partials = {{"empty", ""}};
  const OneTemplate loaded(text, partials);
  mustache::data data;
  data.set("shown", true);
  const TemplateSet as_tags{{{"page.text", text}}, partials};
  mustache::data same = data;
  EXPECT_EQ(loaded.render(data), render_template(as_tags, "page.text", same, false));
  EXPECT_EQ(loaded.render(data), "\nend\n");
}

// Tests that a partial whose text ends in a brace renders it, in a list and before a tag: the
// brace once joined the tag that ends each partial into an unclosed `{{{`, and every pass failed.
TEST(TemplatesLoadTest, APartialEndingInABraceRendersIt) {
  const std::string text = "{{#items}}{{> open}}{{name}}}{{/items}}\n";
  const OneTemplate loaded(text, {{"open", "{{rag}} {"}});
  EXPECT_EQ(loaded.render(two_items()), "Red {a}Green {b}\n");
  // Kept as a tag (written in, its brace would join the `{{name}}` after it), which is the way
  // of rendering that failed.
  EXPECT_THAT(loaded.set().sources.at("page.text"), HasSubstr("{{> open}}"));
}

// Tests that partials each using the next twice, fourteen deep (64 MiB if all written in), load
// with a template of at most 16 MiB (the rest kept as tags), and render.
TEST(TemplatesLoadTest, PartialsThatDoubleAtEachLevelStayBounded) {
  std::map<std::string, std::string> partials;
  for (int level = 0; level < 14; ++level) {
    const std::string tag = "{{> d" + std::to_string(level + 1) + "}}";
    partials["d" + std::to_string(level)] = tag + tag;
  }
  partials["d14"] = std::string(4096, 'x');
  const OneTemplate loaded("{{#shown}}{{> d0}}{{/shown}}ok\n", partials);
  EXPECT_LE(loaded.set().sources.at("page.text").size(), std::size_t{17} << 20U);
  mustache::data data;
  data.set("shown", false);
  EXPECT_EQ(loaded.render(data), "ok\n");
}

}  // namespace
}  // namespace plan_reminder::mail
