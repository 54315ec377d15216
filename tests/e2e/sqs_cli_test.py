#!/usr/bin/env python3
"""SQS through the AWS CLI, v1 (pip, JSON protocol) and v2 (Debian 2.9, query protocol).

Run: python3 sqs_cli_test.py --wharf PATH. The CLIs are found as: v2 = $WHARF_AWS_V2 or
/usr/bin/aws; v1 = $WHARF_AWS_V1 or the first other `aws` on PATH (pyenv shim).
"""

import json
import os
import subprocess
import tempfile

import harness
from harness import ACCOUNT

AWS_V2 = os.environ.get("WHARF_AWS_V2", "/usr/bin/aws")
AWS_V1 = os.environ.get("WHARF_AWS_V1") or harness.which("aws", exclude=(AWS_V2,))


class CliTestBase(harness.WharfTestCase):
    aws = None  # path of the CLI under test
    major = None  # expected major version

    @classmethod
    def setUpClass(cls):
        if not cls.aws or not os.access(cls.aws, os.X_OK):
            raise AssertionError("AWS CLI v%d not found (got %r)" % (cls.major, cls.aws))
        super().setUpClass()
        cls.home = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.home.cleanup)
        cls.env = harness.aws_cli_env(cls.home.name)

    def run_aws(self, *args):
        cmd = [self.aws, "--endpoint-url", self.server.endpoint, "--output", "json", "sqs"]
        return subprocess.run(cmd + list(args), env=self.env, capture_output=True, text=True,
                              timeout=120)

    def ok(self, *args):
        res = self.run_aws(*args)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(res.stdout) if res.stdout.strip() else {}

    def test_version(self):
        res = subprocess.run([self.aws, "--version"], capture_output=True, text=True, env=self.env)
        self.assertTrue((res.stdout + res.stderr).startswith("aws-cli/%d." % self.major),
                        res.stdout + res.stderr)

    def test_create_send_receive_delete(self):
        url = self.ok("create-queue", "--queue-name", "cli-q",
                      "--attributes", "VisibilityTimeout=40")["QueueUrl"]
        self.assertEqual(url, "%s/%s/cli-q" % (self.server.endpoint, ACCOUNT))
        self.assertEqual(self.ok("get-queue-url", "--queue-name", "cli-q")["QueueUrl"], url)
        self.assertIn(url, self.ok("list-queues")["QueueUrls"])
        sent = self.ok("send-message", "--queue-url", url, "--message-body", "hi from cli",
                       "--message-attributes",
                       '{"k": {"DataType": "String", "StringValue": "v"}}')
        self.assertEqual(sent["MD5OfMessageBody"], harness.md5_hex("hi from cli"))
        got = self.ok("receive-message", "--queue-url", url, "--message-attribute-names", "All",
                      "--max-number-of-messages", "10")
        [msg] = got["Messages"]
        self.assertEqual(msg["Body"], "hi from cli")
        self.assertEqual(msg["MessageAttributes"], {"k": {"DataType": "String",
                                                          "StringValue": "v"}})
        self.ok("delete-message", "--queue-url", url, "--receipt-handle", msg["ReceiptHandle"])
        self.advance(41_000)
        self.assertNotIn("Messages", self.ok("receive-message", "--queue-url", url))
        self.ok("delete-queue", "--queue-url", url)

    def test_error_exit(self):
        res = self.run_aws("get-queue-url", "--queue-name", "no-such-queue")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling "
                      "the GetQueueUrl operation: The specified queue does not exist", res.stderr)
        self.assertEqual(res.stdout, "")


class CliV1Test(CliTestBase):
    aws = AWS_V1
    major = 1


class CliV2Test(CliTestBase):
    aws = AWS_V2
    major = 2


del CliTestBase

if __name__ == "__main__":
    harness.main()
