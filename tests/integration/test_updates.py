"""Issue 11: agencies' updates decided by the coordinator on the command line (`updates list`,
`accept`, `reject`) and their effect at the next pass, without touching the plan file; then
`updates export`, which writes them into it.

The updates are put in the state as the agency's update page stores them (a waiting row of the
`updates` table), because this test is about what happens after they arrive."""

import difflib
import json
import os
import sqlite3
import unittest

import harness

COMPLETED = ("1.1", "scoping")        # led by wwin, due 31 March 2020
NEW_TARGET = ("1.4", "ppit-in-training")  # led by wwin, due 31 March 2020
REJECTED = ("1.2", "pathway")         # led by wwin and police, due 31 March 2020


class WithDeployment(unittest.TestCase):
    """A test with the example deployment in a folder of its own, sending to a local sink."""

    def deploy(self, name):
        self.folder = harness.TestFolder(name)
        self.addCleanup(self.folder.cleanup)
        cert, key = harness.make_certificate(self.folder.path)
        self.sink = harness.Sink(os.path.join(self.folder.path, "sink"), cert, key)
        self.addCleanup(self.sink.stop)
        self.deployment = harness.Deployment(os.path.join(self.folder.path, "deployment"),
                                             self.sink.port, cert)


class CoordinatorDecides(WithDeployment):

    def setUp(self):
        self.deploy("updates")
        # Wednesday 1 April 2020: the first overdue notices of the end-of-March milestones.
        self.deployment.run("2020-04-01T09:00")
        self.ids = {COMPLETED: self.submit(COMPLETED, "completed", done_on="2020-04-02",
                                           note="Scoping document signed off"),
                    NEW_TARGET: self.submit(NEW_TARGET, "new_target", target="June 2020",
                                            note="Trainer unavailable until May"),
                    REJECTED: self.submit(REJECTED, "completed", done_on="2020-04-02",
                                          note="Pathway agreed")}

    def submit(self, milestone, kind, done_on="", target="", note=""):
        with sqlite3.connect(self.deployment.state) as db:
            cursor = db.execute(
                "INSERT INTO updates (review, action, milestone, agency, kind, done_on, target,"
                " note, submitted, token_id) VALUES ('dhr-david', ?, ?, 'wwin', ?, ?, ?, ?,"
                " strftime('%s', '2020-04-02 10:00:00'), 'test-link')",
                (milestone[0], milestone[1], kind, done_on, target, note))
            return cursor.lastrowid

    def updates(self, state="waiting"):
        out = self.deployment.command("updates", "list", "--state", state, "--format", "json")
        return {(u["action"], u["milestone"]): u for u in json.loads(out.stdout)["updates"]}

    def notices_after(self, moment):
        return [row for row in self.deployment.history()
                if row["recorded"] > moment and row["kind"] != "update"]

    def test_accepted_updates_take_effect_at_the_next_pass(self):
        """The coordinator lists three waiting updates, accepts a completion and a new target and
        rejects the third with a note. At the next overdue repeat (Tuesday 14 April, after
        Easter Monday) nothing more goes about the completed milestone or the re-targeted one,
        while the rejected one is still chased; the agenda shows the effects, `check` says the
        file does not say them yet, and the new target's reminders start on 2 June."""
        waiting = self.updates()
        self.assertEqual(set(waiting), {COMPLETED, NEW_TARGET, REJECTED})
        self.assertEqual(waiting[NEW_TARGET]["target"], "June 2020")
        self.assertEqual(waiting[COMPLETED]["done_on"], "2020-04-02")

        out = self.deployment.command("updates", "accept", str(self.ids[COMPLETED])).stdout
        self.assertIn(f"accepted update {self.ids[COMPLETED]}: wwin, dhr-david 1.1 scoping", out)
        self.deployment.command("updates", "accept", str(self.ids[NEW_TARGET]), "--note", "Agreed")
        no_note = self.deployment.command("updates", "reject", str(self.ids[REJECTED]),
                                          check=False)
        self.assertEqual(no_note.returncode, 64, no_note.stderr)
        self.deployment.command("updates", "reject", str(self.ids[REJECTED]), "--note",
                                "The pathway is not yet agreed by the police")
        twice = self.deployment.command("updates", "accept", str(self.ids[COMPLETED]), check=False)
        self.assertEqual(twice.returncode, 65)
        self.assertIn("already accepted; nothing changed", twice.stderr)
        self.assertEqual(self.updates(), {})
        self.assertEqual(self.updates("rejected")[REJECTED]["decision_note"],
                         "The pathway is not yet agreed by the police")

        self.deployment.run("2020-04-14T09:00")
        chased = {(n["action"], n["milestone"]) for n in self.notices_after("2020-04-02")}
        self.assertIn(REJECTED, chased)
        self.assertNotIn(COMPLETED, chased)
        self.assertNotIn(NEW_TARGET, chased)

        agenda = {(i["action"], i["milestone"]): i
                  for i in self.deployment.agenda("2020-04-14")["items"]}
        self.assertEqual(agenda[COMPLETED]["state"], "complete")
        self.assertEqual(agenda[NEW_TARGET]["due"], "2020-06-30")
        self.assertEqual(agenda[COMPLETED]["done"], "2020-04-02")
        self.assertEqual(agenda[NEW_TARGET]["revised_target"], "June 2020")
        self.assertEqual(agenda[REJECTED]["state"], "overdue")

        check = self.deployment.command("check").stdout
        self.assertIn(f"accepted update {self.ids[COMPLETED]} (dhr-david 1.1 scoping) is in "
                      "effect but not in", check)
        self.assertIn(f"accepted update {self.ids[NEW_TARGET]} (dhr-david 1.4 ppit-in-training)",
                      check)

        # The audit trail: each submission and each decision, with its note.
        events = [(r["state"], r["recipient"], r["action"], r["milestone"])
                  for r in self.deployment.history() if r["kind"] == "update"]
        for milestone in (COMPLETED, NEW_TARGET, REJECTED):
            self.assertIn(("submitted", "wwin") + milestone, events)
        self.assertIn(("accepted", "wwin") + COMPLETED, events)
        self.assertIn(("accepted", "wwin") + NEW_TARGET, events)
        self.assertIn(("rejected", "wwin") + REJECTED, events)
        text = self.deployment.command("history").stdout
        self.assertIn(f"update {self.ids[REJECTED]}: completed on 2020-04-02: The pathway is not "
                      "yet agreed by the police", text)

        self.deployment.run("2020-06-02T09:00")
        june = [n for n in self.notices_after("2020-06-01")
                if (n["action"], n["milestone"]) == NEW_TARGET]
        self.assertEqual([(n["kind"], n["recipient"], n["due"]) for n in june],
                         [("reminder", "wwin", "2020-06-30")])


PROGRESS = ("1.2", "pathway")
NOT_IMPLEMENTED = ("5.2", "support-offer")


class ExportWritesThePlan(WithDeployment):
    """`updates export` after the coordinator accepted one update of each kind."""

    def setUp(self):
        self.deploy("export")
        self.plan = os.path.join(self.deployment.folder, "plans", "david.yaml")
        self.deployment.run("2020-04-01T09:00")
        submitted = [
            (COMPLETED, "completed", "2020-04-02", "", "Scoping document signed off"),
            (NEW_TARGET, "new_target", "", "June 2020", "Trainer unavailable until May"),
            (PROGRESS, "progress", "", "", 'Agreed: "yes" # with police\n- id: x'),
            (NOT_IMPLEMENTED, "not_implemented", "", "", "Funding withdrawn"),
        ]
        self.ids = []
        with sqlite3.connect(self.deployment.state) as db:
            for milestone, kind, done_on, target, note in submitted:
                self.ids.append(db.execute(
                    "INSERT INTO updates (review, action, milestone, agency, kind, done_on,"
                    " target, note, submitted, token_id) VALUES ('dhr-david', ?, ?, 'wwin', ?, ?,"
                    " ?, ?, strftime('%s', '2020-04-02 10:00:00'), 'test-link')",
                    (milestone[0], milestone[1], kind, done_on, target, note)).lastrowid)
        for update in self.ids:
            self.deployment.command("updates", "accept", str(update))

    def plan_bytes(self):
        with open(self.plan, "rb") as f:
            return f.read()

    def states(self):
        return {(i["action"], i["milestone"]): (i["state"], i["due"])
                for i in self.deployment.agenda("2020-04-14")["items"]}

    def test_agenda_json_shows_what_is_in_effect_as_json_dumps_would(self):
        """Before the export, the accepted updates are in effect from the state: the agenda's
        JSON carries the progress note (quotes, a line break), the new target and the closing,
        and is laid out key for key and byte for byte as a JSON library writes it (keys
        sorted, indented by two, the same escapes)."""
        text = self.deployment.command("agenda", "--as-of", "2020-04-14",
                                       "--format", "json").stdout
        agenda = json.loads(text)
        self.assertEqual(text, json.dumps(agenda, indent=2, ensure_ascii=False,
                                          sort_keys=True) + "\n")
        items = {(i["action"], i["milestone"]): i for i in agenda["items"]}
        self.assertEqual(items[PROGRESS]["progress_notes"],
                         [{"on": "2020-04-02", "text": 'Agreed: "yes" # with police\n- id: x'}])
        self.assertEqual(items[NEW_TARGET]["revised_target"], "June 2020")
        self.assertEqual(items[NOT_IMPLEMENTED]["not_implemented"], "Funding withdrawn")
        self.assertEqual(items[COMPLETED]["done"], "2020-04-02")

    def test_export_writes_what_was_accepted(self):
        """A dry run prints the diff and leaves the file byte for byte; the export writes the
        four updates into their milestones (adding lines, changing no other), after which
        `check` passes without naming them, the agenda shows the same states, and a second
        export has nothing to do."""
        original = self.plan_bytes()
        before = self.states()
        check = self.deployment.command("check")
        self.assertIn("is in effect but not in", check.stdout)

        dry = self.deployment.command("updates", "export", "--dry-run")
        self.assertIn("--- a/", dry.stdout)
        self.assertIn("+++ b/", dry.stdout)
        self.assertIn("+            done: 2020-04-02\n", dry.stdout)
        self.assertIn("would write 4 updates into", dry.stdout)
        self.assertEqual(self.plan_bytes(), original)

        out = self.deployment.command("updates", "export")
        self.assertIn("wrote 4 updates into", out.stdout)
        self.assertEqual(out.stdout.replace("wrote", "would write"), dry.stdout)
        after = self.plan_bytes()
        added = [line[0] + line[2:] for line in difflib.ndiff(original.decode().splitlines(),
                                                              after.decode().splitlines())
                 if line[:1] in "+-"]
        self.assertEqual(added, [
            "+            done: 2020-04-02",
            '+            progress: "2 April 2020: Agreed: \\"yes\\" # with police\\n- id: x"',
            '+            revised_target: "June 2020"',
            "+            status: not_implemented",
            '+            reason: "Funding withdrawn"',
        ])

        check = self.deployment.command("check")
        self.assertEqual(check.returncode, 0)
        self.assertNotIn("is in effect but not in", check.stdout + check.stderr)
        self.assertEqual(self.states(), before)
        self.assertEqual(before[NOT_IMPLEMENTED][0], "not_implemented")
        agenda = {(i["action"], i["milestone"]): i
                  for i in self.deployment.agenda("2020-04-14")["items"]}
        self.assertEqual(agenda[PROGRESS]["progress"],
                         '2 April 2020: Agreed: "yes" # with police\n- id: x')
        again = self.deployment.command("updates", "export")
        self.assertEqual(again.stdout,
                         "nothing to export: every accepted update is in the plan files\n")
        self.assertEqual(self.plan_bytes(), after)


if __name__ == "__main__":
    unittest.main()
