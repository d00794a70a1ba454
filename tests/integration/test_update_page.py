"""Issue 11: the agency's update page, end to end over HTTP on the example plan.

The daemon's first pass (3 March 2020) writes notice emails to the Maildir; each agency email
carries one "Update these actions" link. The link opens exactly that email's milestones; a form
sent through it is stored as waiting updates; and every attack the issue names is refused with
nothing stored: a link with one character changed, another agency's page, a form without its
form token, a body over the limit, and a flood of submissions.

Waits are bounded polls of what the daemon serves; nothing sleeps for a fixed time.
"""

import email
import email.policy
import http.client
import json
import os
import re
import unittest
import urllib.parse

import harness
from test_web_surface import RunningWebDeployment, WebDeployment, get

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/update/[^\s?]+\?m=\S+&t=\S+)")


def post(url, fields=None, body=None, content_type="application/x-www-form-urlencoded"):
    """One POST of `fields` (a dict) or of `body` (bytes); the reply whatever its status."""
    parts = urllib.parse.urlsplit(url)
    if body is None:
        body = urllib.parse.urlencode(fields or {}).encode()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request("POST", parts.path + "?" + parts.query, body=body,
                           headers={"Content-Type": content_type})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (ConnectionResetError, BrokenPipeError):
        return None, ""
    finally:
        connection.close()


def agency_emails(folder):
    """(agency, text part) of every notice email to one agency in the deployment's Maildir."""
    agencies = harness.read_directory(os.path.join(folder, "agencies.yaml"))
    by_address = {a: agency for agency, addresses in agencies.items() for a in addresses}
    out = []
    new = os.path.join(folder, "Maildir", "new")
    for name in sorted(os.listdir(new)):
        with open(os.path.join(new, name), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        to = [a.addr_spec for a in message["To"].addresses]
        if len(to) == 1 and to[0] in by_address:
            out.append((by_address[to[0]], message.get_body(("plain",)).get_content()))
    return out


def update_link(folder, agency):
    """The update link of the first email to `agency`, as its text part shows it."""
    for who, text in agency_emails(folder):
        if who == agency:
            return LINK.search(text).group(1)
    raise AssertionError(f"no email to {agency}")


class UpdatePage(RunningWebDeployment):

    def emails(self):
        return agency_emails(self.deployment.folder)

    def link_of(self, agency):
        return update_link(self.deployment.folder, agency)

    def form_token(self, page):
        return re.search(r'name="form_token" value="([^"]+)"', page).group(1)

    def updates(self):
        out = self.deployment.command("updates", "list", "--state", "all", "--format", "json")
        return json.loads(out.stdout)["updates"]

    def test_each_email_links_to_its_own_milestones(self):
        """Every agency email has one update link, for that agency, and its page lists the
        email's milestones, no more and no fewer."""
        emails = self.emails()
        self.assertTrue(emails)
        for agency, text in emails:
            links = LINK.findall(text)
            self.assertEqual(len(links), 1, text)
            self.assertIn(f"/update/{agency}?", links[0])
            reply = get(links[0])
            self.assertEqual(reply.status, 200)
            page = reply.text()
            listed = len(re.findall(r'<fieldset class="fieldset">', page))
            self.assertEqual(listed, len(harness.notice_items(text)), agency)
            self.assertEqual(reply.headers["cache-control"], "no-store")

    def test_forged_and_foreign_links_change_nothing(self):
        """A link with one character changed, or used on another agency's page, gets a plain
        page that says so; a form without its form token, a 1 MB body, or one that is not a
        form, are refused; nothing is stored by any of them."""
        link = self.link_of("wwin")
        page = get(link).text()
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
        changed = link.replace("t=" + token, "t=" + token[:-1] + ("A" if token[-1] != "A" else "B"))
        before = self.updates()
        reply = get(changed)
        self.assertEqual(reply.status, 403)
        self.assertIn("does not work", reply.text())
        self.assertIn("Nothing has been changed", reply.text())
        self.assertEqual(get(link.replace("/update/wwin?", "/update/police?")).status, 403)
        fields = {"form_token": self.form_token(page), "kind-1": "progress",
                  "note-1": "Forged"}
        self.assertEqual(post(changed, fields)[0], 403)
        self.assertEqual(post(link.replace("/update/wwin?", "/update/police?"), fields)[0], 403)
        self.assertEqual(post(link, {"kind-1": "progress", "note-1": "No token"})[0], 403)
        self.assertIn(post(link, body=b"kind-1=progress&note-1=" + b"x" * (1 << 20))[0],
                      (413, None))
        self.assertEqual(post(link, fields, content_type="text/plain")[0], 415)
        self.assertEqual(self.updates(), before)

    def test_a_good_form_is_stored_and_a_flood_is_refused(self):
        """A completion sent through the link is stored as waiting, with the link's id and not
        the token; of 100 submissions in a row through one link, 10 are taken (each newer one
        supersedes the waiting one) and 90 are refused with 429."""
        link = self.link_of("police")
        token_field = self.form_token(get(link).text())
        status, page = post(link, {"form_token": token_field, "kind-1": "completed",
                                   "done-1": "02/03/2020", "note-1": "Signed off <b>today</b>"})
        self.assertEqual(status, 200)
        self.assertIn("Update sent", page)
        self.assertIn("Signed off &lt;b&gt;today&lt;/b&gt;", page)
        stored = [u for u in self.updates() if u["agency"] == "police"]
        self.assertEqual(len(stored), 1)
        # The coordinator sees it waiting on the board and in the metrics at once.
        self.assertIn("1 update waits for the coordinator",
                      get(self.deployment.url("board")).text())
        self.assertIn("plan_reminder_updates_waiting 1",
                      get(self.deployment.base + "/metrics").text())
        self.assertEqual(stored[0]["state"], "waiting")
        self.assertEqual(stored[0]["done_on"], "2020-03-02")
        statuses = [post(link, {"form_token": token_field, "kind-1": "progress",
                                "note-1": f"Try {i}"})[0] for i in range(100)]
        self.assertEqual(statuses.count(200), 9)
        self.assertEqual(statuses.count(429), 91)
        police = [u for u in self.updates() if u["agency"] == "police"]
        self.assertEqual(len(police), 10)
        self.assertEqual([u["state"] for u in police].count("waiting"), 1)
        self.assertNotIn(urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0],
                         json.dumps(police))


class ExpiredLink(unittest.TestCase):
    """The emails of 3 March 2020 carry links that work for 60 days (`link_days`); the daemon
    started again on 1 June 2020 refuses them, saying they expired, and stores nothing."""

    def setUp(self):
        self.folder = harness.TestFolder("update-expired")
        self.addCleanup(self.folder.cleanup)
        self.deployment = WebDeployment(self.folder.path)
        self.deployment.start()
        self.addCleanup(self.deployment.stop)

    def test_an_expired_link_changes_nothing(self):
        link = update_link(self.deployment.folder, "wwin")
        page = get(link).text()
        form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        self.deployment.stop()
        self.deployment.start(now="2020-06-01T10:00")
        reply = get(link)
        self.assertEqual(reply.status, 403)
        self.assertIn("This update link has expired", reply.text())
        status, _ = post(link, {"form_token": form_token, "kind-1": "progress", "note-1": "Late"})
        self.assertEqual(status, 403)
        out = self.deployment.command("updates", "list", "--state", "all", "--format", "json")
        self.assertEqual(json.loads(out.stdout)["updates"], [])


if __name__ == "__main__":
    unittest.main()
