// Tests of the web pages' templates: the shipped set loads, a broken page is refused with its
// file and line as a broken email is, and the not-found and error pages show no data.
#include "pages/web_templates.h"

#include "mail/templates.h"
#include "page_fixtures.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace plan_reminder::pages {
namespace {

namespace fs = std::filesystem;
using test::kShippedTemplates;
using test::messages_of;
using ::testing::HasSubstr;
using ::testing::Not;

// A copy of the shipped templates (emails and pages) in a fresh temporary folder.
class TemplateCopy {
 public:
  TemplateCopy() {
    fs::copy(kShippedTemplates, dir_.path(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  std::string folder() const { return dir_.path().string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.path() / name, std::ios::binary | std::ios::trunc) << text;
  }
  void remove(const std::string& name) const { fs::remove_all(dir_.path() / name); }

 private:
  test_support::TempDir dir_{"pr-web-templates"};
};

// Tests that the shipped web pages and stylesheet load with no diagnostics.
TEST(WebTemplates, ShippedSetLoads) {
  plan::Diagnostics diagnostics;
  const std::optional<WebTemplates> templates = load_web_templates(kShippedTemplates, diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  EXPECT_THAT(templates->stylesheet(), HasSubstr(".tag--red"));
}

// Tests that a page leaving a value unescaped is refused, with its file and line, as an email's
// HTML part is: plan text must never become markup.
TEST(WebTemplates, RefusesAnUnescapedValue) {
  TemplateCopy copy;
  copy.write("web/board.html.mustache", "{{> layout_head}}\n<h1>{{{title}}}</h1>\n");
  plan::Diagnostics diagnostics;
  EXPECT_FALSE(load_web_templates(copy.folder(), diagnostics).has_value());
  EXPECT_THAT(messages_of(diagnostics), HasSubstr("web/board.html.mustache:2:5: HTML parts must "
                                                  "escape every value"));
}

// Tests that an unescaped value in a partial of the pages is refused too.
TEST(WebTemplates, RefusesAnUnescapedValueInAPartial) {
  TemplateCopy copy;
  copy.write("web/partials/rag_tag.mustache", "{{&rag_word}}\n");
  plan::Diagnostics diagnostics;
  EXPECT_FALSE(load_web_templates(copy.folder(), diagnostics).has_value());
  EXPECT_THAT(messages_of(diagnostics), HasSubstr("web/partials/rag_tag.mustache:1:1:"));
}

// Tests that a missing page, a section never closed and a missing stylesheet are each reported.
TEST(WebTemplates, ReportsEachBrokenFile) {
  TemplateCopy copy;
  copy.remove("web/agency.html.mustache");
  copy.write("web/error.html.mustache", "{{> layout_head}}\n{{#title}}\n{{> layout_foot}}\n");
  copy.remove("web/style.css");
  plan::Diagnostics diagnostics;
  EXPECT_FALSE(load_web_templates(copy.folder(), diagnostics).has_value());
  const std::string messages = messages_of(diagnostics);
  EXPECT_THAT(messages, HasSubstr("web/agency.html.mustache: missing template: the agency page"));
  EXPECT_THAT(messages, HasSubstr("web/error.html.mustache:2:1: template does not parse: section "
                                  "{{#title}} is never closed"));
  EXPECT_THAT(messages, HasSubstr("web/style.css: missing stylesheet"));
}

// Tests that a copy of the email templates made before there were web pages still loads: its
// pages come from the installed templates.
TEST(WebTemplates, CopyWithoutPagesTakesTheInstalledOnes) {
  TemplateCopy copy;
  copy.remove("web");
  plan::Diagnostics diagnostics;
  EXPECT_TRUE(load_web_templates(copy.folder(), diagnostics).has_value())
      << messages_of(diagnostics);
}

// Tests that a copy of web/ made before the update page existed still loads after an upgrade,
// taking that page from the installed templates, while its own pages stay its own.
TEST(WebTemplates, CopyWithoutTheUpdatePageTakesTheInstalledOne) {
  TemplateCopy copy;
  copy.remove("web/update.html.mustache");
  copy.write("web/not_found.html.mustache", "{{> layout_head}}\nOur own 404\n{{> layout_foot}}\n");
  plan::Diagnostics diagnostics;
  auto templates = load_web_templates(copy.folder(), diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  EXPECT_THAT(templates->not_found_page(), HasSubstr("Our own 404"));
  EXPECT_THAT(templates->render("update", mail::mustache::data()),
              HasSubstr("Update your actions"));
}

// Tests that a templates folder that does not exist is reported, not replaced by another.
TEST(WebTemplates, MissingFolderIsReported) {
  plan::Diagnostics diagnostics;
  EXPECT_FALSE(load_web_templates("/nonexistent/templates", diagnostics).has_value());
  EXPECT_THAT(messages_of(diagnostics), HasSubstr("template folder not found"));
}

// Tests that the not-found page says so plainly, in British English, and shows no data: not
// even the partnership's name, so that a wrong link reveals nothing.
TEST(WebTemplates, NotFoundPageShowsNoData) {
  const WebTemplates& templates = test::shipped_templates();
  const std::string& page = templates.not_found_page();
  test::keep_for_viewing("not_found", page);
  EXPECT_THAT(page, HasSubstr("<html lang=\"en-GB\">"));
  EXPECT_THAT(page, HasSubstr("<title>Page not found – DHR action plans</title>"));
  EXPECT_THAT(page, HasSubstr("<h1 class=\"heading-l\">Page not found</h1>"));
  EXPECT_THAT(page, Not(HasSubstr("header__partnership")));
  EXPECT_THAT(templates.error_page(), HasSubstr("Sorry, there is a problem"));
  EXPECT_THAT(templates.error_page(), Not(HasSubstr("header__partnership")));
}

}  // namespace
}  // namespace plan_reminder::pages
