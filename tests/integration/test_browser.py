"""Issue 10: the board and agency pages of the example deployment in a real browser (Debian's
Chromium, headless, through chromium-driver and python3-selenium): what they say matches
`agenda --format json`, they read at 1280 and 375 px wide with no sideways scrolling, and
axe-core finds no accessibility violation. Whole-page screenshots at both widths are kept as
test artefacts (build/test-artifacts/browser, or PR_ARTIFACTS).
"""

import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browser
from test_update_page import update_link
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


if __name__ == "__main__":
    unittest.main()
