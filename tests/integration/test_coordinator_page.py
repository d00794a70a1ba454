"""Issue 11: the coordinator's page, end to end over HTTP on the example plan.

Agencies send updates through the links in the daemon's first emails (3 March 2020); the
coordinator opens the link `url coordinator` prints, sees each update waiting with the milestone
it is about, accepts one in one click and rejects another with a note (a rejection without one
comes back with a message next to the note). Forged and foreign links and forms without their
form token decide nothing.
"""

import email
import email.policy
import json
import os
import re
import unittest
import urllib.parse

import harness
from test_update_page import post, update_link
from test_web_surface import RunningWebDeployment, WebDeployment, get

COORDINATOR_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/updates\?t=\S+)")


def form_token(page):
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


class CoordinatorPage(RunningWebDeployment):

    def updates(self):
        out = self.deployment.command("updates", "list", "--state", "all", "--format", "json")
        return {u["id"]: u for u in json.loads(out.stdout)["updates"]}

    def send(self, agency, fields):
        """Sends `fields` through the update link of `agency`'s first email; the new update."""
        before = set(self.updates())
        link = update_link(self.deployment.folder, agency)
        status, page = post(link, {"form_token": form_token(get(link).text()), **fields})
        self.assertEqual(status, 200, page[:2000])
        new = [u for i, u in self.updates().items() if i not in before]
        self.assertEqual(len(new), 1)
        return new[0]

    def test_the_coordinator_accepts_and_rejects(self):
        done = self.send("police", {"kind-1": "completed", "done-1": "02/03/2020",
                                    "note-1": "Signed off <b>today</b>"})
        later = self.send("wwin", {"kind-1": "new_target", "target-1": "June 2021",
                                   "note-1": "Funding came late"})
        link = self.deployment.url("coordinator")
        self.assertRegex(link, r"/updates\?t=")
        reply = get(link)
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["cache-control"], "no-store")
        page = reply.text()
        self.assertIn("Completed on 2 March 2020", page)
        self.assertIn("Signed off &lt;b&gt;today&lt;/b&gt;", page)
        self.assertIn("New target date: June 2021", page)
        self.assertIn("Northumbria Police", page)
        token = form_token(page)

        # A rejection must say why: it comes back, with the message next to the note.
        status, page = post(link, {"form_token": token, "id": later["id"], "decision": "reject",
                                   "note": "  "})
        self.assertEqual(status, 400)
        self.assertIn(f'id="note-{later["id"]}-error"', page)
        self.assertEqual(self.updates()[later["id"]]["state"], "waiting")

        status, page = post(link, {"form_token": token, "id": done["id"], "decision": "accept"})
        self.assertEqual(status, 200, page[:2000])
        self.assertIn(f'Accepted update {done["id"]} from Northumbria Police', page)
        status, page = post(link, {"form_token": token, "id": later["id"], "decision": "reject",
                                   "note": "Agree the date at the <board> first"})
        self.assertEqual(status, 200, page[:2000])
        self.assertIn(f'Rejected update {later["id"]}', page)
        for decided in (done, later):
            self.assertNotIn(f'name="id" value="{decided["id"]}"', page)
        stored = self.updates()
        self.assertEqual(stored[done["id"]]["state"], "accepted")
        self.assertEqual(stored[later["id"]]["state"], "rejected")
        self.assertEqual(stored[later["id"]]["decision_note"], "Agree the date at the <board> first")

        # Deciding again changes nothing.
        status, page = post(link, {"form_token": token, "id": done["id"], "decision": "reject",
                                   "note": "Changed my mind"})
        self.assertEqual(status, 409)
        self.assertIn("already accepted", page)
        self.assertEqual(self.updates()[done["id"]]["state"], "accepted")
        # Every decision is in the audit trail.
        history = self.deployment.command("history", "--format", "csv").stdout
        self.assertIn("accepted", history)
        self.assertIn("Agree the date at the <board> first", history)

    def test_other_links_and_forged_forms_decide_nothing(self):
        waiting = self.send("council", {"kind-1": "progress", "note-1": "Halfway there"})
        link = self.deployment.url("coordinator")
        token = form_token(get(link).text())
        t = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
        changed = link.replace("t=" + t, "t=" + t[:-1] + ("A" if t[-1] != "A" else "B"))
        board = self.deployment.url("board")
        on_board_token = link.split("?")[0] + "?" + urllib.parse.urlsplit(board).query
        agency_link = update_link(self.deployment.folder, "council")
        agency_form = form_token(get(agency_link).text())
        fields = {"form_token": token, "id": waiting["id"], "decision": "accept"}
        for url in (changed, on_board_token, link.split("?")[0]):
            with self.subTest(url=url):
                reply = get(url)
                self.assertEqual(reply.status, 403)
                self.assertIn("Nothing has been changed", reply.text())
                self.assertEqual(post(url, fields)[0], 403)
        self.assertEqual(post(link, {**fields, "form_token": agency_form})[0], 403)
        self.assertEqual(post(link, {"id": waiting["id"], "decision": "accept"})[0], 403)
        self.assertEqual(post(link, {**fields, "id": "7 OR 1=1"})[0], 400)
        self.assertEqual(post(link, {**fields, "decision": "approve"})[0], 400)
        self.assertEqual(post(link, fields, content_type="text/plain")[0], 415)
        self.assertEqual(self.updates()[waiting["id"]]["state"], "waiting")


class DigestLink(unittest.TestCase):
    """The Monday digest after an agency sent an update lists it, waiting, with a link to the
    coordinator's page; the coordinator accepts it through that link."""

    def setUp(self):
        self.folder = harness.TestFolder("coordinator-digest")
        self.addCleanup(self.folder.cleanup)
        self.deployment = WebDeployment(self.folder.path)
        self.deployment.start()
        self.addCleanup(self.deployment.stop)

    def messages(self):
        new = os.path.join(self.deployment.folder, "Maildir", "new")
        for name in sorted(os.listdir(new)):
            with open(os.path.join(new, name), "rb") as f:
                yield email.message_from_binary_file(f, policy=email.policy.default)

    def digest_text(self):
        for message in self.messages():
            if "Weekly DHR action plan digest, w/c 9 March 2020" in message["Subject"]:
                return message.get_body(("plain",)).get_content()
        raise AssertionError("no digest in the Maildir")

    def police_emails_dated(self, day):
        """The text parts of the emails to Northumbria Police dated `day` ("17 Mar 2020")."""
        return [m.get_body(("plain",)).get_content() for m in self.messages()
                if m["To"] == "Northumbria Police <dhr-lead@police.example.org>"
                and day in m["Date"]]

    def test_the_agency_is_told_each_decision_once(self):
        """Police's next email after the coordinator decided says what was accepted and what
        was rejected, with the note; the email after that says nothing of them."""
        link = update_link(self.deployment.folder, "police")
        status, _ = post(link, {"form_token": form_token(get(link).text()),
                                "kind-1": "new_target", "target-1": "June 2020",
                                "note-1": "Waiting for the MARAC review"})
        self.assertEqual(status, 200)
        self.deployment.stop()
        waiting = json.loads(self.deployment.command(
            "updates", "list", "--format", "json").stdout)["updates"]
        self.assertEqual(len(waiting), 1)
        self.deployment.command("updates", "reject", str(waiting[0]["id"]),
                                "--note", "Keep March: the board meets on the 30th")
        # The reminder of 17 March (14 days before 31 March) is police's next email.
        self.deployment.command("run", "--once", "--now", "2020-03-17")
        told = self.police_emails_dated("17 Mar 2020")
        self.assertEqual(len(told), 1)
        self.assertIn("Your updates", told[0])
        self.assertIn("New target date: June 2020: not accepted. "
                      "\"Keep March: the board meets on the 30th\"", told[0])
        self.deployment.command("run", "--once", "--now", "2020-03-24")
        later = self.police_emails_dated("24 Mar 2020")
        self.assertEqual(len(later), 1)
        self.assertNotIn("Your updates", later[0])
        history = self.deployment.command("history", "--format", "csv").stdout
        self.assertIn("told", history)

    def test_the_digest_links_to_the_waiting_updates(self):
        link = update_link(self.deployment.folder, "police")
        status, _ = post(link, {"form_token": form_token(get(link).text()),
                                "kind-1": "progress", "note-1": "Pathway drafted"})
        self.assertEqual(status, 200)
        self.deployment.stop()
        self.deployment.command("run", "--once", "--now", "2020-03-09T08:45")
        text = self.digest_text()
        self.assertIn("UPDATES FROM AGENCIES WAITING FOR A DECISION (1)", text)
        self.assertIn("Northumbria Police", text)
        links = COORDINATOR_LINK.findall(text)
        self.assertEqual(len(links), 1, text)

        self.deployment.start(now="2020-03-09T09:30")
        page = get(links[0])
        self.assertEqual(page.status, 200)
        self.assertIn("Pathway drafted", page.text())
        waiting = re.search(r'name="id" value="(\d+)"', page.text()).group(1)
        status, page = post(links[0], {"form_token": form_token(page.text()), "id": waiting,
                                       "decision": "accept"})
        self.assertEqual(status, 200, page[:2000])
        out = self.deployment.command("updates", "list", "--state", "accepted", "--format", "json")
        self.assertEqual([u["id"] for u in json.loads(out.stdout)["updates"]], [int(waiting)])


if __name__ == "__main__":
    unittest.main()
