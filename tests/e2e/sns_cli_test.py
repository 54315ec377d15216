#!/usr/bin/env python3
"""SNS through the AWS CLI v2 (Debian 2.9, query protocol) against a real wharf: create-topic,
subscribe an SQS queue, publish (the queue gets the envelope), list-subscriptions,
get-topic-attributes, and an error with AWS's code and message.

Run: python3 sns_cli_test.py --wharf PATH. The CLI is $WHARF_AWS_V2 or /usr/bin/aws.
"""

import json
import os
import subprocess
import tempfile
import time

import harness
from harness import ACCOUNT

AWS_V2 = os.environ.get("WHARF_AWS_V2", "/usr/bin/aws")


class SnsCliV2Test(harness.WharfTestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(AWS_V2, os.X_OK):
            raise AssertionError("AWS CLI v2 not found at %r" % AWS_V2)
        super().setUpClass()
        cls.home = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.home.cleanup)
        cls.env = harness.aws_cli_env(cls.home.name)

    def run_aws(self, service, *args):
        cmd = [AWS_V2, "--endpoint-url", self.server.endpoint, "--output", "json", service]
        return subprocess.run(cmd + list(args), env=self.env, capture_output=True, text=True,
                              timeout=120)

    def ok(self, service, *args):
        res = self.run_aws(service, *args)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(res.stdout) if res.stdout.strip() else {}

    def test_version(self):
        res = subprocess.run([AWS_V2, "--version"], capture_output=True, text=True, env=self.env)
        self.assertTrue((res.stdout + res.stderr).startswith("aws-cli/2."), res.stdout)

    def test_topic_sqs_subscription_publish(self):
        topic = self.ok("sns", "create-topic", "--name", "cli-t")["TopicArn"]
        self.assertEqual(topic, "arn:aws:sns:us-east-1:%s:cli-t" % ACCOUNT)
        url = self.ok("sqs", "create-queue", "--queue-name", "cli-sub")["QueueUrl"]
        queue_arn = self.ok("sqs", "get-queue-attributes", "--queue-url", url,
                            "--attribute-names", "QueueArn")["Attributes"]["QueueArn"]
        sub = self.ok("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
                      "--notification-endpoint", queue_arn)["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"), sub)
        msg_id = self.ok("sns", "publish", "--topic-arn", topic, "--message", "hi from cli v2",
                         "--subject", "cli")["MessageId"]
        messages = []
        for _ in range(100):  # delivery is asynchronous: up to ~5 s, no timing assertion
            messages = self.ok("sqs", "receive-message", "--queue-url", url).get("Messages", [])
            if messages:
                break
            time.sleep(0.05)
        self.assertEqual(len(messages), 1)
        env = json.loads(messages[0]["Body"])
        self.assertEqual((env["Type"], env["MessageId"], env["TopicArn"], env["Message"],
                          env["Subject"]), ("Notification", msg_id, topic, "hi from cli v2", "cli"))
        subs = self.ok("sns", "list-subscriptions")["Subscriptions"]
        self.assertEqual([(s["SubscriptionArn"], s["Protocol"], s["Endpoint"], s["TopicArn"],
                           s["Owner"]) for s in subs],
                         [(sub, "sqs", queue_arn, topic, ACCOUNT)])
        attrs = self.ok("sns", "get-topic-attributes", "--topic-arn", topic)["Attributes"]
        self.assertEqual((attrs["TopicArn"], attrs["Owner"], attrs["SubscriptionsConfirmed"]),
                         (topic, ACCOUNT, "1"))

    def test_missing_topic_error(self):
        res = self.run_aws("sns", "get-topic-attributes", "--topic-arn",
                           "arn:aws:sns:us-east-1:%s:nope" % ACCOUNT)
        self.assertEqual(res.returncode, 254, res.stderr)
        self.assertIn("An error occurred (NotFound) when calling the GetTopicAttributes "
                      "operation: Topic does not exist", res.stderr)
        self.assertEqual(res.stdout, "")


if __name__ == "__main__":
    harness.main()
