#!/usr/bin/env python3
"""Time from Publish to the message being received from every subscribed SQS queue.

Starts wharf (fresh data dir, free port), makes a topic with --queues SQS subscribers (signed
envelopes, as by default), publishes at --rate messages/s for --seconds (open loop: the send
time is the scheduled time), and has one thread per queue long-polling (ReceiveMessage 10,
then DeleteMessageBatch). A message's fan-out latency is the latest of its --queues receive
times minus its publish time. Prints p50/p90/p99/max. Standard library only; the receivers'
own Python overhead is included, so the figures are an upper bound.

usage: bench/sns_fanout_latency.py --wharf build/wharf [--rate 400] [--seconds 10] [--queues 10]
"""
import argparse
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "crash"))
import wharf_proc  # noqa: E402


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100.0 * len(sorted_values)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wharf", required=True)
    ap.add_argument("--rate", type=float, default=400)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--queues", type=int, default=10)
    args = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="wharf-fanout-")
    server = wharf_proc.WharfProcess(args.wharf, ["--data-dir", data_dir, "--log-level", "warn"])
    server.start()
    try:
        port = server.port
        sns = wharf_proc.SnsClient(port)
        setup = wharf_proc.SqsClient(port)
        _, text = sns.call("CreateTopic", {"Name": "fanout"})
        topic = wharf_proc.xml_value(text, "TopicArn")
        urls = []
        for i in range(args.queues):
            _, out = setup.call("CreateQueue", {"QueueName": "fanout-%d" % i})
            urls.append(out["QueueUrl"])
            _, attrs = setup.call("GetQueueAttributes",
                                  {"QueueUrl": out["QueueUrl"], "AttributeNames": ["QueueArn"]})
            sns.call("Subscribe", {"TopicArn": topic, "Protocol": "sqs",
                                   "Endpoint": attrs["Attributes"]["QueueArn"]})
        total = int(args.rate * args.seconds)
        received = {}  # message index -> receive times, one per queue
        lock = threading.Lock()
        done = threading.Event()

        def receive(url):
            sqs = wharf_proc.SqsClient(port)
            while not done.is_set():
                status, out = sqs.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                                          "WaitTimeSeconds": 1})
                now = time.monotonic()
                msgs = (out or {}).get("Messages", []) if status == 200 else []
                if not msgs:
                    continue
                with lock:
                    for m in msgs:
                        index = int(json.loads(m["Body"])["Message"])
                        received.setdefault(index, []).append(now)
                sqs.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": [
                    {"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(msgs)]})
            sqs.close()

        threads = [threading.Thread(target=receive, args=(u,), daemon=True) for u in urls]
        for t in threads:
            t.start()
        sent_at = []
        start = time.monotonic() + 0.2
        for i in range(total):
            scheduled = start + i / args.rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent_at.append(scheduled)
            status, _ = sns.call("Publish", {"TopicArn": topic, "Message": str(i)})
            if status != 200:
                print("Publish answered %d" % status, file=sys.stderr)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with lock:
                complete = sum(1 for v in received.values() if len(v) >= args.queues)
            if complete >= total:
                break
            time.sleep(0.05)
        done.set()
        for t in threads:
            t.join(timeout=3)
        with lock:
            lat = sorted((max(v) - sent_at[i]) * 1000 for i, v in received.items()
                         if len(v) >= args.queues and i < len(sent_at))
        print("sns fan-out: %d publishes at %.0f/s to %d queues, %d seen in all queues; "
              "publish -> received from all, ms: p50 %.2f p90 %.2f p99 %.2f max %.2f"
              % (total, args.rate, args.queues, len(lat), percentile(lat, 50), percentile(lat, 90),
                 percentile(lat, 99), lat[-1] if lat else float("nan")))
    finally:
        server.kill()


if __name__ == "__main__":
    main()
