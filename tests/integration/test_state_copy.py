"""Issue 12: `plan-reminder state copy` moves a deployment's state from its SQLite file into
PostgreSQL, where the next run carries on without sending anything twice, and back again into a
new SQLite file; every table counted on both sides. The PostgreSQL cluster is the tests' own
(build/tests/pg_test_cluster, as the store tests start it)."""

import os
import re
import sqlite3
import subprocess
import unittest

import harness
from test_updates import WithDeployment

PG_BIN = os.environ.get("PR_POSTGRES_BINDIR", "/usr/lib/postgresql/15/bin")
PG_CLUSTER = os.path.join(os.path.dirname(harness.BINARY), "..", "tests", "pg_test_cluster")
TABLES = ("messages", "notices", "settings", "calendar_events", "updates")


def sqlite_counts(path):
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def printed_counts(stdout):
    """The table `state copy` prints: {table: (source, copy)}."""
    counts = {}
    for line in stdout.splitlines():
        match = re.fullmatch(r"\s+(\w+)\s+(\d+)\s+(\d+)", line)
        if match:
            counts[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    return counts


class CopyBothWays(WithDeployment):

    def setUp(self):
        if not os.access(os.path.join(PG_BIN, "initdb"), os.X_OK):
            self.skipTest(f"PostgreSQL is not installed here (no {PG_BIN}/initdb)")
        self.deploy("state-copy")
        pointer = os.path.join(self.folder.path, "cluster")
        subprocess.run([PG_CLUSTER, "start", pointer], check=True, stdout=subprocess.DEVNULL)
        self.addCleanup(subprocess.run, [PG_CLUSTER, "stop", pointer], check=False)
        with open(pointer) as f:
            cluster = f.read().strip()
        with open(os.path.join(cluster, "port")) as f:
            port = f.read().strip()
        subprocess.run([os.path.join(PG_BIN, "createdb"), "-h", cluster, "-p", port, "-U",
                        "postgres", "plans"], check=True)
        self.url = f"postgresql://postgres@/plans?host={cluster}&port={port}"

    def use_state(self, location):
        with open(self.deployment.config) as f:
            config = f.read()
        config = re.sub(r"(?m)^state: .*$", f"state: {location}", config)
        with open(self.deployment.config, "w") as f:
            f.write(config)

    def test_copy_there_and_back(self):
        # Wednesday 1 April 2020: the first overdue notices of the end-of-March milestones.
        self.deployment.run("2020-04-01T09:00")
        sent = self.sink.count()
        self.assertGreater(sent, 0)
        source = sqlite_counts(self.deployment.state)
        history = self.deployment.history()

        out = self.deployment.command("state", "copy", "--to", self.url).stdout
        self.assertIn(f"Copied the state from {self.deployment.state} to {self.url}:", out)
        self.assertEqual(printed_counts(out), {t: (n, n) for t, n in source.items()})

        again = self.deployment.command("state", "copy", "--to", self.url, check=False)
        self.assertEqual(again.returncode, 65, again.stderr)
        self.assertIn("is not empty", again.stderr)
        self.assertIn("give --force to replace it", again.stderr)
        forced = self.deployment.command("state", "copy", "--to", self.url, "--force").stdout
        self.assertEqual(printed_counts(forced), {t: (n, n) for t, n in source.items()})

        # The deployment now on PostgreSQL: the same audit trail, and the same pass again sends
        # nothing (every notice is known there).
        self.use_state(self.url)
        self.assertEqual(self.deployment.history(), history)
        self.deployment.run("2020-04-01T09:00")
        self.assertEqual(self.sink.count(), sent)

        back = os.path.join(self.folder.path, "back.db")
        out = self.deployment.command("state", "copy", "--to", back).stdout
        self.assertEqual(sqlite_counts(back), source)
        self.assertEqual(printed_counts(out), {t: (n, n) for t, n in source.items()})

    def test_a_password_on_the_command_line_is_refused(self):
        """A password in the --to URL would be in the process list: refused (64) without
        printing it, and nothing copied."""
        url = self.url.replace("postgres@", "postgres:hunter2@", 1)
        refused = self.deployment.command("state", "copy", "--to", url, check=False)
        self.assertEqual(refused.returncode, 64, refused.stderr)
        self.assertIn("never in the URL on the command line", refused.stderr)
        self.assertNotIn("hunter2", refused.stderr + refused.stdout)


if __name__ == "__main__":
    unittest.main()
