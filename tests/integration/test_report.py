"""Issue 13: `plan-reminder report`, the board paper, on the example deployment after a month of
passes that sent reminders, overdue notices and an escalation. The Excel workbook is opened back
with openpyxl (python3-openpyxl) and compared with `agenda --format json` and `history --format
csv`; the CSV is read with Python's csv module; the HTML is checked for what printing needs."""

import csv
import datetime
import io
import os
import pty
import subprocess
import unittest
import zoneinfo

import openpyxl

import harness

AS_OF = "2020-04-20"
LONDON = zoneinfo.ZoneInfo("Europe/London")
RANK = {"green": 0, "amber": 1, "red": 2}
CHASES = {"reminder", "due", "overdue", "escalation"}


def worst(rags):
    return max(rags, key=RANK.__getitem__)


def header_row(sheet, first):
    """The number of the first row whose first cell is `first`."""
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no row starting with {first!r} in {sheet.title}")


def table(sheet, first):
    """The rows of the table whose header row starts with `first`, as dicts, up to a blank
    row."""
    top = header_row(sheet, first)
    names = [c.value for c in sheet[top]]
    rows = []
    for cells in sheet.iter_rows(min_row=top + 1):
        if all(c.value is None for c in cells):
            break
        rows.append({name: cell.value for name, cell in zip(names, cells) if name})
    return rows


class Report(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.folder = harness.TestFolder("report")
        cert, key = harness.make_certificate(cls.folder.path)
        cls.sink = harness.Sink(os.path.join(cls.folder.path, "sink"), cert, key)
        cls.deployment = harness.Deployment(os.path.join(cls.folder.path, "deployment"),
                                            cls.sink.port, cert)
        # The end-of-March milestones: reminders, the due day, overdue notices and (14 days
        # late, after the Easter Monday) the escalation to the chair.
        for now in ("2020-03-24T09:00", "2020-03-31T09:00", "2020-04-01T09:00",
                    "2020-04-14T09:00"):
            cls.deployment.run(now)
        cls.agenda = cls.deployment.agenda(AS_OF)
        cls.history = cls.deployment.history()

    @classmethod
    def tearDownClass(cls):
        cls.sink.stop()
        cls.folder.cleanup()

    def report(self, *arguments):
        return self.deployment.command("report", "--as-of", AS_OF, *arguments)

    def workbook(self):
        path = os.path.join(self.folder.path, "paper.xlsx")
        self.report("--out", path)
        return openpyxl.load_workbook(path)

    def items(self, review):
        return [i for i in self.agenda["items"] if i["review"] == review]

    def test_workbook_has_a_summary_and_a_sheet_per_review(self):
        """The sheets are the summary and one named after each review of the agenda."""
        reviews = list(dict.fromkeys(i["review"] for i in self.agenda["items"]))
        self.assertEqual(self.workbook().sheetnames, ["Summary", *reviews])

    def test_summary_counts_and_rating_match_the_agenda(self):
        """Each review's milestones complete and total, the share complete and the RAG on the
        summary sheet are those of `agenda --format json`; the RAG cell is filled, with the
        word in it, and the header row is frozen."""
        sheet = self.workbook()["Summary"]
        rows = table(sheet, "Sheet")
        self.assertEqual(sheet.freeze_panes, f"A{header_row(sheet, 'Sheet') + 1}")
        self.assertGreater(len(rows), 0)
        for row in rows:
            items = self.items(row["Sheet"])
            complete = sum(1 for i in items if i["state"] == "complete")
            self.assertEqual(row["Total"], len(items))
            self.assertEqual(row["Complete"], complete)
            self.assertEqual(row["% complete"], complete * 100 // len(items))
            self.assertEqual(row["RAG"], worst(i["rag"] for i in items))
        rag_cell = sheet.cell(header_row(sheet, "Sheet") + 1, 3)
        self.assertIn(rag_cell.value, RANK)
        self.assertNotEqual(rag_cell.fill.fgColor.rgb, "00000000")

    def test_review_sheet_recommendations_add_up_to_the_agenda(self):
        """The recommendations of a review's sheet have its milestones between them, and the
        worst of their ratings is the review's."""
        workbook = self.workbook()
        for name in workbook.sheetnames[1:]:
            sheet = workbook[name]
            rows = table(sheet, "Recommendation")
            self.assertEqual(sheet.freeze_panes, f"A{header_row(sheet, 'Recommendation') + 1}")
            items = self.items(name)
            self.assertEqual(sum(r["Total"] for r in rows), len(items))
            self.assertEqual(sum(r["Complete"] for r in rows),
                             sum(1 for i in items if i["state"] == "complete"))
            self.assertEqual(worst(r["RAG"] for r in rows if r["RAG"]),
                             worst(i["rag"] for i in items))
            self.assertTrue(all(r["Text"] for r in rows))

    def test_overdue_milestones_with_real_dates_and_their_chase_history(self):
        """The overdue table lists the agenda's overdue milestones with their due dates as
        Excel dates, and under each the days notices about it were sent, as the history says
        (in London time)."""
        sheet = self.workbook()["dhr-david"]
        overdue = [i for i in self.items("dhr-david") if i["state"] == "overdue"]
        self.assertGreater(len(overdue), 0)
        listed = {}
        current = None
        for row in table(sheet, "Action"):
            if row["Action"]:
                self.assertIsInstance(row["Due"], datetime.datetime)
                current = (row["Action"], str(row["Milestone id"]))
                listed[current] = {"due": row["Due"].date().isoformat(), "sent": set()}
            if row["Sent"] is not None:
                self.assertIsInstance(row["Sent"], datetime.datetime)
                listed[current]["sent"].add(row["Sent"].date())
        self.assertEqual({k: v["due"] for k, v in listed.items()},
                         {(i["action"], i["milestone"]): i["due"] for i in overdue})
        for (action, milestone), found in listed.items():
            sent = {datetime.datetime.strptime(h["recorded"], "%Y-%m-%dT%H:%M:%SZ")
                    .replace(tzinfo=datetime.timezone.utc).astimezone(LONDON).date()
                    for h in self.history
                    if h["review"] == "dhr-david" and h["action"] == action
                    and h["milestone"] == milestone and h["state"] == "sent"
                    and h["kind"] in CHASES}
            self.assertEqual(found["sent"], sent, (action, milestone))
        self.assertTrue(any(v["sent"] for v in listed.values()))

    def test_csv_opens_after_the_byte_order_mark(self):
        """`--format csv` is UTF-8 with a byte-order mark and CRLF; Python's csv module reads
        it, and its recommendation rows count the agenda's milestones."""
        result = subprocess.run([harness.BINARY, "report", "--as-of", AS_OF, "--format", "csv",
                                 "--config", self.deployment.config],
                                stdout=subprocess.PIPE, check=True, stdin=subprocess.DEVNULL)
        data = result.stdout
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        quoted = False
        for at, byte in enumerate(data):
            quoted = not quoted if byte == ord('"') else quoted
            if byte == ord("\n") and not quoted:
                self.assertEqual(data[at - 1], ord("\r"), f"a bare line feed at {at}")
        self.assertTrue(data.endswith(b"\r\n"))
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        recommendations = [r for r in rows if r["section"] == "recommendation"]
        self.assertEqual(sum(int(r["total"]) for r in recommendations),
                         len(self.items("dhr-david")))
        self.assertTrue(any(r["section"] == "chased" for r in rows))

    def test_html_prints_on_a4(self):
        """The default format is one HTML page that prints on A4 with repeated table headers
        and escapes the plan's text."""
        html = self.report().stdout
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("@page { size: A4", html)
        self.assertIn("thead { display: table-header-group; }", html)
        self.assertIn("Domestic Homicide Review: &#39;David&#39;", html)
        self.assertNotIn("<script", html)

    def test_format_follows_the_file_name(self):
        """Without --format, a .csv file gets CSV (atomically written, no file left beside it)."""
        path = os.path.join(self.folder.path, "out", "paper.csv")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.report("--out", path)
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"\xef\xbb\xbfreview,"))
        self.assertEqual(os.listdir(os.path.dirname(path)), ["paper.csv"])

    def test_workbook_refuses_a_terminal(self):
        """An Excel workbook is not written to a terminal: exit 64 and a hint to use --out."""
        controller, terminal = pty.openpty()
        try:
            result = subprocess.run([harness.BINARY, "report", "--format", "xlsx", "--config",
                                     self.deployment.config],
                                    stdout=terminal, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, timeout=60)
        finally:
            os.close(terminal)
            os.close(controller)
        self.assertEqual(result.returncode, 64)
        self.assertIn(b"--out", result.stderr)


if __name__ == "__main__":
    unittest.main()
