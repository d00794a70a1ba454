// Tests of rendering the email templates end to end: each kind renders what its readers need
// (milestone details, escaping, "None." for empty digest sections, tidy text, HTML that reads
// on a phone). Loading and checks are in template_loading_test.cpp, the views' data in
// template_data_test.cpp.
#include "mail/templates.h"
#include "mail/template_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

namespace plan_reminder::mail {
namespace {

using namespace test_fixtures;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

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

// Tests that a milestone whose plan gives no target says so where its target would be ("No
// target date given" in the digest) and never shows "Target:" followed by nothing, in the text
// and HTML of the digest and of every notice.
TEST(TemplatesRenderTest, MilestoneWithNoTargetSaysSo) {
  const Templates templates = load_shipped();
  const std::regex empty_target(R"(Target:?\s*(\.|,|<|\(|$))");
  DigestView digest = full_digest();
  digest.undated[0].target = "";
  const RenderedEmail board = templates.render(digest);
  EXPECT_THAT(board.text, HasSubstr("\n  No target date given. [Amber]\n"));
  EXPECT_THAT(board.html, HasSubstr(">No target date given</span>"));
  for (const std::string& part : {board.text, board.html}) {
    EXPECT_FALSE(std::regex_search(part, empty_target)) << part;
  }

  MilestoneView untargeted = scoping_milestone();
  untargeted.target = "";
  for (EmailKind kind :
       {EmailKind::reminder, EmailKind::due, EmailKind::overdue, EmailKind::escalation}) {
    SCOPED_TRACE(to_string(kind));
    const RenderedEmail email = templates.render(notice(kind, {untargeted}));
    for (const std::string& part : {email.text, email.html}) {
      EXPECT_FALSE(std::regex_search(part, empty_target)) << part;
    }
  }
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
