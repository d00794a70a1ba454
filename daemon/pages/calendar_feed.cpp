// The ICS feeds, built as libical components and properties: libical escapes the text, writes
// CRLF line ends and folds lines at 75 octets without splitting a UTF-8 character, as
// Outlook and Google expect. libical is loaded at the first feed (pages/ical_library.h).
#include "pages/calendar_feed.h"

#include "base/version.h"
#include "mail/marking.h"
#include "pages/ical_library.h"
#include "policy/notice_email.h"

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace plan_reminder::pages {
namespace {

using namespace std::chrono_literals;

// The C handles, each freed once by its owner. A property or component added to a parent is
// owned by the parent from then on (release() hands it over).
struct ComponentFree {
  void operator()(icalcomponent* component) const { ical_library().component_free(component); }
};
struct PropertyFree {
  void operator()(icalproperty* property) const { ical_library().property_free(property); }
};
struct TextFree {
  void operator()(char* text) const { std::free(text); }  // NOLINT(*-no-malloc): libical's
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;
using Property = std::unique_ptr<icalproperty, PropertyFree>;

// How often calendars should fetch the feed again: targets change rarely, and a calendar that
// polls every few minutes is answered from its ETag anyway.
constexpr int kRefreshSeconds = 12 * 3600;

Component new_component(icalcomponent_kind kind) {
  Component component(ical_library().component_new(kind));
  if (!component) {
    throw std::bad_alloc();
  }
  return component;
}

void add(icalcomponent* parent, icalproperty* property) {
  Property owned(property);
  if (!owned) {
    throw std::bad_alloc();
  }
  ical_library().add_property(parent, owned.release());
}

// An X- property; libical escapes backslashes and line breaks in its value.
void add_x(icalcomponent* parent, const char* name, const std::string& value) {
  Property property(ical_library().new_x(value.c_str()));
  if (!property) {
    throw std::bad_alloc();
  }
  ical_library().set_x_name(property.get(), name);
  ical_library().add_property(parent, property.release());
}

icaltimetype all_day(date::year_month_day day) {
  icaltimetype time = ical_library().null_date();
  time.year = static_cast<int>(day.year());
  time.month = static_cast<int>(static_cast<unsigned>(day.month()));
  time.day = static_cast<int>(static_cast<unsigned>(day.day()));
  return time;
}

icaltimetype utc_time(date::sys_seconds at) {
  const date::sys_days day = date::floor<date::days>(at);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> clock{at - day};
  icaltimetype time = all_day(ymd);
  time.is_date = 0;
  time.hour = static_cast<int>(clock.hours().count());
  time.minute = static_cast<int>(clock.minutes().count());
  time.second = static_cast<int>(clock.seconds().count());
  return ical_library().set_timezone(&time, ical_library().utc_timezone());
}

// The dated open milestones of the agenda: what a calendar can show on a day.
std::vector<FeedEvent> dated_open(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                                  const std::optional<std::string>& agency,
                                  date::year_month_day today) {
  policy::AgendaOptions options;
  options.as_of = today;
  options.agency = agency;
  std::vector<FeedEvent> events;
  for (const auto& item : policy::build_agenda(plans, options)) {
    switch (item.standing.state) {
      case policy::MilestoneState::overdue:
      case policy::MilestoneState::due:
      case policy::MilestoneState::upcoming:
      case policy::MilestoneState::later:
        events.push_back(FeedEvent{item, 0, {}});
        break;
      // No date to show (undated, pending, ongoing), or nothing left to do (complete), or
      // nobody is chased for it (on hold).
      case policy::MilestoneState::undated:
      case policy::MilestoneState::pending:
      case policy::MilestoneState::ongoing:
      case policy::MilestoneState::complete:
      case policy::MilestoneState::on_hold:
      case policy::MilestoneState::not_implemented:
        break;
    }
  }
  return events;
}

// The event's text: what the plan says about the milestone, as written.
std::string description(const mail::MilestoneView& view, const std::string& update_link,
                        const std::string& classification) {
  std::string text = classification.empty() ? "" : classification + "\n";
  text += "Target in the plan: " + view.target + "\n";
  text += "Lead: " + view.lead + "\n";
  text += "Action " + view.action_id + ": " + view.action_text + "\n";
  text += "Review: " + view.review_title;
  if (!update_link.empty()) {
    text += "\nSend an update: " + update_link;
  }
  return text;
}

Component vevent_of(const FeedEvent& event, const mail::MilestoneView& view,
                    const CalendarOptions& options) {
  const date::year_month_day due = *event.item.standing.due;
  Component vevent = new_component(ICAL_VEVENT_COMPONENT);
  icalcomponent* out = vevent.get();
  add(out, ical_library().new_uid(event_uid(event.item, options.host).c_str()));
  add(out, ical_library().new_dtstamp(utc_time(options.stamp)));
  add(out, ical_library().new_sequence(event.sequence));
  // All day on the due date: DTSTART;VALUE=DATE and DTEND the next day (RFC 5545 3.6.1).
  add(out, ical_library().new_dtstart(all_day(due)));
  add(out, ical_library().new_dtend(all_day(date::sys_days{due} + date::days{1})));
  const std::string summary = "Due: " + view.action_id + " " + view.milestone_text;
  add(out, ical_library().new_summary(summary.c_str()));
  add(out, ical_library().new_description(
               description(view, event.update_link, options.classification).c_str()));
  // A deadline, not a meeting: it does not make anyone look busy.
  add(out, ical_library().new_transp(ICAL_TRANSP_TRANSPARENT));
  // RFC 5545's access classification: calendars that honour it (Outlook, Exchange) keep the
  // event's details from those a calendar is shared with.
  if (!options.classification.empty()) {
    add(out, ical_library().new_class(ICAL_CLASS_CONFIDENTIAL));
  }
  if (!event.update_link.empty()) {
    add(out, ical_library().new_url(event.update_link.c_str()));
  }
  return vevent;
}

}  // namespace

CalendarFeed agency_feed(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                         const plan::Agency& agency, date::year_month_day today) {
  return CalendarFeed{"DHR actions: " + agency.mailbox.name, today,
                      dated_open(plans, agency.id, today)};
}

CalendarFeed board_feed(const std::vector<std::shared_ptr<const plan::Plan>>& plans,
                        const plan::Directory& directory, date::year_month_day today) {
  return CalendarFeed{"DHR actions: " + directory.partnership, today,
                      dated_open(plans, std::nullopt, today)};
}

std::string event_uid(const policy::AgendaItem& item, std::string_view host) {
  std::string uid = item.plan->review.id;
  uid += '/';
  uid += item.action->id;
  uid += '/';
  uid += item.milestone->id;
  uid += '@';
  uid += host;
  return uid;
}

std::string feed_host(std::string_view base_url) {
  if (const auto scheme = base_url.find("://"); scheme != std::string_view::npos) {
    base_url.remove_prefix(scheme + 3);
  }
  base_url = base_url.substr(0, base_url.find_first_of("/?#"));
  if (const auto at = base_url.rfind('@'); at != std::string_view::npos) {
    base_url.remove_prefix(at + 1);
  }
  if (base_url.starts_with('[')) {
    return std::string(base_url.substr(0, base_url.find(']') + 1));  // an IPv6 literal
  }
  return std::string(base_url.substr(0, base_url.find(':')));
}

std::vector<store::CalendarEntry> calendar_entries(const CalendarFeed& feed,
                                                   std::string_view host) {
  std::vector<store::CalendarEntry> entries;
  entries.reserve(feed.events.size());
  for (const auto& event : feed.events) {
    entries.push_back(store::CalendarEntry{event_uid(event.item, host), *event.item.standing.due});
  }
  return entries;
}

void set_sequences(CalendarFeed& feed, const std::vector<int>& sequences) {
  if (sequences.size() != feed.events.size()) {
    throw std::invalid_argument("a calendar feed of " + std::to_string(feed.events.size()) +
                                " events was given " + std::to_string(sequences.size()) +
                                " sequences");
  }
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    feed.events[i].sequence = sequences[i];
  }
}

std::string render_calendar(const CalendarFeed& feed, const plan::Directory& directory,
                            const CalendarOptions& options) {
  Component calendar = new_component(ICAL_VCALENDAR_COMPONENT);
  icalcomponent* out = calendar.get();
  const std::string product =
      "-//plan-reminder//plan-reminder " + std::string(base::kVersion) + "//EN";
  add(out, ical_library().new_prodid(product.c_str()));
  add(out, ical_library().new_version("2.0"));
  add(out, ical_library().new_method(ICAL_METHOD_PUBLISH));
  add(out, ical_library().new_calscale("GREGORIAN"));
  add_x(out, "X-WR-CALNAME", mail::marked_subject(feed.name, options.classification));
  // RFC 7986's refresh hint, and the older one Outlook reads.
  add(out, ical_library().new_refreshinterval(ical_library().duration_from_int(kRefreshSeconds)));
  add_x(out, "X-PUBLISHED-TTL", "PT12H");

  const date::local_days today{date::sys_days{feed.today}.time_since_epoch()};
  for (const auto& item : feed.events) {
    const auto& agenda = item.item;
    const mail::MilestoneView view =
        policy::milestone_view(directory, *agenda.plan, *agenda.recommendation, *agenda.action,
                               *agenda.milestone, agenda.standing, today);
    ical_library().add_component(out, vevent_of(item, view, options).release());
  }

  const std::unique_ptr<char, TextFree> text(ical_library().as_ical_string_r(out));
  if (!text) {
    throw std::runtime_error(
        "libical could not write the calendar: " +
        std::string(ical_library().error_text(*ical_library().error_number())));
  }
  return text.get();
}

}  // namespace plan_reminder::pages
