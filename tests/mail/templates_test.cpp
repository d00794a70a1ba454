// Tests of the email templates: the shipped set loads, each kind renders what its readers need
// (subjects, milestone details, escaping, RAG words, "None." for empty digest sections), and
// a folder with missing or broken templates is reported file by file.
#include "mail/templates.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace plan_reminder::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace date::literals;

// 09:00 on 3 February 2020, local time: when the audit rows below were recorded.
const date::local_seconds kMonday9am = date::local_days{2020_y / 2 / 3} + std::chrono::hours(9);

const std::string kShipped = std::string(PR_SOURCE_DIR) + "/templates";

// A copy of the shipped templates in a fresh temporary folder, removed afterwards.
class TemplateCopy {
 public:
  TemplateCopy() {
    fs::copy(kShipped, dir_.path(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }

  const fs::path& folder() const { return dir_.path(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.path() / name, std::ios::binary | std::ios::trunc) << text;
  }

 private:
  test_support::TempDir dir_{"pr-templates"};
};

Templates load_shipped() {
  plan::Diagnostics diagnostics;
  std::optional<Templates> templates = Templates::load(kShipped, diagnostics);
  if (!templates) {
    std::string all;
    for (const plan::Diagnostic& d : diagnostics.items()) {
      all += d.to_string() + "\n";
    }
    throw std::runtime_error("shipped templates do not load:\n" + all);
  }
  return *templates;
}

MilestoneView scoping_milestone() {
  MilestoneView m;
  m.stage = EmailKind::reminder;
  m.when = "due in 14 days";
  m.review_id = "dhr-david";
  m.review_title = "Domestic Homicide Review: 'David'";
  m.recommendation_id = "1";
  m.action_id = "1.1";
  m.action_text = "Conduct research to identify the cohort of repeat MARAC cases";
  m.milestone_id = "scoping";
  m.milestone_text = "Research scoping document produced";
  m.lead = "Wearside Women in Need";
  m.target = "March 2020";
  m.due_day = 2020_y / 3 / 31;
  m.days = 14;
  m.progress = "Research proposal was produced.";
  m.rag = Rag::amber;
  return m;
}

MilestoneView training_milestone() {
  MilestoneView m = scoping_milestone();
  m.action_id = "2.3";
  m.milestone_id = "1";
  m.action_text = "Deliver training on trauma-informed practice";
  m.milestone_text = "Training delivered to early help staff";
  m.lead = "Together for Children, Women's Aid";
  m.target = "By Sept 2019";
  m.due_day = 2019_y / 9 / 30;
  m.progress = "";
  return m;
}

// `stage` as the kind's token ("overdue"); "" for a digest's item.
MilestoneView with_stage(MilestoneView m, const std::string& stage, int days) {
  m.stage = store::email_kind_from_token(stage);
  m.days = days;
  m.when = days > 0    ? "due in " + std::to_string(days) + " days"
           : days == 0 ? "due today"
                       : std::to_string(-days) + " days overdue";
  m.rag = days > 14 ? Rag::green : days >= 0 ? Rag::amber : Rag::red;
  return m;
}

NoticeEmailView notice(EmailKind kind, std::vector<MilestoneView> items) {
  NoticeEmailView view;
  view.kind = kind;
  view.partnership = "Safer Sunderland Partnership";
  view.recipient_name = "Wearside Women in Need";
  view.coordinator_name = "DHR coordinator";
  view.coordinator_address = "dhr-coordinator@council.example.org";
  view.today = 2020_y / 3 / 17;
  view.items = std::move(items);
  return view;
}

DigestView empty_digest() {
  DigestView view;
  view.partnership = "Safer Sunderland Partnership";
  view.today = 2020_y / 2 / 5;
  view.horizon_days = 28;
  return view;
}

DigestView full_digest() {
  DigestView view = empty_digest();
  MilestoneView overdue = with_stage(scoping_milestone(), "", -9);
  overdue.escalated = false;
  MilestoneView escalated = with_stage(training_milestone(), "", -128);
  escalated.escalated = true;
  view.overdue = {escalated, overdue};
  view.due_soon = {with_stage(scoping_milestone(), "", 20)};
  MilestoneView undated = training_milestone();
  undated.action_id = "6.1";
  undated.milestone_text = "Learning shared with the partnership";
  undated.target = "Within one month of the review being published";
  undated.due_day = std::nullopt;
  undated.when = "";
  undated.rag = Rag::amber;
  view.undated = {undated};
  view.recommendations = {{"dhr-david recommendation 1", Rag::red, 1, 0, 0, 2, 3},
                          {"dhr-david recommendation 6", Rag::green, 0, 0, 0, 4, 4}};
  view.agencies = {{"Wearside Women in Need", Rag::amber, 0, 1, 0, 1, 2}};
  view.audit = {{kMonday9am, EmailKind::overdue, "Wearside Women in Need", "dhr-david 1.1 scoping",
                 DeliveryState::sent, ""},
                {kMonday9am, EmailKind::escalation, "Chair of the Safer Sunderland Partnership",
                 "dhr-david 2.3 1", DeliveryState::failed, "550 mailbox unavailable"}};
  view.failures = {view.audit[1]};
  view.total = 26;
  return view;
}

FailedMessageView failed_message() {
  FailedMessageView view;
  view.subject = "[Safer Sunderland Partnership] Overdue: 1.1 Research scoping document produced";
  view.recipients = "dhr-lead@wwin.example.org";
  view.error = "550 5.1.1 mailbox unavailable";
  view.attempts = 1;
  view.first_attempt =
      date::local_days{date::year{2020} / date::February / 3} + std::chrono::hours(9);
  view.permanent = true;
  return view;
}

TestView test_message() {
  TestView view;
  view.partnership = "Safer Sunderland Partnership";
  view.coordinator_name = "DHR coordinator";
  view.coordinator_address = "dhr-coordinator@council.example.org";
  view.transport = "smtp://127.0.0.1:2525 (STARTTLS) as dhr-bot";
  view.recipient = "it-support@council.example.org";
  return view;
}

FailureView failure() {
  FailureView view;
  view.partnership = "Safer Sunderland Partnership";
  view.messages = {failed_message()};
  view.advice = {"Check that the addresses in the agency directory are right."};
  return view;
}

int occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

std::string messages_of(const plan::Diagnostics& diagnostics) {
  std::string all;
  for (const plan::Diagnostic& d : diagnostics.items()) {
    all += d.to_string() + "\n";
  }
  return all;
}

// Every email the tests render, for the checks that apply to all of them.
std::vector<RenderedEmail> every_kind_of_email(const Templates& templates) {
  std::vector<RenderedEmail> emails;
  const MilestoneView a = scoping_milestone();
  const MilestoneView b = training_milestone();
  for (EmailKind kind :
       {EmailKind::reminder, EmailKind::due, EmailKind::overdue, EmailKind::escalation}) {
    emails.push_back(templates.render(notice(kind, {a})));
    emails.push_back(templates.render(notice(kind, {a, b})));
  }
  emails.push_back(templates.render(
      notice(EmailKind::overdue, {with_stage(a, "overdue", -3), with_stage(b, "reminder", 7)})));
  emails.push_back(templates.render(empty_digest()));
  emails.push_back(templates.render(full_digest()));
  emails.push_back(templates.render(failure()));
  FailureView transient = failure();
  transient.messages[0].permanent = false;
  transient.messages[0].attempts = 12;
  emails.push_back(templates.render(transient));
  emails.push_back(templates.render(test_message()));
  FailureView settings;
  settings.settings_problem = "535 5.7.8 authentication failed";
  settings.waiting = 9;
  emails.push_back(templates.render(settings));
  return emails;
}

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

// Tests the subjects of each kind for one milestone and for several.
TEST(TemplatesRenderTest, SubjectsForOneAndSeveralMilestones) {
  const Templates templates = load_shipped();
  const MilestoneView a = scoping_milestone();
  const MilestoneView b = training_milestone();
  const std::string tag = "[Safer Sunderland Partnership] ";

  EXPECT_EQ(templates.render(notice(EmailKind::reminder, {a})).subject,
            tag + "Due in 14 days: 1.1 Research scoping document produced");
  EXPECT_EQ(templates.render(notice(EmailKind::reminder, {a, b, a})).subject,
            tag + "3 milestones due soon");

  const MilestoneView due_a = with_stage(a, "due", 0);
  const MilestoneView due_b = with_stage(b, "due", 0);
  EXPECT_EQ(templates.render(notice(EmailKind::due, {due_a})).subject,
            tag + "Due today: 1.1 Research scoping document produced");
  EXPECT_EQ(templates.render(notice(EmailKind::due, {due_a, due_b})).subject,
            tag + "2 milestones due today");

  const MilestoneView late_a = with_stage(a, "overdue", -7);
  const MilestoneView late_b = with_stage(b, "overdue", -1);
  EXPECT_EQ(templates.render(notice(EmailKind::overdue, {late_a})).subject,
            tag + "Overdue: 1.1 Research scoping document produced");
  EXPECT_EQ(templates.render(notice(EmailKind::overdue, {late_a, late_b, late_b})).subject,
            tag + "3 milestones overdue");
  EXPECT_EQ(templates.render(notice(EmailKind::overdue, {late_a, due_b, a})).subject,
            tag + "3 milestones need attention");

  const MilestoneView esc_a = with_stage(a, "escalation", -14);
  const MilestoneView esc_b = with_stage(b, "escalation", -42);
  EXPECT_EQ(templates.render(notice(EmailKind::escalation, {esc_a})).subject,
            tag + "Escalation: 1.1 Research scoping document produced (14 days overdue)");
  EXPECT_EQ(templates.render(notice(EmailKind::escalation, {esc_a, esc_b})).subject,
            tag + "Escalation: 2 actions overdue for 14 days or more");

  EXPECT_EQ(templates.render(empty_digest()).subject,
            tag + "Weekly DHR action plan digest, w/c 3 February 2020");
  EXPECT_EQ(templates.render(failure()).subject,
            "[plan-reminder] Delivery failed: [Safer Sunderland Partnership] Overdue: 1.1 "
            "Research scoping document produced");
}

// Tests that a subject is one line however the plan's text is laid out, and that a very long
// one is cut at a word.
TEST(TemplatesRenderTest, SubjectIsOneLineAndBounded) {
  const Templates templates = load_shipped();
  MilestoneView m = scoping_milestone();
  m.milestone_text = "Research\r\n  scoping\tdocument\n\nproduced";
  EXPECT_EQ(
      templates.render(notice(EmailKind::reminder, {m})).subject,
      "[Safer Sunderland Partnership] Due in 14 days: 1.1 Research scoping document produced");

  std::string long_text;
  for (int i = 0; i < 60; ++i) {
    long_text += "milestone ";
  }
  m.milestone_text = long_text;
  const std::string subject = templates.render(notice(EmailKind::reminder, {m})).subject;
  EXPECT_THAT(subject, testing::EndsWith("milestone\u2026"));
  EXPECT_LE(subject.size(), 200U + 3U);
  EXPECT_EQ(subject.find('\n'), std::string::npos);
}

// Tests that the text part of each notice kind carries what the plan says about each
// milestone, what is asked, and whom to reply to.
TEST(TemplatesRenderTest, TextCarriesMilestoneDetails) {
  const Templates templates = load_shipped();
  const std::vector<std::tuple<EmailKind, std::string, int>> stages = {
      {EmailKind::reminder, "reminder", 14},
      {EmailKind::due, "due", 0},
      {EmailKind::overdue, "overdue", -7},
      {EmailKind::escalation, "escalation", -14}};
  for (const auto& [kind, stage, days] : stages) {
    SCOPED_TRACE(to_string(kind));
    const MilestoneView a = with_stage(scoping_milestone(), stage, days);
    const MilestoneView b = with_stage(training_milestone(), stage, days);
    const RenderedEmail email = templates.render(notice(kind, {a, b}));
    std::string when = a.when;
    when[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(when[0])));
    for (const std::string& expected :
         {a.review_title, a.action_text, a.milestone_text, a.lead, a.target, plain_day(*a.due_day),
          when, a.progress, b.milestone_text, b.lead, b.target, plain_day(*b.due_day),
          std::string("revised target date"), std::string("DHR coordinator"),
          std::string("dhr-coordinator@council.example.org"),
          std::string("automatic message from plan-reminder")}) {
      EXPECT_THAT(email.text, HasSubstr(expected));
      EXPECT_THAT(email.html, HasSubstr(expected.find('\'') == std::string::npos ? expected : ""));
    }
    EXPECT_THAT(email.text, HasSubstr("Dear Wearside Women in Need,"));
  }
}

// Tests that a line holding only section tags leaves no line behind, whether or not the
// section renders, while a deliberate empty line after a section stays.
TEST(TemplatesRenderTest, TagOnlyLinesLeaveNoEmptyLines) {
  TemplateCopy copy;
  copy.write(
      "reminder.text.mustache",
      "A\n{{#several}}\nB\n{{/several}}\n{{^several}}\n  {{! one }}\nb\n{{/several}}\n\nC\n");
  plan::Diagnostics diagnostics;
  const std::optional<Templates> templates = Templates::load(copy.folder().string(), diagnostics);
  ASSERT_TRUE(templates.has_value()) << messages_of(diagnostics);
  const MilestoneView m = scoping_milestone();
  EXPECT_EQ(templates->render(notice(EmailKind::reminder, {m})).text, "A\nb\n\nC\n");
  EXPECT_EQ(templates->render(notice(EmailKind::reminder, {m, m})).text, "A\nB\n\nC\n");
}

// Tests that the HTML part escapes markup from the plan while the text part keeps it as
// written.
TEST(TemplatesRenderTest, HtmlEscapesAndTextKeepsPlanText) {
  const Templates templates = load_shipped();
  MilestoneView m = scoping_milestone();
  m.milestone_text = "Publish <script>alert(1)</script> & \"review\"";
  m.lead = "Women's Aid";
  for (EmailKind kind :
       {EmailKind::reminder, EmailKind::due, EmailKind::overdue, EmailKind::escalation}) {
    SCOPED_TRACE(to_string(kind));
    const RenderedEmail email = templates.render(notice(kind, {m}));
    EXPECT_THAT(
        email.html,
        HasSubstr("Publish &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;review&quot;"));
    EXPECT_THAT(email.html, Not(HasSubstr("<script>")));
    EXPECT_THAT(email.html, HasSubstr("Women&#39;s Aid"));
    EXPECT_THAT(email.text, HasSubstr("Publish <script>alert(1)</script> & \"review\""));
    EXPECT_THAT(email.text, HasSubstr("Women's Aid"));
    EXPECT_THAT(email.text, Not(HasSubstr("&amp;")));
    EXPECT_THAT(email.subject, HasSubstr("<script>alert(1)</script> &"));
  }

  DigestView digest = full_digest();
  digest.overdue[0].milestone_text = "<b>bold</b> & co";
  digest.audit[0].detail = "<550>";
  const RenderedEmail email = templates.render(digest);
  EXPECT_THAT(email.html, HasSubstr("&lt;b&gt;bold&lt;/b&gt; &amp; co"));
  EXPECT_THAT(email.html, HasSubstr("&lt;550&gt;"));
  EXPECT_THAT(email.text, HasSubstr("<b>bold</b> & co"));
}

// Tests that plan text is never read as a template: braces in a milestone show as written.
TEST(TemplatesRenderTest, PlanTextIsNotATemplate) {
  const Templates templates = load_shipped();
  MilestoneView m = scoping_milestone();
  m.milestone_text = "Report {{lead}} to the board";
  const RenderedEmail email = templates.render(notice(EmailKind::reminder, {m}));
  EXPECT_THAT(email.text, HasSubstr("Report {{lead}} to the board"));
  EXPECT_THAT(email.html, HasSubstr("Report {{lead}} to the board"));
}

// Tests that a RAG status is shown as a coloured badge with its word, never colour alone, in
// notices and in the digest.
TEST(TemplatesRenderTest, RagBadgesCarryTheirWord) {
  const Templates templates = load_shipped();
  const std::regex badge(
      R"(background-color:#[0-9a-f]{6};color:#[0-9a-f]{6};[^>]*>(Red|Amber|Green)</span>)");

  const RenderedEmail reminder =
      templates.render(notice(EmailKind::reminder, {scoping_milestone()}));
  std::smatch match;
  ASSERT_TRUE(std::regex_search(reminder.html, match, badge));
  EXPECT_EQ(match[1], "Amber");
  EXPECT_THAT(reminder.text, HasSubstr("[Amber]"));

  const RenderedEmail digest = templates.render(full_digest());
  int red = 0;
  int amber = 0;
  int green = 0;
  for (auto it = std::sregex_iterator(digest.html.begin(), digest.html.end(), badge);
       it != std::sregex_iterator(); ++it) {
    const std::string word = (*it)[1];
    red += word == "Red";
    amber += word == "Amber";
    green += word == "Green";
  }
  EXPECT_GE(red, 3);  // two overdue rows and recommendation 1
  EXPECT_GE(amber, 2);
  EXPECT_GE(green, 2);
  EXPECT_THAT(digest.text, HasSubstr("[Red] dhr-david recommendation 1"));
  EXPECT_THAT(digest.text, HasSubstr("[Green] dhr-david recommendation 6"));
  EXPECT_THAT(digest.text, HasSubstr("[Amber] Wearside Women in Need"));
}

// Tests that every section of an empty digest says "None." instead of showing an empty table.
TEST(TemplatesRenderTest, EmptyDigestSectionsSayNone) {
  const Templates templates = load_shipped();
  const RenderedEmail email = templates.render(empty_digest());
  // Overdue, due soon, completed, undated, two RAG tables, audit trail, failures.
  EXPECT_EQ(occurrences(email.text, "\nNone.\n"), 8) << email.text;
  EXPECT_EQ(occurrences(email.html, ">None.</p>"), 8);
  EXPECT_EQ(occurrences(email.html, "<th "), 0);
}

// Tests that a full digest lists each section's items: days overdue, lead and escalation for
// overdue items, the target wording for undated ones, the audit trail with delivery state,
// and the failures; and that empty sections still say "None.".
TEST(TemplatesRenderTest, DigestListsEverySection) {
  const Templates templates = load_shipped();
  const RenderedEmail email = templates.render(full_digest());
  for (const std::string& part : {email.text, email.html}) {
    EXPECT_THAT(part, HasSubstr("128 days overdue"));
    EXPECT_THAT(part, HasSubstr("9 days overdue"));
    EXPECT_THAT(part, HasSubstr("Escalated to the chair"));
    EXPECT_THAT(part, HasSubstr("Not escalated"));
    EXPECT_THAT(part, HasSubstr("due in 20 days"));
    EXPECT_THAT(part, HasSubstr("Within one month of the review being published"));
    EXPECT_THAT(part, HasSubstr("dhr-david 1.1 scoping"));
    EXPECT_THAT(part, HasSubstr("Sent"));
    EXPECT_THAT(part, HasSubstr("Failed"));
    EXPECT_THAT(part, HasSubstr("550 mailbox unavailable"));
    EXPECT_THAT(part, HasSubstr("26"));
  }
  EXPECT_THAT(email.text, HasSubstr("Lead: Wearside Women in Need."));
  // Only the completed section is empty.
  EXPECT_EQ(occurrences(email.text, "\nNone.\n"), 1);
  EXPECT_EQ(occurrences(email.html, ">None.</p>"), 1);
}

// Tests that the failure notice says what failed, why, and whether it will be retried.
TEST(TemplatesRenderTest, FailureNoticeExplainsTheFailure) {
  const Templates templates = load_shipped();
  const RenderedEmail permanent = templates.render(failure());
  EXPECT_THAT(permanent.text, HasSubstr("550 5.1.1 mailbox unavailable"));
  EXPECT_THAT(permanent.text, HasSubstr("dhr-lead@wwin.example.org"));
  EXPECT_THAT(permanent.text, HasSubstr("refused it permanently"));
  EXPECT_THAT(permanent.html, HasSubstr("550 5.1.1 mailbox unavailable"));

  FailureView view = failure();
  view.messages[0].permanent = false;
  view.messages[0].attempts = 12;
  const RenderedEmail transient = templates.render(view);
  EXPECT_THAT(transient.text, HasSubstr("after 12 attempts"));
  EXPECT_THAT(transient.text, Not(HasSubstr("permanently")));
}

// Tests that one failure notice lists every message that failed in a pass, with the advice
// given for their causes, and names how many in its subject.
TEST(TemplatesRenderTest, FailureNoticeListsEveryFailedMessage) {
  const Templates templates = load_shipped();
  FailureView view = failure();
  FailedMessageView second = failed_message();
  second.subject = "[Safer Sunderland Partnership] Due today: 1.2 Pathway in place";
  second.recipients = "dhr-lead@police.example.org";
  second.error = "gave up after 3 days: could not connect to the mail server";
  second.permanent = false;
  second.attempts = 40;
  view.messages.push_back(second);
  view.advice = {"Check that the mail server is up and reachable."};
  const RenderedEmail email = templates.render(view);
  EXPECT_EQ(email.subject, "[plan-reminder] Delivery failed: 2 messages");
  EXPECT_THAT(email.text, HasSubstr("could not deliver 2 messages"));
  EXPECT_THAT(email.text, HasSubstr("Overdue: 1.1 Research scoping document produced"));
  EXPECT_THAT(email.text, HasSubstr("Due today: 1.2 Pathway in place"));
  EXPECT_THAT(email.text, HasSubstr("dhr-lead@police.example.org"));
  EXPECT_THAT(email.text, HasSubstr("after 40 attempts"));
  EXPECT_THAT(email.text, HasSubstr("Check that the mail server is up and reachable."));
  EXPECT_THAT(email.text, Not(HasSubstr("agency directory")));
  EXPECT_THAT(email.html, HasSubstr("Due today: 1.2 Pathway in place"));
}

// Tests that a settings problem is reported as one, saying that nothing is lost.
TEST(TemplatesRenderTest, FailureNoticeReportsASettingsProblem) {
  const Templates templates = load_shipped();
  FailureView view;
  view.settings_problem = "535 5.7.8 authentication failed";
  view.waiting = 9;
  view.advice = {"Check the SMTP username and password file."};
  const RenderedEmail email = templates.render(view);
  EXPECT_THAT(email.subject, HasSubstr("until the settings are fixed"));
  EXPECT_THAT(email.text, HasSubstr("535 5.7.8 authentication failed"));
  EXPECT_THAT(email.text, HasSubstr("9 messages wait"));
  EXPECT_THAT(email.text, HasSubstr("Check the SMTP username and password file."));
}

// Tests that the HTML part is a complete small document that mail clients render alike:
// inline styles only, a bounded width and system fonts.
TEST(TemplatesRenderTest, HtmlIsACompleteInlineStyledDocument) {
  const Templates templates = load_shipped();
  for (const RenderedEmail& email : every_kind_of_email(templates)) {
    EXPECT_THAT(email.html, StartsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
    EXPECT_THAT(email.html, HasSubstr("<meta charset=\"utf-8\">"));
    EXPECT_THAT(email.html, HasSubstr("<title>" + email.subject + "</title>"));
    EXPECT_THAT(email.html, HasSubstr("max-width:640px"));
    EXPECT_THAT(email.html, HasSubstr("-apple-system"));
    EXPECT_THAT(email.html, Not(HasSubstr("<style")));
    EXPECT_THAT(email.html, testing::EndsWith("</html>\n"));
    EXPECT_EQ(occurrences(email.html, "<table"), occurrences(email.html, "</table>"));
    EXPECT_EQ(occurrences(email.html, "<tr"), occurrences(email.html, "</tr>"));
  }
}

// The widths an HTML part fixes in pixels (`width:700px`, `min-width:...`, `width="700"`),
// leaving out `max-width`, which only bounds.
std::vector<int> fixed_widths(const std::string& html) {
  static const std::regex width(R"((^|[^-a-z])(min-)?width\s*(:\s*|=\s*"?)([0-9]+)(px)?)");
  std::vector<int> widths;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), width);
       it != std::sregex_iterator(); ++it) {
    widths.push_back(std::stoi((*it)[4].str()));
  }
  return widths;
}

// The most cells any row of the HTML part has.
std::size_t widest_row(const std::string& html) {
  std::size_t widest = 0;
  for (std::size_t row = html.find("<tr"); row != std::string::npos;
       row = html.find("<tr", row + 3)) {
    const std::size_t end = html.find("</tr>", row);
    const std::string cells = html.substr(row, end - row);
    // Nested tables (a milestone's details) count on their own.
    const std::string own = cells.substr(0, cells.find("<table"));
    widest = std::max<std::size_t>(widest, occurrences(own, "<td") + occurrences(own, "<th"));
  }
  return widest;
}

// Tests that every HTML part reads on a 320-pixel phone screen and in Outlook, which ignores
// media queries: nothing is fixed wider than 320 pixels, no row has more than two cells (the
// secondary facts go on lines of their own inside the cell), long words wrap, and the digest
// still shows each milestone's due date, lead and status.
TEST(TemplatesRenderTest, HtmlFitsANarrowScreenWithoutMediaQueries) {
  const Templates templates = load_shipped();
  for (const RenderedEmail& email : every_kind_of_email(templates)) {
    for (int width : fixed_widths(email.html)) {
      EXPECT_LE(width, 160) << email.subject;
    }
    EXPECT_LE(widest_row(email.html), 2U) << email.subject;
  }
  const RenderedEmail digest = templates.render(full_digest());
  EXPECT_THAT(digest.html, HasSubstr("overflow-wrap:anywhere"));
  EXPECT_THAT(digest.html, HasSubstr("word-break:break-word"));
  EXPECT_THAT(digest.html, Not(HasSubstr("white-space:nowrap;\">Mon 3 Feb")));
  for (const char* fact :
       {"Due 31 March 2020", "Lead: Wearside Women in Need", "9 days overdue",
        "Escalated to the chair", "Target: March 2020", "Overdue: 1", "Failed"}) {
    EXPECT_THAT(digest.html, HasSubstr(fact));
  }
}

// Tests that text parts use '\n' line ends, never show more than one blank line in a row,
// keep the signature separator, and end with one line end.
TEST(TemplatesRenderTest, TextIsTidy) {
  const Templates templates = load_shipped();
  for (const RenderedEmail& email : every_kind_of_email(templates)) {
    EXPECT_EQ(email.text.find('\r'), std::string::npos);
    EXPECT_EQ(email.text.find("\n\n\n"), std::string::npos) << email.text;
    EXPECT_NE(email.text.front(), '\n');
    EXPECT_THAT(email.text, testing::EndsWith(".\n"));
    EXPECT_THAT(email.text, HasSubstr("\n-- \n"));
    EXPECT_EQ(email.html.find('\r'), std::string::npos);
  }
}

// `count` milestones of actions 1.1, 1.2, ... numbered m1, m2, ... (distinct texts, so that
// each one listed can be found).
std::vector<MilestoneView> numbered_milestones(int count, const std::string& stage, int days) {
  std::vector<MilestoneView> items;
  for (int i = 1; i <= count; ++i) {
    MilestoneView m = with_stage(scoping_milestone(), stage, days);
    m.action_id = "1." + std::to_string(i);
    m.milestone_id = "m" + std::to_string(i);
    m.milestone_text = "Numbered milestone " + std::to_string(i) + ".";
    items.push_back(m);
  }
  return items;
}

// Tests that an email lists at most 200 milestones (about 4 KB each) and counts the rest, so
// that a chair with thousands overdue gets an email a person can read and a server accepts;
// its subject and counts still cover every milestone.
TEST(TemplatesRenderTest, LongListsStopAtTwoHundredAndCountTheRest) {
  const Templates templates = load_shipped();
  const RenderedEmail email =
      templates.render(notice(EmailKind::escalation, numbered_milestones(251, "escalation", -20)));
  for (const std::string& part : {email.text, email.html}) {
    EXPECT_THAT(part, HasSubstr("Numbered milestone 200."));
    EXPECT_THAT(part, Not(HasSubstr("Numbered milestone 201.")));
    EXPECT_THAT(part, HasSubstr("and 51 more milestones, not listed here"));
  }
  EXPECT_THAT(email.subject, HasSubstr("251 actions"));
  EXPECT_LT(email.text.size() + email.html.size(), 2'000'000U);
  EXPECT_EQ(email.text.find("\n\n\n"), std::string::npos);

  const RenderedEmail exactly =
      templates.render(notice(EmailKind::overdue, numbered_milestones(200, "overdue", -3)));
  for (const std::string& part : {exactly.text, exactly.html}) {
    EXPECT_THAT(part, HasSubstr("Numbered milestone 200."));
    EXPECT_THAT(part, Not(HasSubstr("more milestone")));
  }
  const RenderedEmail one_more =
      templates.render(notice(EmailKind::reminder, numbered_milestones(201, "reminder", 7)));
  EXPECT_THAT(one_more.text, HasSubstr("and 1 more milestone, not listed here"));

  DigestView digest = empty_digest();
  digest.overdue = numbered_milestones(230, "", -30);
  digest.undated = numbered_milestones(3, "", 0);
  for (int i = 0; i < 205; ++i) {
    digest.audit.push_back({kMonday9am, EmailKind::reminder, "a@example.org",
                            "dhr-david 1.1 m" + std::to_string(i), DeliveryState::sent, ""});
  }
  for (int i = 0; i < 240; ++i) {
    digest.recommendations.push_back(
        {"dhr-" + std::to_string(i) + " recommendation 1", Rag::red, 1, 0, 0, 0, 1});
  }
  digest.total = 233;
  const RenderedEmail board = templates.render(digest);
  for (const std::string& part : {board.text, board.html}) {
    EXPECT_THAT(part, HasSubstr("and 30 more milestones, not listed here"));
    EXPECT_THAT(part, HasSubstr("and 5 more entries, not listed here"));
    EXPECT_THAT(part, HasSubstr("and 40 more recommendations, not listed here"));
    EXPECT_THAT(part, HasSubstr("dhr-199 recommendation 1"));
    EXPECT_THAT(part, Not(HasSubstr("dhr-200 recommendation 1")));
    EXPECT_EQ(occurrences(part, "more milestones"), 1) << "only the overdue list is cut";
    EXPECT_THAT(part, HasSubstr("(230)")) << "the heading counts every overdue milestone";
  }
  EXPECT_EQ(board.text.find("\n\n\n"), std::string::npos);
}

// Tests that no rendered email shows an unrendered template tag.
TEST(TemplatesRenderTest, NoUnrenderedTags) {
  const Templates templates = load_shipped();
  for (const RenderedEmail& email : every_kind_of_email(templates)) {
    for (const std::string& part : {email.subject, email.text, email.html}) {
      EXPECT_EQ(part.find("{{"), std::string::npos) << part;
      EXPECT_EQ(part.find("}}"), std::string::npos) << part;
    }
    EXPECT_FALSE(email.subject.empty());
  }
}

}  // namespace
}  // namespace plan_reminder::mail

namespace plan_reminder::mail {
namespace {

// Tests that the test message `send-test` sends is a real email: it says it is a test, how
// it was sent and to whom, and where replies go, in the same frame as every notice.
TEST(TemplatesRenderTest, TestMessageSaysHowItWasSent) {
  const Templates templates = load_shipped();
  const RenderedEmail email = templates.render(test_message());
  EXPECT_EQ(email.subject, "[Safer Sunderland Partnership] Test message from plan-reminder");
  for (const std::string& part : {email.text, email.html}) {
    EXPECT_THAT(part, HasSubstr("test message"));
    EXPECT_THAT(part, HasSubstr("smtp://127.0.0.1:2525 (STARTTLS) as dhr-bot"));
    EXPECT_THAT(part, HasSubstr("it-support@council.example.org"));
    EXPECT_THAT(part, HasSubstr("dhr-coordinator@council.example.org"));
    EXPECT_THAT(part, HasSubstr("sent on behalf of Safer Sunderland Partnership"));
  }
  EXPECT_THAT(email.html, HasSubstr("<strong>Test message.</strong>"));
}

// Tests that the coordinator's notice of refused files lists every problem, says the service
// goes on with the last good version, and escapes HTML.
TEST(TemplatesRenderTest, ProblemNoticeListsEveryProblem) {
  Templates templates = load_shipped();
  ProblemView view;
  view.partnership = "Safer Sunderland Partnership";
  view.problems = {
      "plans/david.yaml:57:21: recommendations[0].actions[1].milestones[0].target: "
      "unrecognised target date \"Spring 2020\"",
      "agencies.yaml:3:5: agencies.wwin.to: has no address <none>"};
  view.since = date::local_days{date::year{2020} / date::February / 3} + std::chrono::hours(10) +
               std::chrono::minutes(15);
  RenderedEmail email = templates.render(view);
  EXPECT_EQ(email.subject, "[plan-reminder] Plan files not loaded: 2 problems to fix");
  EXPECT_NE(email.text.find("plans/david.yaml:57:21:"), std::string::npos);
  EXPECT_NE(email.text.find("last version that was valid"), std::string::npos);
  EXPECT_NE(email.html.find("has no address &lt;none&gt;"), std::string::npos);
  EXPECT_EQ(email.text.find("{{"), std::string::npos);
}

}  // namespace
}  // namespace plan_reminder::mail
