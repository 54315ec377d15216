#!/usr/bin/env python3
"""Answered deletes must stay deleted across a restart (no crash timing involved).

3 senders and 3 receive+delete consumers hammer one queue (FIFO: one new group per message, so
each is receivable at once) for --seconds; then all clients stop, wharf is SIGKILLed, restarted
on the same data dir, the virtual clock moved past every visibility timeout and the queue
drained. Any MessageId whose delete was answered 200 and that comes back is a violation (exit 1).
Usage: resurrect_check.py --wharf PATH [--seconds 10] [--standard]
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wharf_proc  # noqa: E402


def main():
    argv = sys.argv[1:]
    wharf = wharf_proc.pop_wharf_arg(argv)
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--standard", action="store_true", help="a standard queue instead of FIFO")
    args = p.parse_args(argv)
    if not wharf or not os.path.exists(wharf):
        print("resurrect: wharf binary not found (pass --wharf PATH)")
        return 2
    tmp = tempfile.mkdtemp(prefix="wharf-resurrect-")
    srv = wharf_proc.WharfProcess(wharf, ["--data-dir", tmp, "--clock", "virtual",
                                          "--log-level", "warn"])
    try:
        return run(srv, args)
    finally:
        srv.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def run(srv, args):
    srv.start()
    fifo = not args.standard
    name, attrs = ("resurrect.fifo", {"FifoQueue": "true"}) if fifo else ("resurrect", {})
    status, out = wharf_proc.SqsClient(srv.port).call("CreateQueue",
                                                      {"QueueName": name, "Attributes": attrs})
    if status != 200:
        print("resurrect: CreateQueue %d %r" % (status, out))
        return 2
    url = out["QueueUrl"]
    stop = threading.Event()
    deleted, lock = set(), threading.Lock()

    def send(i):
        sqs, n = wharf_proc.SqsClient(srv.port), 0
        while not stop.is_set():
            n += 1
            req = {"QueueUrl": url, "MessageBody": "m%d-%d" % (i, n)}
            if fifo:
                req.update(MessageGroupId="g%d-%d" % (i, n),
                           MessageDeduplicationId="d%d-%d" % (i, n))
            sqs.call("SendMessage", req)

    def consume():
        sqs = wharf_proc.SqsClient(srv.port)
        while not stop.is_set():
            drain_once(sqs, url, deleted, lock)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(3)]
    threads += [threading.Thread(target=consume) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    srv.kill()
    srv.start()
    wharf_proc.advance_clock(srv.port, 3600 * 1000)
    sqs, back = wharf_proc.SqsClient(srv.port), []
    while True:
        ids = drain_once(sqs, url, set(), threading.Lock())
        if not ids:
            break
        back += [i for i in ids if i in deleted]
    print("resurrect: %s queue, deletes answered=%d, back after kill -9 + restart=%d %s"
          % ("FIFO" if fifo else "standard", len(deleted), len(back), back[:5]))
    return 1 if back or not deleted else 0


def drain_once(sqs, url, deleted, lock):
    """Receive up to 10 + delete them; records answered deletes; returns the received ids."""
    status, out = sqs.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                              "VisibilityTimeout": 20})
    msgs = (out or {}).get("Messages", []) if status == 200 else []
    if not msgs:
        return []
    entries = [{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(msgs)]
    status, out = sqs.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": entries})
    if status == 200:
        with lock:
            deleted.update(msgs[int(e["Id"])]["MessageId"] for e in out.get("Successful", []))
    return [m["MessageId"] for m in msgs]


if __name__ == "__main__":
    sys.exit(main())
