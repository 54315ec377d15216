#!/usr/bin/env python3
"""Core end-to-end behaviour of the wharf binary: admin API, HTTP/2 on the same port, malformed
input, shutdown, persistence across restarts, and account selection.

Run: python3 core_test.py --wharf PATH
"""

import email.utils
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import harness
from harness import ACCOUNT


def raw_exchange(port, data, timeout=10):
    """Sends raw bytes on a fresh connection and returns everything read until close/timeout."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break  # the status line and headers are enough
        except socket.timeout:
            pass
        return b"".join(chunks)


class AdminTest(harness.WharfTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.require_admin()
        cls.sqs = harness.boto_client(cls.server)

    def test_health(self):
        reply = self.server.health()
        self.assertEqual(reply.status, 200, reply)
        self.assertIsInstance(reply.json(), dict)

    def test_localstack_health_alias(self):
        reply = self.server.request("GET", "/_localstack/health")
        self.assertEqual(reply.status, 200, reply)
        services = reply.json()["services"]
        self.assertIn(services["sqs"], ("available", "running"))

    def test_reset_forgets_everything(self):
        self.sqs.create_queue(QueueName="gone")
        self.assertIn("QueueUrls", self.sqs.list_queues())
        self.server.reset()
        self.assertNotIn("QueueUrls", self.sqs.list_queues())

    def test_clock_advance_moves_service_time(self):
        url = self.sqs.create_queue(QueueName="clock-q")["QueueUrl"]
        self.sqs.send_message(QueueUrl=url, MessageBody="before")
        self.server.advance(3_600_000)
        self.sqs.send_message(QueueUrl=url, MessageBody="after")
        msgs = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                        MessageSystemAttributeNames=["SentTimestamp"])["Messages"]
        sent = {m["Body"]: int(m["Attributes"]["SentTimestamp"]) for m in msgs}
        self.assertGreaterEqual(sent["after"] - sent["before"], 3_600_000)

    def test_date_header_follows_the_clock(self):
        """SDKs correct their clock skew from Date: it must show wharf's (virtual) time."""
        self.server.require_admin()
        now_ms = self.server.request("GET", "/_wharf/clock").json()["now_ms"]
        moved = now_ms + 400 * 86_400_000  # 400 days on
        reply = self.server.request("POST", "/_wharf/clock", {"set_ms": moved},
                                    {"Content-Type": "application/json"})
        self.assertEqual(reply.status, 200, reply)
        expected = email.utils.formatdate(moved // 1000, usegmt=True)
        for path in ("/_wharf/health", "/"):
            self.assertEqual(self.server.request("GET", path).headers["date"], expected)

    def test_clock_rejects_bad_body(self):
        reply = self.server.request("POST", "/_wharf/clock", "{not json",
                                    {"Content-Type": "application/json"})
        self.assertEqual(reply.status, 400, reply)

    def test_peek_does_not_consume(self):
        url = self.sqs.create_queue(QueueName="peek-q")["QueueUrl"]
        self.sqs.send_message(QueueUrl=url, MessageBody="peek-body")
        reply = self.server.peek("peek-q")
        self.assertEqual(reply.status, 200, reply)
        self.assertIn("peek-body", json.dumps(reply.json()))
        self.assertEqual(len(self.sqs.receive_message(QueueUrl=url)["Messages"]), 1)

    def test_http2_prior_knowledge_on_the_same_port(self):
        curl = shutil.which("curl")
        self.assertIsNotNone(curl, "curl is needed")
        base = [curl, "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}"]
        out = subprocess.run(base + [self.server.endpoint + "/_wharf/health"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.stdout.rsplit("\n", 1)[-1], "2 200", out.stdout + out.stderr)
        self.sqs.create_queue(QueueName="h2-q")
        out = subprocess.run(base + [
            "-H", "Content-Type: application/x-amz-json-1.0",
            "-H", "X-Amz-Target: AmazonSQS.ListQueues", "-H", "Authorization: " + harness.SQS_AUTH,
            "-d", "{}",
            self.server.endpoint + "/"], capture_output=True, text=True, timeout=30)
        body, status = out.stdout.rsplit("\n", 1)
        self.assertEqual(status, "2 200", out.stdout + out.stderr)
        self.assertEqual(json.loads(body)["QueueUrls"],
                         ["%s/%s/h2-q" % (self.server.endpoint, ACCOUNT)])


class MalformedInputTest(harness.WharfTestCase):
    """Each bad request gets an error of the right kind and the server keeps serving."""

    def tearDown(self):
        reply = self.server.request("GET", "/_wharf/health") if self.server.is_wharf else None
        if reply is not None:
            self.assertEqual(reply.status, 200, "server stopped serving: %r" % reply)
        self.assertEqual(self.server.sqs_json("ListQueues", {}).status, 200)
        super().tearDown()

    def json_error_type(self, reply):
        self.assertEqual(reply.status, 400, reply)
        return reply.json()["__type"].split("#")[-1]

    def query_error_code(self, reply):
        self.assertEqual(reply.status, 400, reply)
        root = ET.fromstring(reply.body)
        self.assertTrue(root.tag.endswith("ErrorResponse"), reply)
        return root.find("{*}Error/{*}Code").text

    def test_bad_http(self):
        reply = raw_exchange(self.server.port, b"THIS IS NOT HTTP\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply)
        reply = raw_exchange(self.server.port,
                             b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply)

    def test_bad_form(self):
        reply = self.server.sqs_query("Version=2012-11-05&QueueName=%ZZ%")
        self.assertTrue(self.query_error_code(reply))

    def test_unknown_action(self):
        reply = self.server.sqs_query("Action=FlyToTheMoon&Version=2012-11-05")
        self.assertEqual(self.query_error_code(reply), "InvalidAction")

    def test_bad_json(self):
        reply = self.server.sqs_json("ListQueues", "{not json")
        self.assertEqual(self.json_error_type(reply), "SerializationException")

    def test_wrong_types(self):
        reply = self.server.sqs_json("CreateQueue", {"QueueName": 5})
        self.assertEqual(self.json_error_type(reply), "SerializationException")
        reply = self.server.sqs_json("ReceiveMessage", {
            "QueueUrl": "%s/%s/q" % (self.server.endpoint, ACCOUNT), "MaxNumberOfMessages": "ten"})
        self.assertEqual(self.json_error_type(reply), "SerializationException")

    def test_unknown_target(self):
        reply = self.server.sqs_json("FlyToTheMoon", {})
        self.assertEqual(self.json_error_type(reply), "UnknownOperationException")


class LifecycleTest(unittest.TestCase):
    """Servers started and stopped inside each test (always killed at the end)."""

    def start(self, **kw):
        server = harness.Server(**kw)
        self.addCleanup(server.kill)
        server.start()
        server.require_admin()
        return server

    def test_sigterm_exits_zero(self):
        server = self.start()
        self.assertEqual(server.sqs_json("ListQueues", {}).status, 200)
        self.assertEqual(server.stop(signal.SIGTERM), 0, server.last_stderr)

    def test_persistence_across_restart(self):
        data_dir = tempfile.mkdtemp(prefix="wharf-e2e-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        server = self.start(data_dir=data_dir)
        sqs = harness.boto_client(server)
        url_path = "/%s/persist-q" % ACCOUNT
        url = sqs.create_queue(QueueName="persist-q",
                               Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="survives")
        sqs.send_message(QueueUrl=url, MessageBody="deleted")
        server.stop(signal.SIGKILL)

        server = self.start(data_dir=data_dir)
        sqs = harness.boto_client(server)
        url = server.endpoint + url_path
        self.assertEqual(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "VisibilityTimeout"])["Attributes"], {"VisibilityTimeout": "45"})
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(sorted(m["Body"] for m in msgs), ["deleted", "survives"])
        for m in msgs:
            if m["Body"] == "deleted":
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        server.stop(signal.SIGKILL)  # right after the delete was answered

        server = self.start(data_dir=data_dir)
        sqs = harness.boto_client(server)
        url = server.endpoint + url_path
        server.advance(46_000)  # past any visibility timeout carried over
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        self.assertEqual([m["Body"] for m in msgs], ["survives"])
        self.assertEqual(server.stop(signal.SIGTERM), 0, server.last_stderr)

    def test_timed_state_survives_restart(self):
        data_dir = tempfile.mkdtemp(prefix="wharf-e2e-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        server = self.start(data_dir=data_dir)
        sqs = harness.boto_client(server)
        url = sqs.create_queue(QueueName="timed-q")["QueueUrl"]
        sqs.purge_queue(QueueUrl=url)
        sqs.delete_queue(QueueUrl=sqs.create_queue(QueueName="timed-gone")["QueueUrl"])
        fifo = sqs.create_queue(QueueName="timed.fifo", Attributes={
            "FifoQueue": "true", "VisibilityTimeout": "120"})["QueueUrl"]
        sqs.send_message(QueueUrl=fifo, MessageBody="m", MessageGroupId="g",
                         MessageDeduplicationId="d")
        first = sqs.receive_message(QueueUrl=fifo, ReceiveRequestAttemptId="try-1")["Messages"]
        server.stop(signal.SIGKILL)

        server = self.start(data_dir=data_dir)
        sqs = harness.boto_client(server)
        with self.assertRaises(sqs.exceptions.PurgeQueueInProgress):
            sqs.purge_queue(QueueUrl=url)
        with self.assertRaises(sqs.exceptions.QueueDeletedRecently):
            sqs.create_queue(QueueName="timed-gone")
        again = sqs.receive_message(QueueUrl=fifo, ReceiveRequestAttemptId="try-1")["Messages"]
        self.assertEqual(again[0]["ReceiptHandle"], first[0]["ReceiptHandle"])
        server.advance(61_000)
        sqs.purge_queue(QueueUrl=url)
        sqs.create_queue(QueueName="timed-gone")
        self.assertEqual(server.stop(signal.SIGTERM), 0, server.last_stderr)

    def test_account_from_12_digit_access_key(self):
        server = self.start()
        other = harness.boto_client(server, access_key="111111111111")
        default = harness.boto_client(server)
        url = other.create_queue(QueueName="acct-q")["QueueUrl"]
        self.assertEqual(url, "%s/111111111111/acct-q" % server.endpoint)
        self.assertEqual(other.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"], "arn:aws:sqs:us-east-1:111111111111:acct-q")
        self.assertNotIn("QueueUrls", default.list_queues())
        self.assertEqual(other.list_queues()["QueueUrls"], [url])
        default_url = default.create_queue(QueueName="acct-q")["QueueUrl"]
        self.assertEqual(default_url, "%s/%s/acct-q" % (server.endpoint, ACCOUNT))
        # Another account's queue, without a policy allowing it: AccessDenied (JSON protocol).
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as ctx:
            default.send_message(QueueUrl=url, MessageBody="x")
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403, err)
        self.assertEqual(err["Error"]["Code"], "AccessDenied", err)
        self.assertEqual(err["Error"]["QueryErrorCode"], "AccessDeniedException", err)
        self.assertEqual(err["Error"]["Message"], (
            "User: arn:aws:iam::%s:root is not authorized to perform: sqs:sendmessage on "
            "resource: arn:aws:sqs:us-east-1:111111111111:acct-q because no resource-based "
            "policy allows the sqs:sendmessage action" % ACCOUNT), err)


if __name__ == "__main__":
    harness.main()
