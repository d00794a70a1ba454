"""Review types and protective marking (SPEC §11, issue 13): a deployment whose config says
`classification: OFFICIAL-SENSITIVE` and whose plan is a `review.type: dardr` review. Every email
that reaches the Maildir carries the subject prefix once, the X-Protective-Marking header and
the marking first in both bodies, and names the review by its type's full name; `preview`
shows the same; `agenda --format json` gives the type; the board paper is marked. Runs the built binary (PR_BINARY) with a
Maildir transport, so no mail server is needed.
"""

import email
import email.policy
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

MARKING = "OFFICIAL-SENSITIVE"
FULL_NAME = "Domestic Abuse Related Death Review"


def write_deployment(root):
    """The example's directory and plan, the plan made a DARDR titled "'David'", under a config
    with a Maildir and the classification."""
    os.makedirs(os.path.join(root, "plans"))
    shutil.copy(os.path.join(harness.SOURCE_DIR, "config", "agencies.yaml"),
                os.path.join(root, "agencies.yaml"))
    with open(os.path.join(harness.SOURCE_DIR, "config", "plans", "david.yaml")) as f:
        plan = f.read()
    title = "\n  title: \"Domestic Homicide Review: 'David'\"\n"
    assert plan.count(title) == 1, "the review block of david.yaml changed"
    plan = plan.replace(title, "\n  title: \"'David'\"\n  type: dardr\n")
    with open(os.path.join(root, "plans", "david.yaml"), "w") as f:
        f.write(plan)
    config = os.path.join(root, "plan-reminder.yaml")
    with open(config, "w") as f:
        f.write(f"""# Written by tests/integration/test_marking.py
timezone: Europe/London
plans: plans/*.yaml
directory: agencies.yaml
templates: {os.path.join(harness.SOURCE_DIR, "templates")}
state: state.db
from: "Safer Sunderland Partnership <{harness.FROM_ADDRESS}>"
transport:
  maildir: Maildir
classification: {MARKING}
""")
    return config


class MarkedDeployment(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="pr-marking-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.config = write_deployment(self.root)

    def command(self, *arguments):
        result = subprocess.run([harness.BINARY, *arguments, "--config", self.config],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, timeout=120)
        out = result.stdout.decode("utf-8", "replace")
        self.assertEqual(result.returncode, 0,
                         f"plan-reminder {' '.join(arguments)}:\n{out}"
                         f"{result.stderr.decode('utf-8', 'replace')}")
        return out

    def delivered(self):
        folder = os.path.join(self.root, "Maildir", "new")
        messages = []
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                messages.append(email.message_from_bytes(f.read(), policy=email.policy.strict))
        return messages

    def assert_marked(self, message):
        subject = str(message["Subject"])
        self.assertTrue(subject.startswith(f"[{MARKING}] "), subject)
        self.assertEqual(subject.count(f"[{MARKING}]"), 1, subject)
        self.assertEqual(message.get_all("X-Protective-Marking"), [MARKING], subject)
        text = message.get_body(preferencelist=("plain",)).get_content()
        self.assertEqual(text.splitlines()[0], MARKING, subject)
        html = message.get_body(preferencelist=("html",)).get_content()
        after_body = html[html.index(">", html.index("<body")) + 1:].lstrip()
        self.assertTrue(after_body.startswith("<p "), subject)
        self.assertEqual(after_body[after_body.index(">") + 1:].split("<", 1)[0], MARKING,
                         subject)

    def test_every_email_is_marked_and_names_the_review_type(self):
        """A pass on 17 March 2020 (reminders, overdue notices and escalations of the example
        plan) and a test message: each email marked; the notices name the DARDR."""
        self.command("run", "--once", "--now", "2020-03-17")
        self.command("send-test", "--to", "it-support@council.example.org")
        messages = self.delivered()
        self.assertGreater(len(messages), 1)
        notices = 0
        for message in messages:
            self.assert_marked(message)
            text = message.get_body(preferencelist=("plain",)).get_content()
            if "Review:" in text:
                notices += 1
                self.assertIn(f"Review:    {FULL_NAME} 'David'", text)
                self.assertIn(f"{FULL_NAME} action plan", text)
                self.assertNotIn("Domestic Homicide Review", text)
        self.assertGreater(notices, 0)

    def test_preview_shows_the_marking_as_sent(self):
        """`preview --render` prints the marked subject, the header and the marked text."""
        out = self.command("preview", "--from", "2020-03-17", "--to", "2020-03-17", "--render")
        self.assertIn(f"Subject: [{MARKING}] ", out)
        self.assertIn(f"X-Protective-Marking: {MARKING}\n\n{MARKING}\n", out)
        self.assertNotIn(f"[{MARKING}] [{MARKING}]", out)

    def test_agenda_json_gives_the_review_type(self):
        """`agenda --format json` says each item's review type."""
        agenda = json.loads(self.command("agenda", "--as-of", "2020-03-17", "--format", "json"))
        self.assertTrue(agenda["items"])
        self.assertEqual({item["review_type"] for item in agenda["items"]}, {"dardr"})

    def test_the_board_paper_is_marked_and_names_the_review_type(self):
        """`report` in each format carries the marking at its top and names the review by its
        type's full name; the workbook prints the marking in every page's header and footer."""
        import openpyxl
        csv_text = self.command("report", "--as-of", "2020-03-17", "--format", "csv")
        lines = csv_text.lstrip("\ufeff").split("\r\n")
        self.assertEqual(lines[0], MARKING)
        self.assertIn(f"{FULL_NAME} 'David'", csv_text)
        html = self.command("report", "--as-of", "2020-03-17", "--format", "html")
        self.assertIn(f'<p class="marking">{MARKING}</p>', html)
        self.assertEqual(html.count(f'<p class="marking">{MARKING}</p>'), 2)
        path = os.path.join(self.root, "paper.xlsx")
        self.command("report", "--as-of", "2020-03-17", "--out", path)
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            self.assertIn(MARKING, sheet.oddHeader.center.text or "", sheet.title)
            self.assertIn(MARKING, sheet.oddFooter.center.text or "", sheet.title)
            self.assertEqual(sheet["A1"].value, MARKING, sheet.title)


if __name__ == "__main__":
    unittest.main()
