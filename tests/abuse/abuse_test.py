#!/usr/bin/env python3
"""Abuse and load-limit checks against a real wharf process on 127.0.0.1.

Each check starts its own server, asserts only functional outcomes and prints its figures
(latencies, RSS) as one "abuse <check>: ..." line. Exit status 1 when a check fails.

  connections  N concurrent keep-alive connections (default 10,000), all open at once, each answered
  slowloris    1,000 connections dribbling header bytes while a client measures normal requests
               (p50/p99 reported, not asserted); the dribblers must be dropped by the idle timeout
  slow_body    a body sent a byte at a time is cut off by the idle timeout
  limits       oversized body -> 413 before the body is sent, oversized headers -> 431,
               malformed requests -> 400; each followed by a close
  long_poll    5,000 concurrent ReceiveMessage(WaitTimeSeconds=20) on empty queues (virtual clock),
               server VmRSS reported; polls are answered by arriving messages, the rest by the
               clock reaching 20 s

Usage: abuse_test.py --wharf PATH CHECK [CHECK...] | all
"""

import argparse
import asyncio
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import wharf_proc  # noqa: E402

HOST = "127.0.0.1"
SQS_AUTH = wharf_proc.auth_header("sqs")


def raise_nofile():
    """Raises our soft RLIMIT_NOFILE to the hard limit; returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100.0))]


async def read_response(reader):
    """Reads one HTTP/1.1 response with Content-Length; returns (status, headers, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


async def closed_within(reader, seconds):
    """True when the peer closes (EOF or reset) within `seconds`, draining whatever arrives."""
    async def drain():
        while await reader.read(65536):
            pass

    try:
        await asyncio.wait_for(drain(), seconds)
        return True
    except (ConnectionError, OSError):
        return True
    except asyncio.TimeoutError:
        return False


async def open_many(n, concurrency=256):
    """Opens n connections (at most `concurrency` connects at once); returns [(reader, writer)]."""
    sem = asyncio.Semaphore(concurrency)
    port = CURRENT_PORT[0]

    async def one():
        async with sem:
            return await asyncio.open_connection(HOST, port)

    return await asyncio.gather(*(one() for _ in range(n)))


CURRENT_PORT = [0]


def health_request():
    return b"GET /_wharf/health HTTP/1.1\r\nHost: localhost\r\n\r\n"


def sqs_request(op, payload):
    body = json.dumps(payload).encode()
    head = ("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
            "X-Amz-Target: AmazonSQS.%s\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n"
            % (op, SQS_AUTH, len(body)))
    return head.encode() + body


# ------------------------------------------------------------------------------------------------


async def check_connections(server, args):
    n = args.connections
    t0 = time.monotonic()
    conns = await open_many(n)
    opened = time.monotonic() - t0
    for _, w in conns:
        w.write(health_request())
    results = await asyncio.gather(*(read_response(r) for r, _ in conns), return_exceptions=True)
    answered = time.monotonic() - t0
    ok = sum(1 for r in results if not isinstance(r, BaseException) and r[0] == 200)
    # Every connection is still open: a second request on each must be answered too.
    for _, w in conns:
        w.write(health_request())
    again = await asyncio.gather(*(read_response(r) for r, _ in conns), return_exceptions=True)
    ok2 = sum(1 for r in again if not isinstance(r, BaseException) and r[0] == 200)
    rss = server.vm_rss_kb()
    for _, w in conns:
        w.close()
    print("abuse connections: %d concurrent, opened in %.2fs, first round answered %d in %.2fs, "
          "second round %d; server VmRSS %s kB" % (n, opened, ok, answered, ok2, rss))
    errors = [r for r in results + again if isinstance(r, BaseException)][:3]
    check(ok == n and ok2 == n, "not every connection was answered: %d/%d, %d/%d, e.g. %r"
          % (ok, n, ok2, n, errors))


def probe(port, seconds):
    """Runs in a child process: sequential ListQueues on one keep-alive connection for `seconds`;
    prints the latencies (ms) as JSON. Kept out of the test's event loop so that the dribblers'
    client-side work does not show up in the figures."""
    sqs = wharf_proc.SqsClient(port)
    lat = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        status, _ = sqs.call("ListQueues", {})
        if status != 200:
            print(json.dumps({"error": status}))
            return
        lat.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"latencies": lat}))


async def probe_latencies(seconds):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, os.path.abspath(__file__), "--probe", str(CURRENT_PORT[0]), str(seconds),
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    result = json.loads(out or b"{}")
    check("latencies" in result, "normal requests failed during the probe: %r" % result)
    return result["latencies"]


async def bench_latencies(seconds, args):
    """Normal load from wharf-bench (open loop, latency from the scheduled send time) for
    `seconds`; returns its JSON report."""
    proc = await asyncio.create_subprocess_exec(
        args.bench, args.bench_scenario, "--endpoint", "http://%s:%d" % (HOST, CURRENT_PORT[0]),
        "-c", "4", "--rate", str(args.bench_rate), "-d", str(seconds), "--json",
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    check(proc.returncode == 0 and lines, "wharf-bench failed (exit %s)" % proc.returncode)
    report = json.loads(lines[-1])
    check(report["errors"] == 0 and report["ok"] > 0, "wharf-bench saw errors: %r" % report)
    return report


def bench_figures(report):
    lat = report["latency_ms"]
    return "%s p50/p99/max %.2f/%.2f/%.2f ms over %d requests at %d/s" % (
        report["scenario"], lat["p50"], lat["p99"], lat["max"], report["requests"],
        report["rate"])


async def check_slowloris(server, args):
    if args.bench:
        return await check_slowloris_bench(server, args)
    idle = args.idle_timeout
    base = await probe_latencies(1)
    conns, stop, dribblers = await start_dribblers(1000)
    t0 = time.monotonic()
    closers = [asyncio.ensure_future(closed_within(r, idle * 3 + 5)) for r, _ in conns]
    # Normal requests while all the dribblers are connected (they are dropped after `idle`).
    under = await probe_latencies(max(1, idle - 1))
    closed = await asyncio.gather(*closers)
    dropped_after = time.monotonic() - t0
    stop.set()
    await asyncio.gather(*dribblers)
    for _, w in conns:
        w.close()
    after = await probe_latencies(1)
    n_closed = sum(closed)
    print("abuse slowloris: 1000 dribbling connections; normal ListQueues p50/p99 %.2f/%.2f ms "
          "over %d requests (idle server %.2f/%.2f ms); %d/1000 dribblers dropped by the server "
          "within %.1fs (--idle-timeout %d)"
          % (percentile(under, 50), percentile(under, 99), len(under), percentile(base, 50),
             percentile(base, 99), n_closed, dropped_after, idle))
    check(len(under) > 0 and len(after) > 0, "normal requests were not served")
    check(n_closed == 1000, "%d dribbling connections were never closed" % (1000 - n_closed))


async def start_dribblers(n):
    """Opens n connections that each send a header line one byte every 0.2 s; returns
    (connections, stop event, dribbler tasks)."""
    conns = await open_many(n)
    prefix = b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
    stop = asyncio.Event()

    async def dribble(w):
        data = prefix + b"a" * 100000
        for i in range(len(data)):
            if stop.is_set() or w.is_closing():
                return
            try:
                w.write(data[i:i + 1])
                await w.drain()
            except (ConnectionError, OSError):
                return
            await asyncio.sleep(0.2)

    return conns, stop, [asyncio.ensure_future(dribble(w)) for _, w in conns]


async def check_slowloris_bench(server, args):
    """The slowloris with wharf-bench as the normal traffic: its p99 with 1,000 dribblers
    connected and on the idle server; fails above --max-p99-ms when given."""
    idle = args.idle_timeout
    base = await bench_latencies(max(1, idle - 2), args)
    conns, stop, dribblers = await start_dribblers(1000)
    closers = [asyncio.ensure_future(closed_within(r, idle * 3 + 5)) for r, _ in conns]
    under = await bench_latencies(max(1, idle - 2), args)
    closed = await asyncio.gather(*closers)
    stop.set()
    await asyncio.gather(*dribblers)
    for _, w in conns:
        w.close()
    print("abuse slowloris (wharf-bench): under 1000 dribblers %s; idle %s; %d/1000 dribblers "
          "dropped (--idle-timeout %d)" % (bench_figures(under), bench_figures(base),
                                           sum(closed), idle))
    check(sum(closed) == 1000, "%d dribbling connections were never closed" % (1000 - sum(closed)))
    if args.max_p99_ms is not None:
        check(under["latency_ms"]["p99"] <= args.max_p99_ms, "p99 %.2f ms under attack is above "
              "%.2f ms" % (under["latency_ms"]["p99"], args.max_p99_ms))


async def check_slow_body(server, args):
    idle = args.idle_timeout
    r, w = await asyncio.open_connection(HOST, CURRENT_PORT[0])
    head = sqs_request("ListQueues", {})
    w.write(head.replace(b"Content-Length: 2", b"Content-Length: 1000").split(b"\r\n\r\n")[0] +
            b"\r\n\r\n")
    t0 = time.monotonic()

    async def dribble():
        for _ in range(1000):
            try:
                w.write(b" ")
                await w.drain()
            except (ConnectionError, OSError):
                return
            await asyncio.sleep(0.5)

    d = asyncio.ensure_future(dribble())
    closed = await closed_within(r, idle * 3 + 5)
    took = time.monotonic() - t0
    d.cancel()
    w.close()
    print("abuse slow_body: body at 2 bytes/s %s after %.1fs (--idle-timeout %d)"
          % ("cut off" if closed else "NOT cut off", took, idle))
    check(closed, "a slow body was never timed out")


async def one_shot(raw, send_timeout=10):
    """Sends raw bytes; returns (status or None, closed_after)."""
    r, w = await asyncio.open_connection(HOST, CURRENT_PORT[0])
    w.write(raw)
    try:
        await w.drain()
    except (ConnectionError, OSError):
        pass
    status = None
    try:
        status, _, _ = await asyncio.wait_for(read_response(r), send_timeout)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError,
            ValueError, IndexError):
        pass
    closed = await closed_within(r, 5)
    w.close()
    return status, closed


MALFORMED = {
    "garbage request line": b"THIS IS NOT HTTP\r\n\r\n",
    "bad version": b"GET / HTTP/9\r\nHost: x\r\n\r\n",
    "header without colon": b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
    "bad content-length": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "two content-lengths": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                           b"Content-Length: 2\r\n\r\nab",
    "bad chunk size": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "NUL in header": b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "space before colon": b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
}


async def check_limits(server, args):
    results = []
    t0 = time.perf_counter()
    huge = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: %d\r\n\r\n"
            % (16 * 1024 * 1024 + 1))
    status, closed = await one_shot(huge)  # the body is never sent: 413 must come at once
    results.append(("oversized body (Content-Length)", 413, status, closed,
                    (time.perf_counter() - t0) * 1000))
    t0 = time.perf_counter()
    chunked = (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
               (b"100000\r\n" + b"a" * 0x100000 + b"\r\n") * 17)
    status, closed = await one_shot(chunked)
    results.append(("oversized chunked body", 413, status, closed,
                    (time.perf_counter() - t0) * 1000))
    big_header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"
    t0 = time.perf_counter()
    status, closed = await one_shot(big_header)
    results.append(("oversized header", 431, status, closed, (time.perf_counter() - t0) * 1000))
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(
        b"X-H%d: %s\r\n" % (i, b"b" * 100) for i in range(1000)) + b"\r\n"
    t0 = time.perf_counter()
    status, closed = await one_shot(many)
    results.append(("1000 headers (100 kB)", 431, status, closed,
                    (time.perf_counter() - t0) * 1000))
    for name, raw in MALFORMED.items():
        t0 = time.perf_counter()
        status, closed = await one_shot(raw)
        results.append(("malformed: " + name, 400, status, closed,
                        (time.perf_counter() - t0) * 1000))
    bad = []
    for name, want, got, closed, ms in results:
        print("abuse limits: %-36s -> %s%s in %.1f ms" % (name, got, ", closed" if closed
                                                            else ", NOT closed", ms))
        if got != want or not closed:
            bad.append("%s: want %d + close, got %s%s" % (name, want, got,
                                                          "" if closed else " and no close"))
    # The server still serves normal requests afterwards.
    lat = await probe_latencies(0.2)
    check(len(lat) > 0, "server stopped answering")
    check(not bad, "; ".join(bad))


async def check_long_poll(server, args):
    n, queues = args.long_polls, 100
    per_queue = n // queues
    sqs = wharf_proc.SqsClient(CURRENT_PORT[0])
    urls = []
    for i in range(queues):
        status, out = sqs.call("CreateQueue", {"QueueName": "abuse-lp-%d" % i})
        check(status == 200, "CreateQueue: %d %r" % (status, out))
        urls.append(out["QueueUrl"])
    rss_before = server.vm_rss_kb()
    conns = await open_many(n)
    for i, (_, w) in enumerate(conns):
        w.write(sqs_request("ReceiveMessage", {"QueueUrl": urls[i % queues], "WaitTimeSeconds": 20,
                                               "MaxNumberOfMessages": 1}))
    pending = [asyncio.ensure_future(read_response(r)) for r, _ in conns]
    await asyncio.sleep(2)  # let the server register every poll
    early = sum(1 for p in pending if p.done())
    rss_held = server.vm_rss_kb()
    # CPU the server uses while it only holds the polls (no busy loops: close to 0 %).
    cpu0, wall0 = server.cpu_seconds(), time.monotonic()
    await asyncio.sleep(3)
    cpu1, wall1 = server.cpu_seconds(), time.monotonic()
    held_cpu = 100.0 * (cpu1 - cpu0) / (wall1 - wall0) if cpu0 is not None and cpu1 else float("nan")
    # Messages for the first half of the queues: one per waiting poll there.
    fed = queues // 2
    t0 = time.monotonic()
    for q in range(fed):
        for b in range(0, per_queue, 10):
            entries = [{"Id": str(j), "MessageBody": "lp-%d-%d" % (q, b + j)}
                       for j in range(min(10, per_queue - b))]
            status, out = sqs.call("SendMessageBatch", {"QueueUrl": urls[q], "Entries": entries})
            check(status == 200 and len(out.get("Successful", [])) == len(entries),
                  "SendMessageBatch: %d %r" % (status, out))
    fed_polls = [p for i, p in enumerate(pending) if i % queues < fed]
    await asyncio.wait(fed_polls, timeout=30)
    fed_took = time.monotonic() - t0
    got = set()
    fed_ok = 0
    for p in fed_polls:
        if p.done() and not p.exception():
            status, _, body = p.result()
            msgs = json.loads(body).get("Messages", []) if status == 200 else []
            if len(msgs) == 1:
                fed_ok += 1
                got.add(msgs[0]["Body"])
    others = [p for i, p in enumerate(pending) if i % queues >= fed]
    still_waiting = sum(1 for p in others if not p.done())
    wharf_proc.advance_clock(CURRENT_PORT[0], 20000)  # the rest time out (empty answers)
    await asyncio.wait(others, timeout=30)
    empty_ok = 0
    for p in others:
        if p.done() and not p.exception():
            status, _, body = p.result()
            if status == 200 and not json.loads(body).get("Messages"):
                empty_ok += 1
    for _, w in conns:
        w.close()
    sqs.close()
    print("abuse long_poll: %d polls held on %d queues; server VmRSS %s kB before, %s kB held "
          "(%.1f kB/poll), CPU %.2f %% of a core while held; %d/%d fed polls got a message in %.2fs (%d distinct), %d/%d others "
          "answered empty at 20 s virtual"
          % (n, queues, rss_before, rss_held,
             (rss_held - rss_before) / n if rss_held and rss_before else float("nan"),
             held_cpu, fed_ok, len(fed_polls), fed_took, len(got), empty_ok, len(others)))
    check(early == 0, "%d polls on empty queues were answered before any message or 20 s" % early)
    check(fed_ok == len(fed_polls) and len(got) == len(fed_polls),
          "fed polls: %d/%d answered with a message (%d distinct)"
          % (fed_ok, len(fed_polls), len(got)))
    check(still_waiting == len(others), "unfed polls answered early")
    check(empty_ok == len(others), "unfed polls: %d/%d answered empty" % (empty_ok, len(others)))


# check -> (function, server flags, whether the server runs with --idle-timeout from the command
# line; otherwise 60 s, so connections opened early are not dropped while the rest open).
CHECKS = {
    "connections": (check_connections, ["--in-memory"], False),
    "slowloris": (check_slowloris, ["--in-memory"], True),
    "slow_body": (check_slow_body, ["--in-memory"], True),
    "limits": (check_limits, ["--in-memory"], False),
    "long_poll": (check_long_poll, ["--in-memory", "--clock", "virtual"], False),
}


def run_check(name, args):
    fn, server_args, short_idle = CHECKS[name]
    idle = args.idle_timeout if short_idle else 60
    server_args = server_args + ["--log-level", "warn", "--idle-timeout", str(idle)]
    nofile = raise_nofile()
    server = wharf_proc.WharfProcess(args.wharf, server_args, nofile=nofile,
                                     log_path=args.log)
    server.start()
    CURRENT_PORT[0] = server.port
    try:
        asyncio.run(fn(server, args))
        alive = server.proc.poll() is None
        check(alive, "the server died (exit %s)" % server.proc.poll())
        return True
    except Failure as e:
        print("abuse %s: FAILED: %s" % (name, e))
        return False
    finally:
        server.kill()


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["--probe"]:
        probe(int(argv[1]), float(argv[2]))
        return 0
    wharf = wharf_proc.pop_wharf_arg(argv)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("checks", nargs="+", choices=sorted(CHECKS) + ["all"])
    p.add_argument("--connections", type=int, default=10000)
    p.add_argument("--long-polls", type=int, default=5000)
    p.add_argument("--idle-timeout", type=int, default=4, help="server --idle-timeout (s)")
    p.add_argument("--log", default=os.devnull, help="server stderr goes here")
    p.add_argument("--bench", help="slowloris: measure normal requests with this wharf-bench")
    p.add_argument("--bench-scenario", default="sqs-send")
    p.add_argument("--bench-rate", type=int, default=200, help="wharf-bench requests/s")
    p.add_argument("--max-p99-ms", type=float, help="slowloris --bench: fail above this p99")
    args = p.parse_args(argv)
    args.wharf = wharf
    if not wharf or not os.path.exists(wharf):
        print("abuse: wharf binary not found (pass --wharf PATH or set WHARF_BIN)")
        return 2
    names = sorted(CHECKS) if "all" in args.checks else args.checks
    failed = [n for n in names if not run_check(n, args)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
