"""Issue 10: the web surface of `plan-reminder run`, end to end, on the example plan ('David')
in a fresh temporary folder with a Maildir transport and a `web:` section on a loopback port.

What a user of the surface sees: the links `plan-reminder url` prints work, and nothing else
does (a wrong, truncated, missing or revoked token gets 404 and no data, on every route); the
calendar feeds parse with a second parser (python3-icalendar) and hold exactly the agency's
dated open milestones as `agenda` lists them; a revised target comes back under the same UID
with a higher SEQUENCE after the reload; /metrics and /healthz answer on the listen address
only; every response carries the security headers. The pages in a real browser (Chromium, axe)
are in the WebPagesInBrowser class.

Waits are bounded polls of what the daemon serves; nothing sleeps for a fixed time.
"""

import datetime
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
import unittest
import urllib.parse

import icalendar

import harness

NOW = "2020-03-03T10:00"  # after Tuesday's send: the daemon's first pass catches up, then idles
AS_OF = "2020-03-03"
AGENCY = "wwin"  # leads and supports several of the example's milestones
START_TIMEOUT = 30.0
RELOAD_TIMEOUT = 30.0
SECURITY_HEADERS = {
    "cache-control": None,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "content-security-policy": None,
}


class WebDeployment:
    """config/agencies.yaml and config/plans/david.yaml with a Maildir transport and `web:`."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(os.path.join(folder, "plans"))
        shutil.copy(os.path.join(harness.SOURCE_DIR, "config", "agencies.yaml"), folder)
        self.plan = os.path.join(folder, "plans", "david.yaml")
        shutil.copy(os.path.join(harness.SOURCE_DIR, "config", "plans", "david.yaml"), self.plan)
        self.secret = os.path.join(folder, "link-secret")
        with open(self.secret, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(self.secret, 0o600)
        self.port = harness.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = os.path.join(folder, "plan-reminder.yaml")
        with open(self.config, "w") as f:
            f.write(f"""# Written by tests/integration/test_web_surface.py
timezone: Europe/London
plans: plans/*.yaml
directory: agencies.yaml
templates: {os.path.join(harness.SOURCE_DIR, "templates")}
state: state.db
from: "Safer Sunderland Partnership <{harness.FROM_ADDRESS}>"
transport:
  maildir: Maildir
web:
  listen: 127.0.0.1:{self.port}
  base_url: {self.base}
  secret_file: link-secret
""")
        self.process = None
        self.log = os.path.join(folder, "daemon.log")

    def command(self, *arguments, check=True):
        result = subprocess.run([harness.BINARY, *arguments, "--config", self.config],
                                capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"plan-reminder {' '.join(arguments)} exited "
                                 f"{result.returncode}:\n{result.stdout}{result.stderr}")
        return result

    def url(self, *what):
        return self.command("url", *what).stdout.strip()

    def agenda(self, *extra):
        out = self.command("agenda", "--as-of", AS_OF, "--format", "json", *extra).stdout
        return json.loads(out)["items"]

    def start(self, listening=None, now=NOW):
        """Starts `run` with its clock at `now`; with `listening` (a listening socket), as
        systemd's socket activation does: the socket as descriptor 3, LISTEN_FDS=1 and
        LISTEN_PID the daemon's own."""
        command = [harness.BINARY, "--verbose", "run", "--now", now, "--config", self.config]
        passed = ()
        if listening is not None:
            passed = (listening.fileno(),)
            command = ["/bin/sh", "-c",
                       f'exec 3<&{listening.fileno()}; LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"',
                       "sh", *command]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log,
                                            stdin=subprocess.DEVNULL, pass_fds=passed)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the daemon exited {self.process.returncode}:\n"
                                     + self.log_text())
            try:
                if get(self.base + "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(harness.POLL_INTERVAL)
        raise AssertionError("/healthz never said 200:\n" + self.log_text())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def log_text(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def text(self):
        return self.body.decode("utf-8")


def get(url, headers=None):
    """One GET; the reply whatever its status."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        target = parts.path + ("?" + parts.query if parts.query else "")
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                     response.read())
    finally:
        connection.close()


def with_token(url, token):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode({"t": token}) if token is not None else ""
    return urllib.parse.urlunsplit(parts._replace(query=query))


def token_of(url):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["t"][0]


def dated_open(items):
    return [item for item in items
            if item.get("due") and item["state"] in ("overdue", "due", "upcoming", "later")]


class RunningWebDeployment(unittest.TestCase):
    """A test class with one daemon serving the example for all its tests."""

    @classmethod
    def setUpClass(cls):
        cls.folder = harness.TestFolder("web")
        cls.deployment = WebDeployment(cls.folder.path)
        cls.deployment.start()

    @classmethod
    def tearDownClass(cls):
        cls.deployment.stop()
        cls.folder.cleanup()


class WebSurface(RunningWebDeployment):

    def routes(self):
        d = self.deployment
        return {"board": d.url("board"), "agency": d.url("agency", AGENCY),
                "feed": d.url("feed", AGENCY), "board feed": d.url("feed", "board")}

    # Tests that each link `url` prints opens its page or feed, with the security headers.
    def test_printed_links_work(self):
        for name, url in self.routes().items():
            with self.subTest(route=name):
                self.assertTrue(url.startswith(self.deployment.base + "/"), url)
                reply = get(url)
                self.assertEqual(reply.status, 200, reply.body[:300])
                for header, value in SECURITY_HEADERS.items():
                    self.assertIn(header, reply.headers)
                    if value:
                        self.assertEqual(reply.headers[header], value)
                self.assertIn("default-src 'none'", reply.headers["content-security-policy"])

    # Tests that a wrong, truncated, missing or other-purpose token gets 404 and no plan data.
    def test_bad_tokens_get_nothing(self):
        routes = self.routes()
        secrets = [item["text"] for item in self.deployment.agenda()] + ["dhr-david"]
        for name, url in routes.items():
            token = token_of(url)
            flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
            other = token_of(routes["board" if name != "board" else "agency"])
            for label, bad in (("altered", flipped), ("truncated", token[:-4]),
                               ("empty", ""), ("missing", None), ("other route's", other)):
                with self.subTest(route=name, token=label):
                    reply = get(with_token(url, bad))
                    self.assertEqual(reply.status, 404)
                    body = reply.body.decode("utf-8", "replace")
                    for text in secrets:
                        self.assertNotIn(text, body)

    # Tests that every response is logged (at debug level) without the token it carried.
    def test_log_never_shows_tokens(self):
        routes = self.routes()
        for url in routes.values():
            get(url)
            get(url + "x")
        log = self.deployment.log_text()
        self.assertRegex(log, r"GET /agency/" + AGENCY + r"\b.*\b200\b")
        for url in routes.values():
            self.assertNotIn(token_of(url), log)
        with open(self.deployment.secret, "rb") as f:
            self.assertNotIn(f.read().hex(), log)

    # Tests that a revoked link stops working at once while a new one works, with no restart.
    def test_revoked_link_stops_working(self):
        d = self.deployment
        old = d.url("agency", "police")
        self.assertEqual(get(old).status, 200)
        d.command("url", "agency", "police", "--revoke")
        self.assertEqual(get(old).status, 404)
        self.assertEqual(get(d.url("agency", "police")).status, 200)

    # Tests that an agency's feed holds exactly its dated open milestones, as agenda lists them,
    # in a calendar Outlook and Google subscribe to.
    def test_agency_feed_matches_agenda(self):
        reply = get(self.deployment.url("feed", AGENCY))
        self.assertEqual(reply.status, 200)
        self.assertTrue(reply.headers["content-type"].startswith("text/calendar"))
        self.assertIn(b"\r\n", reply.body)
        calendar = icalendar.Calendar.from_ical(reply.body)
        self.assertEqual(str(calendar["METHOD"]), "PUBLISH")
        self.assertIn("X-WR-CALNAME", calendar)
        self.assertIn("REFRESH-INTERVAL", calendar)
        events = calendar.walk("VEVENT")
        expected = {(item["review"], item["action"], item["milestone"]):
                    datetime.date.fromisoformat(item["due"])
                    for item in dated_open(self.deployment.agenda("--agency", AGENCY))}
        self.assertTrue(expected, "the example agency has dated open milestones")
        got = {}
        for event in events:
            uid = str(event["UID"])
            review_action_milestone = tuple(uid.split("@")[0].split("/"))
            start = event["DTSTART"].dt
            self.assertIsInstance(start, datetime.date)
            self.assertNotIsInstance(start, datetime.datetime)  # all-day
            got[review_action_milestone] = start
            self.assertTrue(str(event["SUMMARY"]).startswith("Due: "), event["SUMMARY"])
        self.assertEqual(got, expected)

    # Tests that a calendar that polls with the ETag it has gets 304 and no body.
    def test_unchanged_feed_costs_nothing(self):
        url = self.deployment.url("feed", "board")
        first = get(url)
        self.assertIn("etag", first.headers)
        again = get(url, {"If-None-Match": first.headers["etag"]})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")

    # Tests that /metrics speaks Prometheus' text format on the listen address, and that
    # neither it nor /healthz answers a request that came through a proxy.
    def test_metrics_and_health_on_listen_address_only(self):
        base = self.deployment.base
        metrics = get(base + "/metrics")
        self.assertEqual(metrics.status, 200)
        self.assertTrue(metrics.headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = metrics.text()
        for family in re.findall(r"^# TYPE (\S+) ", text, re.M):
            self.assertRegex(text, rf"(?m)^{re.escape(family)}(\{{[^}}]*\}})? \S+$")
        self.assertRegex(text, r"(?m)^\S*outbox\S* \d+$")
        for path in ("/metrics", "/healthz"):
            with self.subTest(path=path):
                self.assertEqual(get(base + path, {"X-Forwarded-For": "192.0.2.1"}).status, 404)


class RevisedTarget(RunningWebDeployment):
    """A revised target reloaded by the daemon: same UID, higher SEQUENCE."""

    def events(self, url):
        reply = get(url)
        self.assertEqual(reply.status, 200)
        return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(reply.body).walk("VEVENT")}

    # Tests that after a milestone's target is revised and the plan reloaded, its event comes
    # back under the same UID with the new date and a higher SEQUENCE, and the others keep
    # theirs.
    def test_sequence_rises_when_the_due_date_moves(self):
        d = self.deployment
        url = d.url("feed", "board")
        before = self.events(url)
        uid = next(u for u in before if "/1.1/scoping@" in u)
        with open(d.plan, encoding="utf-8") as f:
            text = f.read()
        # 1.1's scoping milestone: "March 2020" becomes a revised target in June.
        edited = re.sub(r"(id: scoping\n(\s+)text: [^\n]*\n\s+target: [^\n]*\n)",
                        r"\1\2revised_target: June 2020\n", text, count=1)
        self.assertNotEqual(edited, text, "the example plan's 1.1 scoping milestone moved")
        with open(d.plan, "w", encoding="utf-8") as f:
            f.write(edited)
        deadline = time.monotonic() + RELOAD_TIMEOUT
        after = before
        while time.monotonic() < deadline:
            after = self.events(url)
            if after[uid]["DTSTART"].dt != before[uid]["DTSTART"].dt:
                break
            time.sleep(harness.POLL_INTERVAL)
        self.assertEqual(after[uid]["DTSTART"].dt, datetime.date(2020, 6, 30))
        self.assertGreater(int(after[uid]["SEQUENCE"]), int(before[uid].get("SEQUENCE", 0)))
        for other in before:
            if other != uid:
                self.assertEqual(int(after[other].get("SEQUENCE", 0)),
                                 int(before[other].get("SEQUENCE", 0)), other)


class SocketActivation(unittest.TestCase):
    """The daemon started as by plan-reminder.socket: it serves on the socket systemd passed,
    not on web.listen."""

    # Tests that the passed socket answers with the board and health, that the configured
    # listen address stays closed, and that the pass still runs.
    def test_serves_the_socket_systemd_passed(self):
        folder = harness.TestFolder("web-socket")
        self.addCleanup(folder.cleanup)
        deployment = WebDeployment(folder.path)
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(listening.close)
        listening.bind(("127.0.0.1", 0))
        listening.listen(16)
        configured = deployment.base
        deployment.base = "http://127.0.0.1:%d" % listening.getsockname()[1]
        deployment.start(listening)
        self.addCleanup(deployment.stop)
        board = urllib.parse.urlsplit(deployment.url("board"))
        reply = get(deployment.base + board.path + "?" + board.query)
        self.assertEqual(reply.status, 200)
        self.assertIn("Action plan status", reply.text())
        with self.assertRaises(OSError):
            get(configured + "/healthz")
        self.assertIn("pass", deployment.log_text())


if __name__ == "__main__":
    unittest.main()
