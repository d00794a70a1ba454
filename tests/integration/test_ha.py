"""Issue 12: two daemons against one PostgreSQL state, the leader struck down in the middle of a
batch, and still every notice arrives, once.

Each trial is a fresh database in the tests' own cluster (tests/support/postgres_cluster.cpp)
and a fresh recording SMTP sink. The deployment has AGENCIES agencies and one plan whose
AGENCIES actions, one led by each agency, are all due on Tuesday 31 March 2020: the 09:00 pass
sends one notice to each agency (plus what the coordinator is told), a batch of about 500
messages. Daemon A starts a few seconds before 09:00 and takes the lead; daemon B starts after
it and follows. When the sink has received a random number of messages, A is struck:

- killed: SIGKILL, its sessions end with the process;
- cut: its lock session is ended from the server (`pg_terminate_backend`), the process lives on
  and must stop delivering at once; then A or B takes the lead again, whichever tries first;
- paused: SIGSTOP until B has taken the lead (when the server has ended the silent lock session),
  then SIGCONT: the old leader must find it lost the lead and send nothing B claimed.

Then B finishes the batch. Every message the state holds must have reached the sink; a message
may arrive twice only if it was the one in flight when A was struck (at most one per trial), and
then with the same Message-ID and the same bytes. Both daemons must still stop cleanly on
SIGTERM.

Trials run PR_HA_LANES at a time (default 2), each on its own database, sink and daemons: most
of a trial is waiting (for 09:00, for the lock's next try, for the server to end a paused
session), so two lanes take about half the time of one on 2 cores. PR_HA_TRIALS (default 20:
14 killed, 3 cut, 3 paused), PR_HA_SEED and PR_HA_AGENCIES change the run;
tests/bench/run_ha_bench.sh runs more trials. Standard library only.
"""

import collections
import concurrent.futures
import os
import random
import re
import signal
import subprocess
import time
import unittest

import harness
from test_daemon import DaemonProcess, normal_id

PG_BIN = os.environ.get("PR_POSTGRES_BINDIR", "/usr/lib/postgresql/15/bin")
PG_CLUSTER = os.path.join(os.path.dirname(harness.BINARY), "..", "tests", "pg_test_cluster")

TRIALS = int(os.environ.get("PR_HA_TRIALS", "20"))
SEED = int(os.environ.get("PR_HA_SEED", "12"))
AGENCIES = int(os.environ.get("PR_HA_AGENCIES", "500"))
LANES = int(os.environ.get("PR_HA_LANES", "2"))

# A starts this long before Tuesday's 09:00 pass, so that B is usually following before it
# begins (if not, B follows as soon as it starts: A holds the lock).
START = "2020-03-31T08:59:57"

LEAD_TIMEOUT = 30.0  # the lock retried every 5 s, a silent session ended after 15 s
BATCH_TIMEOUT = 240.0
STOP_TIMEOUT = 10.0
POLL = harness.POLL_INTERVAL
# The daemon's log line on stderr (daemon/service/logging.cpp).
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
                      r"\[(trace|debug|info|warning|error|critical)\] ")


def agency_id(n):
    return f"agency-{n:03d}"


def directory_text(count):
    lines = ["partnership:",
             "  name: Safer Trial Partnership",
             f"  chair: {{name: Chair, to: [{harness.CHAIR}]}}",
             f"  coordinator: {{name: DHR coordinator, to: [{harness.COORDINATOR}]}}",
             f"  digest: {{to: [{harness.BOARD}], list: true}}",
             "agencies:"]
    for n in range(1, count + 1):
        lines += [f"  {agency_id(n)}:",
                  f"    name: Trial Agency {n}",
                  f"    to: [dhr-lead@{agency_id(n)}.example.org]"]
    return "\n".join(lines) + "\n"


def plan_text(count):
    lines = ["review:",
             "  id: dhr-trial",
             "  title: \"Domestic Homicide Review: 'Trial'\"",
             "  partnership: Safer Trial Partnership",
             "recommendations:",
             "  - id: \"1\"",
             "    scope: local",
             "    text: Every agency reviews its response to domestic abuse",
             "    actions:"]
    for n in range(1, count + 1):
        lines += [f"      - id: \"1.{n}\"",
                  f"        text: Agency {n} reviews its domestic abuse policy",
                  f"        lead: [{agency_id(n)}]",
                  "        target: 2020-03-31"]
    return "\n".join(lines) + "\n"


class Cluster:
    """The tests' PostgreSQL cluster, started for this test case and stopped after it."""

    def __init__(self, folder):
        self.pointer = os.path.join(folder, "cluster")
        subprocess.run([PG_CLUSTER, "start", self.pointer], check=True,
                       stdout=subprocess.DEVNULL)
        with open(self.pointer) as f:
            self.host = f.read().strip()
        with open(os.path.join(self.host, "port")) as f:
            self.port = f.read().strip()

    def stop(self):
        subprocess.run([PG_CLUSTER, "stop", self.pointer], check=False)

    def create(self, database):
        subprocess.run([os.path.join(PG_BIN, "createdb"), "-h", self.host, "-p", self.port,
                        "-U", "postgres", database], check=True)
        return f"postgresql://postgres@/{database}?host={self.host}&port={self.port}"

    def query(self, database, sql):
        """Rows of `sql` as lists of strings (psql's unaligned output)."""
        out = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", self.host, "-p", self.port,
                              "-U", "postgres", "-d", database, "-X", "-A", "-t", "-F", "\t",
                              "-c", sql], check=True, stdout=subprocess.PIPE, text=True,
                             timeout=30).stdout
        return [line.split("\t") for line in out.splitlines() if line]


class HighAvailability(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not os.access(os.path.join(PG_BIN, "initdb"), os.X_OK):
            raise unittest.SkipTest(f"PostgreSQL is not installed here (no {PG_BIN}/initdb)")
        cls.folder = harness.TestFolder("ha")
        cls.cluster = Cluster(cls.folder.path)
        cls.cert, cls.key = harness.make_certificate(cls.folder.path)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()
        cls.folder.cleanup()

    def deploy(self, name):
        """A deployment of the trial plan on a database of its own, and a sink for it."""
        folder = os.path.join(self.folder.path, name)
        sink = harness.Sink(os.path.join(folder, "sink"), self.cert, self.key)
        self.addCleanup(sink.stop)
        deployment = harness.Deployment(os.path.join(folder, "deployment"), sink.port, self.cert,
                                        plan_text=plan_text(AGENCIES))
        with open(os.path.join(folder, "deployment", "agencies.yaml"), "w") as f:
            f.write(directory_text(AGENCIES))
        url = self.cluster.create(name)
        with open(deployment.config) as f:
            config = f.read()
        with open(deployment.config, "w") as f:
            f.write(re.sub(r"(?m)^state: .*$", f"state: {url}", config))
        return deployment, sink

    def wait(self, condition, timeout, what, daemons):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                logs = "".join(f"--- {d.stderr_path}:\n{d.log()}" for d in daemons)
                self.fail(f"{what} not within {timeout} s\n{logs}")
            time.sleep(POLL)

    def outbox(self, database):
        """{message id: state} of every message the shared state holds."""
        return {normal_id(row[0]): row[1]
                for row in self.cluster.query(database, "SELECT message_id, state FROM messages")}

    def strike(self, fault, leader, database, daemons):
        if fault == "killed":
            leader.process.send_signal(signal.SIGKILL)
            leader.process.wait(timeout=STOP_TIMEOUT)
        elif fault == "cut":
            # pg_locks is the whole cluster's: only this trial's database, not another lane's.
            ended = self.cluster.query(
                database, "SELECT pg_terminate_backend(pid) FROM pg_locks "
                          "WHERE locktype = 'advisory' AND granted AND database = "
                          "(SELECT oid FROM pg_database WHERE datname = current_database())")
            self.assertEqual(ended, [["t"]], "one session holds the lead")
            leader.wait_for_log(r"\[warning\] lost the lead on .*: its database session ended",
                                timeout=LEAD_TIMEOUT)
        elif fault == "paused":
            leader.process.send_signal(signal.SIGSTOP)
            try:
                self.wait(lambda: "leading the passes" in daemons[1].log(), LEAD_TIMEOUT,
                          "the follower taking the lead from a paused leader", daemons)
            finally:
                leader.process.send_signal(signal.SIGCONT)
            leader.wait_for_log(r"\[warning\] lost the lead on ", timeout=LEAD_TIMEOUT)

    def trial(self, number, fault, strike_at):
        name = f"trial{number:02d}"
        deployment, sink = self.deploy(name)
        a = DaemonProcess(self, deployment, START, "a", notify=False)
        a.wait_for_log(r"\[info\] leading the passes on ")
        b = DaemonProcess(self, deployment, START, "b", notify=False)
        b.wait_for_log(r"\[info\] another plan-reminder \(pid \d+\) leads the passes on .*; "
                       r"following$")
        daemons = (a, b)

        self.wait(lambda: sink.count() >= strike_at, BATCH_TIMEOUT,
                  f"{strike_at} messages at the sink", daemons)
        self.strike(fault, a, name, daemons)
        leading = re.compile(r"\[info\] leading the passes on ")
        if fault == "cut":
            # A lives on and tries for the lead again like B: either may take it.
            self.wait(lambda: len(leading.findall(a.log())) > 1 or leading.search(b.log()),
                      LEAD_TIMEOUT, "a daemon taking the lead again", daemons)
        else:
            b.wait_for_log(leading.pattern, timeout=LEAD_TIMEOUT)

        def delivered():
            states = self.outbox(name)
            return (len(states) >= AGENCIES and set(states.values()) == {"sent"}
                    and sink.count() >= len(states))
        self.wait(delivered, BATCH_TIMEOUT, "the whole batch delivered", daemons)

        for daemon in daemons:
            if daemon.running():
                daemon.process.send_signal(signal.SIGTERM)
                self.assertEqual(daemon.process.wait(timeout=STOP_TIMEOUT), 0, daemon.log())

        for daemon in daemons:
            # One log line an event: nothing printed around the log (libpq's default notice
            # processor printed the server's "FATAL: terminating connection" there).
            stray = [line for line in daemon.log().splitlines() if not LOG_LINE.match(line)]
            self.assertEqual(stray, [], f"{daemon.stderr_path}: lines outside the log format")

        states = self.outbox(name)
        received = collections.defaultdict(list)
        for message in sink.messages():
            received[normal_id(message.message_id)].append(message.raw)
        self.assertEqual(set(received), set(states), "every message of the state, and no other")
        twice = {key: raws for key, raws in received.items() if len(raws) > 1}
        self.assertLessEqual(len(twice), 1, f"only the message in flight may arrive twice "
                                            f"({fault} at {strike_at}): {sorted(twice)}")
        for key, raws in twice.items():
            self.assertEqual(len(raws), 2, key)
            self.assertEqual(raws[0], raws[1], f"{key} sent again differs from its first send")
        return len(states), len(twice)

    def timed_trial(self, number, fault, strike_at):
        started = time.monotonic()
        messages, twice = self.trial(number, fault, strike_at)
        return messages, twice, time.monotonic() - started

    def test_every_message_once_through_kills_cuts_and_pauses(self):
        rng = random.Random(SEED)
        others = max(1, TRIALS * 3 // 20)
        faults = (["cut"] * others + ["paused"] * others
                  + ["killed"] * max(1, TRIALS - 2 * others))
        trials = [(number, fault, rng.randint(1, AGENCIES - 1))
                  for number, fault in enumerate(faults, 1)]
        tally = collections.Counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=LANES) as lanes:
            running = [(trial, lanes.submit(self.timed_trial, *trial)) for trial in trials]
            for (number, fault, strike_at), outcome in running:
                with self.subTest(trial=number, fault=fault, strike_at=strike_at):
                    messages, twice, seconds = outcome.result()
                    tally[fault] += 1
                    print(f"trial {number:2d}: {fault:6s} at {strike_at:3d}: {messages} messages, "
                          f"{twice} sent twice, {seconds:.1f} s", flush=True)
        print(f"trials passed: {dict(tally)}", flush=True)

if __name__ == "__main__":
    unittest.main()
