"""Process control and minimal AWS wire clients for the crash and abuse tests.

Standard library only. A WharfProcess starts `wharf --port 0 ...`, parses the port from the
"wharf <version> listening on http://127.0.0.1:<port>" line, and can be SIGKILLed and started
again on the same data directory. Every process started here dies with the test process
(PR_SET_PDEATHSIG) and at interpreter exit.

SqsClient speaks SQS JSON 1.0 and SnsClient SNS query over one keep-alive HTTP/1.1 connection
each; neither is thread-safe (use one per thread). Transport failures raise OSError or
http.client.HTTPException; callers treat those as "unanswered".
"""

import atexit
import ctypes
import http.client
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.parse

ACCOUNT = "000000000000"
REGION = "us-east-1"
READY_RE = re.compile(r"wharf \S+ listening on http://127\.0\.0\.1:(\d+)")
START_TIMEOUT_S = 30


def auth_header(service):
    """An Authorization header whose credential scope names `service` (signature unchecked)."""
    return ("AWS4-HMAC-SHA256 Credential=test/20260101/%s/%s/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, Signature=%s"
            % (REGION, service, "0" * 64))


_live = set()


def _kill_live():
    for proc in list(_live):
        proc.kill()


atexit.register(_kill_live)


def _die_with_parent():
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def pop_wharf_arg(argv):
    """Removes `--wharf PATH` from argv (in place); returns PATH or $WHARF_BIN."""
    path = os.environ.get("WHARF_BIN")
    for i, arg in enumerate(list(argv)):
        if arg == "--wharf" and i + 1 < len(argv):
            path = argv[i + 1]
            del argv[i:i + 2]
            break
    return path


class WharfProcess:
    """One wharf server, restartable. Not thread-safe: start/kill from one thread."""

    def __init__(self, binary, args, nofile=None, log_path=None):
        self.binary = binary
        self.args = list(args)
        self.nofile = nofile
        self.log_path = log_path
        self.proc = None
        self.port = None
        self.starts = 0

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        assert self.proc is None
        cmd = [self.binary, "--port", "0"] + self.args
        if self.nofile:
            # The server inherits a raised soft limit only up to our hard limit; prlimit is used
            # so a launcher with a higher hard limit for the child also works.
            cmd = ["prlimit", "--nofile=%d:%d" % (self.nofile, self.nofile), "--"] + cmd
        err = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=err, preexec_fn=_die_with_parent)
        if self.log_path:
            err.close()
        _live.add(self)
        self.starts += 1
        lines = queue.Queue()

        def drain(stream):
            for raw in iter(stream.readline, b""):
                lines.put(raw.decode("utf-8", "replace"))
            lines.put(None)

        threading.Thread(target=drain, args=(self.proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            seen.append(line)
            m = READY_RE.search(line)
            if m:
                self.port = int(m.group(1))
                return self
        rc = self.proc.poll()
        self.kill()
        raise RuntimeError("wharf did not become ready (rc=%s); stdout: %r; see %s"
                           % (rc, "".join(seen)[-2000:], self.log_path))

    def kill(self, sig=signal.SIGKILL):
        """Sends `sig` (default SIGKILL) and reaps the process. Returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        _live.discard(self)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        return rc

    def server_pid(self):
        """The wharf pid itself (prlimit execs it, so it is the same pid)."""
        return self.pid

    def cpu_seconds(self):
        """User + system CPU time the process has used so far (from /proc), or None."""
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, TypeError, IndexError, ValueError):
            return None

    def vm_rss_kb(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, TypeError):
            pass
        return None


class HttpConn:
    """One keep-alive HTTP/1.1 connection; reconnects lazily after a failure."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body, headers, timeout=None):
        """Returns (status, body bytes). Raises OSError/HTTPException on transport failure."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                   timeout=timeout or self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, data
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class SqsClient:
    """SQS over JSON 1.0. call() returns (status, parsed JSON or None)."""

    def __init__(self, port, timeout=30):
        self.http = HttpConn(port, timeout)
        self.auth = auth_header("sqs")

    def call(self, op, payload, timeout=None):
        headers = {"Content-Type": "application/x-amz-json-1.0", "Authorization": self.auth,
                   "X-Amz-Target": "AmazonSQS." + op, "x-amzn-query-mode": "true"}
        status, data = self.http.request("POST", "/", json.dumps(payload).encode(), headers,
                                         timeout)
        try:
            return status, json.loads(data) if data else {}
        except ValueError:
            return status, None

    def close(self):
        self.http.close()


class SnsClient:
    """SNS over query. call() returns (status, XML text)."""

    def __init__(self, port, timeout=30):
        self.http = HttpConn(port, timeout)
        self.auth = auth_header("sns")

    def call(self, action, params):
        form = dict(params)
        form["Action"] = action
        form["Version"] = "2010-03-31"
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                   "Authorization": self.auth}
        status, data = self.http.request("POST", "/", urllib.parse.urlencode(form).encode(),
                                         headers)
        return status, data.decode("utf-8", "replace")

    def close(self):
        self.http.close()


def xml_value(text, tag):
    m = re.search(r"<%s>([^<]*)</%s>" % (tag, tag), text)
    return m.group(1) if m else None


def admin(port, method, path, payload=None):
    """One admin request on its own connection; returns (status, body bytes)."""
    conn = HttpConn(port, 10)
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        return conn.request(method, path, body, {"Content-Type": "application/json"})
    finally:
        conn.close()


def advance_clock(port, ms):
    status, body = admin(port, "POST", "/_wharf/clock", {"advance_ms": int(ms)})
    if status != 200:
        raise RuntimeError("clock advance failed: %d %r" % (status, body[:200]))
