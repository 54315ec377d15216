"""End-to-end test harness: runs a real wharf server for real AWS clients.

Standard library only (PyPI is unreachable), importable by both the default python3 (pip boto3 1.43)
and Debian's /usr/bin/python3 (boto3 1.26).

The server binary comes from `--wharf PATH` on the command line (ctest passes
$<TARGET_FILE:wharf>) or the WHARF_BIN environment variable. It is started as
`wharf --port 0 --in-memory --clock virtual` (or `--data-dir DIR`) and the port is parsed from the
"wharf <version> listening on http://127.0.0.1:<port>" line. Every server started here is stopped
at the end: by stop()/kill(), by the class cleanups of WharfTestCase (SIGTERM with exit 0
required, then a kill), at interpreter exit, on SIGTERM/SIGINT of the test process, and (Linux) by
PR_SET_PDEATHSIG if the test process dies.

WHARF_E2E_TARGET=moto runs the same tests against moto_server instead, only to sanity-check test
logic while the binary does not exist: admin endpoints and the virtual clock are missing there, so
tests that need them are skipped. Assertions always describe real AWS, not moto.
"""

import atexit
import ctypes
import hashlib
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

TARGET = os.environ.get("WHARF_E2E_TARGET", "wharf")
ACCOUNT = "000000000000" if TARGET == "wharf" else "123456789012"  # moto's fixed account
REGION = "us-east-1"
READY_RE = re.compile(r"wharf \S+ listening on http://\S+:(\d+)")
START_TIMEOUT_S = 30
# What a SigV4 client sends (signatures are not verified unless wharf runs with --auth verify).
SQS_AUTH = ("AWS4-HMAC-SHA256 Credential=test/20261128/us-east-1/sqs/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)

_live_servers = set()


def _kill_all_live():
    for server in list(_live_servers):
        server.kill()


def _on_signal(signum, _frame):
    _kill_all_live()
    sys.exit(128 + signum)


atexit.register(_kill_all_live)
signal.signal(signal.SIGTERM, _on_signal)


def _die_with_parent():
    # Runs in the child between fork and exec: ask the kernel to SIGKILL it when we die.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _parse_wharf_arg():
    """Removes `--wharf PATH` from sys.argv and returns PATH (or $WHARF_BIN, or None)."""
    path = os.environ.get("WHARF_BIN")
    argv = sys.argv
    for i, arg in enumerate(list(argv)):
        if arg == "--wharf" and i + 1 < len(argv):
            path = argv[i + 1]
            del argv[i:i + 2]
            break
        if arg.startswith("--wharf="):
            path = arg.split("=", 1)[1]
            del argv[i]
            break
    return path


WHARF_BIN = _parse_wharf_arg()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpReply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # dict with lower-case names
        self.body = body  # bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "HttpReply(%d, %r)" % (self.status, self.body[:300])


class Server:
    """One server process. Not thread-safe (start/stop from one thread); requests may come from
    any thread."""

    def __init__(self, data_dir=None, extra_args=(), virtual_clock=True):
        self.data_dir = data_dir  # None: --in-memory
        self.extra_args = list(extra_args)
        self.virtual_clock = virtual_clock
        self.proc = None
        self.port = None
        self.stdout_lines = []
        self.last_stderr = ""
        self._stderr_file = None

    @property
    def is_wharf(self):
        return TARGET == "wharf"

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def command(self):
        if not self.is_wharf:
            self.port = free_port()
            return ["moto_server", "-p", str(self.port)]
        if not WHARF_BIN or not os.path.exists(WHARF_BIN):
            raise RuntimeError("wharf binary not found: pass --wharf PATH or set WHARF_BIN (got %r)"
                               % WHARF_BIN)
        cmd = [WHARF_BIN, "--port", "0"]
        cmd += ["--data-dir", self.data_dir] if self.data_dir else ["--in-memory"]
        if self.virtual_clock:
            cmd += ["--clock", "virtual"]
        return cmd + self.extra_args

    def start(self):
        assert self.proc is None, "already running"
        cmd = self.command()
        self._stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr_file, preexec_fn=_die_with_parent)
        _live_servers.add(self)
        lines = queue.Queue()

        def drain(stream):
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=drain, args=(self.proc.stdout,), daemon=True).start()
        try:
            if self.is_wharf:
                self._wait_ready_line(lines)
            else:
                self._wait_moto()
        except Exception:
            self.kill()
            raise
        return self

    def _wait_ready_line(self, lines):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            m = READY_RE.search(line)
            if m:
                self.port = int(m.group(1))
                return
        raise RuntimeError("wharf did not print its listening line (rc=%s)\n"
                           "stdout:\n%s\nstderr:\n%s" % (self.proc.poll(),
                                                          "\n".join(self.stdout_lines),
                                                          self.stderr_text()))

    def _wait_moto(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)  # start-up polling, not a time-behaviour test
        raise RuntimeError("moto_server did not start: " + self.stderr_text())

    def stderr_text(self):
        if not self._stderr_file:
            return ""
        self._stderr_file.seek(0)
        return self._stderr_file.read().decode("utf-8", "replace")[-4000:]

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Sends `sig`, waits for exit and returns the exit code (kills it after `timeout` s)."""
        if self.proc is None:
            return None
        try:
            self.proc.send_signal(sig)
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = "timeout"
        self._forget()
        return rc

    def shut_down(self):
        """Stops the server with SIGTERM and raises AssertionError unless it exits 0 (a graceful
        stop: in a sanitizer build this is where leaks and reports at exit show up)."""
        rc = self.stop(signal.SIGTERM)
        if self.is_wharf and rc not in (None, 0):
            raise AssertionError("wharf did not stop cleanly (exit %s); stderr:\n%s"
                                 % (rc, self.last_stderr))

    def kill(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._forget()

    def _forget(self):
        _live_servers.discard(self)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        if self._stderr_file:
            self.last_stderr = self.stderr_text()
            self._stderr_file.close()
            self._stderr_file = None

    # --- raw HTTP ---------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=30):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return HttpReply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def sqs_json(self, op, payload, extra_headers=None):
        headers = {"Content-Type": "application/x-amz-json-1.0", "Authorization": SQS_AUTH,
                   "X-Amz-Target": "AmazonSQS." + op, "x-amzn-query-mode": "true"}
        headers.update(extra_headers or {})
        return self.request("POST", "/", payload if isinstance(payload, (bytes, str)) else
                            json.dumps(payload), headers)

    def sqs_query(self, form_body):
        return self.request("POST", "/", form_body,
                            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                             "Authorization": SQS_AUTH})

    # --- admin API --------------------------------------------------------------------------

    def require_admin(self):
        if not self.is_wharf:
            raise unittest.SkipTest("needs wharf's admin API")

    def health(self):
        self.require_admin()
        return self.request("GET", "/_wharf/health")

    def reset(self):
        if not self.is_wharf:
            reply = self.request("POST", "/moto-api/reset")
        else:
            reply = self.request("POST", "/_wharf/reset")
        if reply.status != 200:
            raise AssertionError("reset failed: %r" % reply)

    def advance(self, ms):
        """Advances the virtual clock by `ms` milliseconds."""
        self.require_admin()
        reply = self.request("POST", "/_wharf/clock", {"advance_ms": int(ms)},
                             {"Content-Type": "application/json"})
        if reply.status != 200:
            raise AssertionError("clock advance failed: %r" % reply)
        return reply

    def peek(self, queue_name, account=ACCOUNT):
        self.require_admin()
        return self.request("GET", "/_wharf/sqs/queues/%s/%s/messages" % (account, queue_name))


# --- boto3 helpers ----------------------------------------------------------------------------

def boto_client(server, service="sqs", access_key="test", endpoint=None, **config_kwargs):
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=70,
                    connect_timeout=10, **config_kwargs)
    return boto3.client(service, endpoint_url=endpoint or server.endpoint, region_name=REGION,
                        aws_access_key_id=access_key, aws_secret_access_key="test", config=config)


def md5_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.md5(data).hexdigest()


def md5_of_message_attributes(attrs):
    """MD5OfMessageAttributes as AWS computes it (see aws-wire-protocols.md §5.1). `attrs` uses
    boto3's shape: {name: {"DataType": ..., "StringValue"|"BinaryValue": ...}} (binary as bytes)."""
    def blob(b):
        return struct.pack(">I", len(b)) + b

    out = b""
    for name in sorted(attrs, key=lambda n: n.encode("utf-8")):
        value = attrs[name]
        out += blob(name.encode("utf-8")) + blob(value["DataType"].encode("utf-8"))
        if "StringValue" in value:
            out += b"\x01" + blob(value["StringValue"].encode("utf-8"))
        elif "BinaryValue" in value:
            out += b"\x02" + blob(bytes(value["BinaryValue"]))
        elif "StringListValues" in value:
            out += b"\x03" + b"".join(blob(s.encode("utf-8")) for s in value["StringListValues"])
        else:
            out += b"\x04" + b"".join(blob(bytes(b)) for b in value["BinaryListValues"])
    return hashlib.md5(out).hexdigest()


class WharfTestCase(unittest.TestCase):
    """One server per test class, started in setUpClass; state is reset before each test. A class
    cleanup stops it with SIGTERM and fails the class unless it exits 0 (another kills it in any
    case)."""

    server = None
    server_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = Server(extra_args=cls.server_args)
        cls.addClassCleanup(cls.server.kill)
        cls.server.start()
        cls.addClassCleanup(cls.server.shut_down)

    def setUp(self):
        super().setUp()
        self.server.reset()

    def advance(self, ms):
        self.server.advance(ms)

    def wait_thread(self, thread, advance_ms=0, tries=100):
        """Joins `thread`, advancing the virtual clock by `advance_ms` between short joins (a long
        poll may register after the first advance). Fails if it never finishes."""
        for _ in range(tries):
            if advance_ms:
                self.advance(advance_ms)
            thread.join(timeout=0.1)
            if not thread.is_alive():
                return
        self.fail("thread did not finish")

    def assertClientError(self, call, code, status, message=None, query_code=None, cls=None):
        """Runs `call()` and checks the botocore ClientError it must raise. Returns the error."""
        from botocore.exceptions import ClientError

        with self.assertRaises(ClientError) as ctx:
            call()
        err = ctx.exception
        info = err.response.get("Error", {})
        self.assertEqual(info.get("Code"), code, err.response)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], status, err.response)
        if message is not None:
            self.assertEqual(info.get("Message"), message, err.response)
        if query_code is not None:
            self.assertEqual(info.get("QueryErrorCode"), query_code, err.response)
        if cls is not None:
            self.assertIsInstance(err, cls, "%s: %r" % (type(err).__name__, err.response))
        return err


class SqsTestCase(WharfTestCase):
    """A WharfTestCase with a boto3 SQS client (`self.sqs`, in the protocol of the botocore that
    runs the test) and the queue helpers the SQS tests of both protocols share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sqs = boto_client(cls.server)
        cls.errors = cls.sqs.exceptions

    def make_queue(self, name, **attributes):
        attrs = {k: str(v) for k, v in attributes.items()}
        return self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]

    def receive(self, url, n=10, **kw):
        return self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=n, **kw).get(
            "Messages", [])

    def assert_bad_batch_ids_refused(self, url, query_code=None):
        """A batch entry Id with a colon, or an empty one (recorded: not a missing parameter), is
        InvalidBatchEntryId; `query_code` is the JSON protocol's QueryErrorCode, if any."""
        for bad_id in ("invalid:id", ""):
            self.assertClientError(
                lambda: self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": bad_id, "ReceiptHandle": "r"}]),
                "AWS.SimpleQueueService.InvalidBatchEntryId", 400,
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.", query_code,
                self.errors.InvalidBatchEntryId)

    def drain(self, url, **kw):
        """Receives until a call returns nothing (AWS may answer with fewer than are there)."""
        out = []
        for _ in range(20):
            got = self.receive(url, **kw)
            if not got:
                return out
            out += got
        self.fail("queue never ran dry")


def main():
    """Runs the unittest main of the calling module; exit status 1 on any failure."""
    if TARGET == "wharf" and (not WHARF_BIN or not os.path.exists(WHARF_BIN)):
        sys.stderr.write("wharf binary not found: pass --wharf PATH or set WHARF_BIN\n")
        sys.exit(2)
    try:
        unittest.main(module="__main__", verbosity=2)
    finally:
        _kill_all_live()


def aws_cli_env(home):
    """Environment for running an AWS CLI against wharf: test credentials, us-east-1, no pager,
    config files under `home` (a directory) so the user's own never apply."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")})
    return env


def which(name, exclude=()):
    """First `name` on PATH that is not in `exclude` (absolute paths)."""
    for d in os.environ.get("PATH", "").split(os.pathsep):
        cand = os.path.join(d, name)
        if cand not in exclude and os.access(cand, os.X_OK) and os.path.isfile(cand):
            return cand
    return shutil.which(name) if not exclude else None
