// A test helper: prints a calendar feed of a deployment as it stands on a day, so that
// tests/integration/test_feed_file.py can read it with a second parser (Python's icalendar)
// before the web routes serve it.
//
//   write_feed CONFIG AGENCY|board YYYY-MM-DD
#include "pages/calendar_feed.h"
#include "plan/snapshot.h"

#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  using namespace plan_reminder;
  if (argc != 4) {
    std::cerr << "usage: write_feed CONFIG AGENCY|board YYYY-MM-DD\n";
    return 64;
  }
  plan::SnapshotLoader loader(1);
  const auto loaded = loader.load(argv[1]);
  if (!loaded.snapshot) {
    std::cerr << "write_feed: the deployment has problems\n";
    return 65;
  }
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char dash1 = 0;
  char dash2 = 0;
  std::istringstream day_text(argv[3]);
  day_text >> year >> dash1 >> month >> dash2 >> day;
  const date::year_month_day today{date::year{year}, date::month{month}, date::day{day}};
  if (day_text.fail() || dash1 != '-' || dash2 != '-' || !today.ok()) {
    std::cerr << "write_feed: not a day: " << argv[3] << "\n";
    return 64;
  }
  const plan::Snapshot& snapshot = *loaded.snapshot;
  const std::string who = argv[2];
  pages::CalendarFeed feed;
  if (who == "board") {
    feed = pages::board_feed(snapshot.plans, snapshot.directory, today);
  } else if (const plan::Agency* agency = snapshot.directory.find(who)) {
    feed = pages::agency_feed(snapshot.plans, *agency, today);
  } else {
    std::cerr << "write_feed: no agency " << who << "\n";
    return 64;
  }
  const date::sys_seconds stamp = date::sys_days{today};
  std::cout << pages::render_calendar(feed, snapshot.directory,
                                      {"dhr-actions.partnership.example.org", stamp, ""});
  return 0;
}
