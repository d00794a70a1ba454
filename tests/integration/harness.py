"""Shared fixtures of the integration tests (issue 3): a deployment of the 'David' plan in a
fresh temporary folder that sends through SMTP to tests/integration/smtp_sink.py (STARTTLS and
AUTH required, a self-signed certificate made for the run), the plan-reminder binary driven
as a user would (`run --once --now`, `history`, `preview`), and an independent model of SPEC §4's
schedule to check what arrives against.

Standard library only (plus python3-aiosmtpd, which the sink runs on). The binary and the
source tree come from the environment: PR_BINARY and PR_SOURCE_DIR (set by tests/CMakeLists.txt).
"""

import csv
import datetime
import email
import email.policy
import email.utils
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zoneinfo
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("PR_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BINARY = os.environ.get("PR_BINARY", os.path.join(SOURCE_DIR, "build", "daemon", "plan-reminder"))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
SINK = os.path.join(HERE, "smtp_sink.py")
LONDON = zoneinfo.ZoneInfo("Europe/London")

SMTP_USER = "dhr-reminders"
# Distinctive, so that a leak into output or the database is found by a plain search.
SMTP_PASSWORD = "Pw-7qZ!x9-sEcReT-kR2"

FROM_ADDRESS = "dhr-actions@partnership.example.org"
CHAIR = "chair@partnership.example.org"
COORDINATOR = "dhr-coordinator@council.example.org"
BOARD = "partnership-board@partnership.example.org"

# Bounds of the polling loops: a wait that never ends would hide a hang from CTest's timeout.
PORT_FILE_WAIT = 20.0
POLL_INTERVAL = 0.02


def scratch_root():
    """A tmpfs when there is one: the state database syncs on every pass."""
    for candidate in ("/dev/shm",):
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return candidate
    return None


# ---------------------------------------------------------------------------------------------
# Certificates


def make_certificate(folder, name="cert"):
    """A self-signed certificate for localhost and 127.0.0.1 (the tests trust it as their CA)."""
    cert = os.path.join(folder, name + ".pem")
    key = os.path.join(folder, name + "-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return cert, key


def free_port():
    """A loopback port with nothing listening on it (just released by the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The SMTP sink


@dataclass
class Received:
    """One message the sink accepted."""
    number: int
    envelope: dict
    raw: bytes
    message: email.message.EmailMessage

    @property
    def message_id(self):
        return self.message["Message-ID"]

    @property
    def subject(self):
        return str(self.message["Subject"])

    def addresses(self, header):
        values = self.message.get_all(header) or []
        return [address.lower() for _, address in email.utils.getaddresses([str(v) for v in values])]

    def text(self):
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self):
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def local_date(self):
        """The Date header as a naive local (Europe/London) datetime."""
        when = email.utils.parsedate_to_datetime(str(self.message["Date"]))
        return when.astimezone(LONDON).replace(tzinfo=None)


def parse_strict(raw):
    return email.message_from_bytes(raw, policy=email.policy.strict)


class Sink:
    """tests/integration/smtp_sink.py with STARTTLS and AUTH required, on a loopback port."""

    def __init__(self, folder, cert, key, port=0, reject_rcpt=(), tempfail_first=0,
                 delay_data=0.0, password=SMTP_PASSWORD):
        self.folder = folder
        self.out = os.path.join(folder, "received")
        os.makedirs(self.out, exist_ok=True)
        password_file = os.path.join(folder, "sink-password")
        with open(password_file, "w") as f:
            f.write(password + "\n")
        os.chmod(password_file, 0o600)
        port_file = os.path.join(folder, "sink-port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        arguments = [PYTHON, SINK, "--dir", self.out, "--port", str(port), "--port-file", port_file,
                     "--tls-cert", cert, "--tls-key", key, "--require-starttls",
                     "--auth-user", SMTP_USER, "--auth-password-file", password_file]
        for address in reject_rcpt:
            arguments += ["--reject-rcpt", address]
        if tempfail_first:
            arguments += ["--tempfail-first", str(tempfail_first)]
        if delay_data:
            arguments += ["--delay-data", str(delay_data)]
        self.log = open(os.path.join(folder, "sink.log"), "wb")
        self.process = subprocess.Popen(arguments, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + PORT_FILE_WAIT
        while not os.path.exists(port_file):
            if self.process.poll() is not None:
                raise RuntimeError(f"smtp_sink.py exited with {self.process.returncode}: "
                                   + self.log_text())
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("smtp_sink.py did not write its port file in time")
            time.sleep(POLL_INTERVAL)
        with open(port_file) as f:
            self.port = int(f.read().strip())

    def log_text(self):
        self.log.flush()
        with open(os.path.join(self.folder, "sink.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def count(self):
        return sum(1 for name in os.listdir(self.out) if name.endswith(".eml"))

    def messages(self, start=1):
        """Every message stored, in the order received, from number `start` on."""
        numbers = sorted(int(name[:-4]) for name in os.listdir(self.out) if name.endswith(".eml"))
        received = []
        for n in numbers:
            if n < start:
                continue
            with open(os.path.join(self.out, f"{n}.eml"), "rb") as f:
                raw = f.read()
            with open(os.path.join(self.out, f"{n}.json")) as f:
                envelope = json.load(f)
            received.append(Received(n, envelope, raw, parse_strict(raw)))
        return received


# ---------------------------------------------------------------------------------------------
# The deployment


def read_directory(path):
    """The agency ids and their `to` addresses from agencies.yaml (the example's flow style)."""
    with open(path) as f:
        text = f.read()
    agencies = {}
    section = None
    current = None
    for line in text.splitlines():
        if re.match(r"^agencies:\s*$", line):
            section = "agencies"
            continue
        if re.match(r"^\S", line):
            section = None
        if section != "agencies":
            continue
        m = re.match(r"^  ([a-z0-9-]+):\s*(#.*)?$", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^    to:\s*\[([^\]]*)\]", line)
        if m and current:
            agencies[current] = [a.strip().lower() for a in m.group(1).split(",") if a.strip()]
    return agencies


def read_support(plan_path):
    """action id -> the support agencies of the action (`support: [..]`, flow style)."""
    with open(plan_path) as f:
        text = f.read()
    support = {}
    action = None
    for line in text.splitlines():
        m = re.match(r'^      - id:\s*"?([^"\s#]+)"?', line)
        if m:
            action = m.group(1)
            continue
        m = re.match(r"^        support:\s*\[([^\]]*)\]", line)
        if m and action:
            support[action] = [a.strip() for a in m.group(1).split(",") if a.strip()]
    return support


def read_done(plan_path):
    """(action id, milestone id) -> the milestone's `done:` date, from the plan's layout (an
    action's own `target:` is its milestone "1")."""
    with open(plan_path) as f:
        text = f.read()
    done = {}
    action = None
    milestone = None
    for line in text.splitlines():
        m = re.match(r'^      - id:\s*"?([^"\s#]+)"?', line)
        if m:
            action, milestone = m.group(1), "1"
            continue
        m = re.match(r'^          - id:\s*"?([^"\s#]+)"?', line)
        if m:
            milestone = m.group(1)
            continue
        m = re.match(r"^\s+done:\s*(\d{4}-\d{2}-\d{2})", line)
        if m and action:
            done[(action, milestone)] = datetime.date.fromisoformat(m.group(1))
    return done


class Deployment:
    """config/agencies.yaml and config/plans/david.yaml in a fresh folder, with a daemon config
    whose transport is SMTP to the sink, and the state database in that folder."""

    def __init__(self, folder, port, ca_file, published=None, password=SMTP_PASSWORD,
                 plan_text=None, extra_plans=None):
        self.folder = folder
        os.makedirs(os.path.join(folder, "plans"), exist_ok=True)
        shutil.copy(os.path.join(SOURCE_DIR, "config", "agencies.yaml"),
                    os.path.join(folder, "agencies.yaml"))
        if plan_text is None:
            with open(os.path.join(SOURCE_DIR, "config", "plans", "david.yaml")) as f:
                plan_text = f.read()
            if published:
                marker = "\n  partnership: Safer Sunderland Partnership\n"
                assert plan_text.count(marker) == 1, "the review block of david.yaml changed"
                plan_text = plan_text.replace(marker, marker + f"  published: {published}\n")
        with open(os.path.join(folder, "plans", "david.yaml"), "w") as f:
            f.write(plan_text)
        for name, text in (extra_plans or {}).items():
            with open(os.path.join(folder, "plans", name), "w") as f:
                f.write(text)
        self.password_file = os.path.join(folder, "smtp-password")
        with open(self.password_file, "w") as f:
            f.write(password + "\n")
        os.chmod(self.password_file, 0o600)
        self.state = os.path.join(folder, "state.db")
        self.config = os.path.join(folder, "plan-reminder.yaml")
        with open(self.config, "w") as f:
            f.write(f"""# Written by tests/integration/harness.py
timezone: Europe/London
plans: plans/*.yaml
directory: agencies.yaml
templates: {os.path.join(SOURCE_DIR, "templates")}
state: state.db
from: "Safer Sunderland Partnership <{FROM_ADDRESS}>"
calendar:
  holidays: england-and-wales
transport:
  smtp:
    url: smtp://127.0.0.1:{port}
    username: {SMTP_USER}
    password_file: smtp-password
    ca_file: {ca_file}
""")
        self.agencies = read_directory(os.path.join(folder, "agencies.yaml"))
        self.support = read_support(os.path.join(folder, "plans", "david.yaml"))
        self.done = read_done(os.path.join(folder, "plans", "david.yaml"))
        for name in (extra_plans or {}):
            self.done.update(read_done(os.path.join(folder, "plans", name)))
        self.agency_of_address = {a: agency for agency, addresses in self.agencies.items()
                                  for a in addresses}

    def command(self, *arguments, check=True, timeout=120):
        result = subprocess.run([BINARY, *arguments, "--config", self.config],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                timeout=timeout, stdin=subprocess.DEVNULL)
        result.stdout = result.stdout.decode("utf-8", "replace")
        result.stderr = result.stderr.decode("utf-8", "replace")
        if check and result.returncode != 0:
            raise AssertionError(f"plan-reminder {' '.join(arguments)} exited "
                                 f"{result.returncode}:\n{result.stdout}{result.stderr}")
        return result

    def run(self, now, check=True):
        """`run --once --now NOW`."""
        return self.command("run", "--once", "--now", now, check=check)

    def start_run(self, now):
        """`run --once --now NOW` in the background."""
        return subprocess.Popen([BINARY, "run", "--once", "--now", now, "--config", self.config],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)

    def history(self):
        """`history --format csv` as a list of dicts."""
        out = self.command("history", "--format", "csv").stdout
        return list(csv.DictReader(io.StringIO(out)))

    def agenda(self, as_of):
        out = self.command("agenda", "--as-of", as_of, "--format", "json").stdout
        return json.loads(out)

    def preview(self, first, last):
        return self.command("preview", "--from", first, "--to", last).stdout

    def state_bytes(self):
        data = b""
        for suffix in ("", "-wal", "-journal", "-shm"):
            path = self.state + suffix
            if os.path.exists(path):
                with open(path, "rb") as f:
                    data += f.read()
        return data


class TestFolder:
    """A fresh temporary folder, removed at the end unless PR_KEEP_TEST_DIRS is set."""

    def __init__(self, prefix):
        self.path = tempfile.mkdtemp(prefix=f"plan-reminder-{prefix}-", dir=scratch_root())

    def cleanup(self):
        if os.environ.get("PR_KEEP_TEST_DIRS"):
            print(f"kept {self.path}", file=sys.stderr)
            return
        shutil.rmtree(self.path, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Reading what arrived


ITEM_LINE = re.compile(r"^Action (\S+): (.*)$")


DUE_LINE = re.compile(r"^Due date:\s+(\d{1,2}) ([A-Za-z]+) (\d{4})$")


def notice_items(text, with_due=False):
    """The milestones listed in a notice's text part: [(action id, milestone text, when)], with
    `with_due` also the due date its "Due date:" line gives (or None)."""
    lines = text.splitlines()
    items = []
    for i, line in enumerate(lines):
        m = ITEM_LINE.match(line)
        if m and i > 0 and lines[i - 1].startswith("-----"):
            when = lines[i + 1] if i + 1 < len(lines) else ""
            if not with_due:
                items.append((m.group(1), m.group(2), when))
                continue
            due = None
            for following in lines[i + 1:]:
                if following.startswith("-----"):
                    break
                d = DUE_LINE.match(following)
                if d:
                    due = datetime.date(int(d.group(3)), MONTHS[d.group(2).lower()],
                                        int(d.group(1)))
                    break
            items.append((m.group(1), m.group(2), when, due))
    return items


AUDIT_ROW = re.compile(r"^- (.+?)  (\S+) to (\S+) about (.+): (\w+)(?: \(.*\))?$")


def digest_section(text, heading):
    """The lines of the digest's text part under the heading that starts with `heading`, up to
    the next heading (a line in capitals)."""
    lines = text.splitlines()
    out = None
    for line in lines:
        if out is None:
            if line.startswith(heading):
                out = []
            continue
        if re.match(r"^[A-Z][A-Z0-9 ]+(\(\d+\))?$", line):
            break
        out.append(line)
    return out or []


def audit_rows(text):
    """The digest's audit trail: [(when, kind, recipient, about, state)]."""
    rows = []
    for line in digest_section(text, "NOTICES "):
        m = AUDIT_ROW.match(line)
        if m:
            rows.append(m.groups())
    return rows


def digest_overdue_rows(text):
    """The digest's overdue milestones: [(action id, milestone text, escalated)]."""
    rows = []
    for line in digest_section(text, "OVERDUE ("):
        m = re.match(r"^- (\S+) (.*)$", line)
        if m:
            rows.append([m.group(1), m.group(2), None])
        elif rows and line.strip() == "Escalated to the chair.":
            rows[-1][2] = True
        elif rows and line.strip() == "Not escalated.":
            rows[-1][2] = False
    return [tuple(row) for row in rows]


def is_digest(received):
    return "Weekly DHR action plan digest" in received.subject


def is_failure_notice(received):
    return received.subject.startswith("[plan-reminder] Delivery failed")


def stage_of_item(recipient, when, due=None, today=None):
    """The stage a listed milestone is at, from what the email says about it: given its due date
    and the day the email went, a milestone not overdue is at its due-day notice on the last
    business day on or before the due date (the wording follows the calendar, not the stage)."""
    if recipient == "chair":
        return "escalation"
    when = when.lower()
    if "overdue" in when:
        return "overdue"
    if due is not None and today is not None:
        return "due" if previous_business_day(due) == today else "reminder"
    if "due today" in when:
        return "due"
    return "reminder"


STAGE_RANK = {"reminder": 0, "due": 1, "overdue": 2, "escalation": 3}


def milestone_ids(agenda):
    """(action id, milestone text) -> milestone id, from `agenda --format json`."""
    return {(item["action"], item["text"]): item["milestone"] for item in agenda["items"]}


def describe(deployment, received, ids):
    """What one notice email is: (recipient, kind, ((action, milestone, stage), ...))."""
    to = received.addresses("To")
    if to == [CHAIR]:
        recipient = "chair"
    else:
        agencies = {deployment.agency_of_address.get(a, a) for a in to}
        assert len(agencies) == 1, f"one email per recipient, got To: {to}"
        recipient = agencies.pop()
    items = []
    today = received.local_date().date()
    for action, text, when, due in notice_items(received.text(), with_due=True):
        items.append((action, ids.get((action, text), text),
                      stage_of_item(recipient, when, due, today)))
    kind = max((stage for _, _, stage in items), key=STAGE_RANK.get) if items else None
    return recipient, kind, tuple(sorted(items))


def message_problems(received):
    """What is wrong with a message as RFC 5322/2045 under Python's strict policy."""
    problems = []
    for part in received.message.walk():
        for defect in part.defects:
            problems.append(f"{part.get_content_type()}: {defect!r}")
    # Parsing the headers is lazy: touch each one so that a bad one raises or records a defect.
    for name, value in received.message.items():
        try:
            str(value)
            for defect in getattr(value, "defects", ()):
                problems.append(f"{name}: {defect!r}")
        except Exception as error:  # noqa: BLE001 - any failure to parse is the finding
            problems.append(f"{name}: {error!r}")
    for header in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
        if received.message[header] is None:
            problems.append(f"missing {header}")
    bare = received.raw.replace(b"\r\n", b"")
    if b"\n" in bare or b"\r" in bare:
        problems.append("a bare CR or LF (lines must end in CRLF)")
    return problems


# ---------------------------------------------------------------------------------------------
# An independent model of SPEC §4's schedule


def easter(year):
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


# The England and Wales bank holidays as gov.uk lists them, for the years the tests touch.
BANK_HOLIDAYS = {
    datetime.date(*d) for d in [
        (2019, 1, 1), (2019, 4, 19), (2019, 4, 22), (2019, 5, 6), (2019, 5, 27), (2019, 8, 26),
        (2019, 12, 25), (2019, 12, 26),
        (2020, 1, 1), (2020, 4, 10), (2020, 4, 13), (2020, 5, 8), (2020, 5, 25), (2020, 8, 31),
        (2020, 12, 25), (2020, 12, 28),
        (2021, 1, 1), (2021, 4, 2), (2021, 4, 5), (2021, 5, 3), (2021, 5, 31), (2021, 8, 30),
        (2021, 12, 27), (2021, 12, 28),
        (2026, 1, 1), (2026, 4, 3), (2026, 4, 6), (2026, 5, 4), (2026, 5, 25), (2026, 8, 31),
        (2026, 12, 25), (2026, 12, 28),
    ]
}
for _year in (2019, 2020, 2021, 2026):  # a self-check of the table against Easter
    assert easter(_year) - datetime.timedelta(days=2) in BANK_HOLIDAYS
    assert easter(_year) + datetime.timedelta(days=1) in BANK_HOLIDAYS


def is_business_day(day):
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def previous_business_day(day):
    """`day` or the business day before it."""
    while not is_business_day(day):
        day -= datetime.timedelta(days=1)
    return day


def next_business_day(day):
    """`day` or the business day after it."""
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Milestone:
    action: str
    milestone: str
    lead: tuple
    due: datetime.date
    done: datetime.date = None  # complete from this day on (SPEC §4 "done: DATE")
    review: str = "dhr-david"

    def open_on(self, day):
        return self.done is None or day < self.done


@dataclass(frozen=True)
class Occurrence:
    """One scheduled notice: (milestone, stage, occurrence, recipient) sent on `day`."""
    milestone: Milestone
    recipient: str  # an agency id or "chair"
    stage: str
    occurrence: int  # reminders: days before the due date; repeats: 0, 1, 2...
    day: datetime.date

    def order(self):
        # The later day; on the same day the more advanced stage; among reminders the nearer.
        return (self.day, STAGE_RANK[self.stage],
                -self.occurrence if self.stage == "reminder" else self.occurrence)


REMINDERS = (28, 14, 7, 1)
OVERDUE_AFTER, OVERDUE_EVERY = 1, 7
# "No nagging forever": repeats go on the digest day (Monday), at most four of them.
OVERDUE_WEEKDAY, OVERDUE_MAX_REPEATS = 0, 4
ESCALATION_AFTER, ESCALATION_EVERY = 14, 28


def overdue_days(due):
    """The nominal days of the overdue notices of a milestone due on `due`: the first the day
    after, then a repeat on each of the next four Mondays that are at least a week after it."""
    first = due + datetime.timedelta(days=OVERDUE_AFTER)
    nominal = [first]
    day = first + datetime.timedelta(days=OVERDUE_EVERY)
    while len(nominal) <= OVERDUE_MAX_REPEATS:
        if day.weekday() == OVERDUE_WEEKDAY:
            nominal.append(day)
        day += datetime.timedelta(days=1)
    return nominal


def occurrences(milestone, until):
    """Every notice SPEC §4's default policy schedules for a milestone up to `until`."""
    out = []
    d = milestone.due
    for agency in milestone.lead:
        for k in REMINDERS:
            out.append(Occurrence(milestone, agency, "reminder", k,
                                  previous_business_day(d - datetime.timedelta(days=k))))
        out.append(Occurrence(milestone, agency, "due", 0, previous_business_day(d)))
        for n, nominal in enumerate(overdue_days(d)):
            if nominal <= until:
                out.append(Occurrence(milestone, agency, "overdue", n,
                                      next_business_day(nominal)))
    n = 0
    while d + datetime.timedelta(days=ESCALATION_AFTER + n * ESCALATION_EVERY) <= until:
        nominal = d + datetime.timedelta(days=ESCALATION_AFTER + n * ESCALATION_EVERY)
        out.append(Occurrence(milestone, "chair", "escalation", n, next_business_day(nominal)))
        n += 1
    return out


class Model:
    """What the service should send at each pass, given the passes it is run at.

    Each pass on a business day at or after the send time looks, for every open dated milestone
    and recipient, at the latest notice scheduled on or before that day; if that one was never
    handled it is sent, and every earlier one not yet handled is dropped (the catch-up rule).
    All notices for one recipient in one pass make one email. The digest goes at or after the
    digest time on the first business day on or after each Monday, once a week."""

    def __init__(self, milestones, until, send_time=datetime.time(9, 0),
                 digest_time=datetime.time(8, 30)):
        self.send_time = send_time
        self.digest_time = digest_time
        self.schedule = {}
        for milestone in milestones:
            for occurrence in occurrences(milestone, until):
                self.schedule.setdefault((milestone, occurrence.recipient), []).append(occurrence)
        self.handled = set()
        self.digests = set()
        self.dropped = []
        self.recorded_drops = []  # (pass time, occurrence): the drops the log records
        self.first_notice_pass = True

    def run(self, now):
        """The emails of a pass at local time `now`: {recipient: (kind, ((action, ms, stage)..))}.
        The digest is listed under "digest" with kind "digest"."""
        today = now.date()
        emails = {}
        if not is_business_day(today):
            return emails
        if now.time() >= self.digest_time:
            monday = today - datetime.timedelta(days=today.weekday())
            for back in range(3):
                nominal = monday - datetime.timedelta(days=7 * back)
                if next_business_day(nominal) <= today:
                    if nominal not in self.digests:
                        self.digests.add(nominal)
                        emails["digest"] = ("digest", ())
                    break
        if now.time() < self.send_time:
            return emails
        items = {}
        for (milestone, recipient), scheduled in self.schedule.items():
            if not milestone.open_on(today):
                continue
            due = [o for o in scheduled if o.day <= today]
            if not due:
                continue
            latest = max(due, key=Occurrence.order)
            if latest in self.handled:
                continue
            for o in due:
                if o not in self.handled and o != latest:
                    self.dropped.append(o)
                    # A first pass has no earlier pass to have missed anything: it records no
                    # drop.
                    if not self.first_notice_pass:
                        self.recorded_drops.append((now, o))
                self.handled.add(o)
            items.setdefault(recipient, []).append(
                (milestone.action, milestone.milestone, latest.stage))
        for recipient, listed in items.items():
            kind = max((stage for _, _, stage in listed), key=STAGE_RANK.get)
            emails[recipient] = (kind, tuple(sorted(listed)))
        self.first_notice_pass = False
        return emails


MONTHS = {name: i + 1 for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
                       "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}


def last_day_of_month(year, month):
    first_of_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def add_months(day, months):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, last_day_of_month(year, month).day))


def resolve_target(target, published):
    """The due date of the target wordings the 'David' plan uses (README's table), or None."""
    text = target.strip().lower().rstrip(".")
    text = re.sub(r"^(by end of|end of|by)\s+", "", text)
    m = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", text)
    if m and m.group(2) in MONTHS:
        return datetime.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", text)
    if m:
        month = MONTHS.get(m.group(1)) or MONTH_ABBREVIATIONS.get(m.group(1))
        if month:
            return last_day_of_month(int(m.group(2)), month)
    if "publi" in text and published is not None:
        if "one month" in text:
            return add_months(published, 1)
    return None


def plan_milestones(agenda, published=None, done=None):
    """The open, dated milestones of `agenda --format json`, their due dates checked against
    resolve_target(), with their done dates from `done` ((action, milestone) -> date; by
    default those of config/plans/david.yaml)."""
    if done is None:
        done = read_done(os.path.join(SOURCE_DIR, "config", "plans", "david.yaml"))
    out = []
    for item in agenda["items"]:
        if item["state"] in ("complete", "on_hold", "ongoing", "undated", "pending"):
            continue
        due = datetime.date.fromisoformat(item["due"])
        expected = resolve_target(item["target"], published)
        assert expected == due, f"{item['action']} {item['target']!r}: due {due}, expected {expected}"
        out.append(Milestone(item["action"], item["milestone"], tuple(item["lead"]), due,
                             done.get((item["action"], item["milestone"])), item["review"]))
    return out


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Driving passes


def moment(now):
    """A local datetime as `--now` takes it: YYYY-MM-DDTHH:MM."""
    return now.strftime("%Y-%m-%dT%H:%M")


def short_time(now):
    """A local datetime as `preview` and `history` show it: "Mon 2 Mar 2020 08:30"."""
    return f"{now:%a} {now.day} {now:%b %Y %H:%M}"


class Passes:
    """Runs `run --once --now` on a deployment and tells which messages each run delivered."""

    def __init__(self, deployment, sink):
        self.deployment = deployment
        self.sink = sink
        self.next = 1

    def run(self, now, check=True):
        result = self.deployment.run(moment(now), check=check)
        received = self.sink.messages(start=self.next)
        if received:
            self.next = received[-1].number + 1
        return result, received


def local(text):
    """"2020-01-06T09:00" as a naive local datetime."""
    return datetime.datetime.fromisoformat(text)


def history_kinds(history):
    """Message-ID -> the kinds of the notices it carries, from `history --format csv`."""
    kinds = {}
    for row in history:
        if row["message_id"]:
            kinds.setdefault(row["message_id"], set()).add(row["kind"])
    return kinds
