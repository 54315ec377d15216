#!/usr/bin/env python3
"""kill -9 crash test: SQS standard + FIFO queues and an SNS fan-out under SIGKILL.

Producers and consumers run against `wharf --data-dir DIR --clock virtual` while the main thread
SIGKILLs the server at random (seeded) moments and restarts it on the same data directory. After
the last cycle the server is killed once more, restarted, and every queue is drained.

Bookkeeping (client side):
  * a send / publish / delete counts only when answered with 200 (batch entries: "Successful");
  * unanswered standard sends and publishes are not retried (they may or may not exist);
    unanswered FIFO batches are retried with the same deduplication ids until answered, so each
    group's answered sequence numbers are 1..N with no gaps;
  * receipt handles never outlive the server generation that issued them.
The virtual clock is frozen during a generation, so nothing is redelivered within one; after each
restart it is set forward past every visibility timeout so in-flight messages come back.

Checks: lost (an answered send/publish never received, per queue), resurrected (a MessageId
received again after its delete was answered), out_of_order (FIFO: within a group, a sequence
number older than one already deleted, or one that skips an answered, never-received one).
Prints one line of counts; exit status 1 on any violation, 2 on a harness failure.

Usage: crash_test.py --wharf PATH [--cycles 10] [--seed 1] [--min-run 0.3] [--max-run 1.5]
"""

import argparse
import collections
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wharf_proc  # noqa: E402

VISIBILITY_S = 20  # on every receive; the clock moves 2x this past each restart
CLOCK_STEP_MS = 2 * VISIBILITY_S * 1000
FIFO_GROUPS_PER_PRODUCER = 4
SNS_QUEUES = 3


class Generation:
    """The current server generation (port); workers wait here while the server is down."""

    def __init__(self):
        self.cond = threading.Condition()
        self.gen = 0
        self.port = None
        self.up = False
        self.stop = False

    def publish(self, port):
        with self.cond:
            self.gen += 1
            self.port = port
            self.up = True
            self.cond.notify_all()

    def down(self):
        with self.cond:
            self.up = False

    def finish(self):
        with self.cond:
            self.stop = True
            self.cond.notify_all()

    def wait_newer(self, gen):
        """Blocks until a generation newer than `gen` is up (or stop). Returns (gen, port)."""
        with self.cond:
            while not self.stop and not (self.up and self.gen > gen):
                self.cond.wait(0.5)
            return self.gen, self.port


def unwrap(body):
    """The published text when SNS delivered its JSON envelope instead of the raw message."""
    if body.startswith("{"):
        try:
            return json.loads(body).get("Message", body)
        except ValueError:
            pass
    return body


class Ledger:
    """Everything the clients saw. All methods are thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.std_answered = set()
        self.sns_answered = set()
        self.fifo_answered = collections.defaultdict(int)  # group -> highest answered seq
        self.unanswered = 0
        self.received = collections.defaultdict(set)  # queue -> bodies
        self.receives = 0
        self.deleted_ids = {}  # MessageId whose delete was answered -> server run (generation)
        self.resurrected = []
        self.out_of_order = []
        self.fifo_recv_max = collections.defaultdict(int)
        self.fifo_del_max = collections.defaultdict(int)
        self.leftover = []  # queues whose counters are not 0 after the drain

    def note_unanswered(self, n=1):
        with self.lock:
            self.unanswered += n

    def on_receive(self, queue, messages, gen):
        with self.lock:
            for m in messages:
                body, mid = unwrap(m.get("Body", "")), m.get("MessageId", "")
                self.receives += 1
                self.received[queue].add(body)
                if mid in self.deleted_ids:
                    self.resurrected.append("%s %s id=%s deleted in run %s, back in run %s"
                                            % (queue, body, mid, self.deleted_ids[mid], gen))
                if body.startswith("fifo:"):
                    self._check_fifo(body, mid)

    def _check_fifo(self, body, mid):
        _, group, seq = body.split(":")
        seq = int(seq)
        if seq < self.fifo_del_max[group] and mid not in self.deleted_ids:
            self.out_of_order.append("%s after %s:%d was deleted"
                                     % (body, group, self.fifo_del_max[group]))
        elif (seq > self.fifo_recv_max[group] + 1 and
              self.fifo_recv_max[group] + 1 <= self.fifo_answered[group]):
            self.out_of_order.append("%s skips answered %s:%d"
                                     % (body, group, self.fifo_recv_max[group] + 1))
        self.fifo_recv_max[group] = max(self.fifo_recv_max[group], seq)

    def on_deleted(self, messages, gen):
        with self.lock:
            for m in messages:
                self.deleted_ids[m["MessageId"]] = gen
                body = unwrap(m.get("Body", ""))
                if body.startswith("fifo:"):
                    _, group, seq = body.split(":")
                    self.fifo_del_max[group] = max(self.fifo_del_max[group], int(seq))


class Worker(threading.Thread):
    """Runs step() in a loop on a per-generation client; a transport failure waits for the next
    generation (state tied to the old one is dropped by on_new_generation)."""

    def __init__(self, name, gens, ledger):
        super().__init__(name=name, daemon=True)
        self.gens = gens
        self.ledger = ledger
        self.gen = 0
        self.port = None
        self.error = None

    def run(self):
        try:
            self.gen, self.port = self.gens.wait_newer(0)
            self.on_new_generation()
            while not self.gens.stop:
                try:
                    self.step()
                except (OSError, http.client.HTTPException):
                    self.on_transport_failure()
                    self.gen, self.port = self.gens.wait_newer(self.gen)
                    self.on_new_generation()
        except Exception as e:  # noqa: BLE001 - a harness bug must fail the run, not hang it
            self.error = "%s: %r" % (self.name, e)
            raise

    def on_new_generation(self):
        pass

    def on_transport_failure(self):
        pass


class SqsWorker(Worker):
    def on_new_generation(self):
        self.sqs = wharf_proc.SqsClient(self.port, timeout=10)


class StdProducer(SqsWorker):
    def __init__(self, idx, url, gens, ledger):
        super().__init__("std-producer-%d" % idx, gens, ledger)
        self.idx, self.url, self.n = idx, url, 0

    def step(self):
        bodies = []
        for _ in range(10):
            self.n += 1
            bodies.append("std:%d:%d" % (self.idx, self.n))
        self.pending = bodies
        entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies)]
        status, out = self.sqs.call("SendMessageBatch", {"QueueUrl": self.url, "Entries": entries})
        self.pending = []
        if status != 200 or out is None:
            self.ledger.note_unanswered(len(bodies))
            return
        ok = [bodies[int(e["Id"])] for e in out.get("Successful", [])]
        with self.ledger.lock:
            self.ledger.std_answered.update(ok)
            self.ledger.unanswered += len(bodies) - len(ok)

    def on_transport_failure(self):
        self.ledger.note_unanswered(len(getattr(self, "pending", [])))


class FifoProducer(SqsWorker):
    """Per group, sends consecutive sequence numbers; an unanswered batch is retried as is."""

    def __init__(self, idx, url, gens, ledger):
        super().__init__("fifo-producer-%d" % idx, gens, ledger)
        self.url = url
        self.groups = ["g%d-%d" % (idx, i) for i in range(FIFO_GROUPS_PER_PRODUCER)]
        self.next_seq = {g: 1 for g in self.groups}
        self.turn = 0
        self.retry = None  # (group, [seq...]) not yet answered

    def step(self):
        if self.retry is None:
            group = self.groups[self.turn % len(self.groups)]
            self.turn += 1
            first = self.next_seq[group]
            self.retry = (group, list(range(first, first + 5)))
        group, seqs = self.retry
        entries = [{"Id": str(s), "MessageBody": "fifo:%s:%d" % (group, s), "MessageGroupId": group,
                    "MessageDeduplicationId": "%s-%d" % (group, s)} for s in seqs]
        status, out = self.sqs.call("SendMessageBatch", {"QueueUrl": self.url, "Entries": entries})
        if status != 200 or out is None:
            time.sleep(0.01)  # a 5xx: back off a little, then retry the same batch
            return
        answered = {int(e["Id"]) for e in out.get("Successful", [])}
        # Only a fully answered prefix advances the group; the rest is retried (same dedup ids).
        done = 0
        for s in seqs:
            if s not in answered:
                break
            done = s
        if done:
            with self.ledger.lock:
                self.ledger.fifo_answered[group] = max(self.ledger.fifo_answered[group], done)
            self.next_seq[group] = done + 1
        rest = [s for s in seqs if s > done]
        self.retry = (group, rest) if rest else None


class SnsPublisher(Worker):
    def __init__(self, idx, topic_arn, gens, ledger):
        super().__init__("sns-publisher-%d" % idx, gens, ledger)
        self.idx, self.topic_arn, self.n = idx, topic_arn, 0

    def on_new_generation(self):
        self.sns = wharf_proc.SnsClient(self.port, timeout=10)

    def step(self):
        self.n += 1
        body = "sns:%d:%d" % (self.idx, self.n)
        status, _ = self.sns.call("Publish", {"TopicArn": self.topic_arn, "Message": body})
        if status == 200:
            with self.ledger.lock:
                self.ledger.sns_answered.add(body)
        else:
            self.ledger.note_unanswered()

    def on_transport_failure(self):
        self.ledger.note_unanswered()


class Consumer(SqsWorker):
    def __init__(self, name, queue, url, gens, ledger):
        super().__init__(name, gens, ledger)
        self.queue, self.url = queue, url

    def step(self):
        if not receive_and_delete(self.sqs, self.queue, self.url, self.ledger, self.gen):
            time.sleep(0.01)  # empty: poll again shortly (the virtual clock makes long polls hang)


def receive_and_delete(sqs, queue, url, ledger, gen):
    """One ReceiveMessage + DeleteMessageBatch; returns how many messages came back."""
    status, out = sqs.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                              "VisibilityTimeout": VISIBILITY_S,
                                              "WaitTimeSeconds": 0})
    if status != 200 or out is None:
        return 0
    messages = out.get("Messages", [])
    if not messages:
        return 0
    ledger.on_receive(queue, messages, gen)  # recorded before the delete is sent
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
    status, out = sqs.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": entries})
    if status == 200 and out is not None:
        ledger.on_deleted([messages[int(e["Id"])] for e in out.get("Successful", [])], gen)
    return len(messages)


class Harness:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.tmp = tempfile.mkdtemp(prefix="wharf-crash-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.server = wharf_proc.WharfProcess(
            args.wharf, ["--data-dir", self.data_dir, "--clock", "virtual", "--log-level", "warn"] +
            args.wharf_arg,
            log_path=os.path.join(self.tmp, "wharf.log"))
        self.virtual_ms = 0
        self.gens = Generation()
        self.ledger = Ledger()
        self.urls = {}
        self.topic_arn = None

    def restart(self):
        """Starts the server and moves its clock past every visibility timeout."""
        self.server.start()
        status, body = wharf_proc.admin(self.server.port, "GET", "/_wharf/clock")
        now = json.loads(body)["now_ms"] if status == 200 else 0
        self.virtual_ms = max(now, self.virtual_ms) + CLOCK_STEP_MS
        status, body = wharf_proc.admin(self.server.port, "POST", "/_wharf/clock",
                                        {"set_ms": self.virtual_ms})
        if status != 200:
            raise RuntimeError("setting the virtual clock failed: %d %r" % (status, body[:200]))

    def setup_resources(self):
        sqs = wharf_proc.SqsClient(self.server.port)
        names = ["crash-std", "crash-fifo.fifo"] + ["crash-sns-%d" % i for i in range(SNS_QUEUES)]
        for name in names:
            attrs = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
            status, out = sqs.call("CreateQueue", {"QueueName": name, "Attributes": attrs})
            if status != 200:
                raise RuntimeError("CreateQueue %s: %d %r" % (name, status, out))
            self.urls[name] = out["QueueUrl"]
        sqs.close()
        if self.args.no_sns:
            return
        sns = wharf_proc.SnsClient(self.server.port)
        status, text = sns.call("CreateTopic", {"Name": "crash-topic"})
        self.topic_arn = wharf_proc.xml_value(text, "TopicArn")
        if status != 200 or not self.topic_arn:
            raise RuntimeError("CreateTopic: %d %s (use --no-sns without SNS)"
                               % (status, text[:300]))
        for i in range(SNS_QUEUES):
            arn = "arn:aws:sqs:%s:%s:crash-sns-%d" % (wharf_proc.REGION, wharf_proc.ACCOUNT, i)
            status, text = sns.call("Subscribe", {
                "TopicArn": self.topic_arn, "Protocol": "sqs", "Endpoint": arn,
                "Attributes.entry.1.key": "RawMessageDelivery",
                "Attributes.entry.1.value": "true"})
            if status != 200:
                raise RuntimeError("Subscribe: %d %s" % (status, text[:300]))
        sns.close()

    def workers(self):
        g, led = self.gens, self.ledger
        ws = [StdProducer(i, self.urls["crash-std"], g, led) for i in range(2)]
        ws += [FifoProducer(i, self.urls["crash-fifo.fifo"], g, led) for i in range(2)]
        ws += [Consumer("std-consumer-%d" % i, "crash-std", self.urls["crash-std"], g, led)
               for i in range(2)]
        ws += [Consumer("fifo-consumer-%d" % i, "crash-fifo.fifo", self.urls["crash-fifo.fifo"],
                        g, led) for i in range(2)]
        if self.topic_arn:
            ws.append(SnsPublisher(0, self.topic_arn, g, led))
            ws += [Consumer("sns-consumer-%d" % i, "crash-sns-%d" % i,
                            self.urls["crash-sns-%d" % i], g, led) for i in range(SNS_QUEUES)]
        return ws

    def drain(self):
        """Receives and deletes until every queue is empty twice in a row, clock moved between."""
        sqs = wharf_proc.SqsClient(self.server.port)
        quiet_rounds = 0
        while quiet_rounds < 2:
            got = 0
            for name, url in self.urls.items():
                empties = 0
                while empties < 3:
                    n = receive_and_delete(sqs, name, url, self.ledger, "drain")
                    got += n
                    empties = 0 if n else empties + 1
            quiet_rounds = 0 if got else quiet_rounds + 1
            # Deliveries retried after the restart (SNS) may run on the clock: let them happen.
            wharf_proc.advance_clock(self.server.port, CLOCK_STEP_MS)
            time.sleep(0.3)
        # Drained queues must also count as empty (the counters are rebuilt on recovery).
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                 "ApproximateNumberOfMessagesDelayed"]
        for name, url in self.urls.items():
            status, out = sqs.call("GetQueueAttributes", {"QueueUrl": url, "AttributeNames": names})
            counts = (out or {}).get("Attributes", {})
            if status != 200 or any(counts.get(n, "0") != "0" for n in names):
                self.ledger.leftover.append("%s: %d %r" % (name, status, counts or out))
        sqs.close()

    def run(self):
        self.restart()
        self.setup_resources()
        workers = self.workers()
        for w in workers:
            w.start()
        self.gens.publish(self.server.port)
        started = time.monotonic()
        for _ in range(self.args.cycles):
            time.sleep(self.rng.uniform(self.args.min_run, self.args.max_run))
            self.gens.down()
            self.server.kill()
            self.restart()
            self.gens.publish(self.server.port)
        time.sleep(self.rng.uniform(self.args.min_run, self.args.max_run))
        self.gens.finish()
        for w in workers:
            w.join(timeout=30)
        errors = [w.error for w in workers if w.error]
        if errors:
            raise RuntimeError("worker failed: " + "; ".join(errors))
        self.server.kill()
        self.restart()
        self.drain()
        self.server.kill()
        return time.monotonic() - started

    def report(self, elapsed):
        led = self.ledger
        lost = []
        lost += ["crash-std/" + b for b in led.std_answered - led.received["crash-std"]]
        for group, top in led.fifo_answered.items():
            lost += ["crash-fifo.fifo/fifo:%s:%d" % (group, s) for s in range(1, top + 1)
                     if "fifo:%s:%d" % (group, s) not in led.received["crash-fifo.fifo"]]
        if self.topic_arn:
            for i in range(SNS_QUEUES):
                q = "crash-sns-%d" % i
                lost += [q + "/" + b for b in led.sns_answered - led.received[q]]
        sent = (len(led.std_answered) + sum(led.fifo_answered.values()) + len(led.sns_answered))
        print("crash: cycles=%d sent=%d received=%d lost=%d resurrected=%d out_of_order=%d "
              "(leftover=%d std=%d fifo=%d sns_published=%d unanswered=%d elapsed=%.1fs seed=%d)"
              % (self.args.cycles, sent, led.receives, len(lost), len(led.resurrected),
                 len(led.out_of_order), len(led.leftover), len(led.std_answered),
                 sum(led.fifo_answered.values()),
                 len(led.sns_answered), led.unanswered, elapsed, self.args.seed))
        for label, items in (("lost", sorted(lost)), ("resurrected", led.resurrected),
                             ("out_of_order", led.out_of_order), ("leftover", led.leftover)):
            for item in items[:10]:
                print("  %s: %s" % (label, item))
        ok = (not lost and not led.resurrected and not led.out_of_order and not led.leftover and
              sent > 0)
        if sent == 0:
            print("  nothing was sent: the run proves nothing")
        return ok


def main():
    argv = sys.argv[1:]
    wharf = wharf_proc.pop_wharf_arg(argv)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cycles", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--min-run", type=float, default=0.3, help="seconds between kills, at least")
    p.add_argument("--max-run", type=float, default=1.5, help="seconds between kills, at most")
    p.add_argument("--no-sns", action="store_true", help="skip the SNS fan-out part")
    p.add_argument("--keep", action="store_true", help="keep the data dir and server log")
    p.add_argument("--wharf-arg", action="append", default=[],
                   help="extra server flag (repeatable); --wharf-arg=--in-memory must fail")
    args = p.parse_args(argv)
    args.wharf = wharf
    if not wharf or not os.path.exists(wharf):
        print("crash: wharf binary not found (pass --wharf PATH or set WHARF_BIN)")
        return 2
    h = Harness(args)
    try:
        elapsed = h.run()
        ok = h.report(elapsed)
    except Exception as e:  # noqa: BLE001
        print("crash: harness failure: %s (server log: %s)" % (e, h.server.log_path))
        h.gens.finish()
        h.server.kill()
        args.keep = True
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(h.tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
