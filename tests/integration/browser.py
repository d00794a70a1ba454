"""A real browser for the web surface's tests (issue 10): Debian's Chromium driven through
chromium-driver and python3-selenium, headless, with axe-core (tests/browser/, pinned and
installed from the npm registry by scripts/install-deps) injected into each page.

Screenshots are kept as test artefacts in PR_ARTIFACTS (default build/test-artifacts/browser).
"""

import base64
import os

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("PR_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
AXE = os.path.join(SOURCE_DIR, "tests", "browser", "node_modules", "axe-core", "axe.min.js")
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"

# The widths the pages must read well at: a laptop and a phone.
WIDTHS = (1280, 375)


def artifacts_folder():
    folder = os.environ.get("PR_ARTIFACTS",
                            os.path.join(SOURCE_DIR, "build", "test-artifacts", "browser"))
    os.makedirs(folder, exist_ok=True)
    return folder


def missing():
    """Why the browser tests cannot run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver"),
                          (AXE, "axe-core (npm ci --prefix tests/browser)")):
        if not os.path.exists(path):
            return f"{path} is missing: run scripts/install-deps ({package})"
    return None


class Browser:
    """One headless Chromium for a test class; no JavaScript of ours runs in the pages."""

    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--disable-background-networking",
                         "--hide-scrollbars", "--lang=en-GB"):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)
        with open(AXE, encoding="utf-8") as f:
            self.axe_source = f.read()

    def close(self):
        self.driver.quit()

    def open(self, url, width):
        # The window's inner width is what the page's CSS sees; the height grows for the shot.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
        self.driver.get(url)

    def text(self):
        """The page's visible text; "" while a form's submission replaces the page (its old body
        goes stale between finding it and reading it), so that a wait simply asks again."""
        try:
            return self.driver.find_element("tag name", "body").text
        except StaleElementReferenceException:
            return ""

    def scroll_width(self):
        return self.driver.execute_script("return document.documentElement.scrollWidth")

    def screenshot(self, name):
        """The whole page, not just the first screenful, as a PNG in the artefacts folder."""
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True})
        path = os.path.join(artifacts_folder(), name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return path

    def axe_violations(self):
        """axe-core's violations on the open page (WCAG 2.x A and AA and best practices)."""
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            "  .then(r => done(r.violations)).catch(e => done([{id: 'axe-error',"
            "  help: String(e), nodes: []}]));")
        return result


def describe(violations):
    """A readable list of axe's findings for an assertion message."""
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node.get("target", [])) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']}: {violation['help']} ({targets})")
    return "\n".join(lines)
