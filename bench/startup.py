#!/usr/bin/env python3
"""Start-up time and idle memory of the wharf binary (python3 standard library only).

For each mode, spawns wharf N times on a free loopback port, polls GET /_wharf/health over a raw
socket as fast as it can until it answers 200, and records the time from just before the spawn to
that answer ("cpu ms": the CPU time wharf's threads had used by then, from
/proc/PID/task/*/schedstat, less sensitive to other load than the wall time). About 300 ms later it reads VmRSS, RssAnon and RssFile from /proc/PID/status (and,
with --smaps, the Rss of each mapping from /proc/PID/smaps), then stops it with SIGTERM.

Modes:
  memory    --in-memory
  existing  --data-dir DIR, where DIR was made by a previous run (created once, reused)
  fresh     --data-dir DIR, a new empty temporary directory for every spawn

    python3 bench/startup.py --bin build/wharf                 # all three modes, 20 spawns each
    python3 bench/startup.py --bin build/wharf -n 50 --mode existing --smaps
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REQUEST = b"GET /_wharf/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_status(port):
    """The status code of one GET /_wharf/health, or None when nothing listens yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(REQUEST)
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    parts = data.split(b" ", 2)
    if len(parts) >= 2 and parts[1].isdigit():
        return int(parts[1])
    return None


def status_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"):
                out[key] = int(rest.split()[0])
    return out


def cpu_ms(pid):
    """CPU time all the process's threads have run so far (schedstat, ns), in ms."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
    except OSError:
        pass
    return total / 1e6


def smaps_by_mapping(pid):
    """{mapping name: Rss KiB}, anonymous mappings grouped as [anon], stacks as [stack]."""
    rss = {}
    name = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5 and not fields[0].endswith(":"):
                name = fields[5] if len(fields) >= 6 else "[anon]"
            elif fields[0] == "Rss:":
                rss[name] = rss.get(name, 0) + int(fields[1])
    return rss


def run_once(binary, mode, data_dir, extra, settle, timeout, trace=False):
    port = free_port()
    args = [binary, "--port", str(port)]
    if mode == "memory":
        args.append("--in-memory")
    else:
        args += ["--data-dir", data_dir]
    args += extra
    env = dict(os.environ)
    if trace:
        env["WHARF_STARTUP_TRACE"] = "1"
    start_ns = time.monotonic_ns()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, env=env,
                            stderr=subprocess.PIPE if trace else subprocess.DEVNULL)
    try:
        deadline = start + timeout
        while True:
            code = health_status(port)
            if code == 200:
                elapsed = time.perf_counter() - start
                cpu = cpu_ms(proc.pid)
                break
            if proc.poll() is not None:
                raise RuntimeError(f"{' '.join(args)} exited with {proc.returncode}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no 200 from /_wharf/health within {timeout} s")
        time.sleep(settle)
        mem = status_kib(proc.pid)
        mem["smaps"] = smaps_by_mapping(proc.pid)
        mem["cpu"] = cpu
    finally:  # a graceful stop, so the next "existing" start finds a cleanly closed database
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    mem["trace"] = {}
    if trace:  # "wharf-startup <phase> <CLOCK_MONOTONIC µs>" lines: ms after the spawn
        for line in proc.stderr.read().decode(errors="replace").splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[0] == "wharf-startup":
                mem["trace"][fields[1]] = (int(fields[2]) * 1000 - start_ns) / 1e6
        mem["trace"]["health 200"] = elapsed * 1000.0
    return elapsed, mem


def pct(values, p):
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/wharf", help="the wharf binary (default build/wharf)")
    ap.add_argument("-n", type=int, default=20, help="spawns per mode (default 20)")
    ap.add_argument("--mode", action="append", choices=["memory", "existing", "fresh"],
                    help="mode(s) to measure (repeatable; default all three)")
    ap.add_argument("--settle", type=float, default=0.3, help="seconds between the 200 and reading RSS")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a 200")
    ap.add_argument("--smaps", action="store_true", help="print the median Rss of each mapping")
    ap.add_argument("--raw", action="store_true", help="print every spawn's time")
    ap.add_argument("--trace", action="store_true",
                    help="run with WHARF_STARTUP_TRACE=1 and print the median time of each phase")
    ap.add_argument("extra", nargs="*", help="more wharf flags (after --)")
    opts = ap.parse_args()
    modes = opts.mode or ["memory", "existing", "fresh"]
    binary = os.path.abspath(opts.bin)
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"]
    print(f"{binary}, {opts.n} spawns per mode, {os.cpu_count()} cpus, load average {' '.join(load)}")
    print(f"{'mode':<9} {'median ms':>9} {'p90 ms':>7} {'min ms':>7} {'max ms':>7} "
          f"{'cpu ms':>6} {'VmRSS KiB':>9} {'RssAnon':>8} {'RssFile':>8} {'threads':>7}")
    root = tempfile.mkdtemp(prefix="wharf-startup-")
    try:
        existing = os.path.join(root, "existing")
        if "existing" in modes:  # create the database once, then reuse it
            run_once(binary, "existing", existing, opts.extra, 0.3, opts.timeout)
        for mode in modes:
            times, mems = [], []
            for i in range(opts.n):
                if mode == "fresh":
                    data_dir = os.path.join(root, f"fresh-{i}")
                else:
                    data_dir = existing
                elapsed, mem = run_once(binary, mode, data_dir, opts.extra, opts.settle, opts.timeout,
                                        opts.trace)
                times.append(elapsed * 1000.0)
                mems.append(mem)
                if mode == "fresh":
                    shutil.rmtree(data_dir, ignore_errors=True)
            med = lambda key: int(statistics.median(m.get(key, 0) for m in mems))
            print(f"{mode:<9} {statistics.median(times):9.2f} {pct(times, 90):7.2f} "
                  f"{min(times):7.2f} {max(times):7.2f} "
                  f"{statistics.median(m['cpu'] for m in mems):6.2f} {med('VmRSS'):9d} {med('RssAnon'):8d} "
                  f"{med('RssFile'):8d} {med('Threads'):7d}")
            if opts.raw:
                print("  " + " ".join(f"{t:.2f}" for t in times))
            if opts.trace:
                phases = sorted({k for m in mems for k in m["trace"]},
                                key=lambda k: statistics.median(m["trace"].get(k, 0) for m in mems))
                print("    " + ", ".join(
                    f"{k} {statistics.median(m['trace'][k] for m in mems if k in m['trace']):.2f}"
                    for k in phases) + " (median ms after the spawn)")
            if opts.smaps:
                names = sorted({k for m in mems for k in m["smaps"]},
                               key=lambda k: -statistics.median(m["smaps"].get(k, 0) for m in mems))
                for name in names:
                    kib = statistics.median(m["smaps"].get(name, 0) for m in mems)
                    if kib >= 64:
                        print(f"    {int(kib):7d} KiB  {name}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
