// Tests of composing a pass: the planned emails as messages with their headers and the notices
// each carries, and the notices a catch-up dropped.
#include "service/compose.h"

#include "service/delivery_fixture.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace plan_reminder::service {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::kNow;
using testing::plan_due_today;
using ::testing::SizeIs;
using testing::twenty_agencies;

const mail::Templates& shipped() {
  static const mail::Templates templates = testing::shipped_templates();
  return templates;
}

struct Composed {
  std::vector<ComposedEmail> emails;
  ComposedPass pass;
};

// The inputs of a pass over `snapshot` with nothing handled yet.
struct FreshInputs {
  explicit FreshInputs(const plan::Snapshot& snapshot) : clock(policy::clock_for(snapshot.config)) {
    inputs.snapshot = &snapshot;
    inputs.clock = &clock;
    inputs.handled = &handled;
  }
  FreshInputs(const FreshInputs&) = delete;
  FreshInputs& operator=(const FreshInputs&) = delete;

  const policy::Clock clock;
  const base::KeySet handled;
  policy::PassInputs inputs;
};

Composed compose_at(const plan::Snapshot& snapshot, date::sys_seconds now,
                    const UpdateLinkMaker& links = {}, const DigestAdditions& digest = {},
                    const DecisionsToTell& decisions = {},
                    const mail::Templates& templates = shipped()) {
  const FreshInputs fresh(snapshot);
  const policy::PassInputs& inputs = fresh.inputs;
  Composed out;
  PassAdditions additions;
  additions.update_links = links;
  additions.digest = digest;
  additions.decisions = decisions;
  out.pass = compose_pass(
      inputs, templates, now, [&](ComposedEmail email) { out.emails.push_back(std::move(email)); },
      additions);
  return out;
}

// Tests that the due-day email comes from the partnership, answers to the coordinator, is
// dated in local time, and carries its notice queued under its own Message-ID with the due
// date.
TEST(ComposeTest, AnEmailCarriesItsNoticesUnderItsMessageId) {
  plan::Snapshot snapshot = testing::make_snapshot();
  snapshot.plans.push_back(plan_due_today(1));
  Composed composed = compose_at(snapshot, kNow);
  ASSERT_THAT(composed.emails, SizeIs(1));
  const ComposedEmail& email = composed.emails[0];
  EXPECT_EQ(email.message.from.address, "dhr@partnership.example.org");
  ASSERT_TRUE(email.message.reply_to.has_value());
  EXPECT_EQ(email.message.reply_to->address, "coordinator@council.example.org");
  EXPECT_THAT(email.raw, HasSubstr("Date: Wed, 01 Apr 2020 09:00:00 +0100"));
  ASSERT_THAT(email.notices, SizeIs(1));
  EXPECT_EQ(email.notices[0].message_id, email.message.message_id);
  EXPECT_EQ(email.notices[0].recipient, "wwin");
  EXPECT_EQ(email.notices[0].milestone, "m1");
  EXPECT_EQ(email.notices[0].state, store::DeliveryState::queued);
}

// Tests that the emails, rendered several at a time, are handed over one by one in the order the
// pass planned them, each with its own notices.
TEST(ComposeTest, EmailsAreHandedOverInTheOrderPlanned) {
  // Emails of very different sizes.
  const plan::Snapshot snapshot =
      twenty_agencies([](int i) { return i % 3 == 0 ? 150 : 1 + i % 4; });
  for (const date::sys_seconds now : {kNow, kNow + date::days(28)}) {
    const policy::PassPlan planned = policy::plan_pass(FreshInputs(snapshot).inputs, now);
    Composed composed = compose_at(snapshot, now);
    ASSERT_GE(planned.emails.size(), 20u);
    ASSERT_EQ(composed.emails.size(), planned.emails.size());
    for (std::size_t i = 0; i < planned.emails.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(composed.emails[i].planned.kind, planned.emails[i].kind);
      EXPECT_EQ(composed.emails[i].planned.recipient, planned.emails[i].recipient);
      EXPECT_EQ(composed.emails[i].notices.size(),
                planned.emails[i].notices.size() + (planned.emails[i].digest_key.empty() ? 0 : 1));
      for (const auto& notice : composed.emails[i].notices) {
        EXPECT_EQ(notice.message_id, composed.emails[i].message.message_id);
      }
    }
  }
}

// Tests that when an email cannot be stored, the pass stops there with that error: no later
// email is handed over, whatever was being rendered meanwhile.
TEST(ComposeTest, AnEmailThatCannotBeStoredStopsThePass) {
  const plan::Snapshot snapshot = twenty_agencies([](int) { return 50; });
  const FreshInputs fresh(snapshot);
  int handed = 0;
  try {
    compose_pass(fresh.inputs, shipped(), kNow, [&](const ComposedEmail&) {
      ++handed;
      throw std::runtime_error("the disk is full");
    });
    ADD_FAILURE() << "the pass went on";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the disk is full");
  }
  EXPECT_EQ(handed, 1);
}

// Tests that an email about many actions carries every notice but threads on at most 20 of
// them, so that its References header stays short.
TEST(ComposeTest, ReferencesAreCappedAtTwenty) {
  plan::Snapshot snapshot = testing::make_snapshot();
  snapshot.plans.push_back(plan_due_today(25));
  Composed composed = compose_at(snapshot, kNow);
  ASSERT_THAT(composed.emails, SizeIs(1));
  EXPECT_THAT(composed.emails[0].notices, SizeIs(25));
  EXPECT_THAT(composed.emails[0].message.references, SizeIs(20));
}

// Tests SPEC §9: with update links, the agency's email carries one "Update these actions" link
// in its text and HTML parts, made for that agency and that email's own Message-ID; without
// them (no `web:`), the email says nothing of it.
TEST(ComposeTest, AgencyEmailCarriesItsUpdateLink) {
  plan::Snapshot snapshot = testing::make_snapshot();
  snapshot.plans.push_back(plan_due_today(2));
  std::vector<std::pair<std::string, std::string>> asked;
  Composed composed =
      compose_at(snapshot, kNow, [&](const std::string& agency, const std::string& message_id) {
        asked.emplace_back(agency, message_id);
        return "https://dhr.example.org/update/" + agency + "?m=M&t=T";
      });
  ASSERT_THAT(composed.emails, SizeIs(1));
  const mail::Message& message = composed.emails[0].message;
  EXPECT_THAT(asked, ::testing::ElementsAre(std::pair{std::string("wwin"), message.message_id}));
  EXPECT_THAT(message.text, HasSubstr("Update these actions"));
  EXPECT_THAT(message.text, HasSubstr("https://dhr.example.org/update/wwin?m=M&t=T"));
  EXPECT_THAT(message.html, HasSubstr("href=\"https://dhr.example.org/update/wwin?m=M&amp;t=T\""));

  Composed without = compose_at(snapshot, kNow);
  EXPECT_THAT(without.emails[0].message.text, ::testing::Not(HasSubstr("Update these actions")));
  EXPECT_EQ(without.emails[0].message.message_id, message.message_id);
}

// Tests SPEC §9: the weekly digest lists the agencies' updates waiting for the coordinator with
// the link to decide them, in both parts, escaped in HTML; without any waiting, it has no such
// section.
TEST(ComposeTest, DigestListsUpdatesWaitingWithTheCoordinatorsLink) {
  plan::Snapshot snapshot = testing::make_snapshot();
  snapshot.directory.digest = testing::box("Board", "board@partnership.example.org");
  snapshot.directory.digest_is_list = true;
  snapshot.plans.push_back(plan_due_today(1));
  // Monday 30 March 2020, 08:30 in London (BST): the digest's time.
  const date::sys_seconds monday = date::sys_days{date::year{2020} / date::March / 30} +
                                   std::chrono::hours(7) + std::chrono::minutes(30);
  int asked = 0;
  const DigestAdditions additions = [&](mail::DigestView& digest) {
    ++asked;
    digest.updates_waiting.push_back(
        mail::WaitingUpdateRow{"Women & Children First", "1.1 Milestone m1",
                               "Completed on 27 March 2020", "Fri 27 Mar 2020 10:42"});
    digest.updates_link = "https://dhr.example.org/updates?t=T&x=1";
  };
  Composed composed = compose_at(snapshot, monday, {}, additions);
  const auto digest =
      std::find_if(composed.emails.begin(), composed.emails.end(),
                   [](const auto& e) { return e.planned.kind == mail::EmailKind::digest; });
  ASSERT_NE(digest, composed.emails.end());
  EXPECT_EQ(asked, 1);
  const mail::Message& message = digest->message;
  EXPECT_THAT(message.text, HasSubstr("UPDATES FROM AGENCIES WAITING FOR A DECISION (1)\n- Women & "
                                      "Children First, Fri 27 Mar 2020 10:42: 1.1 Milestone m1: "
                                      "Completed on 27 March 2020\n"));
  EXPECT_THAT(message.text, HasSubstr("https://dhr.example.org/updates?t=T&x=1"));
  EXPECT_THAT(message.html, HasSubstr("Women &amp; Children First"));
  EXPECT_THAT(message.html, HasSubstr("href=\"https://dhr.example.org/updates?t=T&amp;x=1\""));

  Composed without = compose_at(snapshot, monday);
  const auto plain = std::find_if(without.emails.begin(), without.emails.end(), [](const auto& e) {
    return e.planned.kind == mail::EmailKind::digest;
  });
  ASSERT_NE(plain, without.emails.end());
  EXPECT_THAT(plain->message.text, ::testing::Not(HasSubstr("WAITING FOR A DECISION")));
  EXPECT_THAT(plain->message.html, ::testing::Not(HasSubstr("waiting for a decision")));
}

// Tests SPEC §9: the agency's next email tells it the coordinator's decisions on its updates,
// accepted and not, with the coordinator's note, in both parts, and names the updates it tells
// (so that the state marks them told with it); an agency is asked for its decisions once.
TEST(ComposeTest, AgencyEmailTellsTheDecisionsOnItsUpdates) {
  plan::Snapshot snapshot = testing::make_snapshot();
  snapshot.plans.push_back(plan_due_today(1));
  std::vector<std::string> asked;
  const DecisionsToTell decisions = [&](const std::string& agency) {
    asked.push_back(agency);
    AgencyDecisions out;
    out.views.push_back(mail::DecisionView{"1.1 Milestone m1", "New target date: June 2020", false,
                                           "Keep <March>"});
    out.views.push_back(
        mail::DecisionView{"1.2 Milestone m2", "Completed on 30 March 2020", true, ""});
    out.ids = {7, 9};
    return out;
  };
  Composed composed = compose_at(snapshot, kNow, {}, {}, decisions);
  ASSERT_THAT(composed.emails, SizeIs(1));
  EXPECT_THAT(asked, ::testing::ElementsAre("wwin"));
  const ComposedEmail& email = composed.emails[0];
  EXPECT_THAT(email.tells, ::testing::ElementsAre(7, 9));
  EXPECT_THAT(email.message.text,
              HasSubstr("- 1.1 Milestone m1: New target date: June 2020: not accepted. \"Keep "
                        "<March>\"\n- 1.2 Milestone m2: Completed on 30 March 2020: accepted.\n"));
  EXPECT_THAT(email.message.html, HasSubstr("&ldquo;Keep &lt;March&gt;&rdquo;"));

  Composed without = compose_at(snapshot, kNow);
  EXPECT_THAT(without.emails[0].tells, ::testing::IsEmpty());
  EXPECT_THAT(without.emails[0].message.text, ::testing::Not(HasSubstr("Your updates")));

  // A copy of the templates made before there were decisions shows none: they wait, untold.
  test_support::TempDir copy{"plan-reminder-compose"};
  std::filesystem::copy(std::string(PR_SOURCE_DIR) + "/templates", copy.path(),
                        std::filesystem::copy_options::recursive);
  for (const char* kind : {"reminder", "due", "overdue"}) {
    const auto file = copy.path() / (std::string(kind) + ".text.mustache");
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string tag = "{{> decisions.text}}\n";
    ASSERT_NE(text.find(tag), std::string::npos) << file;
    text.erase(text.find(tag), tag.size());
    std::ofstream(file, std::ios::trunc) << text;
  }
  plan::Diagnostics diagnostics;
  auto old = mail::Templates::load(copy.path().string(), diagnostics);
  ASSERT_TRUE(old) << diagnostics.size();
  EXPECT_FALSE(old->tells_decisions(mail::EmailKind::reminder));
  // What `check` notes about such a copy: no decisions, the update links still there.
  EXPECT_FALSE(old->shows(mail::EmailKind::due, "decisions"));
  EXPECT_TRUE(old->shows(mail::EmailKind::due, "update_links"));
  EXPECT_TRUE(shipped().shows(mail::EmailKind::escalation, "update_links"));
  EXPECT_FALSE(shipped().shows(mail::EmailKind::escalation, "decisions"));
  EXPECT_TRUE(shipped().tells_decisions(mail::EmailKind::overdue));
  asked.clear();
  Composed untold = compose_at(snapshot, kNow, {}, {}, decisions, *old);
  EXPECT_THAT(untold.emails[0].tells, ::testing::IsEmpty());
  EXPECT_THAT(asked, ::testing::IsEmpty());
}

}  // namespace
}  // namespace plan_reminder::service
