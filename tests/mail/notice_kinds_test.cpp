// Tests of the table of the kinds of email (mail/notice_kinds.h) and their stored names
// (store/email_kind.h): every kind has its templates, the ranking orders urgency as SPEC §4
// does, and each kind of notice copies whom the SPEC says.
#include "mail/notice_kinds.h"
#include "mail/views.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>

namespace plan_reminder::mail {
namespace {

constexpr std::array kAllKinds = {EmailKind::reminder,   EmailKind::due,    EmailKind::overdue,
                                  EmailKind::escalation, EmailKind::digest, EmailKind::failure,
                                  EmailKind::problem,    EmailKind::test};

// Tests that the table has one row per kind, in the enum's order, so that facts(kind) is the
// kind's own row.
TEST(NoticeKindsTest, OneRowPerKindInOrder) {
  ASSERT_EQ(kKindTable.size(), kAllKinds.size());
  for (EmailKind kind : kAllKinds) {
    EXPECT_EQ(facts(kind).kind, kind) << to_string(kind);
  }
}

// Tests that each kind's stored name reads back as the kind, and that no two kinds (nor two
// states) share a name: a log written by one version is read alike by the next.
TEST(NoticeKindsTest, StoredNamesReadBack) {
  std::set<std::string_view> tokens;
  for (EmailKind kind : kAllKinds) {
    EXPECT_EQ(store::email_kind_from_token(store::token(kind)), kind);
    EXPECT_TRUE(tokens.insert(store::token(kind)).second) << store::token(kind);
  }
  for (DeliveryState state : {DeliveryState::queued, DeliveryState::sent, DeliveryState::failed,
                              DeliveryState::dropped}) {
    EXPECT_EQ(store::delivery_state_from_token(store::token(state)), state);
  }
  EXPECT_EQ(store::token(EmailKind::overdue), "overdue");
  EXPECT_EQ(store::token(DeliveryState::dropped), "dropped");
  EXPECT_FALSE(store::email_kind_from_token("overdue-repeat").has_value());
}

// Tests that every kind has its subject, text and HTML templates among the shipped ones, named
// by the kind's stored name.
TEST(NoticeKindsTest, EveryKindHasItsTemplates) {
  const std::filesystem::path folder = std::filesystem::path(PR_SOURCE_DIR) / "templates";
  for (EmailKind kind : kAllKinds) {
    for (const char* part : {"subject", "text", "html"}) {
      const std::string file = std::string(to_string(kind)) + "." + part + ".mustache";
      EXPECT_TRUE(std::filesystem::is_regular_file(folder / file)) << file;
    }
  }
}

// Tests that the ranking orders urgency as the schedule runs (SPEC §4): reminder, due date,
// overdue, escalation; and that digests and notices to the coordinator have no rank, so that
// they never replace a milestone notice nor go stale.
TEST(NoticeKindsTest, RankingOrdersUrgency) {
  EXPECT_TRUE(more_urgent(EmailKind::due, EmailKind::reminder));
  EXPECT_TRUE(more_urgent(EmailKind::overdue, EmailKind::due));
  EXPECT_TRUE(more_urgent(EmailKind::escalation, EmailKind::overdue));
  EXPECT_FALSE(more_urgent(EmailKind::reminder, EmailKind::due));
  EXPECT_FALSE(more_urgent(EmailKind::overdue, EmailKind::overdue));
  for (EmailKind kind :
       {EmailKind::reminder, EmailKind::due, EmailKind::overdue, EmailKind::escalation}) {
    EXPECT_TRUE(is_milestone_notice(kind)) << to_string(kind);
  }
  for (EmailKind kind :
       {EmailKind::digest, EmailKind::failure, EmailKind::problem, EmailKind::test}) {
    EXPECT_FALSE(is_milestone_notice(kind)) << to_string(kind);
  }
}

// Tests who is copied (SPEC §4): reminders copy the supporting agencies; overdue notices the
// coordinator; escalations (to the chair) the coordinator and the lead agencies; due-day
// notices no one.
TEST(NoticeKindsTest, CopiesFollowTheSpec) {
  const auto copies = [](EmailKind kind) {
    const Copies& c = facts(kind).copies;
    return std::tuple{c.support, c.coordinator, c.leads};
  };
  EXPECT_EQ(copies(EmailKind::reminder), std::tuple(true, false, false));
  EXPECT_EQ(copies(EmailKind::due), std::tuple(false, false, false));
  EXPECT_EQ(copies(EmailKind::overdue), std::tuple(false, true, false));
  EXPECT_EQ(copies(EmailKind::escalation), std::tuple(false, true, true));
}

// Tests that only reminders and due-day notices stop mattering once the due date has passed,
// and that each kind of milestone notice has its own label in emails.
TEST(NoticeKindsTest, StandingAndLabels) {
  EXPECT_TRUE(facts(EmailKind::reminder).only_before_due);
  EXPECT_TRUE(facts(EmailKind::due).only_before_due);
  EXPECT_FALSE(facts(EmailKind::overdue).only_before_due);
  EXPECT_FALSE(facts(EmailKind::escalation).only_before_due);
  EXPECT_EQ(facts(EmailKind::reminder).label, "Reminder");
  EXPECT_EQ(facts(EmailKind::due).label, "Due date");
  EXPECT_EQ(facts(EmailKind::overdue).label, "Overdue");
  EXPECT_EQ(facts(EmailKind::escalation).label, "Escalated");
}

// Tests that only the test message falls back to the installed templates when a copy lacks it.
TEST(NoticeKindsTest, OnlyTheTestMessageFallsBack) {
  for (EmailKind kind : kAllKinds) {
    EXPECT_EQ(facts(kind).installed_fallback, kind == EmailKind::test) << to_string(kind);
  }
}

}  // namespace
}  // namespace plan_reminder::mail
