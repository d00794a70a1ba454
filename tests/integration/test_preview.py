"""Issue 3, test 8: `preview` lists exactly what `run` sends."""

import datetime
import os
import re
import unittest

import harness

FIRST = datetime.date(2020, 3, 2)   # Monday
LAST = datetime.date(2020, 4, 12)   # Sunday, six weeks later (Easter: 10 and 13 April)
HEADER = re.compile(r"^(\w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2})  (\w+)  To: (.*?)(?:  Cc: (.*))?$")


def parse_preview(text):
    """[(time, kind, (to...), (cc...), subject)] and the closing count line."""
    lines = text.splitlines()
    emails = []
    i = 0
    while i < len(lines) - 1:
        m = HEADER.match(lines[i])
        if not m:
            break
        subject = lines[i + 1]
        assert subject.startswith("    "), f"not a subject line: {subject!r}"
        split = lambda value: tuple(a.strip().lower() for a in (value or "").split(",") if a.strip())
        emails.append((m.group(1), m.group(2), split(m.group(3)), split(m.group(4)),
                       subject[4:]))
        i += 2
    return emails, lines[i:]


class PreviewMatchesRun(unittest.TestCase):
    def setUp(self):
        self.folder = harness.TestFolder("preview")
        self.addCleanup(self.folder.cleanup)
        cert, key = harness.make_certificate(self.folder.path)
        self.sink = harness.Sink(os.path.join(self.folder.path, "sink"), cert, key)
        self.addCleanup(self.sink.stop)
        self.deployment = harness.Deployment(os.path.join(self.folder.path, "deployment"),
                                             self.sink.port, cert, published="2020-01-20")

    def test_preview_lists_exactly_what_run_sends(self):
        """`preview --from 2020-03-02 --to 2020-04-12` lists, in time order, exactly the emails
        (time, kind, To, Cc, subject) that `run --once` at every send time of those six weeks
        (08:30 and 09:00 on each business day) delivers; preview itself sends nothing and
        writes no state."""
        output = self.deployment.preview(FIRST.isoformat(), LAST.isoformat())
        self.assertFalse(os.path.exists(self.deployment.state), "preview wrote the state")
        self.assertEqual(self.sink.count(), 0, "preview sent something")
        listed, rest = parse_preview(output)
        self.assertEqual(rest, [f"{len(listed)} emails from {FIRST} to {LAST}"])
        self.assertGreater(len(listed), 40)

        ids = harness.milestone_ids(self.deployment.agenda(FIRST.isoformat()))
        passes = harness.Passes(self.deployment, self.sink)
        sent = []
        for day in harness.days(FIRST, LAST):
            if not harness.is_business_day(day):
                continue
            for time_of_day in (datetime.time(8, 30), datetime.time(9, 0)):
                now = datetime.datetime.combine(day, time_of_day)
                _, received = passes.run(now)
                for message in received:
                    if harness.is_digest(message):
                        kind = "digest"
                    else:
                        _, kind, _ = harness.describe(self.deployment, message, ids)
                    sent.append((harness.short_time(now), kind, tuple(message.addresses("To")),
                                 tuple(message.addresses("Cc")), message.subject))
        # In time order; within one pass the order of the list is not a promise.
        times = [email[0] for email in listed]
        self.assertEqual(times, sorted(times, key=lambda t: datetime.datetime.strptime(
            t, "%a %d %b %Y %H:%M")))
        order = {t: i for i, t in enumerate(dict.fromkeys(times))}
        by_time = lambda emails: sorted(emails, key=lambda e: (order.get(e[0], len(order)), e))
        self.assertEqual(by_time(sent), by_time(listed))
        # A preview after the runs, over the same window, has nothing left to send.
        again, rest = parse_preview(self.deployment.preview(FIRST.isoformat(), LAST.isoformat()))
        self.assertEqual(again, [])


if __name__ == "__main__":
    unittest.main()
