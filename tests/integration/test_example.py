"""The README's first command (issue 8, section 1): `scripts/example` must work and show a
newcomer real emails whatever the clock says: before 09:00 on a business day, on a weekend, on
a bank holiday and after the send time. Each case runs the real script on a fresh copy of the
example deployment (config/ and templates/ as in the repository), with the already built
binary (PR_BINARY), under libfaketime so that the system clock reads the moment under test.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import harness

SCRIPT = os.path.join(harness.SOURCE_DIR, "scripts", "example")

# (what the moment is, the local time in London; every one of them is GMT, so UTC too)
MOMENTS = [
    ("a business day before 09:00", "2026-11-30 06:30:00"),  # Monday
    ("a Saturday", "2026-12-05 11:00:00"),
    ("a business day after 09:00", "2026-12-01 10:15:00"),  # Tuesday
    ("Christmas Day, a bank holiday", "2026-12-25 12:00:00"),
]


class ExampleScript(unittest.TestCase):
    def run_example(self, moment):
        root = tempfile.mkdtemp(prefix="pr-example-")
        self.addCleanup(shutil.rmtree, root, True)
        for folder in ("config", "templates"):
            shutil.copytree(os.path.join(harness.SOURCE_DIR, folder), os.path.join(root, folder))
        os.makedirs(os.path.join(root, "scripts"))
        shutil.copy(SCRIPT, os.path.join(root, "scripts", "example"))
        env = dict(os.environ, PR_BINARY=harness.BINARY, TZ="UTC",
                   # The wall clock only: timeouts and the loader's threads keep real time.
                   FAKETIME_DONT_FAKE_MONOTONIC="1")
        result = subprocess.run(
            ["faketime", "-f", "@" + moment, "bash", os.path.join(root, "scripts", "example")],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            timeout=120)
        return root, result

    def test_shows_emails_whatever_the_time(self):
        """Each moment: exit 0, and the pass wrote emails into var/Maildir/new that the script
        lists."""
        for what, moment in MOMENTS:
            with self.subTest(what):
                root, result = self.run_example(moment)
                output = result.stdout.decode("utf-8", "replace")
                errors = result.stderr.decode("utf-8", "replace")
                self.assertEqual(result.returncode, 0, f"{what}:\n{output}\n{errors}")
                maildir = os.path.join(root, "var", "Maildir", "new")
                messages = os.listdir(maildir)
                self.assertGreater(len(messages), 0, output)
                self.assertIn("Messages in var/Maildir/new", output)
                self.assertTrue(any(name in output for name in messages), output)


if __name__ == "__main__":
    unittest.main()
