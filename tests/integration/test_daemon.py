"""Issue 4, items 7 and 8: `plan-reminder run` as the long-running daemon, against the loopback
SMTP sink (STARTTLS and AUTH required), in a temporary deployment of the 'David' plan.

Most tests prime the deployment's state with Monday 2 March 2020's pass (`run --once --now
2020-03-02T09:00`: the weekly digest and Monday's notices), then start the daemon with `--now`
a few seconds before 09:00 on Tuesday 3 March 2020, when seven reminders are due. The daemon's
clock then runs on in real time, so the 09:00 send happens a few real seconds later.

The tests synchronise on what the daemon says, never on fixed sleeps: its log lines (stderr, to
a file) and its sd_notify datagrams (NOTIFY_SOCKET set to a socket the test binds). After a
pass the daemon sends "STATUS=<n> plan(s); next pass <when>; <n> queued" on its own; a READY=1
or RELOADING=1 datagram marks a start or a reload. Every wait is bounded.

These are the end-to-end runs of the real binary: what needs a real process (signals to the
whole service, the relay child, /proc, sd_notify, journald). The daemon's logic (the 09:00 pass
exactly once, a pass across the send time, restarts, a stop mid-batch, reloads of plan, config,
template, directory and transport edits, bad edits reported once, SIGHUP) is tested in-process
on a clock moved by hand, in tests/service/daemon_test.cpp.
"""

import collections
import datetime
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

import harness

# The scenario: Monday's pass is done with `run --once`; the daemon starts before Tuesday's.
PRIME = "2020-03-02T09:00"
MONDAY_SEND = datetime.datetime(2020, 3, 2, 9, 0)
TUESDAY_SEND = datetime.datetime(2020, 3, 3, 9, 0)
TUESDAY = "Tue 3 Mar 2020 09:00"  # as the daemon's STATUS shows a moment
WEDNESDAY = "Wed 4 Mar 2020 08:30"  # the next moment after Tuesday's send (digest time)

# How far before 09:00 a daemon starts when a test waits for the send.
LEAD = 5
IDLE_START = "2020-03-03T08:00"  # nothing due for 30 real minutes

STARTUP_TIMEOUT = 20.0
DELIVERY_TIMEOUT = LEAD + 30.0
LOG_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0  # SIGTERM to exit, including the message in flight
QUIET = 1.0  # how long a test watches for something that must not happen
POLL = harness.POLL_INTERVAL

# The reload after an edit. When the edit lands while a pass runs (the one that delivers the
# coordinator's problem notice, slow on a loaded machine), the reload waits for the pass and
# says so.
RELOADED_AFTER_EDIT = (r"\[info\] reloaded \((a watched file changed|a change during the pass)\): "
                       r"1 plan$")

# 1.1's milestone "Research scoping document produced" (WWiN), with a target that is an error.
SCOPING = "            text: Research scoping document produced\n            target: March 2020\n"
SCOPING_BAD = "            text: Research scoping document produced\n            target: Spring 2020\n"


def clean_environment(**extra):
    """This process's environment without anything systemd may have set for it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NOTIFY_SOCKET", "JOURNAL_STREAM", "WATCHDOG_USEC", "WATCHDOG_PID",
                        "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "CREDENTIALS_DIRECTORY")}
    env.update(extra)
    return env


def journal_stream(file):
    """JOURNAL_STREAM's value for a file: "DEVICE:INODE"."""
    status = os.fstat(file.fileno())
    return f"{status.st_dev}:{status.st_ino}"


def normal_id(message_id):
    return message_id.strip().strip("<>")


def is_problem_notice(received):
    return received.subject.startswith("[plan-reminder] Plan files not loaded")


class Notifications:
    """A Unix datagram socket for NOTIFY_SOCKET, and every datagram received on it, parsed
    into {"READY": "1", "STATUS": "..."}, in order."""

    def __init__(self, path):
        self.path = path
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(path)
        self.socket.setblocking(False)
        self.messages = []

    def close(self):
        self.socket.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def poll(self):
        while True:
            try:
                data = self.socket.recv(65536)
            except BlockingIOError:
                return
            fields = {}
            for line in data.decode("utf-8", "replace").split("\n"):
                if line:
                    key, _, value = line.partition("=")
                    fields[key] = value
            self.messages.append(fields)

    def mark(self):
        """The index from which datagrams are new."""
        self.poll()
        return len(self.messages)

    def find(self, predicate, start=0):
        self.poll()
        for i in range(start, len(self.messages)):
            if predicate(self.messages[i]):
                return i
        return None


def replace_file(path, text):
    """Saves `text` as editors do: a new file in the same folder, renamed over `path`."""
    temporary = path + ".tmp-edit"
    with open(temporary, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def is_ready(fields):
    return fields.get("READY") == "1"


def is_reloading(fields):
    return fields.get("RELOADING") == "1"


def is_stopping(fields):
    return fields.get("STOPPING") == "1"


def pass_finished(next_pass=None):
    """A datagram that is only a STATUS: the daemon sends one at the end of every pass, with
    the moment of the next one."""
    def predicate(fields):
        if set(fields) != {"STATUS"}:
            return False
        return next_pass is None or f"next pass {next_pass};" in fields["STATUS"]
    return predicate


class DaemonProcess:
    """`plan-reminder run --now NOW --config ...` in the background, stderr to a file."""

    def __init__(self, test, deployment, now, name, notify=True, env=None, new_session=False,
                 journal=False):
        self.test = test
        folder = os.path.dirname(deployment.config)
        self.stderr_path = os.path.join(folder, f"{name}.stderr")
        self.stdout_path = os.path.join(folder, f"{name}.stdout")
        environment = clean_environment(**(env or {}))
        self.notifications = None
        if notify:
            path = os.path.join(test.socket_folder, f"{name}.sock")
            self.notifications = Notifications(path)
            test.addCleanup(self.notifications.close)
            environment["NOTIFY_SOCKET"] = path
        with open(self.stderr_path, "wb") as err, open(self.stdout_path, "wb") as out:
            if journal:
                # As systemd does for a service whose stderr is the journal: the variable names
                # the stream's device and inode.
                environment["JOURNAL_STREAM"] = journal_stream(err)
            self.process = subprocess.Popen(
                [harness.BINARY, "run", "--now", now, "--config", deployment.config],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=environment,
                start_new_session=new_session)
        test.addCleanup(self.kill)

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def running(self):
        return self.process.poll() is None

    def kill(self):
        """Cleanup: a daemon a failed test left running is killed (by its pid)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def fail(self, what):
        state = "running" if self.running() else f"exited {self.process.returncode}"
        seen = self.notifications.messages if self.notifications else []
        self.test.fail(f"{what} (daemon {state})\n--- its log:\n{self.log()}"
                       f"--- its notifications:\n{seen}")

    def wait_for_log(self, pattern, count=1, timeout=LOG_TIMEOUT):
        """Waits until `pattern` (a regex) matches `count` lines of the log; returns the
        matches."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            matches = [m for m in (regex.search(line) for line in self.log().splitlines()) if m]
            if len(matches) >= count:
                return matches
            if not self.running():
                self.fail(f"the daemon exited before logging {pattern!r} {count} times")
            if time.monotonic() > deadline:
                self.fail(f"no {count} log lines matching {pattern!r} within {timeout} s")
            time.sleep(POLL)

    def wait_for_notification(self, predicate, start=0, timeout=STARTUP_TIMEOUT, what=""):
        """Waits for a datagram from index `start` on that satisfies `predicate`; returns its
        index."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.notifications.find(predicate, start)
            if found is not None:
                return found
            if not self.running():
                found = self.notifications.find(predicate, start)
                if found is not None:
                    return found
                self.fail(f"the daemon exited without notifying {what}")
            if time.monotonic() > deadline:
                self.fail(f"no notification {what} within {timeout} s")
            time.sleep(POLL)

    def wait_for_pass(self, next_pass=None, start=0, timeout=STARTUP_TIMEOUT):
        """Waits for the end of a pass after datagram `start` (with `next_pass` as the moment
        of the next one, when given); returns the index of its STATUS datagram."""
        return self.wait_for_notification(pass_finished(next_pass), start, timeout,
                                          f"of a finished pass (next pass {next_pass})")

    def send(self, number):
        self.process.send_signal(number)

    def stop(self, number=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Sends `number` and waits for the exit; returns (exit code, seconds it took)."""
        started = time.monotonic()
        self.process.send_signal(number)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.fail(f"still running {timeout} s after signal {number}")
        return code, time.monotonic() - started


class Fixture(unittest.TestCase):
    """A fresh folder, a certificate, the sink, and a deployment whose state holds Monday's
    pass (unless deploy(prime=False))."""

    def setUp(self):
        self.folder = harness.TestFolder(self.id().rsplit(".", 1)[-1])
        self.addCleanup(self.folder.cleanup)
        # sun_path holds 108 bytes: the notification sockets get a short folder of their own.
        self.socket_folder = tempfile.mkdtemp(prefix="pr-notify-", dir=harness.scratch_root())
        self.addCleanup(shutil.rmtree, self.socket_folder, True)
        self.cert, self.key = harness.make_certificate(self.folder.path)
        self.daemons = 0

    def deploy(self, prime=True, **sink_options):
        self.sink = harness.Sink(os.path.join(self.folder.path, "sink"), self.cert, self.key,
                                 **sink_options)
        self.addCleanup(self.sink.stop)
        self.deployment = harness.Deployment(os.path.join(self.folder.path, "deployment"),
                                             self.sink.port, self.cert)
        self.plan = os.path.join(self.deployment.folder, "plans", "david.yaml")
        with open(self.plan) as f:
            self.original_plan = f.read()
        self.primed = 0
        if prime:
            result = self.deployment.run(PRIME)
            self.assertIn("0 failed", result.stderr)
            self.primed = self.sink.count()
            self.assertGreaterEqual(self.primed, 1, "Monday's pass sends the digest at least")

    def start_daemon(self, now, notify=True, env=None, new_session=False, journal=False):
        self.daemons += 1
        daemon = DaemonProcess(self, self.deployment, now, f"daemon-{self.daemons}",
                               notify=notify, env=env, new_session=new_session, journal=journal)
        return daemon

    @staticmethod
    def before_send(seconds):
        """--now for `seconds` before Tuesday's 09:00."""
        return (TUESDAY_SEND - datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")

    def since_prime(self):
        """The messages the sink received after Monday's pass."""
        return self.sink.messages(start=self.primed + 1)

    def wait_for_messages(self, count, daemon, timeout=DELIVERY_TIMEOUT):
        """Waits until the sink holds `count` messages more than after Monday's pass."""
        deadline = time.monotonic() + timeout
        while self.sink.count() < self.primed + count:
            if not daemon.running():
                daemon.fail(f"the daemon exited with {self.sink.count() - self.primed} of "
                            f"{count} messages received")
            if time.monotonic() > deadline:
                daemon.fail(f"{self.sink.count() - self.primed} of {count} messages received "
                            f"within {timeout} s")
            time.sleep(POLL)
        return self.since_prime()

    def assert_quiet(self, daemon, received):
        """Watches the sink and the daemon for QUIET seconds: no message beyond `received`
        arrives and no pass runs (a wake-up loop would show as one or the other)."""
        mark = daemon.notifications.mark() if daemon.notifications else 0
        deadline = time.monotonic() + QUIET
        while time.monotonic() < deadline:
            self.assertEqual(self.sink.count(), self.primed + received,
                             "a message arrived when nothing was due")
            if daemon.notifications:
                self.assertIsNone(daemon.notifications.find(pass_finished(), mark),
                                  "a pass ran when nothing was due")
            self.assertTrue(daemon.running())
            time.sleep(POLL)

    def expected_tuesday(self):
        """The emails of Tuesday's 09:00 pass after Monday's, from harness.Model (the plan as
        it is on disk now): {recipient: (kind, items)}, and the milestone ids."""
        agenda = self.deployment.agenda("2020-03-03")
        model = harness.Model(harness.plan_milestones(agenda), until=TUESDAY_SEND.date())
        model.run(MONDAY_SEND)
        return model.run(TUESDAY_SEND), harness.milestone_ids(agenda)

    def describe_all(self, received, ids):
        """{recipient: [(kind, items)]} of notice emails; problem notices under "problem"."""
        out = collections.defaultdict(list)
        for message in received:
            if harness.is_digest(message):
                out["digest"].append(("digest", ()))
            elif is_problem_notice(message):
                out["problem"].append(("problem", (message.subject,)))
            elif harness.is_failure_notice(message):
                out["failure"].append(("failure", (message.subject,)))
            else:
                recipient, kind, items = harness.describe(self.deployment, message, ids)
                out[recipient].append((kind, items))
        return dict(out)

    def assert_tuesday(self, received, expected, ids):
        """`received` is Tuesday's 09:00 emails, each once, sent at 09:00 (daemon time)."""
        actual = self.describe_all(received, ids)
        self.assertEqual({r: len(v) for r, v in actual.items() if len(v) != 1}, {},
                         "one email per recipient")
        self.assertEqual({r: v[0] for r, v in actual.items()}, expected)
        ids_seen = collections.Counter(m.message_id for m in received)
        self.assertEqual(max(ids_seen.values()), 1, "each Message-ID once")
        for message in received:
            self.assertEqual(harness.message_problems(message), [])
            sent_at = message.local_date()
            self.assertGreaterEqual(sent_at, TUESDAY_SEND, "sent before the send time")
            self.assertLess(sent_at, TUESDAY_SEND + datetime.timedelta(seconds=5),
                            "sent late")

    def outbox(self):
        """The state database, read-only: {message_id: (state, kind, subject)} of the messages
        and [(key, state, message_id)] of the notices."""
        database = sqlite3.connect(f"file:{self.deployment.state}?mode=ro", uri=True)
        try:
            messages = {normal_id(row[0]): (row[1], row[2], row[3]) for row in database.execute(
                "SELECT message_id, state, kind, subject FROM messages")}
            notices = list(database.execute("SELECT key, state, message_id FROM notices"))
        finally:
            database.close()
        return messages, notices

    def write_plan(self, text, rename=False):
        """Saves the plan: in place (truncate and write), or as editors do, a new file renamed
        over the old one."""
        if rename:
            replace_file(self.plan, text)
        else:
            with open(self.plan, "w") as f:
                f.write(text)

    def edited(self, old, new, text=None):
        text = self.original_plan if text is None else text
        self.assertEqual(text.count(old), 1, f"the plan no longer has exactly one {old!r}")
        return text.replace(old, new)


class Daemon(Fixture):
    """Sending: the 09:00 email, a stop in the middle of a batch, restarts."""

    def test_the_email_due_at_nine_arrives_exactly_once(self):
        """Started 5 seconds before Tuesday's 09:00, the daemon's first pass sends nothing (it
        is before the send time and Monday's digest is done), and it sets its next pass for
        09:00; at 09:00 each of Tuesday's emails (from the model) arrives once, dated 09:00,
        and the next pass is Wednesday 08:30; nothing else arrives; SIGTERM exits 0."""
        self.deploy()
        expected, ids = self.expected_tuesday()
        self.assertGreaterEqual(len(expected), 5)
        daemon = self.start_daemon(self.before_send(LEAD))
        ready = daemon.wait_for_notification(is_ready, what="READY=1")
        daemon.wait_for_pass(TUESDAY, start=ready)
        self.assertEqual(self.since_prime(), [], "the first pass sent something before 09:00")

        received = self.wait_for_messages(len(expected), daemon)
        daemon.wait_for_pass(WEDNESDAY, start=ready)
        received = self.since_prime()
        self.assert_tuesday(received, expected, ids)
        self.assert_quiet(daemon, len(received))
        # Two passes in all: the one at start and the one at 09:00 (no pass repeated at the
        # same moment, no wake-up loop).
        passes = [fields["STATUS"] for fields in daemon.notifications.messages[ready:]
                  if pass_finished()(fields)]
        self.assertEqual(len(passes), 2, collections.Counter(passes))
        # No watchdog pings unless systemd asks for them (WATCHDOG_USEC).
        self.assertIsNone(daemon.notifications.find(lambda fields: "WATCHDOG" in fields))

        code, _ = daemon.stop()
        self.assertEqual(code, 0, daemon.log())
        log = daemon.log()
        self.assertRegex(log, rf"pass: {len(expected)} queued, {len(expected)} delivered, "
                              r"0 to retry, 0 failed, 0 stale dropped; took \d+\.\d\d s\n")
        self.assertRegex(log, r"stopping on signal 15")
        self.assertTrue(log.rstrip().endswith("stopped"), log)
        # Not under journald: time-stamped lines, no syslog priority prefixes.
        for line in log.splitlines():
            self.assertRegex(line, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(info|warning)\] ")
        messages, notices = self.outbox()
        self.assertEqual({state for state, _, _ in messages.values()}, {"sent"})
        self.assertTrue(all(state in ("sent", "dropped") for _, state, _ in notices), notices)

class DaemonReload(Fixture):
    """Reloads: file edits seen by the watch, a bad edit, SIGHUP."""

    def test_hostile_files_are_refused_and_the_daemon_goes_on(self):
        """Files that used to kill, hang or exhaust the daemon, each saved into the plans folder
        while it waits: a FIFO named like a plan, a folder named like a plan, a "billion laughs"
        plan (469 bytes that alias their way to gigabytes) and a plan that is not UTF-8. Each
        reload is refused with a located error, the daemon keeps running (a FIFO does not
        block it), its peak memory stays under 256 MB, and once they are gone the plan
        reloads."""
        self.deploy()
        # No notify socket: this test reads none of the many notifications its reloads send.
        daemon = self.start_daemon(IDLE_START, notify=False)
        daemon.wait_for_log(r"\[info\] plan-reminder started")
        folder = os.path.dirname(self.plan)
        refused = r"\[error\] reload \(a watched file changed\) refused"

        fifo = os.path.join(folder, "x.yaml")
        os.mkfifo(fifo)
        daemon.wait_for_log(refused, count=1)
        daemon.wait_for_log(r"\[error\] \S*x\.yaml: cannot read the plan: it is not a regular "
                            r"file \(a FIFO\)")
        os.unlink(fifo)
        daemon.wait_for_log(RELOADED_AFTER_EDIT, count=1)

        old = os.path.join(folder, "old.yaml")
        os.mkdir(old)
        daemon.wait_for_log(r"\[error\] \S*old\.yaml: cannot read the plan: it is a folder")
        os.rmdir(old)
        daemon.wait_for_log(RELOADED_AFTER_EDIT, count=2)

        levels = ["lol: &a [" + ", ".join(['"lol"'] * 9) + "]"]
        for i, name in enumerate("bcdefghi"):
            previous = "abcdefghi"[i]
            levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        bomb = os.path.join(folder, "bomb.yaml")
        replace_file(bomb, "\n".join(levels) + "\n")
        daemon.wait_for_log(r"\[error\] \S*bomb\.yaml:\d+:\d+: .*aliases")
        os.unlink(bomb)
        daemon.wait_for_log(RELOADED_AFTER_EDIT, count=3)

        latin1 = os.path.join(folder, "latin1.yaml")
        with open(latin1, "wb") as f:
            f.write(b"review:\n  id: dhr-x\n  title: Caf\xe9\n")
        daemon.wait_for_log(r"\[error\] \S*latin1\.yaml:3:\d+: .*not UTF-8")
        os.unlink(latin1)
        daemon.wait_for_log(RELOADED_AFTER_EDIT, count=4)

        self.assertTrue(daemon.running())
        with open(f"/proc/{daemon.pid}/status") as f:
            peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        self.assertLess(peak, 256 * 1024, f"peak resident memory {peak} kB")
        code, _ = daemon.stop()
        self.assertEqual(code, 0, daemon.log())

def mapped_libraries(pid):
    """The file names of the shared libraries mapped into process `pid`."""
    with open(f"/proc/{pid}/maps") as f:
        return {os.path.basename(line.split()[-1]) for line in f
                if len(line.split()) >= 6 and ".so" in line.split()[-1]}


def child_pids(pid):
    return [int(p) for p in subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)],
                                           stdout=subprocess.PIPE, text=True).stdout.split()]


class DaemonRelay(Fixture):
    """SMTP delivery through a child process per batch (`plan-reminder smtp-relay`), so that
    the daemon stays small between send times (issue 4's idle target)."""

    def tuesday_states(self):
        """{Message-ID: state} of the messages after Monday's; none may have failed."""
        messages, _ = self.outbox()
        monday = {normal_id(m.message_id) for m in self.sink.messages() if m.number <= self.primed}
        tuesday = {i: state for i, (state, _, _) in messages.items() if i not in monday}
        self.assertEqual(set(tuesday.values()) - {"sent", "queued"}, set(), tuesday)
        return tuesday

    def received_ids(self):
        return {normal_id(m.message_id) for m in self.since_prime()}

    def test_sigterm_to_the_whole_service_lets_the_relay_finish_its_message(self):
        """systemd stops a service by sending SIGTERM to every process in it: the relay must
        not die with the message in flight (the sink has it but the database would not say
        sent, so a restart would send it twice). With the sink taking a second per DATA and
        SIGTERM sent to the daemon's process group mid-batch, the daemon exits 0, the relay
        is gone, and what the database says is sent is exactly what the sink received. The
        relay's command line and environment do not hold the SMTP password."""
        self.deploy(delay_data=1.0)
        daemon = self.start_daemon(self.before_send(LEAD), new_session=True)
        daemon.wait_for_notification(is_ready, what="READY=1")
        self.wait_for_messages(1, daemon)  # stored by the sink, not yet answered
        relays = child_pids(daemon.pid)
        self.assertEqual(len(relays), 1, "one relay process during the batch")
        # The password reached the relay through its socket, not its command line or
        # environment (which other users may read).
        for part in ("cmdline", "environ"):
            with open(f"/proc/{relays[0]}/{part}", "rb") as f:
                seen = f.read()
            self.assertNotIn(harness.SMTP_PASSWORD.encode(), seen, part)
            if part == "cmdline":
                self.assertEqual(seen.split(b"\0")[1:3], [b"smtp-relay", b""], seen)
        started = time.monotonic()
        os.killpg(daemon.pid, signal.SIGTERM)
        code = daemon.process.wait(timeout=STOP_TIMEOUT)
        self.assertEqual(code, 0, daemon.log())
        self.assertLess(time.monotonic() - started, STOP_TIMEOUT)
        self.assertFalse(os.path.exists(f"/proc/{relays[0]}"), "the relay outlived the daemon")
        tuesday = self.tuesday_states()
        sent = {i for i, state in tuesday.items() if state == "sent"}
        self.assertEqual(sent, self.received_ids(), "sent in the database = received by the sink")
        self.assertGreaterEqual(len(sent), 1, "the message in flight was not recorded")
        self.assertLess(len(sent), len(tuesday), "the whole batch went: SIGTERM too late?")

    def test_a_relay_that_dies_mid_batch_loses_nothing(self):
        """The relay killed (SIGKILL) while a message is in flight: the daemon says so, keeps
        running, and the batch stays queued for a retry (none failed); what the database says
        is sent is exactly what the sink received."""
        self.deploy(delay_data=1.0)
        daemon = self.start_daemon(self.before_send(LEAD))
        ready = daemon.wait_for_notification(is_ready, what="READY=1")
        first = daemon.wait_for_pass(TUESDAY, start=ready)
        self.wait_for_messages(1, daemon)
        relays = child_pids(daemon.pid)
        self.assertEqual(len(relays), 1, "one relay process during the batch")
        os.kill(relays[0], signal.SIGKILL)
        daemon.wait_for_log(r"\[error\] not delivered yet, retry at .*: message \d+ .*: the SMTP "
                            r"relay process ended during delivery \(killed by signal 9\)")
        daemon.wait_for_pass(start=first + 1)
        self.assertTrue(daemon.running())
        self.assertRegex(daemon.log(), r"pass: \d+ queued, \d+ delivered, [1-9]\d* to retry, 0 failed")
        # The message in flight reached the sink, but whether the server took it is unknown
        # to the daemon: it stays queued (a repeat carries the same Message-ID). Every other
        # message the sink has is recorded as sent.
        tuesday = self.tuesday_states()
        sent = {i for i, state in tuesday.items() if state == "sent"}
        in_flight = self.received_ids() - sent
        self.assertEqual(len(in_flight), 1, in_flight)
        self.assertEqual(tuesday[in_flight.pop()], "queued")
        self.assertEqual(child_pids(daemon.pid), [], "a relay process outlived its batch")
        code, _ = daemon.stop()
        self.assertEqual(code, 0, daemon.log())

    def test_the_daemon_never_loads_libcurl(self):
        """libcurl and the TLS libraries it brings (about 7 MB resident once used) stay out of
        the daemon: delivering over SMTP, it hands each batch to a child process (`plan-reminder
        smtp-relay`), which has exited once Tuesday's emails are sent; delivering to a Maildir
        (fresh state), it never needs them, nor the libraries of import, the board paper,
        calendar feeds and PostgreSQL. Checked in /proc/PID/maps after the 09:00 pass."""
        self.deploy()
        daemon = self.start_daemon(self.before_send(LEAD))
        ready = daemon.wait_for_notification(is_ready, what="READY=1")
        daemon.wait_for_pass(WEDNESDAY, start=ready)
        self.assertGreaterEqual(len(self.since_prime()), 5, "Tuesday's emails were not sent")
        self.assert_no_smtp_libraries(daemon.pid, "an SMTP deployment")
        self.assertEqual(child_pids(daemon.pid), [], "a relay process outlived its batch")
        code, _ = daemon.stop()
        self.assertEqual(code, 0, daemon.log())

        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.deployment.state + suffix):
                os.unlink(self.deployment.state + suffix)
        maildir = os.path.join(self.deployment.folder, "Maildir")
        with open(self.deployment.config) as f:
            config = f.read()
        at = config.index("transport:\n")
        with open(self.deployment.config, "w") as f:
            f.write(config[:at] + f"transport:\n  maildir: {maildir}\n")
        daemon = self.start_daemon("2020-03-03T09:01")
        ready = daemon.wait_for_notification(is_ready, what="READY=1")
        daemon.wait_for_pass(WEDNESDAY, start=ready)
        written = os.listdir(os.path.join(maildir, "new"))
        self.assertGreaterEqual(len(written), 5, "Tuesday's emails were not written")
        self.assert_no_smtp_libraries(daemon.pid, "a Maildir deployment")
        # Nor what only other commands or deployments use, each loaded at its first use: libzip
        # (import, with libcrypto and libbz2), libxlsxwriter (the Excel board paper, with
        # libminizip), libical (calendar feeds, with ICU), libpq (a state in PostgreSQL) and
        # libzstd (emails of 64 KiB or more); pugixml is linked from its static archive.
        loaded = sorted(name for name in mapped_libraries(daemon.pid)
                        if name.startswith(("libzip", "libcrypto", "libbz2", "libxlsxwriter",
                                            "libminizip", "libpugixml", "libical", "libicu",
                                            "libpq", "libzstd")))
        self.assertEqual(loaded, [], "the idle daemon maps libraries only commands need")
        code, _ = daemon.stop()
        self.assertEqual(code, 0, daemon.log())

    def assert_no_smtp_libraries(self, pid, what):
        libraries = mapped_libraries(pid)
        # The maps were read (the C library is always there), so an absence means something.
        self.assertTrue(any(name.startswith("libc.so") for name in libraries), libraries)
        loaded = sorted(name for name in libraries
                        if name.startswith(("libcurl", "libssl", "libgnutls", "libkrb5")))
        self.assertEqual(loaded, [], f"{what}: the daemon loaded the SMTP libraries")


class DaemonSystemd(Fixture):
    """The systemd interfaces: sd_notify and journald's priority prefixes."""

    def test_sd_notify_ready_reloading_stopping_and_watchdog(self):
        """With NOTIFY_SOCKET set to a Unix datagram socket (and WATCHDOG_USEC=1 s), the daemon
        sends READY=1 with a STATUS saying how many plans and the next pass; WATCHDOG=1 about
        every half second; on SIGHUP, RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC, for
        Type=notify-reload) and then READY=1 again; on SIGTERM, STOPPING=1, and exits 0."""
        self.deploy()
        daemon = self.start_daemon(IDLE_START, env={"WATCHDOG_USEC": "1000000"})
        ready = daemon.wait_for_notification(is_ready, what="READY=1")
        fields = daemon.notifications.messages[ready]
        self.assertIn("STATUS", fields, fields)
        self.assertRegex(fields["STATUS"], r"^1 plan; next pass Tue 3 Mar 2020 08:00; \d+ queued$")
        self.assertIsNone(daemon.notifications.find(
            lambda f: is_reloading(f) or is_stopping(f)), daemon.notifications.messages)
        after_pass = daemon.wait_for_pass("Tue 3 Mar 2020 08:30", start=ready)
        self.assertRegex(daemon.notifications.messages[after_pass]["STATUS"],
                         r"^1 plan; next pass Tue 3 Mar 2020 08:30; 0 queued$")

        watchdog = daemon.wait_for_notification(lambda f: f.get("WATCHDOG") == "1",
                                                what="WATCHDOG=1")
        daemon.wait_for_notification(lambda f: f.get("WATCHDOG") == "1", start=watchdog + 1,
                                     timeout=3.0, what="a second WATCHDOG=1")

        mark = daemon.notifications.mark()
        before = time.clock_gettime(time.CLOCK_MONOTONIC)
        daemon.send(signal.SIGHUP)
        reloading = daemon.wait_for_notification(is_reloading, start=mark, what="RELOADING=1")
        after = time.clock_gettime(time.CLOCK_MONOTONIC)
        fields = daemon.notifications.messages[reloading]
        self.assertRegex(fields.get("MONOTONIC_USEC", ""), r"^\d+$", fields)
        usec = int(fields["MONOTONIC_USEC"])
        self.assertLessEqual(before * 1e6 - 1e6, usec)
        self.assertLessEqual(usec, after * 1e6 + 1e6)
        daemon.wait_for_notification(is_ready, start=reloading + 1, what="READY=1 after reload")
        daemon.wait_for_log(r"reloaded \(SIGHUP\)")

        mark = daemon.notifications.mark()
        code, _ = daemon.stop()
        self.assertEqual(code, 0, daemon.log())
        stopping = daemon.wait_for_notification(is_stopping, start=mark, what="STOPPING=1")
        self.assertIsNone(daemon.notifications.find(is_ready, stopping + 1),
                          "READY=1 after STOPPING=1")

    def test_journal_stream_gives_syslog_priority_prefixes(self):
        """With stderr the stream JOURNAL_STREAM names, every line on stderr starts with a
        syslog priority and no time stamp (journald adds its own): "<6>" for information (start,
        reload, stop) and "<3>" for errors (a refused reload and its file:line:col
        diagnostic)."""
        self.deploy()
        daemon = self.start_daemon(IDLE_START, journal=True)
        ready = daemon.wait_for_notification(is_ready, what="READY=1")
        daemon.wait_for_pass("Tue 3 Mar 2020 08:30", start=ready)
        self.write_plan(self.edited(SCOPING, SCOPING_BAD))
        daemon.wait_for_log(r"^<3>reload \(a watched file changed\) refused")
        self.write_plan(self.original_plan, rename=True)
        daemon.wait_for_log(r"^<6>" + RELOADED_AFTER_EDIT[len(r"\[info\] "):])
        code, _ = daemon.stop()
        self.assertEqual(code, 0)
        lines = daemon.log().splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, r"^<[0-7]>\S")
            self.assertNotRegex(line, r"^<\d>\d{4}-\d\d-\d\d")
        info = [line for line in lines if line.startswith("<6>")]
        errors = [line for line in lines if line.startswith("<3>")]
        self.assertTrue(any(line.startswith("<6>plan-reminder started") for line in info), lines)
        self.assertIn("<6>stopped", lines)
        self.assertTrue(any(re.match(r"<6>stopping on signal 15", line) for line in info))
        self.assertTrue(any(re.match(r"<3>\S+david\.yaml:\d+:\d+: .*Spring 2020", line)
                            for line in errors), lines)
        self.assertTrue(any("refused" in line for line in errors))
        self.assertFalse(any("refused" in line or "Spring 2020" in line for line in info))


    def test_startup_errors_under_journald_have_the_error_priority(self):
        """`run` on a plan with an error, under journald (JOURNAL_STREAM set): it exits 65 (bad
        data) without starting, and every line it writes to stderr carries a syslog priority,
        "<3>" on the file:line:col problem, so that `journalctl -p err` says why the service
        did not start."""
        self.deploy(prime=False)
        self.write_plan(self.edited(SCOPING, SCOPING_BAD))
        stderr_path = os.path.join(self.folder.path, "startup.stderr")
        with open(stderr_path, "wb") as err:
            result = subprocess.run(
                [harness.BINARY, "run", "--now", IDLE_START, "--config", self.deployment.config],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                env=clean_environment(JOURNAL_STREAM=journal_stream(err)), timeout=60)
        with open(stderr_path, "rb") as err:
            stderr = err.read().decode("utf-8", "replace")
        self.assertEqual(result.returncode, 65, stderr)
        self.assertEqual(self.sink.count(), 0)
        lines = stderr.splitlines()
        problems = [line for line in lines if "Spring 2020" in line]
        self.assertEqual(len(problems), 1, lines)
        self.assertRegex(problems[0], r"^<3>\S*david\.yaml:\d+:\d+: ", lines)
        for line in lines:
            self.assertRegex(line, r"^<[0-7]>", lines)

    def test_journal_stream_of_another_file_gives_plain_lines(self):
        """JOURNAL_STREAM inherited by a process whose stderr goes elsewhere (an admin's
        `plan-reminder check 2>log` from a service's shell): the lines carry their time stamp
        and no syslog prefix, because stderr is not the journal."""
        self.deploy(prime=False)
        self.write_plan(self.edited(SCOPING, SCOPING_BAD))
        result = subprocess.run(
            [harness.BINARY, "run", "--now", IDLE_START, "--config", self.deployment.config],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=clean_environment(JOURNAL_STREAM="8:1234"), timeout=60)
        stderr = result.stderr.decode("utf-8", "replace")
        self.assertEqual(result.returncode, 65, stderr)
        lines = stderr.splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertNotRegex(line, r"^<\d>", lines)

if __name__ == "__main__":
    unittest.main()
