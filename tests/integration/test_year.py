"""Issue 3, test 1: a simulated year of the 'David' plan over SMTP.

The review is given `published: 2020-01-20` (so action 6.1, due one month after publication,
is dated), a second plan has targets on weekends, bank holidays and the leap day (issue 8), and
`run --once --now` is called at 08:30 and at 09:00 local time on every day from Monday 6 January
2020 to Wednesday 6 January 2021 (734 passes). What the SMTP sink receives at each pass is
compared with an independent model of SPEC §4 (tests/integration/harness.py).
"""

import collections
import datetime
import os
import unittest

import harness
from harness import CHAIR, COORDINATOR, BOARD, SMTP_USER

FIRST = datetime.date(2020, 1, 6)
LAST = datetime.date(2021, 1, 6)
PUBLISHED = datetime.date(2020, 1, 20)
TIMES = (datetime.time(8, 30), datetime.time(9, 0))

# Targets whose due-day notice goes early (weekends, bank holidays, the leap day), some done a
# few days late.
CALENDAR_PLAN = """\
review:
  id: dhr-calendar
  title: "Review with awkward dates"
  partnership: Safer Sunderland Partnership

recommendations:
  - id: "1"
    scope: local
    text: Targets on days without post
    actions:
      - id: "c1"
        text: Leap day target
        lead: [respect]
        milestones:
          - id: leap
            text: Due on Saturday 29 February
            target: 29 February 2020
            done: 2020-03-02
      - id: "c2"
        text: Easter targets
        lead: [council]
        milestones:
          - id: good-friday
            text: Due on Good Friday
            target: 10 April 2020
            done: 2020-04-16
          - id: easter-monday
            text: Due on Easter Monday
            target: 13 April 2020
            done: 2020-04-16
      - id: "c3"
        text: VE Day target
        lead: [council]
        milestones:
          - id: ve-day
            text: Due on VE Day
            target: 8 May 2020
            done: 2020-05-12
      - id: "c4"
        text: Sunday target
        lead: [respect]
        milestones:
          - id: sunday
            text: Due on Sunday 31 May
            target: 31 May 2020
            done: 2020-06-09
      - id: "c5"
        text: August bank holiday target, never done
        lead: [respect]
        milestones:
          - id: august
            text: Due on the August bank holiday
            target: 31 August 2020
      - id: "c6"
        text: Christmas targets, never done
        lead: [council]
        milestones:
          - id: christmas
            text: Due on Christmas Day
            target: 25 December 2020
          - id: boxing-day
            text: Due on Boxing Day
            target: 26 December 2020
"""


class SimulatedYear(unittest.TestCase):
    """One deployment, one sink, a year of passes; each test method checks one property of
    what arrived (the year runs once, in setUpClass)."""

    @classmethod
    def setUpClass(cls):
        cls.folder = harness.TestFolder("year")
        try:
            cls.cert, cls.key = harness.make_certificate(cls.folder.path)
            cls.sink = harness.Sink(os.path.join(cls.folder.path, "sink"), cls.cert, cls.key)
            try:
                cls._simulate()
            finally:
                cls.sink.stop()
        except BaseException:
            cls.folder.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    @classmethod
    def _simulate(cls):
        deployment = harness.Deployment(os.path.join(cls.folder.path, "deployment"),
                                        cls.sink.port, cls.cert, published=PUBLISHED.isoformat(),
                                        extra_plans={"calendar.yaml": CALENDAR_PLAN})
        cls.deployment = deployment
        cls.milestones = harness.plan_milestones(deployment.agenda(FIRST.isoformat()), PUBLISHED,
                                                 deployment.done)
        cls.ids = harness.milestone_ids(deployment.agenda(FIRST.isoformat()))
        model = harness.Model(cls.milestones, until=LAST + datetime.timedelta(days=60))
        cls.model = model
        passes = harness.Passes(deployment, cls.sink)

        cls.expected = {}   # (local time, recipient) -> (kind, items)
        cls.actual = {}
        cls.received = []   # (local time of the pass, Received)
        cls.exit_codes = collections.Counter()
        for day in harness.days(FIRST, LAST):
            for time_of_day in TIMES:
                now = datetime.datetime.combine(day, time_of_day)
                for recipient, email in model.run(now).items():
                    cls.expected[(now, recipient)] = email
                result, received = passes.run(now, check=False)
                cls.exit_codes[result.returncode] += 1
                for message in received:
                    cls.received.append((now, message))
                    if harness.is_digest(message):
                        key, value = (now, "digest"), ("digest", ())
                    else:
                        recipient, kind, items = harness.describe(deployment, message, cls.ids)
                        key, value = (now, recipient), (kind, items)
                    # Two emails for one recipient in one pass would break the grouping rule.
                    cls.actual.setdefault(key, [])
                    cls.actual[key].append(value)
        cls.history = deployment.history()

    def test_every_pass_succeeds(self):
        """Every `run --once` of the year exits 0 (the server accepted everything)."""
        self.assertEqual(dict(self.exit_codes), {0: len(list(harness.days(FIRST, LAST))) * 2})

    def test_the_plan_is_the_one_modelled(self):
        """The open, dated milestones are the twelve of the plan (2.3's March 2019 milestone,
        2.3's December 2019 case file audit, done on 17 March 2020 and so still open on the
        first day, the nine due at the end of March 2020, and 6.1 one month after
        publication)."""
        by_due = collections.Counter(m.due for m in self.milestones if m.review == "dhr-david")
        self.assertEqual(by_due, {datetime.date(2019, 3, 31): 1, datetime.date(2019, 12, 31): 1,
                                  datetime.date(2020, 3, 31): 9, datetime.date(2020, 2, 20): 1})
        self.assertEqual([m.done for m in self.milestones if m.done and m.review == "dhr-david"],
                         [datetime.date(2020, 3, 17)])
        self.assertEqual(len([m for m in self.milestones if m.review == "dhr-calendar"]), 8)

    def test_emails_per_day_and_recipient_match_the_policy(self):
        """Each pass sends exactly the emails SPEC §4 gives for that time: per recipient one
        email, of the right kind, listing exactly the milestones due a notice (reminders at
        D-28/-14/-7/-1 moved back to a business day, due day, overdue D+1 then on four Mondays
        at least a week apart, and escalations D+14 then every 28 days moved forward; nothing
        from a milestone's done date on), and the weekly digest."""
        duplicates = {k: v for k, v in self.actual.items() if len(v) != 1}
        self.assertEqual(duplicates, {}, "more than one email for a recipient in one pass")
        actual = {k: v[0] for k, v in self.actual.items()}
        missing = sorted(set(self.expected) - set(actual))
        unexpected = sorted(set(actual) - set(self.expected))
        different = sorted(k for k in set(actual) & set(self.expected)
                           if actual[k] != self.expected[k])
        report = []
        for k in missing[:10]:
            report.append(f"missing   {k[0]:%a %Y-%m-%d %H:%M} {k[1]}: {self.expected[k]}")
        for k in unexpected[:10]:
            report.append(f"unexpected {k[0]:%a %Y-%m-%d %H:%M} {k[1]}: {actual[k]}")
        for k in different[:10]:
            report.append(f"different {k[0]:%a %Y-%m-%d %H:%M} {k[1]}:\n"
                          f"   expected {self.expected[k]}\n   actual   {actual[k]}")
        self.assertFalse(missing or unexpected or different,
                         f"{len(missing)} missing, {len(unexpected)} unexpected, "
                         f"{len(different)} different:\n" + "\n".join(report))
        # The year is not trivially empty: every kind of email was seen.
        kinds = collections.Counter(kind for kind, _ in actual.values())
        self.assertEqual(set(kinds), {"digest", "reminder", "due", "overdue", "escalation"})

    def test_grouping_puts_several_milestones_in_one_email(self):
        """On Tuesday 14 April 2020 the chair gets one escalation listing the nine end-of-March
        milestones and 2.3's (moved from Easter Sunday and Monday), not ten emails."""
        key = (datetime.datetime(2020, 4, 14, 9, 0), "chair")
        self.assertIn(key, self.actual)
        kind, items = self.actual[key][0]
        self.assertEqual(kind, "escalation")
        self.assertEqual(len(items), 10)

    def test_nothing_on_weekends_or_bank_holidays(self):
        """No email goes out on a Saturday, a Sunday or an England and Wales bank holiday
        (1 Jan, 10 and 13 Apr, 8 May, 25 May, 31 Aug, 25 and 28 Dec 2020, 1 Jan 2021)."""
        sent_on = sorted({now.date() for now, _ in self.received
                          if not harness.is_business_day(now.date())})
        self.assertEqual(sent_on, [])
        for holiday in ("2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
                        "2020-12-25", "2020-12-28", "2021-01-01"):
            self.assertNotIn(datetime.date.fromisoformat(holiday),
                             {now.date() for now, _ in self.received})

    def test_digest_every_week_on_monday_at_0830(self):
        """The digest arrives once a week, at 08:30 on Monday, or on Tuesday when Monday is a
        bank holiday (14 Apr, 26 May, 1 Sep and 29 Dec 2020)."""
        digests = [now for now, message in self.received if harness.is_digest(message)]
        expected = []
        for day in harness.days(FIRST, LAST):
            if day.weekday() == 0:
                expected.append(datetime.datetime.combine(harness.next_business_day(day),
                                                          datetime.time(8, 30)))
        self.assertEqual(digests, expected)
        for tuesday in ("2020-04-14", "2020-05-26", "2020-09-01", "2020-12-29"):
            self.assertIn(datetime.datetime.fromisoformat(tuesday + "T08:30"), digests)
        for now, message in self.received:
            if harness.is_digest(message):
                self.assertEqual(message.addresses("To"), [BOARD])

    def test_digest_audit_trail_covers_everything_since_the_previous_digest(self):
        """Each digest's audit trail lists every notice delivered since the previous digest,
        and that digest itself, whatever the clock change (25 October 2020) or a bank-holiday
        Tuesday did to the week's length; the first digest has nothing before it."""
        digests = [(now, message) for now, message in self.received if harness.is_digest(message)]
        self.assertGreater(len(digests), 50)
        review = {m.action: m.review for m in self.milestones}
        previous = None
        for now, message in digests:
            expected = collections.Counter()
            if previous is not None:
                expected[("digest", "digest", "digest", "Sent")] += 1
                for when, received in self.received:
                    if previous < when < now and not harness.is_digest(received):
                        recipient, _, items = harness.describe(self.deployment, received,
                                                               self.ids)
                        for action, milestone, stage in items:
                            about = f"{review[action]} {action} ({milestone})"
                            expected[(stage, recipient, about, "Sent")] += 1
                for when, o in self.model.recorded_drops:
                    if previous < when < now:
                        m = o.milestone
                        about = f"{m.review} {m.action} ({m.milestone})"
                        expected[(o.stage, o.recipient, about, "Dropped")] += 1
            rows = harness.audit_rows(message.text())
            actual = collections.Counter((kind, recipient, about, state)
                                         for _, kind, recipient, about, state in rows)
            self.assertEqual(actual, expected, f"digest of {now:%a %Y-%m-%d %H:%M}")
            previous = now

    def test_digest_says_escalated_only_once_an_escalation_was_sent(self):
        """An overdue milestone in a digest shows "Escalated to the chair" exactly when an
        escalation listing it reached the chair before that digest (the 08:30 digest does not
        count the 09:00 escalation)."""
        escalated_before = {}
        escalated = set()
        for now, message in self.received:
            if harness.is_digest(message):
                escalated_before[now] = set(escalated)
                continue
            recipient, kind, items = harness.describe(self.deployment, message, self.ids)
            if recipient == "chair":
                escalated.update((action, milestone) for action, milestone, _ in items)
        seen = collections.Counter()
        for now, message in self.received:
            if not harness.is_digest(message):
                continue
            for action, text, shown in harness.digest_overdue_rows(message.text()):
                milestone = self.ids.get((action, text), text)
                expected = (action, milestone) in escalated_before[now]
                self.assertEqual(shown, expected, f"{now:%a %Y-%m-%d %H:%M} {action} {milestone}")
                seen[shown] += 1
        self.assertGreater(seen[True], 10)
        self.assertGreater(seen[False], 0)

    def test_due_day_wording_follows_the_calendar(self):
        """A due-day notice says "Due today" only on the due date; one sent early because the
        due date is a weekend or bank holiday says "Due tomorrow" or "Due on Sunday 31 May
        2020", in the item, in the sentence above it and in the subject, never "due today"."""
        early = 0
        for now, message in self.received:
            if harness.is_digest(message):
                continue
            recipient, kind, _ = harness.describe(self.deployment, message, self.ids)
            text = message.text()
            for action, _, when, due in harness.notice_items(text, with_due=True):
                if recipient == "chair" or due < now.date():
                    continue
                if due == now.date():
                    expected = "Due today"
                elif due == now.date() + datetime.timedelta(days=1):
                    expected = "Due tomorrow"
                elif due < now.date() + datetime.timedelta(days=7):
                    expected = f"Due on {due:%A} {due.day} {due:%B %Y}"
                else:
                    expected = f"Due in {(due - now.date()).days} days"
                self.assertTrue(when.endswith(expected), f"{now}: {action}: {when!r}")
                if due != now.date() and harness.previous_business_day(due) == now.date():
                    early += 1
                    self.assertNotIn("due today", text.lower(), f"{now}: {message.subject}")
                    self.assertNotIn("due today", message.subject.lower())
        # 28 Feb, 9 Apr (two), 7 May, 29 May, 28 Aug, 24 Dec (two).
        self.assertEqual(early, 8)
        key = (datetime.datetime(2020, 5, 29, 9, 0), "respect")
        self.assertIn(key, self.actual)
        subjects = [message.subject for now, message in self.received
                    if now == key[0] and "Sunday" in message.subject]
        self.assertEqual(subjects, ["[Safer Sunderland Partnership] Due on Sunday 31 May 2020: "
                                    "c4 Due on Sunday 31 May"])

    def test_escalations_reach_the_chair(self):
        """An escalation is addressed To the chair, Cc the coordinator and the lead agencies of
        every action it lists."""
        leads = {m.action: m.lead for m in self.milestones}
        seen = 0
        for now, message in self.received:
            if harness.is_digest(message):
                continue
            recipient, kind, items = harness.describe(self.deployment, message, self.ids)
            if kind != "escalation":
                continue
            seen += 1
            self.assertEqual(message.addresses("To"), [CHAIR])
            cc = {COORDINATOR}
            for action, _, _ in items:
                for agency in leads[action]:
                    cc.update(self.deployment.agencies[agency])
            self.assertEqual(set(message.addresses("Cc")), cc, message.subject)
            self.assertEqual(sorted(message.envelope["rcpt_tos"]),
                             sorted([CHAIR] + sorted(cc)))
        self.assertGreater(seen, 10)

    def test_addresses_of_notices(self):
        """Reminders go to the lead agency and copy the action's support agencies (2.3 has
        one); due-day notices go to the lead agency only; overdue notices copy the coordinator;
        the envelope holds exactly the header recipients."""
        self.assertEqual(self.deployment.support, {"2.3": ["da-strategic-projects-group"]})
        support_seen = 0
        for now, message in self.received:
            if harness.is_digest(message):
                continue
            recipient, kind, items = harness.describe(self.deployment, message, self.ids)
            if recipient == "chair":
                continue
            self.assertEqual(message.addresses("To"), self.deployment.agencies[recipient])
            expected_cc = set()
            for action, _, stage in items:
                if stage == "reminder":
                    for agency in self.deployment.support.get(action, []):
                        expected_cc.update(self.deployment.agencies[agency])
                        support_seen += 1
                if stage == "overdue":
                    expected_cc.add(COORDINATOR)
            self.assertEqual(set(message.addresses("Cc")), expected_cc, message.subject)
            self.assertEqual(sorted(message.envelope["rcpt_tos"]),
                             sorted(message.addresses("To") + message.addresses("Cc")))
        self.assertEqual(support_seen, 4)  # 2.3's four reminders of its March 2020 milestone

    def test_kinds_agree_with_history(self):
        """`history` records each delivered email's notices as sent, with the kinds the email
        shows (a mixed email takes the most advanced stage)."""
        kinds = harness.history_kinds(self.history)
        states = collections.Counter(row["state"] for row in self.history)
        # Drops: a reminder the day before a weekend due date falls on the day of the due-day
        # notice, which supersedes it.
        self.assertEqual(states, {"sent": states["sent"], "dropped": len(self.model.recorded_drops)})
        self.assertGreater(states["dropped"], 0)
        for now, message in self.received:
            self.assertIn(message.message_id, kinds, message.subject)
            recorded = kinds[message.message_id]
            if harness.is_digest(message):
                self.assertEqual(recorded, {"digest"})
                continue
            _, kind, items = harness.describe(self.deployment, message, self.ids)
            self.assertEqual(max(recorded, key=harness.STAGE_RANK.get), kind, message.subject)
            self.assertEqual(recorded, {stage for _, _, stage in items}, message.subject)

    def test_notices_about_one_action_share_a_thread(self):
        """Every notice that lists one action carries the same References for that action all
        year (one thread per action), different actions have different threads, and a notice
        listing several actions references each of their threads."""
        threads = collections.defaultdict(set)
        for now, message in self.received:
            if harness.is_digest(message):
                continue
            _, _, items = harness.describe(self.deployment, message, self.ids)
            actions = {action for action, _, _ in items}
            references = set(str(message.message["References"]).split())
            self.assertEqual(len(references), len(actions), message.subject)
            if len(actions) == 1:
                threads[actions.pop()].update(references)
        self.assertEqual({a: t for a, t in threads.items() if len(t) != 1}, {})
        all_threads = [t for ts in threads.values() for t in ts]
        self.assertEqual(len(all_threads), len(set(all_threads)))
        for now, message in self.received:
            if harness.is_digest(message):
                continue
            _, _, items = harness.describe(self.deployment, message, self.ids)
            expected = set().union(*(threads.get(action, set()) for action, _, _ in items))
            self.assertLessEqual(expected, set(str(message.message["References"]).split()))

    def test_no_duplicate_message_id(self):
        """Every message has its own Message-ID: nothing was sent twice."""
        ids = collections.Counter(message.message_id for _, message in self.received)
        self.assertEqual({i: n for i, n in ids.items() if n > 1}, {})

    def test_no_empty_email(self):
        """Every notice lists at least one milestone in its text part, and every digest lists
        at least one milestone row."""
        for now, message in self.received:
            text = message.text()
            if harness.is_digest(message):
                self.assertRegex(text, r"(?m)^- \S+ ", message.subject)
            else:
                self.assertTrue(harness.notice_items(text), f"{now}: {message.subject}")
            self.assertTrue(message.html().strip(), message.subject)

    def test_messages_are_well_formed(self):
        """Every message parses under Python's strict email policy with no defect in any part,
        has CRLF line ends, Auto-Submitted: auto-generated, a Date that is the time of the pass,
        text and HTML alternatives, References on notices, and was sent over TLS after AUTH."""
        for now, message in self.received:
            self.assertEqual(harness.message_problems(message), [], message.subject)
            self.assertEqual(str(message.message["Auto-Submitted"]), "auto-generated")
            self.assertEqual(message.local_date(), now, message.subject)
            self.assertEqual(message.message.get_content_type(), "multipart/alternative")
            self.assertEqual([p.get_content_type() for p in message.message.iter_parts()],
                             ["text/plain", "text/html"])
            self.assertEqual(message.addresses("Reply-To"), [COORDINATOR])
            if not harness.is_digest(message):
                self.assertIsNotNone(message.message["References"], message.subject)
            self.assertTrue(message.envelope["tls"])
            self.assertEqual(message.envelope["auth_user"], SMTP_USER)
            self.assertEqual(message.envelope["mail_from"], harness.FROM_ADDRESS)


if __name__ == "__main__":
    unittest.main()
