"""Issue 3, tests 2 and 3: catching up without a flood, after downtime and when a plan is first
loaded long after its targets."""

import collections
import datetime
import os
import unittest

import harness
from harness import CHAIR, COORDINATOR


class Fixture(unittest.TestCase):
    """A fresh folder with a certificate and a running sink for each test."""

    def setUp(self):
        self.folder = harness.TestFolder(self.id().rsplit(".", 1)[-1])
        self.addCleanup(self.folder.cleanup)
        self.cert, self.key = harness.make_certificate(self.folder.path)
        self.sink = harness.Sink(os.path.join(self.folder.path, "sink"), self.cert, self.key)
        self.addCleanup(self.sink.stop)

    def deployment(self, published=None):
        return harness.Deployment(os.path.join(self.folder.path, "deployment"), self.sink.port,
                                  self.cert, published=published)


class Downtime(Fixture):
    """Daily passes until Monday 2 March 2020, the service down for 30 days, then one pass on
    Wednesday 1 April 2020 at 09:00."""

    PUBLISHED = datetime.date(2020, 1, 20)
    BACK = datetime.datetime(2020, 4, 1, 9, 0)

    def setUp(self):
        super().setUp()
        self.deployment = super().deployment(published=self.PUBLISHED.isoformat())
        agenda = self.deployment.agenda("2020-01-06")
        self.ids = harness.milestone_ids(agenda)
        self.milestones = harness.plan_milestones(agenda, self.PUBLISHED)
        self.model = harness.Model(self.milestones, until=datetime.date(2020, 6, 30))
        passes = harness.Passes(self.deployment, self.sink)
        for day in harness.days(datetime.date(2020, 1, 6), datetime.date(2020, 3, 2)):
            now = datetime.datetime.combine(day, datetime.time(9, 0))
            self.model.run(now)
            passes.run(now)
        self.before = self.deployment.history()
        dropped_before = len(self.model.dropped)
        self.expected = self.model.run(self.BACK)
        self.expected_dropped = self.model.dropped[dropped_before:]
        self.result, self.received = passes.run(self.BACK)
        self.history = self.deployment.history()

    def test_one_email_per_recipient_with_the_latest_stage(self):
        """After 30 days down, the pass sends one email per recipient, each listing every
        milestone once at its latest stage (overdue for the end-of-March milestones, not their
        four missed reminders and due-day notice), and one digest: no flood."""
        actual = {}
        for message in self.received:
            if harness.is_digest(message):
                actual.setdefault("digest", []).append(("digest", ()))
                continue
            recipient, kind, items = harness.describe(self.deployment, message, self.ids)
            actual.setdefault(recipient, []).append((kind, items))
        self.assertEqual({r: len(v) for r, v in actual.items() if len(v) != 1}, {},
                         "more than one email for a recipient")
        self.assertEqual({r: v[0] for r, v in actual.items()}, self.expected)
        # Exactly one notice per (milestone, recipient).
        pairs = collections.Counter()
        for recipient, (kind, items) in self.expected.items():
            for action, milestone, stage in items:
                pairs[(action, milestone, recipient)] += 1
                self.assertIn(stage, ("overdue", "escalation"))
        self.assertEqual(max(pairs.values()), 1)
        # Every milestone open on the day it came back (2.3's case file audit was done on 17
        # March) is there once for each lead while its overdue notices last (the first and four
        # weekday repeats: not 2.3's March 2019 one, SPEC §4 "No nagging forever"), and once
        # for the chair when past D+14 (all but the nine end-of-March ones, whose escalation
        # is 14 Apr).
        last_pass = datetime.date(2020, 3, 2)
        still_open = [m for m in self.milestones if m.open_on(self.BACK.date())]
        expected_pairs = {(m.action, m.milestone, a) for m in still_open for a in m.lead
                          if harness.overdue_days(m.due)[-1] > last_pass}
        expected_pairs |= {(m.action, m.milestone, "chair") for m in still_open
                           if m.due + datetime.timedelta(days=14) <= self.BACK.date()}
        self.assertEqual(set(pairs), expected_pairs)
        recipients = {a for _, _, a in expected_pairs} | {"digest"}
        self.assertEqual(len(self.received), len(recipients))

    def test_history_shows_the_stale_notices_as_dropped(self):
        """`history --format csv` lists every notice that fell due during the downtime and was
        superseded as dropped (recorded at the pass that came back), and nothing as dropped
        before it."""
        self.assertEqual([r for r in self.before if r["state"] == "dropped"], [])
        back = "2020-04-01T08:00:00Z"
        dropped = [r for r in self.history if r["state"] == "dropped"]
        self.assertTrue(all(r["recorded"] == back for r in dropped), dropped[:3])
        self.assertTrue(all("superseded" in r["detail"] for r in dropped), dropped[:3])
        actual = collections.Counter((r["kind"], r["recipient"], r["action"], r["milestone"],
                                      r["due"]) for r in dropped)
        expected = collections.Counter(
            (o.stage, o.recipient, o.milestone.action, o.milestone.milestone,
             o.milestone.due.isoformat()) for o in self.expected_dropped)
        self.assertEqual(actual, expected)
        # The nine end-of-March milestones: reminders 28/14/7/1 and the due day, per lead.
        march = [m for m in self.milestones if m.due == datetime.date(2020, 3, 31)]
        self.assertEqual(len(march), 9)
        self.assertEqual(sum(n for (kind, *_), n in actual.items() if kind == "reminder"),
                         4 * sum(len(m.lead) for m in march))
        self.assertEqual(sum(n for (kind, *_), n in actual.items() if kind == "due"),
                         sum(len(m.lead) for m in march))
        sent = [r for r in self.history if r["recorded"] == back and r["state"] == "sent"]
        self.assertEqual(len(sent), sum(len(items) or 1 for _, items in self.expected.values()))

    def test_nothing_more_on_a_second_pass(self):
        """A second pass a minute later sends nothing and drops nothing more."""
        passes = harness.Passes(self.deployment, self.sink)
        passes.next = self.sink.count() + 1
        _, received = passes.run(self.BACK + datetime.timedelta(minutes=1))
        self.assertEqual(received, [])
        self.assertEqual(len(self.deployment.history()), len(self.history))


class ExamplePlanIn2026(Fixture):
    """The example plan as shipped (no publication date) loaded for the first time with the
    clock at Thursday 26 November 2026, years after its targets."""

    def test_one_overdue_email_per_agency_and_one_escalation(self):
        """`run --once --now 2026-11-26` sends one overdue email to each lead agency with open
        overdue milestones (listing each of them once), exactly one escalation to the chair
        listing every overdue milestone, and the digest; nothing else."""
        deployment = self.deployment()
        agenda = deployment.agenda("2026-11-26")
        ids = harness.milestone_ids(agenda)
        overdue = [item for item in agenda["items"] if item["state"] == "overdue"]
        self.assertEqual(len(overdue), 10)  # 2.3's two, the other eight of March 2020
        self.assertTrue(all(item["state"] == "pending" for item in agenda["items"]
                            if item["action"] == "6.1"))
        passes = harness.Passes(deployment, self.sink)
        result, received = passes.run(datetime.datetime(2026, 11, 26, 9, 0))
        self.assertEqual(result.returncode, 0)

        expected = collections.defaultdict(set)
        for item in overdue:
            for agency in item["lead"]:
                expected[agency].add((item["action"], item["milestone"], "overdue"))
            expected["chair"].add((item["action"], item["milestone"], "escalation"))
        actual = collections.defaultdict(list)
        digests = 0
        for message in received:
            if harness.is_digest(message):
                digests += 1
                continue
            recipient, kind, items = harness.describe(deployment, message, ids)
            actual[recipient].append((kind, items))
        self.assertEqual(digests, 1)
        self.assertEqual(set(actual), set(expected))
        for recipient, emails in actual.items():
            self.assertEqual(len(emails), 1, f"{recipient} got {len(emails)} emails")
            kind, items = emails[0]
            self.assertEqual(kind, "escalation" if recipient == "chair" else "overdue")
            self.assertEqual(len(items), len(set(items)), "a milestone listed twice")
            self.assertEqual(set(items), expected[recipient], recipient)
        self.assertEqual(len(received), len(expected) + 1)
        self.assertEqual(len(expected) - 1, 7)  # 7 lead agencies, the chair
        chair = [m for m in received if m.addresses("To") == [CHAIR]]
        self.assertEqual(len(chair), 1)
        self.assertIn(COORDINATOR, chair[0].addresses("Cc"))

        # And the same pass again is silent.
        _, again = passes.run(datetime.datetime(2026, 11, 26, 9, 1))
        self.assertEqual(again, [])


if __name__ == "__main__":
    unittest.main()
