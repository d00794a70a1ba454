"""`preview` lists exactly what `run` sends (issue 3, test 8), shows each message readably
(`--render`) and writes them as files to open (`--out`); `send-test` sends a real template."""

import datetime
import email
import email.policy
import os
import re
import shutil
import tempfile
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


class PreviewShowsMessages(unittest.TestCase):
    def setUp(self):
        self.folder = harness.TestFolder("preview-render")
        self.addCleanup(self.folder.cleanup)
        cert, key = harness.make_certificate(self.folder.path)
        self.sink = harness.Sink(os.path.join(self.folder.path, "sink"), cert, key)
        self.addCleanup(self.sink.stop)
        self.deployment = harness.Deployment(os.path.join(self.folder.path, "deployment"),
                                             self.sink.port, cert, published="2020-01-20")

    def test_render_shows_decoded_headers_and_text(self):
        """`preview --render` shows each message's headers and text part as a person reads
        them: UTF-8, not quoted-printable or encoded words, with the Reply-To."""
        output = self.deployment.command("preview", "--from", "2020-03-02", "--to", "2020-03-06",
                                         "--render").stdout
        self.assertIn("\nSubject: [", output)
        self.assertIn("\nReply-To: ", output)
        self.assertIn("Dear ", output)
        self.assertNotIn("=E2=80", output)
        self.assertNotIn("=?utf-8?", output.lower())
        self.assertNotIn("Content-Transfer-Encoding", output)
        self.assertNotIn("<!DOCTYPE html>", output)
        self.assertIn("\u2014", output)  # the text parts' dashes, as written

    def test_out_writes_each_message_as_eml_and_html(self):
        """`preview --out DIR` writes each email listed as NNN-kind.eml (the whole message, as
        it would be sent) and NNN-kind.html (its HTML part, to open in a browser)."""
        out = os.path.join(self.folder.path, "emails", "week")
        output = self.deployment.command("preview", "--from", "2020-03-02", "--to", "2020-03-06",
                                         "--out", out).stdout
        listed, _ = parse_preview(output)
        self.assertGreater(len(listed), 3)
        names = sorted(os.listdir(out))
        self.assertEqual(len(names), 2 * len(listed))
        for number, (_, kind, _, _, subject) in enumerate(listed, start=1):
            stem = f"{number:03d}-{kind}"
            with open(os.path.join(out, stem + ".eml"), "rb") as f:
                message = email.message_from_bytes(f.read(), policy=email.policy.default)
            self.assertEqual(str(message["Subject"]), subject)
            with open(os.path.join(out, stem + ".html"), encoding="utf-8") as f:
                page = f.read()
            self.assertTrue(page.startswith("<!DOCTYPE html>"), stem)
            html = message.get_body(preferencelist=("html",)).get_content()
            self.assertEqual(page, html.replace("\r\n", "\n"))
        self.assertEqual(self.sink.count(), 0, "preview sent something")

    def test_out_that_is_a_file_is_refused(self):
        """`--out` naming a file, not a folder, is refused before anything is written."""
        with tempfile.NamedTemporaryFile(dir=self.folder.path) as existing:
            result = self.deployment.command("preview", "--from", "2020-03-02", "--to",
                                             "2020-03-06", "--out", existing.name, check=False)
        self.assertEqual(result.returncode, 74, result.stderr)
        self.assertIn("is not a folder", result.stderr)


class SendTestSendsATemplate(unittest.TestCase):
    def setUp(self):
        self.folder = harness.TestFolder("send-test")
        self.addCleanup(self.folder.cleanup)
        cert, key = harness.make_certificate(self.folder.path)
        self.sink = harness.Sink(os.path.join(self.folder.path, "sink"), cert, key)
        self.addCleanup(self.sink.stop)
        self.deployment = harness.Deployment(os.path.join(self.folder.path, "deployment"),
                                             self.sink.port, cert, published="2020-01-20")

    def test_send_test_sends_the_test_template_with_reply_to(self):
        """`send-test` sends the `test` templates (text and HTML in the notices' frame), with
        Reply-To the coordinator like every other email."""
        self.deployment.command("send-test", "--to", "it-support@council.example.org")
        messages = self.sink.messages()
        self.assertEqual(len(messages), 1)
        message = messages[0]
        self.assertEqual(harness.message_problems(message), [])
        self.assertEqual(message.addresses("To"), ["it-support@council.example.org"])
        self.assertEqual(message.addresses("Reply-To"), [harness.COORDINATOR])
        self.assertIn("Test message from plan-reminder", message.subject)
        self.assertIn("test message from plan-reminder", message.text())
        self.assertIn("Replies go to", message.text())
        html = message.html()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("<strong>Test message.</strong>", html)
        self.assertIn(harness.COORDINATOR, html)

    def test_send_test_refuses_broken_templates(self):
        """A broken template stops `send-test` with the file and place, as `check` would."""
        templates = os.path.join(self.folder.path, "templates")
        shutil.copytree(os.path.join(harness.SOURCE_DIR, "templates"), templates)
        with open(os.path.join(templates, "test.html.mustache"), "w") as f:
            f.write("<p>{{{recipient}}}</p>\n")
        with open(self.deployment.config) as f:
            config = f.read()
        shipped = "templates: " + os.path.join(harness.SOURCE_DIR, "templates")
        self.assertIn(shipped, config)
        with open(self.deployment.config, "w") as f:
            f.write(config.replace(shipped, "templates: " + templates))
        result = self.deployment.command("send-test", "--to", "it-support@council.example.org",
                                         check=False)
        self.assertEqual(result.returncode, 78, result.stderr)
        self.assertIn(os.path.join(templates, "test.html.mustache") + ":1:4:", result.stderr)
        self.assertEqual(self.sink.count(), 0)


if __name__ == "__main__":
    unittest.main()
