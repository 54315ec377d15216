#!/usr/bin/env python3
"""Storage faults and admin-API access, end to end against the wharf binary.

- Start-up refusals (exit code 1 and a clear message on stderr): a corrupt wharf.db, a file that
  is not a database, a database whose schema is newer than the binary, a read-only data
  directory (run as `nobody` when the test runs as root, since root ignores file modes).
- A full disk while running (a small tmpfs; skipped without the privilege to mount one): writes
  get 503 ServiceUnavailable in the protocol's envelope (JSON and query) and are forgotten by the
  running server too, nothing is corrupted, and wharf works again once space returns; answered
  sends survive a restart.
- Admin access: beyond loopback without a token, state-changing admin routes get 403; with
  --admin-token they need header x-wharf-admin-token (401); health stays open.

Usage: storage_admin_test.py --wharf PATH
"""

import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

import harness
from harness import Server

START_TIMEOUT_S = 30


def run_wharf(args, user=None):
    """Runs wharf to exit (it must refuse to start); returns (exit code, stderr)."""
    cmd = [harness.WHARF_BIN, "--port", "0"] + list(args)
    if user is not None:
        entry = pwd.getpwnam(user)
        cmd = ["setpriv", "--reuid=%d" % entry.pw_uid, "--regid=%d" % entry.pw_gid,
               "--clear-groups"] + cmd
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=START_TIMEOUT_S)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def make_database(data_dir, messages=40):
    """Starts wharf on `data_dir`, stores a queue with `messages` 3 kB messages, stops it."""
    server = Server(data_dir=data_dir).start()
    try:
        url = server.sqs_json("CreateQueue", {"QueueName": "q"}).json()["QueueUrl"]
        for i in range(messages):
            body = ("%d" % i) * 1000
            reply = server.sqs_json("SendMessage", {"QueueUrl": url, "MessageBody": body})
            assert reply.status == 200, reply
    finally:
        assert server.stop() == 0
    return os.path.join(data_dir, "wharf.db")


class StartupRefusalTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="wharf-e2e-storage-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.data = os.path.join(self.tmp, "data")

    def assertRefused(self, args, *fragments, user=None):
        rc, err = run_wharf(args, user=user)
        self.assertEqual(rc, 1, err)
        for fragment in fragments:
            self.assertIn(fragment, err)
        self.assertNotIn("listening", err)

    def test_corrupt_database(self):
        db = make_database(self.data)
        self.assertFalse(os.path.exists(db + "-wal") and os.path.getsize(db + "-wal") > 0)
        with open(db, "r+b") as f:  # a table page; the header on page 1 stays intact
            f.seek(4 * 4096 + 64)
            f.write(b"\x5a" * 3000)
        self.assertRefused(["--data-dir", self.data], db + " is corrupt")

    def test_not_a_database(self):
        os.makedirs(self.data)
        with open(os.path.join(self.data, "wharf.db"), "wb") as f:
            f.write(b"just some text, long enough to look like a file header" * 4)
        self.assertRefused(["--data-dir", self.data], "not a wharf database")

    def test_newer_schema(self):
        db = make_database(self.data, messages=1)
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE wharf_schema SET version = 999 WHERE service = 'sqs'")
        conn.close()
        self.assertRefused(["--data-dir", self.data], "newer than this wharf knows",
                           "version 999")
        # The database was not touched: a second start is refused the same way.
        self.assertRefused(["--data-dir", self.data], "version 999")

    def test_read_only_data_directory(self):
        os.makedirs(self.data)
        user = None
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                self.skipTest("root ignores file modes and setpriv is missing")
            user = "nobody"
            os.chmod(self.tmp, 0o755)  # nobody may look into the (read-only) data directory
            if not os.access(harness.WHARF_BIN, os.X_OK):
                self.skipTest("binary not executable")
        os.chmod(self.data, 0o555)
        self.assertRefused(["--data-dir", self.data], self.data, "writable", user=user)


def mount_tmpfs(path, size):
    """Mounts a tmpfs of `size` (e.g. "2m") on `path`; False without the privilege."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path],
                          capture_output=True)
    return done.returncode == 0


class FullDiskTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="wharf-e2e-full-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        if not mount_tmpfs(self.tmp, "3m"):
            self.skipTest("needs root and mount(2) to make a small file system")
        self.addCleanup(subprocess.run, ["umount", "-l", self.tmp])

    def test_full_disk_fails_writes_and_recovers(self):
        data = os.path.join(self.tmp, "data")
        server = Server(data_dir=data).start()
        self.addCleanup(server.kill)
        url = server.sqs_json("CreateQueue", {"QueueName": "q"}).json()["QueueUrl"]
        body = "x" * 200_000
        answered = 0
        failure = None
        for _ in range(40):  # 3 MB cannot hold 40 x 200 kB
            reply = server.sqs_json("SendMessage", {"QueueUrl": url, "MessageBody": body})
            if reply.status != 200:
                failure = reply
                break
            answered += 1
        self.assertIsNotNone(failure, "the disk never filled")
        self.assertEqual(failure.status, 503, failure)
        error = failure.json()
        self.assertTrue(error["__type"].endswith("ServiceUnavailable"), error)
        self.assertIn("disk full", error["message"])
        # The query protocol answers the same in its own envelope.
        query = server.sqs_query("Action=SendMessage&Version=2012-11-05&QueueUrl=%s&MessageBody=%s"
                                 % (url, body))
        self.assertEqual(query.status, 503, query)
        self.assertIn(b"<Code>ServiceUnavailable</Code>", query.body)
        # Reads still work.
        self.assertEqual(server.sqs_json("GetQueueUrl", {"QueueName": "q"}).status, 200)
        # Space returns: writes work again without a restart.
        remount = subprocess.run(["mount", "-o", "remount,size=64m", self.tmp], capture_output=True)
        self.assertEqual(remount.returncode, 0, remount.stderr)
        reply = server.sqs_json("SendMessage", {"QueueUrl": url, "MessageBody": "after"})
        self.assertEqual(reply.status, 200, reply)
        answered += 1
        # The sends answered 503 are gone from the running server too (it reloaded its state).
        self.assertEqual(self.messages(server, url), answered)
        self.assertEqual(server.stop(), 0)
        # Every answered send is there after a restart, and the file is sound.
        with sqlite3.connect(os.path.join(data, "wharf.db")) as conn:
            self.assertEqual(conn.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        conn.close()
        server = Server(data_dir=data).start()
        self.addCleanup(server.kill)
        self.assertEqual(self.messages(server, url), answered)

    @staticmethod
    def messages(server, url):
        attrs = server.sqs_json("GetQueueAttributes", {
            "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"]}).json()
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


class AdminAccessTest(unittest.TestCase):
    def start(self, *args):
        server = Server(extra_args=["--host", "0.0.0.0"] + list(args)).start()
        self.addCleanup(server.kill)
        return server

    def test_beyond_loopback_without_token_refuses_state_changes(self):
        server = self.start()
        for path in ("/_wharf/reset", "/moto-api/reset", "/_wharf/reset/sqs"):
            reply = server.request("POST", path)
            self.assertEqual(reply.status, 403, reply)
            self.assertEqual(reply.json()["error"], "Forbidden")
            self.assertIn("--admin-token", reply.json()["message"])
        self.assertEqual(server.request("POST", "/_wharf/clock", {"advance_ms": 1}).status, 403)
        self.assertEqual(server.request("GET", "/_wharf/health").status, 200)
        self.assertEqual(server.request("GET", "/_localstack/health").status, 200)
        self.assertEqual(server.request("GET", "/_wharf/clock").status, 200)
        self.assertIn("admin-token", server.stderr_text())  # the start-up warning
        # The AWS APIs are not affected.
        self.assertEqual(server.sqs_json("ListQueues", {}).status, 200)

    def test_token_is_required_when_set(self):
        server = self.start("--admin-token", "s3cret")
        self.assertEqual(server.request("POST", "/_wharf/reset").status, 401)
        self.assertEqual(server.request("GET", "/_wharf/config").status, 401)
        wrong = server.request("POST", "/_wharf/reset", headers={"x-wharf-admin-token": "s3cre"})
        self.assertEqual(wrong.status, 401)
        self.assertEqual(wrong.json()["error"], "Unauthorized")
        right = server.request("POST", "/_wharf/reset", headers={"x-wharf-admin-token": "s3cret"})
        self.assertEqual(right.status, 200, right)
        self.assertEqual(server.request("GET", "/_wharf/health").status, 200)
        self.assertNotIn("admin-token", server.stderr_text())


if __name__ == "__main__":
    harness.main()
