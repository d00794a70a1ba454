// Tests of the ICS feeds (SPEC §8): what a subscribed calendar reads back, parsed with libical
// itself. The example deployment's plan gives the milestones; days and time stamps are literal.
#include "pages/calendar_feed.h"

#include "plan/snapshot.h"
#include "store/state_store.h"
#include "support/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libical/ical.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace plan_reminder::pages {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kHost = "dhr-actions.partnership.example.org";
const date::sys_seconds kStamp = date::sys_days{2020_y / 3 / 2} + 9h + 30min;

struct ComponentFree {
  void operator()(icalcomponent* component) const { ::icalcomponent_free(component); }
};

struct ParsedEvent {
  std::string uid;
  int sequence = -1;
  icaltimetype start{};
  icaltimetype end{};
  std::string summary;
  std::string description;
};

// A feed as a calendar reads it: the calendar's own properties by name, and its events.
struct ParsedCalendar {
  std::map<std::string, std::string> properties;
  std::vector<ParsedEvent> events;
  std::vector<std::string> errors;  // what libical could not read
};

ParsedCalendar parse(const std::string& text) {
  const std::unique_ptr<icalcomponent, ComponentFree> calendar(
      ::icalparser_parse_string(text.c_str()));
  ParsedCalendar parsed;
  if (!calendar || ::icalcomponent_isa(calendar.get()) != ICAL_VCALENDAR_COMPONENT) {
    parsed.errors.emplace_back("not a VCALENDAR");
    return parsed;
  }
  icalcomponent* root = calendar.get();
  for (auto* p = ::icalcomponent_get_first_property(root, ICAL_ANY_PROPERTY); p != nullptr;
       p = ::icalcomponent_get_next_property(root, ICAL_ANY_PROPERTY)) {
    parsed.properties[::icalproperty_get_property_name(p)] = ::icalproperty_get_value_as_string(p);
  }
  for (auto* e = ::icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); e != nullptr;
       e = ::icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
    for (auto* p = ::icalcomponent_get_first_property(e, ICAL_XLICERROR_PROPERTY); p != nullptr;
         p = ::icalcomponent_get_next_property(e, ICAL_XLICERROR_PROPERTY)) {
      parsed.errors.emplace_back(::icalproperty_get_xlicerror(p));
    }
    ParsedEvent event;
    event.uid = ::icalcomponent_get_uid(e);
    event.sequence = ::icalcomponent_get_sequence(e);
    event.start = ::icalcomponent_get_dtstart(e);
    event.end = ::icalcomponent_get_dtend(e);
    event.summary = ::icalcomponent_get_summary(e);
    event.description = ::icalcomponent_get_description(e);
    parsed.events.push_back(event);
  }
  for (auto* p = ::icalcomponent_get_first_property(root, ICAL_XLICERROR_PROPERTY); p != nullptr;
       p = ::icalcomponent_get_next_property(root, ICAL_XLICERROR_PROPERTY)) {
    parsed.errors.emplace_back(::icalproperty_get_xlicerror(p));
  }
  return parsed;
}

std::string day_of(const icaltimetype& time) {
  return date::format("%F", date::year_month_day{date::year{time.year},
                                                 date::month{static_cast<unsigned>(time.month)},
                                                 date::day{static_cast<unsigned>(time.day)}});
}

class ExampleFeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plan::SnapshotLoader loader(1);
    auto loaded = loader.load(PR_SOURCE_DIR "/config/plan-reminder.yaml");
    ASSERT_TRUE(loaded.snapshot) << "the example deployment does not load";
    snapshot_ = loaded.snapshot;
  }
  static void TearDownTestSuite() { snapshot_.reset(); }

  static const plan::Snapshot& example() { return *snapshot_; }
  static const plan::Agency& agency(const std::string& id) { return *example().directory.find(id); }
  static std::string render(const CalendarFeed& feed) {
    return render_calendar(feed, example().directory, CalendarOptions{kHost, kStamp, ""});
  }

  static std::shared_ptr<const plan::Snapshot> snapshot_;
};

std::shared_ptr<const plan::Snapshot> ExampleFeedTest::snapshot_;

// Tests that an agency's feed holds exactly the dated milestones it leads or supports that are
// still open on the day (here: WWiN on 2 March 2020 in the 'David' plan), each as an
// all-day event on its due date, and nothing of another agency's.
TEST_F(ExampleFeedTest, AgencyFeedHasExactlyItsDatedOpenMilestones) {
  const auto feed = agency_feed(example().plans, agency("wwin"), 2020_y / 3 / 2);
  const ParsedCalendar calendar = parse(render(feed));
  ASSERT_THAT(calendar.errors, IsEmpty());

  std::map<std::string, std::string> due_by_uid;
  for (const auto& event : calendar.events) {
    EXPECT_EQ(event.start.is_date, 1) << event.uid;
    EXPECT_EQ(event.end.is_date, 1) << event.uid;
    const date::year_month_day start{date::year{event.start.year},
                                     date::month{static_cast<unsigned>(event.start.month)},
                                     date::day{static_cast<unsigned>(event.start.day)}};
    const date::year_month_day end{date::sys_days{start} + date::days{1}};
    EXPECT_EQ(day_of(event.end), date::format("%F", end)) << event.uid;
    due_by_uid[event.uid] = day_of(event.start);
  }
  EXPECT_EQ(due_by_uid, (std::map<std::string, std::string>{
                            {"dhr-david/1.1/scoping@" + kHost, "2020-03-31"},
                            {"dhr-david/1.2/pathway@" + kHost, "2020-03-31"},
                            {"dhr-david/1.4/ppit-in-training@" + kHost, "2020-03-31"},
                            {"dhr-david/1.5/do-no-harm-in-training@" + kHost, "2020-03-31"},
                            {"dhr-david/3.6/co-location@" + kHost, "2020-03-31"},
                            {"dhr-david/5.2/support-offer@" + kHost, "2020-03-31"},
                        }));
}

// Tests the board's feed lists every agency's dated open milestones: as many as the agencies'
// feeds together, without the repeats of milestones two agencies share.
TEST_F(ExampleFeedTest, BoardFeedHasEveryDatedOpenMilestone) {
  const date::year_month_day today = 2020_y / 3 / 2;
  std::set<std::string> from_agencies;
  for (const auto& [id, agency] : example().directory.agencies) {
    for (const auto& event : parse(render(agency_feed(example().plans, agency, today))).events) {
      from_agencies.insert(event.uid);
    }
  }
  const ParsedCalendar board =
      parse(render(board_feed(example().plans, example().directory, today)));
  std::set<std::string> uids;
  for (const auto& event : board.events) {
    uids.insert(event.uid);
  }
  EXPECT_EQ(uids.size(), board.events.size()) << "a milestone listed twice";
  EXPECT_EQ(uids, from_agencies);
  EXPECT_EQ(board.properties.at("X-WR-CALNAME"), "DHR actions: Safer Sunderland Partnership");
}

// Tests the calendar's own properties, which Outlook and Google need to subscribe and to know
// how often to fetch it again.
TEST_F(ExampleFeedTest, CalendarPropertiesForSubscription) {
  const std::string text = render(agency_feed(example().plans, agency("wwin"), 2020_y / 3 / 2));
  const ParsedCalendar calendar = parse(text);
  EXPECT_EQ(calendar.properties.at("VERSION"), "2.0");
  EXPECT_THAT(calendar.properties.at("PRODID"), HasSubstr("plan-reminder"));
  EXPECT_EQ(calendar.properties.at("METHOD"), "PUBLISH");
  EXPECT_EQ(calendar.properties.at("X-WR-CALNAME"), "DHR actions: Wearside Women in Need");
  EXPECT_EQ(calendar.properties.at("X-PUBLISHED-TTL"), "PT12H");
  EXPECT_THAT(text, HasSubstr("\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nDTSTAMP:20200302T093000Z\r\n"));
}

// Tests the lines Outlook reads: every line ends in CRLF and none is longer than 75 octets.
TEST_F(ExampleFeedTest, LinesEndInCrlfAndAreFolded) {
  const std::string text = render(board_feed(example().plans, example().directory, 2019_y / 9 / 2));
  ASSERT_THAT(text, Not(IsEmpty()));
  ASSERT_TRUE(text.ends_with("\r\n"));
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    const std::string line = text.substr(start, end - start);
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    start = end + 2;
  }
}

// Tests what an event says: "Due: " with the action id and the milestone, and in its
// description the target as the plan words it, the lead, the action and the update link.
TEST_F(ExampleFeedTest, EventSaysWhatIsDue) {
  CalendarFeed feed = agency_feed(example().plans, agency("wwin"), 2020_y / 3 / 2);
  ASSERT_THAT(feed.events, Not(IsEmpty()));
  feed.events[0].update_link = "https://" + kHost + "/update/x?t=token";
  const ParsedCalendar calendar = parse(render(feed));
  ASSERT_EQ(calendar.events.size(), feed.events.size());
  const ParsedEvent& event = calendar.events[0];
  EXPECT_EQ(event.uid, "dhr-david/1.1/scoping@" + kHost);
  EXPECT_EQ(event.summary, "Due: 1.1 Research scoping document produced");
  EXPECT_THAT(event.description, HasSubstr("Target in the plan: March 2020\n"));
  EXPECT_THAT(event.description, HasSubstr("Lead: Wearside Women in Need\n"));
  EXPECT_THAT(event.description,
              HasSubstr("Action 1.1: Conduct research to identify the cohort of repeat and "
                        "'intractable' MARAC cases that are not achieving good outcomes\n"));
  EXPECT_THAT(event.description,
              HasSubstr("\nSend an update: https://" + kHost + "/update/x?t=token"));
  EXPECT_THAT(calendar.events[1].description, Not(HasSubstr("Send an update")));
}

// Tests that with a classification every event is CLASS:CONFIDENTIAL and says the marking
// first, and the calendar's name starts with it; without one, no event has a CLASS at all.
TEST_F(ExampleFeedTest, ClassificationMarksEveryEventAndTheCalendarName) {
  const CalendarFeed feed = agency_feed(example().plans, agency("wwin"), 2020_y / 3 / 2);
  ASSERT_THAT(feed.events, Not(IsEmpty()));
  const std::string text = render_calendar(feed, example().directory,
                                           CalendarOptions{kHost, kStamp, "OFFICIAL-SENSITIVE"});
  const ParsedCalendar calendar = parse(text);
  EXPECT_THAT(calendar.errors, IsEmpty());
  EXPECT_EQ(calendar.properties.at("X-WR-CALNAME"),
            "[OFFICIAL-SENSITIVE] DHR actions: Wearside Women in Need");
  ASSERT_EQ(calendar.events.size(), feed.events.size());
  for (const ParsedEvent& event : calendar.events) {
    EXPECT_THAT(event.description, ::testing::StartsWith("OFFICIAL-SENSITIVE\n"));
  }
  std::size_t classes = 0;
  for (auto at = text.find("\r\nCLASS:CONFIDENTIAL\r\n"); at != std::string::npos;
       at = text.find("\r\nCLASS:CONFIDENTIAL\r\n", at + 1)) {
    ++classes;
  }
  EXPECT_EQ(classes, feed.events.size());
  EXPECT_THAT(render(feed), Not(HasSubstr("CLASS:")));
}

// Tests that an event names its review with the review type's full name.
TEST(FeedReviewType, EventNamesTheReviewWithItsType) {
  auto plan = std::make_shared<plan::Plan>();
  plan->review.id = "sar-adult-b";
  plan->review.title = "'Adult B'";
  plan->review.type = plan::ReviewType::sar;
  plan::Milestone milestone;
  milestone.id = "1";
  milestone.text = "Audit completed";
  milestone.target = plan::Target{"March 2020", 2020_y / 3 / 31};
  plan::Action action;
  action.id = "1.1";
  action.text = "Audit";
  action.lead.push_back(plan::AgencyRef{"wwin", 1, 1});
  action.milestones.push_back(milestone);
  plan::Recommendation recommendation;
  recommendation.id = "1";
  recommendation.actions.push_back(action);
  plan->recommendations.push_back(recommendation);
  plan::Directory directory;
  directory.agencies["wwin"] =
      plan::Agency{"wwin", plan::Mailbox{"Wearside Women in Need", {}, {}}};
  const std::vector<std::shared_ptr<const plan::Plan>> plans{plan};
  const CalendarFeed feed = agency_feed(plans, directory.agencies["wwin"], 2020_y / 1 / 6);
  const auto events =
      parse(render_calendar(feed, directory, CalendarOptions{kHost, kStamp, ""})).events;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0].description, HasSubstr("Review: Safeguarding Adults Review 'Adult B'"));
}

// Tests that the UIDs and the whole text stay the same from one request to the next, so a
// calendar that fetches the feed again changes nothing.
TEST_F(ExampleFeedTest, SameFeedTwiceIsTheSameText) {
  const auto first = render(agency_feed(example().plans, agency("wwin"), 2020_y / 3 / 2));
  const auto second = render(agency_feed(example().plans, agency("wwin"), 2020_y / 3 / 2));
  EXPECT_EQ(first, second);
  EXPECT_THAT(parse(first).events, Not(IsEmpty()));
}

// Tests the host the UIDs are named after, taken from web.base_url.
TEST(FeedHost, IsTheHostOfTheBaseUrl) {
  EXPECT_EQ(feed_host("https://dhr-actions.partnership.example.org"),
            "dhr-actions.partnership.example.org");
  EXPECT_EQ(feed_host("https://dhr.example.org:8443/actions/"), "dhr.example.org");
  EXPECT_EQ(feed_host("http://[::1]:8025"), "[::1]");
}

// A plan of one action whose one milestone is due on `due`, worded `wording`.
std::shared_ptr<const plan::Plan> one_milestone_plan(date::year_month_day due,
                                                     const std::string& wording) {
  auto plan = std::make_shared<plan::Plan>();
  plan->review.id = "dhr-david";
  plan->review.title = "Domestic Homicide Review: 'David'";
  plan::Milestone milestone;
  milestone.id = "scoping";
  milestone.text = "Research scoping document produced";
  milestone.target = plan::Target{"March 2020", 2020_y / 3 / 31};
  if (due != 2020_y / 3 / 31) {
    milestone.revised_target = plan::Target{wording, due};
  }
  plan::Action action;
  action.id = "1.1";
  action.text = "Conduct research";
  action.lead.push_back(plan::AgencyRef{"wwin", 1, 1});
  action.milestones.push_back(milestone);
  plan::Recommendation recommendation;
  recommendation.id = "1";
  recommendation.actions.push_back(action);
  plan->recommendations.push_back(recommendation);
  return plan;
}

// Tests that a revised target moves the event: the same UID comes back with a higher SEQUENCE
// and the new date, as numbered by the state; the unrevised feed keeps its sequence.
TEST(FeedSequence, RevisedTargetKeepsTheUidAndRaisesTheSequence) {
  test_support::TempDir dir("plan-reminder-feeds");
  auto store = store::StateStore::open((dir.path() / "state.db").string());
  plan::Directory directory;
  directory.agencies["wwin"] =
      plan::Agency{"wwin", plan::Mailbox{"Wearside Women in Need", {}, {}}};

  const auto feed_on = [&](date::year_month_day due) {
    // The feed points into the plans: they must outlive it.
    const std::vector<std::shared_ptr<const plan::Plan>> plans{
        one_milestone_plan(due, "June 2020")};
    CalendarFeed feed = agency_feed(plans, directory.agencies["wwin"], 2020_y / 1 / 6);
    set_sequences(feed, store->calendar_sequences(calendar_entries(feed, kHost)));
    return parse(render_calendar(feed, directory, CalendarOptions{kHost, kStamp, ""})).events;
  };
  const auto before = feed_on(2020_y / 3 / 31);
  EXPECT_EQ(feed_on(2020_y / 3 / 31)[0].sequence, before[0].sequence);
  const auto after = feed_on(2020_y / 6 / 30);
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].uid, before[0].uid);
  EXPECT_GT(after[0].sequence, before[0].sequence);
  EXPECT_EQ(day_of(after[0].start), "2020-06-30");
  EXPECT_THAT(after[0].description,
              HasSubstr("Target in the plan: March 2020 (revised: June 2020)"));
}

// Tests that the sequences must match the events one for one.
TEST(FeedSequence, SequencesOfAnotherFeedAreRefused) {
  CalendarFeed feed;
  EXPECT_THROW(set_sequences(feed, {0}), std::invalid_argument);
}

}  // namespace
}  // namespace plan_reminder::pages
