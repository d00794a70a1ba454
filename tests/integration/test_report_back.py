"""Issue 11, end to end in a real browser: an agency reports back through the link in its
overdue email, the coordinator accepts in the browser, and the whole service follows.

The example deployment's daemon starts on Wednesday 1 April 2020 at 10:00: its first pass sends
Wearside Women in Need (wwin) one email with six milestones one day overdue. Through that email's
"Update these actions" link, in headless Chromium, wwin marks 1.1 (scoping) completed on
1 April 2020 and asks a new target, July 2020, for 1.4 (PPIT in training); the coordinator
accepts both on the page `url coordinator` prints. Then, with `run --once` on later days:

- no notice goes about 1.1 again (the overdue repeats of 14 and 20 April, the chair's
  escalation of 14 April), nor about 1.4 until its new reminders, the first on Friday 3 July
  (28 days before 31 July), while 1.2, overdue and not reported, is still chased (the control);
- wwin's first notice after the decisions says both were accepted, and the next one does not;
- the digest of 6 April lists 1.1 as completed in the last 7 days and neither as overdue; that
  of 6 July lists 1.4 due on 31 July with its revised target;
- the board, served by the daemon restarted on 6 July, counts 1.1 complete and lists 1.4 due
  in 25 days, not overdue (the board has no target column); wwin's page shows the revised
  target;
- `updates export` writes `done:` and `revised_target:` into the plan, `check` then passes, and
  `history` holds the submissions and the decisions.

Screenshots go to the artefacts folder as in test_browser.py. Waits are WebDriverWait or bounded
polls; nothing sleeps for a fixed time; everything listens on loopback only.
"""

import csv
import email
import email.policy
import io
import json
import os
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browser
import harness
from test_update_page import LINK
from test_web_surface import WebDeployment

START = "2020-04-01T10:00"  # Wednesday: the first overdue notices of the end-of-March milestones
AGENCY = "wwin"
WWIN = "Wearside Women in Need <dhr-lead@wwin.example.org>"
COMPLETED = ("1.1", "scoping", "Research scoping document produced")
RETARGETED = ("1.4", "ppit-in-training", "PPIT tool included in level 3 DAPS training")
CONTROL = ("1.2", "pathway", "Pathway in place")  # overdue, led by wwin, not reported on
DONE_ON = "01/04/2020"
NEW_TARGET = "July 2020"
WAIT = 30


def item_texts(text):
    """The (action id, milestone text) of the milestones a notice's text part lists."""
    return {(action, milestone) for action, milestone, _ in harness.notice_items(text)}


@unittest.skipIf(browser.missing(), browser.missing() or "")
class ReportBack(unittest.TestCase):

    def setUp(self):
        self.folder = harness.TestFolder("report-back")
        self.addCleanup(self.folder.cleanup)
        self.deployment = WebDeployment(self.folder.path)
        self.deployment.start(now=START)
        self.addCleanup(self.deployment.stop)
        self.browser = browser.Browser()
        self.addCleanup(self.browser.close)
        self.maildir = os.path.join(self.folder.path, "Maildir", "new")
        self.seen = set()

    # -- reading the Maildir ------------------------------------------------------------------

    def new_messages(self):
        """The messages written since the last call, in the order of their file names."""
        out = []
        for name in sorted(os.listdir(self.maildir)):
            if name in self.seen:
                continue
            self.seen.add(name)
            with open(os.path.join(self.maildir, name), "rb") as f:
                out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out

    @staticmethod
    def text_of(message):
        return message.get_body(("plain",)).get_content()

    def run_once(self, now):
        self.deployment.command("run", "--once", "--now", now)
        return self.new_messages()

    def to_wwin(self, messages):
        return [self.text_of(m) for m in messages if str(m["To"]) == WWIN]

    def assert_not_chased(self, messages, milestone, when):
        for m in messages:
            if "digest" in str(m["Subject"]):
                continue
            self.assertNotIn(milestone[:1] + milestone[2:], item_texts(self.text_of(m)),
                             f"{when}: {m['To']} was sent a notice about {milestone[0]} "
                             f"{milestone[1]}: {m['Subject']}")

    # -- the browser ---------------------------------------------------------------------------

    def fieldset_of(self, milestone_text):
        driver = self.browser.driver
        for fieldset in driver.find_elements(By.CSS_SELECTOR, "fieldset.fieldset"):
            legend = fieldset.find_element(By.TAG_NAME, "legend").text
            if milestone_text in legend:
                return fieldset
        raise AssertionError(f"the update page lists no {milestone_text!r}:\n"
                             + self.browser.text())

    def field(self, fieldset, prefix):
        return fieldset.find_element(By.CSS_SELECTOR, f"input[name^='{prefix}-'], textarea[name^='{prefix}-']")

    def report_back(self, link):
        """wwin's update through its email link, in the browser."""
        driver = self.browser.driver
        self.browser.open(link, browser.WIDTHS[0])
        self.browser.screenshot("report-back-update")
        done = self.fieldset_of(COMPLETED[2])
        done.find_element(By.CSS_SELECTOR, "input[type=radio][value=completed]").click()
        self.field(done, "done").send_keys(DONE_ON)
        self.field(done, "note").send_keys("Scoping document signed off by the MARAC chair")
        later = self.fieldset_of(RETARGETED[2])
        later.find_element(By.CSS_SELECTOR, "input[type=radio][value=new_target]").click()
        self.field(later, "target").send_keys(NEW_TARGET)
        self.field(later, "note").send_keys("The trainer is not available until June")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(
            lambda d: "Update sent" in d.title + self.browser.text()
            or d.find_elements(By.CLASS_NAME, "error-summary"))
        self.browser.screenshot("report-back-sent")
        self.assertIn("Update sent", driver.title + self.browser.text(), self.browser.text())

    def decide_in_browser(self, numbers):
        """The coordinator accepts each update in `numbers` on its page, in the browser."""
        driver = self.browser.driver
        coordinator = self.deployment.url("coordinator")
        self.browser.open(coordinator, browser.WIDTHS[0])
        self.browser.screenshot("report-back-coordinator")
        page = self.browser.text()
        self.assertIn("Completed on 1 April 2020", page)
        self.assertIn(f"New target date: {NEW_TARGET}", page)
        for number in numbers:
            hidden = driver.find_element(By.CSS_SELECTOR, f"input[name=id][value='{number}']")
            form = hidden.find_element(By.XPATH, "ancestor::form")
            form.find_element(By.CSS_SELECTOR, "button[value=accept]").click()
            WebDriverWait(driver, WAIT).until(
                lambda d, n=number: f"Accepted update {n}" in self.browser.text())
        self.browser.screenshot("report-back-accepted")

    def updates(self, state):
        out = self.deployment.command("updates", "list", "--state", state, "--format", "json")
        return {(u["action"], u["milestone"]): u for u in json.loads(out.stdout)["updates"]}

    # -- the scenario --------------------------------------------------------------------------

    def test_agency_reports_back_and_the_service_follows(self):
        d = self.deployment

        # 1. The first pass: one overdue email to wwin with both milestones and the control.
        first = self.to_wwin(self.new_messages())
        self.assertEqual(len(first), 1, "one email to wwin on 1 April 2020")
        listed = item_texts(first[0])
        for milestone in (COMPLETED, RETARGETED, CONTROL):
            self.assertIn((milestone[0], milestone[2]), listed)
        self.assertIn("1 day overdue", first[0])
        links = LINK.findall(first[0])
        self.assertEqual(len(links), 1, first[0])

        # 2. wwin reports back in the browser.
        self.report_back(links[0])
        waiting = self.updates("waiting")
        self.assertEqual(set(waiting), {COMPLETED[:2], RETARGETED[:2]})
        self.assertEqual(waiting[COMPLETED[:2]]["kind"], "completed")
        self.assertEqual(waiting[COMPLETED[:2]]["done_on"], "2020-04-01")
        self.assertEqual(waiting[RETARGETED[:2]]["kind"], "new_target")
        self.assertEqual(waiting[RETARGETED[:2]]["target"], NEW_TARGET)

        # 3. The coordinator accepts both in the browser.
        self.decide_in_browser([waiting[COMPLETED[:2]]["id"], waiting[RETARGETED[:2]]["id"]])
        accepted = self.updates("accepted")
        self.assertEqual(set(accepted), {COMPLETED[:2], RETARGETED[:2]})
        self.assertEqual(self.updates("waiting"), {})
        d.stop()

        # 4 and 5. The passes after the decisions.
        # Monday 6 April, 08:45: the digest only (notices go from 09:00).
        monday = self.run_once("2020-04-06T08:45")
        digests = [m for m in monday if "Weekly DHR action plan digest, w/c 6 April 2020"
                   in str(m["Subject"])]
        self.assertEqual(len(digests), 1, [str(m["Subject"]) for m in monday])
        digest = self.text_of(digests[0])
        completed = "\n".join(harness.digest_section(digest, "COMPLETED IN THE LAST 7 DAYS"))
        self.assertIn(f"- {COMPLETED[0]} {COMPLETED[2]}", completed, digest)
        overdue = {(a, t) for a, t, _ in harness.digest_overdue_rows(digest)}
        self.assertIn((CONTROL[0], CONTROL[2]), overdue, digest)
        self.assertNotIn((COMPLETED[0], COMPLETED[2]), overdue, digest)
        self.assertNotIn((RETARGETED[0], RETARGETED[2]), overdue, digest)

        # Tuesday 14 April (Easter Monday's overdue repeat, and the chair's escalation at
        # D+14): the control is chased, the two decided milestones are not; wwin is told.
        april14 = self.run_once("2020-04-14T09:00")
        wwin = self.to_wwin(april14)
        self.assertEqual(len(wwin), 1, "wwin's overdue repeat of 14 April 2020")
        self.assertIn((CONTROL[0], CONTROL[2]), item_texts(wwin[0]))
        self.assertTrue(any("chair@" in str(m["To"]) for m in april14), "the escalation")
        self.assert_not_chased(april14, COMPLETED, "14 April")
        self.assert_not_chased(april14, RETARGETED, "14 April")
        told = wwin[0][wwin[0].find("Your updates"):]
        self.assertIn("Your updates", wwin[0])
        self.assertIn(f"- {COMPLETED[0]} {COMPLETED[2]}: Completed on 1 April 2020: accepted.",
                      told)
        self.assertIn(f"- {RETARGETED[0]} {RETARGETED[2]}: New target date: {NEW_TARGET}: "
                      "accepted.", told)

        # Monday 20 April, the next weekly repeat: still nothing about them, and told once.
        april20 = self.run_once("2020-04-20T09:00")
        wwin = self.to_wwin(april20)
        self.assertEqual(len(wwin), 1, "wwin's overdue repeat of 20 April 2020")
        self.assertIn((CONTROL[0], CONTROL[2]), item_texts(wwin[0]))
        self.assert_not_chased(april20, COMPLETED, "20 April")
        self.assert_not_chased(april20, RETARGETED, "20 April")
        self.assertNotIn("Your updates", wwin[0])

        # Friday 3 July: 28 days before 31 July, 1.4's reminders start again.
        july3 = self.run_once("2020-07-03T09:00")
        self.assert_not_chased(july3, COMPLETED, "3 July")
        reminded = [text for text in self.to_wwin(july3)
                    for action, milestone, when, due in harness.notice_items(text, with_due=True)
                    if (action, milestone) == (RETARGETED[0], RETARGETED[2])]
        self.assertEqual(len(reminded), 1, "the 28-day reminder of 1.4's new target")
        items = {(a, m): (when, due) for a, m, when, due
                 in harness.notice_items(reminded[0], with_due=True)}
        when, due = items[(RETARGETED[0], RETARGETED[2])]
        self.assertEqual(str(due), "2020-07-31")
        self.assertNotIn("overdue", when.lower())
        self.assertIn(f"March 2020 (revised: {NEW_TARGET})", reminded[0])

        # Monday 6 July, 08:45: the digest lists 1.4 due within its horizon, revised.
        digests = [m for m in self.run_once("2020-07-06T08:45")
                   if "Weekly DHR action plan digest" in str(m["Subject"])]
        self.assertEqual(len(digests), 1)
        digest = self.text_of(digests[0])
        due_soon = "\n".join(harness.digest_section(digest, "DUE IN THE NEXT"))
        self.assertIn(f"- {RETARGETED[0]} {RETARGETED[2]}", due_soon, digest)
        self.assertIn(f"Target: March 2020 (revised: {NEW_TARGET}), due 31 July 2020", due_soon)
        overdue = {(a, t) for a, t, _ in harness.digest_overdue_rows(digest)}
        self.assertNotIn((COMPLETED[0], COMPLETED[2]), overdue, digest)
        self.assertNotIn(f"{COMPLETED[0]} {COMPLETED[2]}", due_soon)

        # The board and wwin's page, served by the daemon restarted after the decisions.
        d.start(now="2020-07-06T10:00")
        self.new_messages()
        self.browser.open(d.url("board"), browser.WIDTHS[0])
        self.browser.screenshot("report-back-board")
        board = self.browser.text()
        rows = {row.find_element(By.CSS_SELECTOR, "th").text: row.text
                for row in self.browser.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
                if row.find_elements(By.CSS_SELECTOR, "th")}
        retargeted = [text for head, text in rows.items()
                      if head == f"{RETARGETED[0]} {RETARGETED[2]}"]
        self.assertEqual(len(retargeted), 1, board)
        self.assertNotIn("overdue", retargeted[0].lower())
        self.assertIn("Due in 25 days", retargeted[0])  # 31 July: the board shows no targets
        recommendation = [text for head, text in rows.items() if head.startswith("1 ")]
        self.assertEqual(len(recommendation), 1, board)
        self.assertIn("(2 of 5 milestones)", recommendation[0])  # 1.1 and 1.3 complete
        self.assertNotIn(f"{COMPLETED[0]} {COMPLETED[2]}", rows, board)
        self.assertIn(f"{CONTROL[0]} {CONTROL[2]}", rows)
        self.browser.open(d.url("agency", AGENCY), browser.WIDTHS[0])
        self.browser.screenshot("report-back-agency")
        page = self.browser.text()
        self.assertIn(f"March 2020 (revised: {NEW_TARGET})", page)
        d.stop()

        # 6. The export writes both into the deployment's copy of the plan; check passes.
        out = d.command("updates", "export").stdout
        self.assertIn("wrote 2 updates into", out)
        with open(d.plan, encoding="utf-8") as f:
            plan = f.read()
        self.assertRegex(plan, r"id: scoping\n(?:\s+\S.*\n)*?\s+done: 2020-04-01\n")
        self.assertRegex(plan, r'id: ppit-in-training\n(?:\s+\S.*\n)*?'
                               rf'\s+revised_target: "?{NEW_TARGET}"?\n')
        check = d.command("check", check=False)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertNotIn("is in effect but not in", check.stdout + check.stderr)

        history = d.command("history", "--format", "csv").stdout
        rows = [r for r in csv.DictReader(io.StringIO(history))
                if r["kind"] == "update"]
        events = {(r["state"], r["recipient"], r["action"], r["milestone"]) for r in rows}
        for milestone in (COMPLETED, RETARGETED):
            self.assertIn(("submitted", AGENCY) + milestone[:2], events)
            self.assertIn(("accepted", AGENCY) + milestone[:2], events)


if __name__ == "__main__":
    unittest.main()
