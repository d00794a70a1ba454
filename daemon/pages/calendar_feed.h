// The ICS calendar feeds (SPEC §8): /feeds/ID.ics, the dated open milestones one agency leads
// or supports, and /feeds/board.ics, those of every agency, as RFC 5545 calendars that Outlook
// and Google subscribe to. One all-day event per milestone, on its due date, under a UID that
// stays the same whatever the plan's wording or order, so a calendar updates the event rather
// than adding another. Pure: the day, the time stamp and the event sequences are passed in.
#pragma once

#include "plan/model.h"
#include "policy/agenda.h"
#include "store/state_store.h"

#include <date/date.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plan_reminder::pages {

// One event of a feed: a dated open milestone.
struct FeedEvent {
  policy::AgendaItem item;  // its standing carries the due date
  int sequence = 0;         // SEQUENCE, from StateStore::calendar_sequences
  std::string update_link;  // where the agency reports progress on it; "" for none
};

struct CalendarFeed {
  std::string name;  // X-WR-CALNAME, the name a calendar shows: "DHR actions: Women's Aid"
  date::year_month_day today;  // the day the milestones stand on
  std::vector<FeedEvent> events;
};

// The feed of one agency: the dated open milestones it leads or supports on `today` (the
// partnership's local date), in agenda order, each at sequence 0. The events point into
// `plans`, which must outlive the feed.
CalendarFeed agency_feed(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                         const plan::Agency& agency, date::year_month_day today);
// The board's feed: every dated open milestone, named after the partnership.
CalendarFeed board_feed(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                        const plan::Directory& directory, date::year_month_day today);
// Plans that would be gone before the feed is used.
CalendarFeed agency_feed(std::vector<std::shared_ptr<const plan::Plan>>&& plans,
                         const plan::Agency& agency, date::year_month_day today) = delete;
CalendarFeed board_feed(std::vector<std::shared_ptr<const plan::Plan>>&& plans,
                        const plan::Directory& directory, date::year_month_day today) = delete;

// "dhr-david/1.1/scoping@dhr-actions.partnership.example.org": the milestone's event UID, the
// same in every feed that lists it. `host` is the host of web.base_url.
std::string event_uid(const policy::AgendaItem& item, std::string_view host);
// The host of a base URL ("https://dhr.example.org:8443/x" gives "dhr.example.org").
std::string feed_host(std::string_view base_url);

// What the state numbers (StateStore::calendar_sequences), in the order of the feed's events.
std::vector<store::CalendarEntry> calendar_entries(const CalendarFeed& feed, std::string_view host);
// Gives each event its sequence, as calendar_sequences returned them for calendar_entries.
// Throws std::invalid_argument when the counts differ.
void set_sequences(CalendarFeed& feed, const std::vector<int>& sequences);

struct CalendarOptions {
  std::string host;         // names the UIDs (feed_host of web.base_url)
  date::sys_seconds stamp;  // DTSTAMP: when this copy of the feed was made
  // The protective marking (`classification:`); empty: none. When set, every event is
  // CLASS:CONFIDENTIAL and says the marking first, and the calendar's name starts with it.
  std::string classification;
};

// The feed as an iCalendar text (CRLF line ends, lines folded at 75 octets), written with
// libical. `directory` names the lead agencies in the descriptions.
std::string render_calendar(const CalendarFeed& feed, const plan::Directory& directory,
                            const CalendarOptions& options);

}  // namespace plan_reminder::pages
