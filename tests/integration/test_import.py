"""`plan-reminder import` (SPEC §11, issue 13): the example plan's action table, written as a
Word document (python3-docx), a spreadsheet (python3-openpyxl) and CSV from
config/plans/david.yaml, imported back into a plan whose `agenda --format json` equals the
example plan's, action by action and date by date; and hostile files that end in a clear error
with bounded memory.

What a table cannot carry is left out of the comparison: milestone ids (a table has none; the
import numbers milestones 1, 2, ... and so does the reference plan here) and milestone `done:`
dates (the table's completion column belongs to the action; the reference plan drops them).
"""

import copy
import io
import json
import os
import resource
import subprocess
import unittest
import zipfile

import yaml

from harness import BINARY, SOURCE_DIR, TestFolder
from plan_tables import write_csv, write_docx, write_xlsx

AS_OF_DATES = ["2019-06-01", "2020-02-01", "2020-04-15", "2021-01-01"]


def reference_plan(plan):
    """The example plan as a table can carry it: milestones numbered, no done: dates."""
    plan = copy.deepcopy(plan)
    for recommendation in plan["recommendations"]:
        for action in recommendation["actions"]:
            for milestone in action.get("milestones", []):
                milestone.pop("id", None)
                milestone.pop("done", None)
    return plan


def write_config(folder, plans):
    config = os.path.join(folder, "plan-reminder.yaml")
    with open(config, "w") as f:
        f.write(f"""timezone: Europe/London
plans: {plans}
directory: {os.path.join(SOURCE_DIR, "config", "agencies.yaml")}
templates: {os.path.join(SOURCE_DIR, "templates")}
state: state.db
from: "Safer Sunderland Partnership <dhr-actions@partnership.example.org>"
calendar:
  holidays: england-and-wales
transport:
  maildir: Maildir
""")
    return config


def run(*arguments, limit_bytes=None):
    def limit():
        if limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    result = subprocess.run([BINARY, *arguments], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=120, stdin=subprocess.DEVNULL,
                            preexec_fn=limit)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


class ImportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = TestFolder("import")
        cls.folder = cls.scratch.path
        with open(os.path.join(SOURCE_DIR, "config", "plans", "david.yaml")) as f:
            cls.plan = yaml.safe_load(f)
        reference = os.path.join(cls.folder, "reference")
        os.makedirs(reference)
        with open(os.path.join(reference, "dhr-david.yaml"), "w") as f:
            yaml.safe_dump(reference_plan(cls.plan), f, sort_keys=False, allow_unicode=True)
        cls.reference_config = write_config(reference, "dhr-david.yaml")
        cls.expected = {day: cls.agenda(cls.reference_config, day) for day in AS_OF_DATES}

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    @staticmethod
    def agenda(config, day):
        code, out, err = run("agenda", "--as-of", day, "--format", "json", "--config", config)
        assert code == 0, err
        return json.loads(out)

    def import_and_compare(self, name, writer):
        folder = os.path.join(self.folder, name)
        os.makedirs(os.path.join(folder, "plans"))
        config = write_config(folder, "plans/*.yaml")
        source = os.path.join(folder, "david-action-plan." + name)
        writer(self.plan, source)
        code, out, err = run("import", source, "--review-id", "dhr-david", "--title",
                             self.plan["review"]["title"], "--config", config)
        self.assertEqual(code, 0, out + err)
        self.assertIn("ok:", out)
        self.assertTrue(os.path.exists(os.path.join(folder, "plans", "dhr-david.yaml")))
        for day in AS_OF_DATES:
            got = self.agenda(config, day)
            self.assertEqual(len(got["items"]), len(self.expected[day]["items"]), day)
            for mine, theirs in zip(got["items"], self.expected[day]["items"]):
                self.assertEqual(mine, theirs, day)
        return folder, config, source

    # Tests that the Word table (merged recommendation cells, one paragraph per milestone and
    # target, a continuation row) imports to a plan with the example plan's agenda.
    def test_word_table_gives_the_example_plans_agenda(self):
        self.import_and_compare("docx", write_docx)

    # Tests that the spreadsheet (merged cells, multi-line cells) does the same.
    def test_excel_table_gives_the_example_plans_agenda(self):
        self.import_and_compare("xlsx", write_xlsx)

    # Tests that CSV as Excel saves it (BOM, CRLF, quoted line breaks) does the same.
    def test_csv_table_gives_the_example_plans_agenda(self):
        self.import_and_compare("csv", write_csv)

    # Tests that an existing plan file is not overwritten without --force.
    def test_existing_plan_is_kept_without_force(self):
        folder = os.path.join(self.folder, "keep")
        os.makedirs(os.path.join(folder, "plans"))
        config = write_config(folder, "plans/*.yaml")
        source = os.path.join(folder, "plan.csv")
        write_csv(self.plan, source)
        target = os.path.join(folder, "plans", "dhr-david.yaml")
        with open(target, "w") as f:
            f.write("# someone's plan\n")
        arguments = ["import", source, "--review-id", "dhr-david", "--title", "T",
                     "--config", config]
        code, out, err = run(*arguments)
        self.assertNotEqual(code, 0)
        self.assertIn("exists", err)
        with open(target) as f:
            self.assertEqual(f.read(), "# someone's plan\n")
        code, out, err = run(*arguments, "--force")
        self.assertEqual(code, 0, err)


class HostileImportTest(unittest.TestCase):
    """Each hostile file ends in a clear error and exit code 65, under a 512 MB address-space
    limit, and writes nothing."""

    LIMIT = 512 * 1024 * 1024

    @classmethod
    def setUpClass(cls):
        cls.scratch = TestFolder("import-hostile")
        cls.folder = cls.scratch.path
        os.makedirs(os.path.join(cls.folder, "plans"))
        cls.config = write_config(cls.folder, "plans/*.yaml")

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def refused(self, name, data, expected):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(data)
        code, out, err = run("import", path, "--review-id", "hostile", "--title", "T",
                             "--config", self.config, limit_bytes=self.LIMIT)
        self.assertEqual(code, 65, out + err)
        self.assertIn(name, err)
        self.assertIn(expected, err)
        self.assertFalse(os.path.exists(os.path.join(self.folder, "plans", "hostile.yaml")))
        return err

    @staticmethod
    def docx_with(document_xml):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", document_xml)
        return buffer.getvalue()

    # Tests that a file that is not a zip archive is refused as not a Word document.
    def test_not_a_zip(self):
        self.refused("plan.docx", b"this is plain text, not a zip", "not a Word")

    # Tests that a zip bomb (a part that inflates to 1 GB) is refused before it is inflated.
    def test_zip_bomb(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            with z.open("word/document.xml", "w", force_zip64=True) as part:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(1024):
                    part.write(chunk)
        self.refused("bomb.docx", buffer.getvalue(), "zip bomb")

    # Tests that an XML entity bomb is never expanded: the document has no table.
    def test_entity_bomb(self):
        entities = '<!ENTITY a0 "lol">' + "".join(
            f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
        xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
               '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p>'
               '</w:body></w:document>')
        self.refused("entities.docx", self.docx_with(xml), "no table")

    # Tests that an external entity is never read: its reference stays text.
    def test_external_entity(self):
        cells = "".join(f"<w:tc><w:p><w:r><w:t>{h}</w:t></w:r></w:p></w:tc>"
                        for h in ["Recommendation", "Action", "Lead agency", "Target date"])
        row = ("<w:tr><w:tc><w:p><w:r><w:t>(1) Do better</w:t></w:r></w:p></w:tc>"
               "<w:tc><w:p><w:r><w:t>1.1 Do it</w:t></w:r></w:p></w:tc>"
               "<w:tc><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:tc>"
               "<w:tc><w:p><w:r><w:t>March 2020</w:t></w:r></w:p></w:tc></w:tr>")
        xml = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM '
               '"file:///etc/passwd">]><w:document xmlns:w="x"><w:body><w:tbl>'
               f"<w:tr>{cells}</w:tr>{row}</w:tbl></w:body></w:document>")
        err = self.refused("external.docx", self.docx_with(xml), "unknown agency")
        self.assertNotIn("root:", err)

    # Tests that a sheet of a million rows is refused within the memory limit.
    def test_huge_csv(self):
        self.refused("huge.csv", b"Action,Lead agency,Target date\r\n" + b"1.1 x,WWiN,2020\r\n"
                     * 1_000_000, "rows")

    # Tests that a table without a recognisable header row is refused.
    def test_no_header(self):
        self.refused("noheader.csv", b"a,b,c\r\n1,2,3\r\n", "no table with a header row")

    # Tests that an unknown lead name is an error naming the row and column, with a suggestion.
    def test_unknown_lead(self):
        err = self.refused("unknown.csv",
                           b"Recommendation,Action,Lead agency,Target date\r\n"
                           b"(1) Do better,1.1 Do it,Polise,March 2020\r\n",
                           'unknown.csv: table 1, row 2, column "Lead agency": unknown agency '
                           '"Polise" (did you mean "police"?)')
        self.assertIn("Polise", err)


if __name__ == "__main__":
    unittest.main()
