"""The calendar feeds read by a second parser (SPEC §8): Python's icalendar (python3-icalendar)
reads the feed tests/pages/write_feed.cpp renders from the example deployment."""

import datetime
import os
import subprocess
import unittest

import icalendar

SOURCE = os.environ.get("PR_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
WRITER = os.environ.get("PR_FEED_WRITER", "")
HOST = "dhr-actions.partnership.example.org"


def feed(who, day):
    text = subprocess.run(
        [WRITER, os.path.join(SOURCE, "config", "plan-reminder.yaml"), who, day],
        check=True, capture_output=True).stdout
    return text, icalendar.Calendar.from_ical(text)


@unittest.skipUnless(WRITER, "PR_FEED_WRITER names the write_feed test helper")
class FeedFile(unittest.TestCase):
    # Tests that an agency's feed holds exactly its dated open milestones, as all-day events.
    def test_agency_feed_reads_back(self):
        text, calendar = feed("wwin", "2020-03-02")
        self.assertTrue(text.endswith(b"\r\n"))
        self.assertEqual(str(calendar["METHOD"]), "PUBLISH")
        self.assertEqual(str(calendar["X-WR-CALNAME"]), "DHR actions: Wearside Women in Need")
        self.assertEqual(str(calendar["X-PUBLISHED-TTL"]), "PT12H")
        events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
        self.assertEqual(sorted(events), sorted(
            "dhr-david/%s@%s" % (m, HOST) for m in [
                "1.1/scoping", "1.2/pathway", "1.4/ppit-in-training",
                "1.5/do-no-harm-in-training", "3.6/co-location", "5.2/support-offer"]))
        for event in events.values():
            self.assertEqual(event.decoded("DTSTART"), datetime.date(2020, 3, 31))
            self.assertEqual(event.decoded("DTEND"), datetime.date(2020, 4, 1))
            self.assertEqual(int(event["SEQUENCE"]), 0)
        self.assertEqual(str(events["dhr-david/1.1/scoping@" + HOST]["SUMMARY"]),
                         "Due: 1.1 Research scoping document produced")

    # Tests that every line of the board's feed is CRLF-terminated and at most 75 octets.
    def test_board_feed_lines(self):
        text, calendar = feed("board", "2019-09-02")
        self.assertGreater(len(calendar.walk("VEVENT")), 6)
        for line in text.split(b"\r\n"):
            self.assertLessEqual(len(line), 75)
            self.assertNotIn(b"\n", line)


if __name__ == "__main__":
    unittest.main()
