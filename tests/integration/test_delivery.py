"""Issue 3, tests 4 to 7: delivery through SMTP when things go wrong: the server down, a
recipient refused, the process killed in the middle of a batch, wrong credentials and a
certificate that is not trusted."""

import collections
import datetime
import fcntl
import os
import shutil
import signal
import subprocess
import re
import time
import unittest

import harness
from harness import COORDINATOR, SMTP_PASSWORD

PUBLISHED = "2020-01-20"
EX_UNAVAILABLE = 69
EX_IOERR = 74
EX_TEMPFAIL = 75


class Fixture(unittest.TestCase):
    """A fresh folder with a certificate for each test; the sink is started by the test."""

    def setUp(self):
        self.folder = harness.TestFolder(self.id().rsplit(".", 1)[-1])
        self.addCleanup(self.folder.cleanup)
        self.cert, self.key = harness.make_certificate(self.folder.path)
        self.ids = None

    def start_sink(self, **options):
        sink = harness.Sink(os.path.join(self.folder.path, "sink"), self.cert, self.key, **options)
        self.addCleanup(sink.stop)
        return sink

    def deployment(self, port, ca_file=None, password=SMTP_PASSWORD):
        deployment = harness.Deployment(os.path.join(self.folder.path, "deployment"), port,
                                        ca_file or self.cert, published=PUBLISHED,
                                        password=password)
        self.ids = harness.milestone_ids(deployment.agenda("2020-01-06"))
        return deployment

    def expected(self, deployment, now):
        """The emails a first pass at `now` sends, from the model: {recipient: (kind, items)}."""
        milestones = harness.plan_milestones(deployment.agenda("2020-01-06"),
                                             datetime.date.fromisoformat(PUBLISHED))
        return harness.Model(milestones, until=now.date()).run(now)

    def describe_all(self, deployment, received):
        """{recipient: [(kind, items)]} of what arrived (the digest under "digest")."""
        out = collections.defaultdict(list)
        for message in received:
            if harness.is_digest(message):
                out["digest"].append(("digest", ()))
            elif harness.is_failure_notice(message):
                out["failure"].append(("failure", (message.subject,)))
            else:
                recipient, kind, items = harness.describe(deployment, message, self.ids)
                out[recipient].append((kind, items))
        return dict(out)


class TransientFailures(Fixture):
    """The server down, or refusing for a while: nothing is lost, nothing sent twice."""

    def test_nothing_lost_while_the_server_is_down(self):
        """With nothing listening on the SMTP port, a pass at the send time exits 69 and keeps
        every message queued (`history` shows them queued); started again two minutes later
        with the server up, it delivers each message exactly once; a third pass delivers
        nothing more."""
        port = harness.free_port()
        deployment = self.deployment(port)
        now = datetime.datetime(2020, 4, 1, 9, 0)
        expected = self.expected(deployment, now)
        self.assertGreaterEqual(len(expected), 9)

        down = deployment.run(harness.moment(now), check=False)
        self.assertEqual(down.returncode, EX_UNAVAILABLE, down.stdout + down.stderr)
        history = deployment.history()
        self.assertTrue(history)
        self.assertEqual({row["state"] for row in history}, {"queued"}, history[:3])
        text = deployment.command("history").stdout
        self.assertIn("queued", text)

        sink = self.start_sink(port=port)
        passes = harness.Passes(deployment, sink)
        result, received = passes.run(now + datetime.timedelta(minutes=2))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        actual = self.describe_all(deployment, received)
        self.assertEqual({r: len(v) for r, v in actual.items() if len(v) != 1}, {})
        self.assertEqual({r: v[0] for r, v in actual.items()}, expected)
        ids = collections.Counter(message.message_id for message in received)
        self.assertEqual(max(ids.values()), 1)
        self.assertEqual({row["state"] for row in deployment.history()}, {"sent"})
        # The messages keep the Date of the pass that made them.
        for message in received:
            self.assertEqual(message.local_date(), now)

        result, received = passes.run(now + datetime.timedelta(minutes=3))
        self.assertEqual(result.returncode, 0)
        self.assertEqual(received, [])

    def test_a_temporary_refusal_is_retried_after_a_minute(self):
        """A 451 to the first message of the batch: the others are delivered at once, the
        pass exits 69, a pass 59 seconds later does not retry yet, and a pass one minute after
        the first delivers the refused message, once."""
        sink = self.start_sink(tempfail_first=1)
        deployment = self.deployment(sink.port)
        now = datetime.datetime(2020, 4, 1, 9, 0)
        expected = self.expected(deployment, now)
        passes = harness.Passes(deployment, sink)
        result, first = passes.run(now, check=False)
        self.assertEqual(result.returncode, EX_UNAVAILABLE, result.stdout + result.stderr)
        self.assertEqual(len(first), len(expected) - 1)
        queued = [row for row in deployment.history() if row["state"] == "queued"]
        self.assertTrue(queued)
        self.assertTrue(all("451" in row["detail"] for row in queued), queued)

        result = deployment.run(harness.moment(now) + ":59", check=False)
        self.assertEqual(sink.count(), len(first))
        result, second = passes.run(now + datetime.timedelta(minutes=1))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(len(second), 1)
        actual = self.describe_all(deployment, first + second)
        self.assertEqual(actual, {r: [v] for r, v in expected.items()})
        self.assertEqual({row["state"] for row in deployment.history()}, {"sent"})


class PermanentRejection(Fixture):
    REFUSED = "dhr-lead@police.example.org"

    def test_a_refused_recipient_fails_alone(self):
        """When the server answers 550 to one agency's address, that agency's email is failed
        for good (`history` shows failed, with the server's reply), the coordinator receives a
        failure notice naming its subject, and every other email is delivered."""
        sink = self.start_sink(reject_rcpt=[self.REFUSED])
        deployment = self.deployment(sink.port)
        # 31 March 2020, a first pass: the police's only milestone (1.2) is due that day, and
        # no escalation copies the police.
        now = datetime.datetime(2020, 3, 31, 9, 0)
        expected = self.expected(deployment, now)
        self.assertIn("police", expected)
        passes = harness.Passes(deployment, sink)
        result, received = passes.run(now, check=False)
        # Something failed: a timer or cron must see it (SPEC §5).
        self.assertEqual(result.returncode, EX_UNAVAILABLE, result.stderr)
        # The log names the message that failed and why, in the pass's local time.
        self.assertRegex(result.stderr,
                         r"\[error\] not delivered: message \d+ \('\[Safer Sunderland "
                         r"Partnership\] Due today: 1\.2 Pathway in place'\) to "
                         + self.REFUSED.replace(".", r"\.") + r": .*550")
        self.assertIn("[info] pass at Tue 31 Mar 2020 09:00:", result.stderr)
        self.assertNotIn("09:00:00Z", result.stderr)

        actual = self.describe_all(deployment, received)
        failures = actual.pop("failure", [])
        self.assertNotIn("police", actual)
        self.assertEqual({r: len(v) for r, v in actual.items() if len(v) != 1}, {})
        del expected["police"]
        self.assertEqual({r: v[0] for r, v in actual.items()}, expected)

        police_subject = "[Safer Sunderland Partnership] Due today: 1.2 Pathway in place"
        self.assertEqual(len(failures), 1)
        notice = [m for m in received if harness.is_failure_notice(m)][0]
        self.assertEqual(notice.addresses("To"), [COORDINATOR])
        self.assertIn(police_subject, notice.subject)
        self.assertIn(police_subject, " ".join(notice.text().split()))
        self.assertIn(self.REFUSED, notice.text())
        self.assertIn("550", notice.text())
        self.assertEqual(harness.message_problems(notice), [])

        history = deployment.history()
        police = [row for row in history if row["recipient"] == "police"]
        self.assertEqual([row["state"] for row in police], ["failed"])
        self.assertIn("550", police[0]["detail"])
        others = [row for row in history if row["recipient"] not in ("police", "coordinator")]
        self.assertEqual({row["state"] for row in others}, {"sent"})

        # Failed for good: later passes neither retry it nor send the notice again.
        result, received = passes.run(now + datetime.timedelta(hours=2))
        self.assertEqual(received, [])


class RefusedCopy(Fixture):
    def test_a_refused_coordinator_copy_is_logged_recorded_and_in_the_digest(self):
        """The server refuses the coordinator's address (550) and accepts the others: the
        emails copied to the coordinator still reach their agencies; the pass exits 69 and
        logs each refusal at error level; `history` shows those notices sent with the refusal;
        the next weekly digest lists it."""
        sink = self.start_sink(reject_rcpt=[COORDINATOR])
        deployment = self.deployment(sink.port)
        now = datetime.datetime(2020, 4, 1, 9, 0)
        passes = harness.Passes(deployment, sink)
        result, received = passes.run(now, check=False)
        self.assertEqual(result.returncode, EX_UNAVAILABLE, result.stderr)
        copied = [m for m in received if COORDINATOR in m.addresses("Cc")]
        self.assertTrue(copied, [m.subject for m in received])
        for message in copied:
            self.assertNotIn(COORDINATOR, [a.lower() for a in message.envelope["rcpt_tos"]])
            self.assertTrue(message.envelope["rcpt_tos"], message.subject)
        refusals = re.findall(r"\[error\] recipient " + re.escape(COORDINATOR) + " refused",
                              result.stderr)
        self.assertEqual(len(refusals), len(copied), result.stderr)
        sent_with_refusal = [row for row in deployment.history()
                             if row["state"] == "sent" and COORDINATOR in row["detail"]]
        self.assertTrue(sent_with_refusal)
        self.assertTrue(all("550" in row["detail"] for row in sent_with_refusal))

        result, received = passes.run(datetime.datetime(2020, 4, 6, 8, 30), check=False)
        digests = [m for m in received if harness.is_digest(m)]
        self.assertEqual(len(digests), 1, [m.subject for m in received])
        self.assertIn(COORDINATOR, digests[0].text())


class FailuresReportedTogether(Fixture):
    def test_one_failure_notice_lists_every_message_that_failed_in_a_pass(self):
        """Two agencies' addresses refused with 550 in one pass: the coordinator gets one
        failure notice naming both subjects and both addresses, with advice about the
        addresses; the log has one error line for each failed message."""
        refused = ["dhr-lead@police.example.org", "dhr-lead@wwin.example.org"]
        sink = self.start_sink(reject_rcpt=refused)
        deployment = self.deployment(sink.port)
        now = datetime.datetime(2020, 3, 31, 9, 0)
        passes = harness.Passes(deployment, sink)
        result, received = passes.run(now, check=False)
        self.assertEqual(result.returncode, EX_UNAVAILABLE, result.stderr)
        notices = [m for m in received if harness.is_failure_notice(m)]
        self.assertEqual(len(notices), 1, [m.subject for m in notices])
        text = " ".join(notices[0].text().split())
        failed = [row for row in deployment.history() if row["state"] == "failed"]
        self.assertGreaterEqual(len(failed), 2, failed)
        for address in refused:
            self.assertIn(address, text)
        self.assertIn("agencies.yaml", text)
        self.assertEqual(len(re.findall(r"\[error\] not delivered: ", result.stderr)),
                         len({row["message_id"] for row in failed}), result.stderr)


class KilledMidBatch(Fixture):
    K = 3

    def test_sigkill_then_restart_delivers_everything_once(self):
        """The process killed with SIGKILL while delivering a batch (after the server stored
        the K-th message but before it answered), then run again: every message arrives at
        least once, at most one arrives twice, and a message that arrives twice has the same
        Message-ID both times."""
        sink = self.start_sink(delay_data=0.4)
        deployment = self.deployment(sink.port)
        now = datetime.datetime(2020, 4, 1, 9, 0)
        expected = self.expected(deployment, now)
        self.assertGreater(len(expected), self.K + 2)

        process = deployment.start_run(harness.moment(now))
        try:
            deadline = time.monotonic() + 60
            while sink.count() < self.K:
                self.assertIsNone(process.poll(), "the pass ended before it could be killed")
                self.assertLess(time.monotonic(), deadline, "the sink received too little")
                time.sleep(harness.POLL_INTERVAL)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
        self.assertEqual(process.returncode, -signal.SIGKILL)
        self.assertLess(sink.count(), len(expected), "killed too late to test anything")

        deployment.run(harness.moment(now + datetime.timedelta(minutes=1)))
        received = sink.messages()
        by_id = collections.defaultdict(list)
        for message in received:
            by_id[message.message_id].append(message)
        repeated = {i: m for i, m in by_id.items() if len(m) > 1}
        self.assertLessEqual(len(repeated), 1, list(repeated))
        self.assertTrue(all(len(m) == 2 for m in repeated.values()))
        for first, again in repeated.values():
            self.assertEqual(first.raw, again.raw, "a resend is the stored message, unchanged")
        # A repeat is the same message (same recipients and subject), not a new one.
        by_content = collections.defaultdict(set)
        for message in received:
            by_content[(tuple(message.addresses("To")), message.subject)].add(message.message_id)
        self.assertEqual({k: v for k, v in by_content.items() if len(v) > 1}, {})
        unique = [messages[0] for messages in by_id.values()]
        actual = self.describe_all(deployment, unique)
        self.assertEqual({r: len(v) for r, v in actual.items() if len(v) != 1}, {})
        self.assertEqual({r: v[0] for r, v in actual.items()}, expected)
        self.assertEqual({row["state"] for row in deployment.history()}, {"sent"})


class BadSettings(Fixture):
    """Passes with a wrong SMTP password or an untrusted server certificate."""

    NOW = datetime.datetime(2020, 1, 6, 9, 0)

    def check_no_password(self, deployment, *outputs):
        for output in outputs:
            self.assertNotIn(SMTP_PASSWORD, output)
        self.assertNotIn(SMTP_PASSWORD.encode(), deployment.state_bytes())

    def wrong_password_run(self):
        sink = self.start_sink()
        # The wrong password contains the right one, so one search finds a leak of either.
        deployment = self.deployment(sink.port, password=SMTP_PASSWORD + "-wrong")
        result = deployment.run(harness.moment(self.NOW), check=False)
        return sink, deployment, result

    def bad_certificate_run(self):
        sink = self.start_sink()
        other_cert, _ = harness.make_certificate(self.folder.path, "other")
        deployment = self.deployment(sink.port, ca_file=other_cert)
        result = deployment.run(harness.moment(self.NOW), check=False)
        return sink, deployment, result


class BadSettingsFailClearly(BadSettings):
    def test_wrong_credentials_fail_clearly(self):
        """A wrong password: `run --once` exits non-zero, `history` says the SMTP
        authentication failed, nothing is received, and the password appears nowhere: not in
        stdout, stderr, `history`, nor the state database."""
        sink, deployment, result = self.wrong_password_run()
        self.assertNotEqual(result.returncode, 0)
        history = deployment.command("history")
        csv_history = deployment.command("history", "--format", "csv")
        self.assertIn("authentication", (history.stdout + result.stderr).lower())
        self.assertEqual(sink.count(), 0)
        self.check_no_password(deployment, result.stdout, result.stderr, history.stdout,
                               csv_history.stdout)

    def test_untrusted_certificate_fails_clearly(self):
        """A server whose certificate is not signed by ca_file (another self-signed one): the
        pass exits non-zero, `history` says the certificate could not be verified, and nothing
        is sent (no message leaves without TLS)."""
        sink, deployment, result = self.bad_certificate_run()
        self.assertNotEqual(result.returncode, 0)
        history = deployment.command("history").stdout
        self.assertIn("certificate", (history + result.stderr).lower())
        self.assertEqual(sink.count(), 0)
        self.check_no_password(deployment, result.stdout, result.stderr, history)


    def test_wrong_credentials_are_reported_at_the_first_pass_once(self):
        """A wrong password is a settings problem: the first pass logs it at error level, keeps
        every message queued (none failed) and queues one failure notice to the coordinator,
        which `history` shows with the error; the next pass queues no other."""
        sink, deployment, result = self.wrong_password_run()
        self.assertEqual(result.returncode, EX_UNAVAILABLE, result.stderr)
        self.assertRegex(result.stderr, r"\[error\] delivery stopped by the settings: .*"
                                        r"authentication")
        history = deployment.history()
        notices = [row for row in history if row["kind"] == "failure"]
        self.assertEqual(len(notices), 1, history)
        self.assertEqual(notices[0]["recipient"], "coordinator")
        self.assertEqual(notices[0]["state"], "queued")
        self.assertIn("authentication", notices[0]["detail"].lower())
        self.assertEqual({row["state"] for row in history}, {"queued"})

        again = deployment.run(harness.moment(self.NOW + datetime.timedelta(minutes=2)),
                               check=False)
        self.assertEqual(again.returncode, EX_UNAVAILABLE, again.stderr)
        history = deployment.history()
        self.assertEqual(len([row for row in history if row["kind"] == "failure"]), 1)
        self.assertEqual(sink.count(), 0)
        self.check_no_password(deployment, result.stdout, result.stderr, again.stderr)

    def test_missing_libcurl_is_a_clear_configuration_error(self):
        """libcurl is loaded only to deliver over SMTP; where it cannot be loaded (here it is
        hidden in a private mount namespace by binding /dev/null over it), `run --once` exits
        78 (a configuration error) saying so and naming the package to install; no pass
        starts, so nothing is sent or recorded as sent."""
        library = "/usr/lib/x86_64-linux-gnu/libcurl.so.4"
        if not os.path.exists(library) or shutil.which("unshare") is None:
            self.skipTest("no libcurl.so.4 at the Debian path, or no unshare")
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if probe.returncode != 0:
            self.skipTest("cannot make a mount namespace here (needs root)")
        sink = self.start_sink()
        deployment = self.deployment(sink.port)
        target = os.path.realpath(library)
        script = f'mount --bind /dev/null "{target}" && exec "$@"'
        result = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
             harness.BINARY, "run", "--once", "--now", harness.moment(self.NOW),
             "--config", deployment.config],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(result.returncode, 78, result.stderr)
        self.assertRegex(result.stderr, r"\[error\] cannot load libcurl\.so\.4 for SMTP "
                                        r"delivery \(.*\); install the libcurl4 package")
        self.assertEqual(sink.count(), 0)
        self.check_no_password(deployment, result.stdout, result.stderr)


class NothingLostAfterBadSettings(BadSettings):
    def test_nothing_lost_after_credentials_are_fixed(self):
        """A wrong password is a problem of the settings, not of any message: once the password
        file is corrected, the next pass (two minutes later) delivers every message of the
        batch, each exactly once; none was given up because of the credentials."""
        sink, deployment, result = self.wrong_password_run()
        expected = self.expected(deployment, self.NOW)
        with open(deployment.password_file, "w") as f:
            f.write(SMTP_PASSWORD + "\n")
        deployment.run(harness.moment(self.NOW + datetime.timedelta(minutes=2)), check=False)
        actual = self.describe_all(deployment, sink.messages())
        actual.pop("failure", None)
        self.assertEqual(actual,
                         {r: [v] for r, v in expected.items()},
                         "\n" + deployment.command("history").stdout)

    def test_nothing_lost_after_certificate_is_fixed(self):
        """Once ca_file names the right certificate, the next pass delivers every message of
        the batch exactly once; none was given up because of the certificate."""
        sink, deployment, result = self.bad_certificate_run()
        expected = self.expected(deployment, self.NOW)
        with open(deployment.config) as f:
            config = f.read()
        with open(deployment.config, "w") as f:
            f.write(config.replace(os.path.join(self.folder.path, "other.pem"), self.cert))
        deployment.run(harness.moment(self.NOW + datetime.timedelta(minutes=2)), check=False)
        actual = self.describe_all(deployment, sink.messages())
        actual.pop("failure", None)
        self.assertEqual(actual,
                         {r: [v] for r, v in expected.items()},
                         "\n" + deployment.command("history").stdout)


class OnePassAtATime(Fixture):
    def test_a_second_process_is_told_who_holds_the_state(self):
        """While another process holds the pass lock of the state (STATE.lock, naming its
        pid), `run --once` waits a bounded time, sends nothing and exits 75 saying which
        process runs a pass on which state; once the lock is free, it delivers."""
        sink = self.start_sink()
        deployment = self.deployment(sink.port)
        now = datetime.datetime(2020, 4, 1, 9, 0)
        with open(deployment.state + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            lock.write("4242\n")
            lock.flush()
            result = deployment.run(harness.moment(now), check=False)
        self.assertEqual(result.returncode, EX_TEMPFAIL, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r"\[error\] another plan-reminder \(pid 4242\) is "
                                        r"running a pass on \S*state\.db")
        self.assertEqual(sink.count(), 0)
        self.assertEqual(deployment.history(), [])

        result = deployment.run(harness.moment(now), check=False)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertGreater(sink.count(), 0)


class ClockSetBack(Fixture):
    def test_a_pass_before_the_last_one_sends_nothing_it_replaced(self):
        """A pass on Wednesday 2 December 2020, then the clock set back a day: the pass at
        Tuesday 1 December sends nothing (the notices it would plan were replaced by the later
        ones already sent) and logs a warning that the clock went back."""
        sink = self.start_sink()
        deployment = self.deployment(sink.port)
        passes = harness.Passes(deployment, sink)
        later = datetime.datetime(2020, 12, 2, 9, 0)
        result, first = passes.run(later)
        self.assertTrue(first)
        result, again = passes.run(later - datetime.timedelta(days=1), check=False)
        self.assertEqual([m.subject for m in again], [])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"\[warning\] the clock is behind the last pass "
                                        r"\(Wed 2 Dec 2020 09:00\)")


class StaleAfterAnOutage(Fixture):
    def test_notices_that_went_stale_in_an_outage_are_dropped(self):
        """The server down on Monday 30 and Tuesday 31 March 2020, when the police's
        milestone 1.2 (due 31 March) had its D-1 reminder and its due-day notice: when the
        server is back on Wednesday 1 April, neither is sent (its deadline has passed): the
        police get only that day's overdue notice. Both are recorded as dropped, saying why."""
        port = harness.free_port()
        deployment = self.deployment(port)
        for day in (30, 31):
            down = deployment.run(harness.moment(datetime.datetime(2020, 3, day, 9, 0)),
                                  check=False)
            self.assertEqual(down.returncode, EX_UNAVAILABLE, down.stderr)
        police = [row for row in deployment.history() if row["recipient"] == "police"]
        self.assertEqual(sorted(row["kind"] for row in police), ["due", "reminder"], police)

        sink = self.start_sink(port=port)
        passes = harness.Passes(deployment, sink)
        result, received = passes.run(datetime.datetime(2020, 4, 1, 9, 0), check=False)
        self.assertTrue(received)
        to_police = [m for m in received if "dhr-lead@police.example.org" in m.addresses("To")]
        self.assertEqual([m.subject for m in to_police],
                         ["[Safer Sunderland Partnership] Overdue: 1.2 Pathway in place"])
        police = {row["kind"]: row for row in deployment.history()
                  if row["recipient"] == "police"}
        self.assertEqual(police["overdue"]["state"], "sent")
        for kind in ("reminder", "due"):
            self.assertEqual(police[kind]["state"], "dropped", police[kind])
            self.assertIn("stale", police[kind]["detail"])
            self.assertIn("2020-03-31", police[kind]["detail"])


class DamagedState(Fixture):
    NOW = datetime.datetime(2020, 4, 1, 9, 0)

    def test_an_empty_state_file_is_refused(self):
        """An existing but empty state.db is not taken as a new state (everything would be
        sent again): `run --once` exits 74 saying it is damaged and what to do, sends nothing,
        and leaves the file as it was."""
        sink = self.start_sink()
        deployment = self.deployment(sink.port)
        open(deployment.state, "w").close()
        result = deployment.run(harness.moment(self.NOW), check=False)
        self.assertEqual(result.returncode, EX_IOERR, result.stderr)
        self.assertRegex(result.stderr, r"\[error\] state database \S*state\.db is damaged")
        self.assertIn("restore it from a backup, or move it away", result.stderr)
        self.assertEqual(sink.count(), 0)
        self.assertEqual(os.path.getsize(deployment.state), 0)

    def test_a_damaged_state_file_is_refused(self):
        """A state.db damaged inside (pages overwritten after a pass): the next pass exits 74
        saying it is damaged, and sends nothing more."""
        sink = self.start_sink()
        deployment = self.deployment(sink.port)
        deployment.run(harness.moment(self.NOW))
        sent = sink.count()
        size = os.path.getsize(deployment.state)
        self.assertGreater(size, 4 * 4096)
        with open(deployment.state, "r+b") as f:
            for page in range(2, size // 4096, 2):
                f.seek(page * 4096 + 8)
                f.write(b"\x5a" * 64)
        result = deployment.run(harness.moment(self.NOW + datetime.timedelta(days=1)),
                                check=False)
        self.assertEqual(result.returncode, EX_IOERR, result.stderr)
        self.assertIn("is damaged", result.stderr)
        self.assertEqual(sink.count(), sent)


if __name__ == "__main__":
    unittest.main()
