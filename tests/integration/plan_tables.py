"""The example plan's action table as a partnership has it: a Word document (python3-docx), a
spreadsheet (python3-openpyxl) or CSV, written from config/plans/david.yaml with the columns of
the Home Office template, recommendation cells merged down their actions, several milestones
and targets in one cell, and lead agencies named as the seed names them.

    /usr/bin/python3 tests/integration/plan_tables.py FOLDER

writes FOLDER/david.docx, FOLDER/david.xlsx and FOLDER/david.csv, for trying `plan-reminder
import` on the example (README: Import a plan from Word, Excel or CSV); test_import.py imports
the same tables back."""

import csv
import os
import sys

import yaml

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

COLUMNS = ["Recommendation", "Scope", "Action(s)", "Lead Agency", "Key Milestones",
           "Target Date", "Outcome", "Progress"]

# The names the seed's Lead Agency column uses for each agency.
SHORT_NAMES = {
    "wwin": "WWiN", "police": "Police", "council": "Council",
    "council-public-health": "Council Public Health", "womens-aid": "Women's Aid",
    "opcc": "OPCC", "tfc": "TfC", "ccg": "CCG", "substance-misuse-services": "SM services",
    "substance-misuse-provider": "Substance Misuse Treatment Provider",
    "early-help-services": "early help services", "respect": "Respect",
    "service-providers": "service providers",
    "ctl-implementation-group": "CTL Implementation group",
    "da-strategic-projects-group": "the Domestic Abuse Strategic Projects Group",
}
# Cells the seed writes otherwise than the short names joined.
SEED_LEADS = {"2.2": "Women's Aid and TfC (Early Help)", "6.1": "Council on behalf of the CSP"}

def listed(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def lead_cell(action):
    if action["id"] in SEED_LEADS:
        return SEED_LEADS[action["id"]]
    text = listed([SHORT_NAMES[a] for a in action["lead"]])
    if action.get("support"):
        text += " with support from " + listed([SHORT_NAMES[a] for a in action["support"]])
    return text


def milestones_of(action):
    if "milestones" in action:
        return action["milestones"]
    return [{"text": action["text"], "target": action.get("target", "")}]


def table_rows(plan):
    """One row per action (2.3's milestones split over a continuation row), each row a list of
    cells, each cell a list of lines; plus, per recommendation, the rows it spans."""
    rows, spans = [], []
    for recommendation in plan["recommendations"]:
        first = len(rows)
        for action in recommendation["actions"]:
            milestones = milestones_of(action)
            parts = [milestones[:2], milestones[2:]] if action["id"] == "2.3" else [milestones]
            for number, part in enumerate(parts):
                continuing = number > 0
                rows.append([
                    [f"({recommendation['id']}) {recommendation['text']}"],
                    [recommendation["scope"].capitalize()],
                    [] if continuing else (f"{action['id']} " + action["text"]).split("\n"),
                    [] if continuing else [lead_cell(action)],
                    [m["text"] for m in part],
                    [m["target"] for m in part],
                    (action.get("outcome") or "").split("\n"),
                    [] if continuing else [action.get("progress") or ""],
                ])
        spans.append((first, len(rows) - 1))
    return rows, spans


def write_docx(plan, path):
    import docx
    document = docx.Document()
    document.add_paragraph("Domestic Homicide Review: 'David' - Action Plan")
    rows, spans = table_rows(plan)
    table = document.add_table(rows=len(rows) + 1, cols=len(COLUMNS))
    for column, name in enumerate(COLUMNS):
        table.cell(0, column).text = name
    merged = {0, 1, 6}  # recommendation, scope, outcome: one cell per recommendation
    for r, row in enumerate(rows, start=1):
        for c, lines in enumerate(row):
            starts = any(first + 1 == r for first, _ in spans)
            if c in merged and not starts:
                continue
            cell = table.cell(r, c)
            cell.paragraphs[0].text = lines[0] if lines else ""
            for line in lines[1:]:
                cell.add_paragraph(line)
    for first, last in spans:
        if last > first:
            for c in merged:
                table.cell(first + 1, c).merge(table.cell(last + 1, c))
    document.save(path)


def write_xlsx(plan, path):
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet.append(["Domestic Homicide Review: 'David' - Action Plan"])
    sheet.append(COLUMNS)
    rows, spans = table_rows(plan)
    for r, row in enumerate(rows):
        starts = any(first == r for first, _ in spans)
        sheet.append(["\n".join(lines) if (starts or c not in (0, 1, 6)) else None
                      for c, lines in enumerate(row)])
    for first, last in spans:
        if last > first:
            for column in "ABG":
                sheet.merge_cells(f"{column}{first + 3}:{column}{last + 3}")
    book.save(path)


def write_csv(plan, path):
    rows, _ = table_rows(plan)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["\n".join(lines) for lines in row])


def main(folder):
    with open(os.path.join(SOURCE_DIR, "config", "plans", "david.yaml")) as f:
        plan = yaml.safe_load(f)
    os.makedirs(folder, exist_ok=True)
    for name, write in (("david.docx", write_docx), ("david.xlsx", write_xlsx),
                        ("david.csv", write_csv)):
        path = os.path.join(folder, name)
        write(plan, path)
        print(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} FOLDER")
    main(sys.argv[1])
