// Tests of the views as Mustache data (mail/template_data.cpp), through the shipped templates:
// RAG words beside their colours, and long lists cut at 200 with the rest counted.
#include "mail/template_data.h"
#include "mail/template_fixtures.h"
#include "mail/templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iterator>
#include <regex>
#include <string>
#include <vector>

namespace plan_reminder::mail {
namespace {

using namespace test_fixtures;
using ::testing::HasSubstr;
using ::testing::Not;

// Tests that a list built by moving its items in (list_of, set_moved) renders each item, in
// order, with the lists nested inside it.
TEST(MustacheDataTest, AListMovedInRendersEveryItemInOrder) {
  std::vector<mustache::data> rows(3);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].set("n", std::to_string(i + 1));
    std::vector<mustache::data> lines(2);
    lines[0].set("line", "a");
    lines[1].set("line", "b");
    set_moved(rows[i], "lines", list_of(std::move(lines)));
  }
  mustache::data data;
  set_moved(data, "rows", list_of(std::move(rows)));
  set_moved(data, "empty", list_of({}));
  mustache::mustache tmpl{
      "{{#rows}}{{n}}:{{#lines}}{{line}}{{/lines}} {{/rows}}"
      "{{^empty}}none{{/empty}}"};
  EXPECT_EQ(tmpl.render(data), "1:ab 2:ab 3:ab none");
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
  // The rows past those listed, as a pass makes them (counted only, without their texts),
  // render the same email.
  NoticeEmailView counted =
      notice(EmailKind::escalation, numbered_milestones(251, "escalation", -20));
  for (std::size_t i = kMaxListed; i < counted.items.size(); ++i) {
    MilestoneView& row = counted.items[i];
    MilestoneView kept;
    kept.review_id = row.review_id;
    kept.review_type = row.review_type;
    kept.action_id = row.action_id;
    kept.milestone_id = row.milestone_id;
    kept.due_day = row.due_day;
    kept.days = row.days;
    kept.rag = row.rag;
    kept.stage = row.stage;
    kept.escalated = row.escalated;
    row = kept;
  }
  const RenderedEmail from_counted = templates.render(counted);
  EXPECT_EQ(from_counted.subject, email.subject);
  EXPECT_EQ(from_counted.text, email.text);
  EXPECT_EQ(from_counted.html, email.html);

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

  // The same digest as a pass plans it: only the rows shown, with the count of all.
  DigestView planned = digest;
  planned.overdue.resize(kMaxListed);
  planned.counts.overdue = 230;
  const RenderedEmail same = templates.render(planned);
  EXPECT_EQ(same.text, board.text);
  EXPECT_EQ(same.html, board.html);
}

}  // namespace
}  // namespace plan_reminder::mail
