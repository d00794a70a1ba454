"""Issue 10: the board and agency pages of the example deployment in a real browser (Debian's
Chromium, headless, through chromium-driver and python3-selenium): what they say matches
`agenda --format json`, they read at 1280 and 375 px wide with no sideways scrolling, and
axe-core finds no accessibility violation. Whole-page screenshots at both widths are kept as
test artefacts (build/test-artifacts/browser, or PR_ARTIFACTS).
"""

import json
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browser
from test_coordinator_page import form_token
from test_update_page import post, update_link
from test_web_surface import get
from test_web_surface import AGENCY, AS_OF, RunningWebDeployment, dated_open

OPEN_STATES = ("overdue", "due", "upcoming", "later", "undated", "pending", "ongoing", "on hold")


@unittest.skipIf(browser.missing(), browser.missing() or "")
class WebPagesInBrowser(RunningWebDeployment):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = browser.Browser()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        super().tearDownClass()

    def look_at(self, name, url):
        """Opens `url` at each width: a screenshot, no sideways scrolling, no axe violation.
        Returns the page's text at the widest."""
        texts = {}
        for width in browser.WIDTHS:
            with self.subTest(page=name, width=width):
                self.browser.open(url, width)
                self.browser.screenshot(f"{name}-{width}")
                self.assertNotIn("Page not found", self.browser.driver.title)
                self.assertLessEqual(self.browser.scroll_width(), width,
                                     f"{name} scrolls sideways at {width} px")
                violations = self.browser.axe_violations()
                self.assertEqual(violations, [], browser.describe(violations))
                texts[width] = self.browser.text()
        return texts[browser.WIDTHS[0]]

    # Tests that the board shows every recommendation and every overdue milestone with its
    # lead, reads at both widths and passes axe.
    def test_board(self):
        text = self.look_at("board", self.deployment.url("board"))
        items = self.deployment.agenda()
        overdue = [item for item in items if item["state"] == "overdue"]
        self.assertTrue(overdue, "the example has overdue milestones on " + AS_OF)
        for item in overdue:
            self.assertIn(item["text"], text)
        for action in {item["action"] for item in items}:
            recommendation = action.split(".")[0]
            self.assertRegex(text, rf"\b{recommendation}\b")

    # Tests that an agency's page lists exactly its open milestones (lead or support).
    def test_agency_page(self):
        text = self.look_at("agency", self.deployment.url("agency", AGENCY))
        mine = [item for item in self.deployment.agenda("--agency", AGENCY)
                if item["state"] in OPEN_STATES]
        self.assertTrue(dated_open(mine))
        for item in mine:
            self.assertIn(item["text"], text)
        theirs = {item["text"] for item in self.deployment.agenda()} - {
            item["text"] for item in self.deployment.agenda("--agency", AGENCY)}
        for other in theirs:
            self.assertNotIn(other, text)

    # Tests the agency's update page from its email link (issue 11): it reads at both widths and
    # passes axe as it opens, with a mistake shown (the error summary and the message by the
    # field) and after a good submission (the confirmation), with no JavaScript of ours.
    def test_update_page(self):
        link = update_link(self.deployment.folder, AGENCY)
        self.look_at("update", link)
        driver = self.browser.driver
        self.browser.open(link, browser.WIDTHS[0])
        driver.find_element(By.ID, "kind-1-1").click()  # Completed, with no date
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
        self.assertIn("Enter the date the milestone was completed",
                      driver.find_element(By.ID, "done-1").find_element(By.XPATH, "..").text)
        self.browser.screenshot("update-error")
        violations = self.browser.axe_violations()
        self.assertEqual(violations, [], browser.describe(violations))
        driver.find_element(By.ID, "done-1").send_keys("02/03/2020")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "Update sent" in d.title + self.browser.text())
        self.browser.screenshot("update-sent")
        self.assertEqual(self.browser.axe_violations(), [])
        waiting = self.deployment.command("updates", "list", "--format", "json").stdout
        self.assertIn('"done_on": "2020-03-02"', waiting)

    # Tests the coordinator's page (issue 11) with an update waiting: it reads at both widths
    # and passes axe; a rejection without a note comes back with the message by the note (axe
    # again); the update is then accepted in one click and the page says so.
    def test_coordinator_page(self):
        link = update_link(self.deployment.folder, "council")
        status, _ = post(link, {"form_token": form_token(get(link).text()),
                                "kind-1": "completed", "done-1": "01/03/2020",
                                "note-1": "Signed off by the board"})
        self.assertEqual(status, 200)
        waiting = [u for u in json.loads(self.deployment.command(
            "updates", "list", "--format", "json").stdout)["updates"] if u["agency"] == "council"]
        self.assertEqual(len(waiting), 1)
        number = waiting[0]["id"]
        coordinator = self.deployment.url("coordinator")
        text = self.look_at("coordinator", coordinator)
        self.assertIn("Completed on 1 March 2020", text)
        driver = self.browser.driver
        self.browser.open(coordinator, browser.WIDTHS[0])
        form = driver.find_element(By.ID, f"note-{number}").find_element(By.XPATH, "ancestor::form")
        form.find_element(By.CSS_SELECTOR, "button[value=reject]").click()
        WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
        self.assertIn("Say why you reject",
                      driver.find_element(By.ID, f"note-{number}").find_element(By.XPATH, "..").text)
        self.browser.screenshot("coordinator-error")
        violations = self.browser.axe_violations()
        self.assertEqual(violations, [], browser.describe(violations))
        form = driver.find_element(By.ID, f"note-{number}").find_element(By.XPATH, "ancestor::form")
        form.find_element(By.CSS_SELECTOR, "button[value=accept]").click()
        WebDriverWait(driver, 30).until(lambda d: f"Accepted update {number}" in self.browser.text())
        self.browser.screenshot("coordinator-accepted")
        self.assertEqual(self.browser.axe_violations(), [])
        decided = self.deployment.command("updates", "list", "--state", "accepted",
                                          "--format", "json").stdout
        self.assertIn(f'"id": {number}', decided)


if __name__ == "__main__":
    unittest.main()
