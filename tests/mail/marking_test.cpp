// Tests for the protective marking on emails (mail/marking.h, SPEC §11): every kind of email
// the service sends, rendered from the shipped templates and composed, carries the subject
// prefix once, the header mail systems filter on, and the marking first in both bodies; and
// the review type's full name where the emails name the kind of review.
#include "mail/marking.h"
#include "mail/message.h"
#include "mail/notice_kinds.h"
#include "template_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace plan_reminder::mail {
namespace {

using namespace test_fixtures;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kMarking = "OFFICIAL-SENSITIVE";

// The email of `kind` as the shipped templates render it, from the fixtures' views.
RenderedEmail render_kind(const Templates& templates, EmailKind kind) {
  switch (kind) {
    case EmailKind::digest:
      return templates.render(full_digest());
    case EmailKind::failure: {
      FailureView view;
      view.partnership = "Safer Sunderland Partnership";
      view.messages.push_back(FailedMessageView{"[OFFICIAL-SENSITIVE] Reminder: 1.1 Scoping",
                                                "dhr-lead@wwin.example.org", "550 no such user", 1,
                                                std::nullopt, true});
      return templates.render(view);
    }
    case EmailKind::problem: {
      ProblemView view;
      view.partnership = "Safer Sunderland Partnership";
      view.problems = {"david.yaml:5:9: review.type: expected ..."};
      return templates.render(view);
    }
    case EmailKind::test: {
      TestView view;
      view.partnership = "Safer Sunderland Partnership";
      view.recipient = "dhr-coordinator@council.example.org";
      view.transport = "the Maildir /var/Maildir";
      return templates.render(view);
    }
    default:
      return templates.render(notice(kind, {with_stage(scoping_milestone(), to_string(kind),
                                                       kind == EmailKind::due ? 0 : -20)}));
  }
}

Message message_of(const RenderedEmail& rendered) {
  Message message;
  message.from = Address{"Safer Sunderland Partnership", "dhr-actions@partnership.example.org"};
  message.to = {Address{"", "dhr-lead@wwin.example.org"}};
  message.subject = rendered.subject;
  message.text = rendered.text;
  message.html = rendered.html;
  message.message_id = "<marking-test@partnership.example.org>";
  return message;
}

int count_of(const std::string& text, const std::string& what) {
  int count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

// Tests that every kind of email in the kinds table, once marked and composed, has the subject
// prefix exactly once at its start, the X-Protective-Marking header, and the marking as the
// first line of its text part and the first thing in its HTML body.
TEST(EmailMarking, EveryKindIsMarkedInSubjectHeaderAndBothBodies) {
  const Templates templates = load_shipped();
  for (const KindFacts& row : kKindTable) {
    SCOPED_TRACE(to_string(row.kind));
    Message message = message_of(render_kind(templates, row.kind));
    apply_marking(message, kMarking);
    EXPECT_THAT(message.subject, StartsWith("[OFFICIAL-SENSITIVE] "));
    EXPECT_EQ(count_of(message.subject, "[OFFICIAL-SENSITIVE]"), 1);
    EXPECT_THAT(message.text, StartsWith("OFFICIAL-SENSITIVE\n\n"));
    // Between the <body> tag and the marking there is only the marking's own <p> tag.
    const auto body_end = message.html.find('>', message.html.find("<body"));
    const auto marking = message.html.find(">OFFICIAL-SENSITIVE</p>");
    ASSERT_NE(marking, std::string::npos);
    ASSERT_LT(body_end, marking);
    EXPECT_EQ(count_of(message.html.substr(body_end, marking - body_end), "<"), 1);
    const std::string raw = compose(message);
    EXPECT_THAT(raw, HasSubstr("\r\nX-Protective-Marking: OFFICIAL-SENSITIVE\r\n"));
    EXPECT_THAT(raw, HasSubstr("\r\nSubject: [OFFICIAL-SENSITIVE] "));
  }
}

// Tests that marking twice (a message composed again for a retry), or a subject quoting a
// marked one (a failure notice), still shows the prefix once, at the start.
TEST(EmailMarking, SubjectPrefixIsNeverDoubled) {
  EXPECT_EQ(marked_subject("Delivery failed: [OFFICIAL-SENSITIVE] Reminder", kMarking),
            "[OFFICIAL-SENSITIVE] Delivery failed: Reminder");
  EXPECT_EQ(marked_subject("[OFFICIAL-SENSITIVE] Reminder", kMarking),
            "[OFFICIAL-SENSITIVE] Reminder");
  EXPECT_EQ(marked_subject(marked_subject("Reminder", kMarking), kMarking),
            "[OFFICIAL-SENSITIVE] Reminder");
}

// Tests that without a classification nothing about an email changes: no prefix, no header, no
// extra line.
TEST(EmailMarking, NoClassificationChangesNothing) {
  const Templates templates = load_shipped();
  for (const KindFacts& row : kKindTable) {
    SCOPED_TRACE(to_string(row.kind));
    const RenderedEmail rendered = render_kind(templates, row.kind);
    Message message = message_of(rendered);
    apply_marking(message, "");
    EXPECT_EQ(message.subject, rendered.subject);
    EXPECT_EQ(message.text, rendered.text);
    EXPECT_EQ(message.html, rendered.html);
    EXPECT_THAT(compose(message), Not(HasSubstr("X-Protective-Marking")));
  }
}

// Tests that a marking that would end the header is refused when composing, even if it got past
// the config loader.
TEST(EmailMarking, HeaderInjectionIsRefusedWhenComposing) {
  Message message = message_of(RenderedEmail{"Reminder", "text", "<body>html</body>"});
  message.classification = "OFFICIAL\r\nBcc: everyone@example.org";
  EXPECT_THROW(compose(message), std::invalid_argument);
}

// Tests that an HTML body without a <body> tag gets the marking at its start, and the page
// helpers find tags whatever their case.
TEST(EmailMarking, BodyTagIsFoundInAnyCaseOrTheMarkingLeads) {
  EXPECT_EQ(insert_after_body_open("<p>x</p>", "M"), "M<p>x</p>");
  EXPECT_EQ(insert_after_body_open("<BODY class=\"a\">x</BODY>", "M"),
            "<BODY class=\"a\">\nMx</BODY>");
  EXPECT_EQ(insert_before_body_close("<body>x</BODY>", "M"), "<body>xM</BODY>");
  EXPECT_EQ(insert_after_body_open("<bodyguard>", "M"), "M<bodyguard>");
}

// Tests that a notice about a Safeguarding Adults Review names that kind of review, and one
// about two kinds names both, where the shipped templates used to say "Domestic Homicide Review".
TEST(ReviewTypeWording, NoticesNameTheKindsOfReviewOfTheirMilestones) {
  const Templates templates = load_shipped();
  MilestoneView sar = with_stage(scoping_milestone(), "overdue", -20);
  sar.review_type = plan::ReviewType::sar;
  RenderedEmail one = templates.render(notice(EmailKind::overdue, {sar}));
  EXPECT_THAT(one.text, HasSubstr("A milestone in a Safeguarding Adults Review action plan"));
  EXPECT_THAT(one.html, HasSubstr("A milestone in a Safeguarding Adults Review action plan"));
  EXPECT_THAT(one.text, Not(HasSubstr("Domestic Homicide Review action plan")));

  MilestoneView dhr = with_stage(training_milestone(), "overdue", -20);
  RenderedEmail both = templates.render(notice(EmailKind::overdue, {sar, dhr}));
  EXPECT_THAT(both.text,
              HasSubstr("in Safeguarding Adults Review and Domestic Homicide Review action plans"));
}

}  // namespace
}  // namespace plan_reminder::mail
