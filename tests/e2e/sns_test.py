#!/usr/bin/env python3
"""SNS (query protocol) with pip boto3/botocore 1.43, against a real wharf server.

Topic lifecycle, fan-out to SQS (JSON envelope, signature verified with openssl, raw delivery,
filter policy), HTTP endpoint subscriptions (confirmation + notification POSTs to a local server)
and FIFO topic -> FIFO queue. Expected values are real AWS's (aws-recorded/sns/*.snapshot.json).
Run: python3 sns_test.py --wharf PATH
"""

import base64
import http.server
import json
import os
import queue
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request

import harness
from harness import ACCOUNT, REGION

TOPIC_NOT_FOUND = "Topic does not exist"
NOTIFICATION_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_KEYS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn",
                     "Type")
POLL_TRIES = 100  # async delivery polling: up to ~5 s of real time, no timing assertion


def fetch_cert(url):
    """The PEM served at SigningCertURL."""
    return urllib.request.urlopen(url, timeout=10).read()


class SnsTestBase(harness.WharfTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sns = harness.boto_client(cls.server, "sns")
        assert cls.sns.meta.service_model.protocol == "query"
        cls.sqs = harness.boto_client(cls.server, "sqs")

    def topic_arn(self, name):
        return "arn:aws:sns:%s:%s:%s" % (REGION, ACCOUNT, name)

    def make_topic(self, name, **attributes):
        attrs = {k: str(v) for k, v in attributes.items()}
        return self.sns.create_topic(Name=name, Attributes=attrs)["TopicArn"]

    def make_queue(self, name, **attributes):
        attrs = {k: str(v) for k, v in attributes.items()}
        url = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return url, arn

    def subscribe_queue(self, topic, queue_arn, **attributes):
        attrs = {k: str(v) for k, v in attributes.items()}
        return self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                  Attributes=attrs, ReturnSubscriptionArn=True)["SubscriptionArn"]

    def receive_n(self, url, n):
        """Receives (and deletes) until `n` messages arrived; SNS -> SQS delivery is async."""
        out = []
        for _ in range(POLL_TRIES):
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           MessageAttributeNames=["All"],
                                           AttributeNames=["All"]).get("Messages", [])
            for m in got:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            out += got
            if len(out) >= n:
                return out
            time.sleep(0.05)  # waiting for async delivery, not a time-behaviour test
        self.fail("expected %d messages on %s, got %d" % (n, url, len(out)))

    def assert_empty(self, url):
        self.assertEqual(self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []), [])

    def verify_signature(self, envelope, keys):
        """Checks a SignatureVersion 1 (SHA1withRSA) signature with openssl, using the PEM at
        SigningCertURL."""
        self.assertEqual(envelope["SignatureVersion"], "1")
        cert_url = envelope["SigningCertURL"]
        self.assertRegex(cert_url, r"/SimpleNotificationService-[^/]+\.pem$")
        pem = fetch_cert(cert_url)
        self.assertTrue(pem.startswith(b"-----BEGIN CERTIFICATE-----"), pem[:80])
        canonical = "".join("%s\n%s\n" % (k, envelope[k]) for k in keys if k in envelope)
        with tempfile.TemporaryDirectory() as d:
            paths = {n: os.path.join(d, n) for n in ("cert.pem", "pub.pem", "sig", "data")}
            with open(paths["cert.pem"], "wb") as f:
                f.write(pem)
            with open(paths["sig"], "wb") as f:
                f.write(base64.b64decode(envelope["Signature"]))
            with open(paths["data"], "wb") as f:
                f.write(canonical.encode("utf-8"))
            pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in",
                                  paths["cert.pem"]], check=True, capture_output=True).stdout
            with open(paths["pub.pem"], "wb") as f:
                f.write(pub)

            def verify(data_path):
                return subprocess.run(["openssl", "dgst", "-sha1", "-verify", paths["pub.pem"],
                                       "-signature", paths["sig"], data_path],
                                      capture_output=True, text=True)

            ok = verify(paths["data"])
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
            self.assertIn("Verified OK", ok.stdout)
            # The check can fail: a tampered canonical string must not verify.
            with open(paths["data"], "wb") as f:
                f.write(canonical.replace("Message\n", "Message\nX", 1).encode("utf-8"))
            self.assertNotEqual(verify(paths["data"]).returncode, 0)


class TopicLifecycleTest(SnsTestBase):
    def test_create_is_idempotent_and_listed(self):
        arn = self.make_topic("life-t")
        self.assertEqual(arn, self.topic_arn("life-t"))
        self.assertEqual(self.make_topic("life-t"), arn)
        arns = [t["TopicArn"] for t in self.sns.list_topics()["Topics"]]
        self.assertEqual(arns.count(arn), 1)

    def test_attributes(self):
        arn = self.make_topic("attr-t", DisplayName="Shown")
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["TopicArn"], arn)
        self.assertEqual(attrs["DisplayName"], "Shown")
        self.assertEqual(attrs["Owner"], ACCOUNT)
        self.assertEqual(attrs["SubscriptionsConfirmed"], "0")
        self.assertEqual(attrs["SubscriptionsPending"], "0")
        self.assertEqual(attrs["SubscriptionsDeleted"], "0")
        policy = json.loads(attrs["Policy"])
        self.assertEqual(policy["Statement"][0]["Resource"], arn)
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName",
                                      AttributeValue="Other")
        self.assertEqual(self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"],
                         "Other")
        self.assertNotIn("SignatureVersion", attrs)  # recorded: shown only once set

    def test_topic_of_another_region_is_out_of_reach(self):
        # Recorded (test_cross_region_access): InvalidParameter, whatever the call.
        arn = self.make_topic("region-t")
        import boto3
        west = boto3.client("sns", endpoint_url=self.server.endpoint, region_name="us-west-2",
                            aws_access_key_id="test", aws_secret_access_key="test")
        for call in (lambda: west.get_topic_attributes(TopicArn=arn),
                     lambda: west.publish(TopicArn=arn, Message="m"),
                     lambda: west.delete_topic(TopicArn=arn)):
            self.assertClientError(call, "InvalidParameter", 400, "Invalid parameter: TopicArn")
        self.assertEqual(self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]["TopicArn"], arn)

    def test_fifo_topic_attributes(self):
        arn = self.make_topic("attr-t.fifo", FifoTopic="true")
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["FifoTopic"], "true")
        self.assertEqual(attrs["ContentBasedDeduplication"], "false")

    def test_tags(self):
        arn = self.sns.create_topic(Name="tag-t", Tags=[{"Key": "k1", "Value": "v1"},
                                                        {"Key": "k2", "Value": "v2"}])["TopicArn"]
        tags = lambda: sorted(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"],  # noqa
                              key=lambda t: t["Key"])
        self.assertEqual(tags(), [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}])
        self.sns.untag_resource(ResourceArn=arn, TagKeys=["k1"])
        self.assertEqual(tags(), [{"Key": "k2", "Value": "v2"}])
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k2", "Value": "v2b"}])
        self.assertEqual(tags(), [{"Key": "k2", "Value": "v2b"}])
        self.assertClientError(
            lambda: self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k1", "Value": "a"},
                                                                 {"Key": "k1", "Value": "b"}]),
            "InvalidParameter", 400, "Invalid parameter: Duplicated keys are not allowed.")

    def test_delete_then_not_found(self):
        arn = self.make_topic("gone-t")
        self.sns.delete_topic(TopicArn=arn)
        self.assertNotIn(arn, [t["TopicArn"] for t in self.sns.list_topics()["Topics"]])
        self.sns.delete_topic(TopicArn=arn)  # idempotent, 200 on AWS
        err = self.assertClientError(lambda: self.sns.get_topic_attributes(TopicArn=arn),
                                     "NotFound", 404, TOPIC_NOT_FOUND,
                                     cls=self.sns.exceptions.NotFoundException)
        self.assertEqual(err.response["Error"].get("Type"), "Sender")
        self.assertClientError(lambda: self.sns.publish(TopicArn=arn, Message="x"),
                               "NotFound", 404, TOPIC_NOT_FOUND)


class SqsFanOutTest(SnsTestBase):
    def test_fan_out_envelope_and_signature(self):
        topic = self.make_topic("fan-t")
        urls = []
        subs = []
        for name in ("fan-q1", "fan-q2"):
            url, qarn = self.make_queue(name)
            urls.append(url)
            subs.append(self.subscribe_queue(topic, qarn))
        self.assertEqual(len(set(subs)), 2)
        listed = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual(sorted(s["SubscriptionArn"] for s in listed), sorted(subs))
        sub_attrs = self.sns.get_subscription_attributes(SubscriptionArn=subs[0])["Attributes"]
        self.assertEqual(sub_attrs["PendingConfirmation"], "false")
        self.assertEqual(sub_attrs["RawMessageDelivery"], "false")
        self.assertEqual(sub_attrs["Protocol"], "sqs")

        attrs = {"color": {"DataType": "String", "StringValue": "blue"},
                 "size": {"DataType": "Number", "StringValue": "42"}}
        msg_id = self.sns.publish(TopicArn=topic, Message="hello fan", Subject="Greeting",
                                  MessageAttributes=attrs)["MessageId"]
        for url, sub in zip(urls, subs):
            (m,) = self.receive_n(url, 1)
            self.assertNotIn("MessageAttributes", m)  # carried inside the envelope instead
            env = json.loads(m["Body"])
            self.assertEqual(env["Type"], "Notification")
            self.assertEqual(env["MessageId"], msg_id)
            self.assertEqual(env["TopicArn"], topic)
            self.assertEqual(env["Subject"], "Greeting")
            self.assertEqual(env["Message"], "hello fan")
            self.assertRegex(env["Timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertEqual(env["SignatureVersion"], "1")
            unsub = urllib.parse.urlparse(env["UnsubscribeURL"])
            self.assertEqual(urllib.parse.parse_qs(unsub.query),
                             {"Action": ["Unsubscribe"], "SubscriptionArn": [sub]})
            self.assertEqual(env["MessageAttributes"],
                             {"color": {"Type": "String", "Value": "blue"},
                              "size": {"Type": "Number", "Value": "42"}})
            self.verify_signature(env, NOTIFICATION_KEYS)

    # wharf bug: src/services/sns/sns_admin.cc returns the certificate as a JSON string
    # ("\"-----BEGIN CERTIFICATE-----\\n...\"", Content-Type application/json); AWS serves the
    # bare PEM file, which is what SDK signature validators download and parse.
    def test_signing_cert_is_raw_pem(self):
        topic = self.make_topic("cert-t")
        url, qarn = self.make_queue("cert-q")
        self.subscribe_queue(topic, qarn)
        self.sns.publish(TopicArn=topic, Message="m")
        (m,) = self.receive_n(url, 1)
        reply = urllib.request.urlopen(json.loads(m["Body"])["SigningCertURL"], timeout=10)
        self.assertEqual(reply.status, 200)
        self.assertTrue(reply.read().startswith(b"-----BEGIN CERTIFICATE-----\n"))

    def test_raw_delivery_carries_sqs_attributes(self):
        topic = self.make_topic("raw-t")
        url, qarn = self.make_queue("raw-q")
        sub = self.subscribe_queue(topic, qarn, RawMessageDelivery="true")
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"][
            "RawMessageDelivery"], "true")
        attrs = {"store": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"},
                 "color": {"DataType": "String", "StringValue": "red"}}
        self.sns.publish(TopicArn=topic, Message="This is a test message", Subject="ignored",
                         MessageAttributes=attrs)
        (m,) = self.receive_n(url, 1)
        self.assertEqual(m["Body"], "This is a test message")
        self.assertEqual(m["MD5OfBody"], harness.md5_hex("This is a test message"))
        self.assertEqual(m["MessageAttributes"], attrs)
        self.assertEqual(m["MD5OfMessageAttributes"], harness.md5_of_message_attributes(attrs))

    def test_filter_policy_excludes(self):
        topic = self.make_topic("filt-t")
        url, qarn = self.make_queue("filt-q")
        sub = self.subscribe_queue(topic, qarn,
                                   FilterPolicy=json.dumps({"color": ["blue"]}))
        got = self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual(json.loads(got["FilterPolicy"]), {"color": ["blue"]})
        self.assertEqual(got["FilterPolicyScope"], "MessageAttributes")

        def publish(color, text):
            self.sns.publish(TopicArn=topic, Message=text, MessageAttributes={
                "color": {"DataType": "String", "StringValue": color}})

        publish("red", "excluded")
        self.sns.publish(TopicArn=topic, Message="no attributes")  # also excluded
        publish("blue", "matched")
        msgs = self.receive_n(url, 1)
        self.assertEqual([json.loads(m["Body"])["Message"] for m in msgs], ["matched"])
        self.assert_empty(url)


class SubscriptionLifecycleTest(SnsTestBase):
    def test_unsubscribe_stops_delivery_and_is_idempotent(self):
        topic = self.make_topic("unsub-t")
        url, qarn = self.make_queue("unsub-q")
        sub = self.subscribe_queue(topic, qarn)
        self.assertIn(sub, [s["SubscriptionArn"] for s in
                            self.sns.list_subscriptions()["Subscriptions"]])
        self.sns.unsubscribe(SubscriptionArn=sub)
        self.sns.unsubscribe(SubscriptionArn=sub)  # 200 again on AWS
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"], [])
        self.assertClientError(
            lambda: self.sns.get_subscription_attributes(SubscriptionArn=sub),
            "NotFound", 404, "Subscription does not exist")
        # A second, live subscription proves the publish went out while the first got nothing.
        url2, qarn2 = self.make_queue("unsub-q2")
        self.subscribe_queue(topic, qarn2)
        self.sns.publish(TopicArn=topic, Message="after")
        self.assertEqual(len(self.receive_n(url2, 1)), 1)
        self.assert_empty(url)

    def test_subscribe_unknown_topic(self):
        _, qarn = self.make_queue("orphan-q")
        self.assertClientError(lambda: self.subscribe_queue(self.topic_arn("nope-t"), qarn),
                               "NotFound", 404, TOPIC_NOT_FOUND)

    def test_subscribe_is_idempotent(self):
        topic = self.make_topic("idem-t")
        _, qarn = self.make_queue("idem-q")
        sub = self.subscribe_queue(topic, qarn, RawMessageDelivery="True")
        self.assertEqual(self.subscribe_queue(topic, qarn), sub)
        # Recorded (test_subscribe_idempotency): naming an attribute's default is no change.
        self.assertEqual(self.subscribe_queue(topic, qarn, RawMessageDelivery="true",
                                              FilterPolicyScope="MessageAttributes"), sub)
        self.assertEqual(len(self.sns.list_subscriptions_by_topic(TopicArn=topic)[
            "Subscriptions"]), 1)
        # Recorded: the filter attributes show only with a filter policy.
        self.sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                             AttributeValue="MessageBody")
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertNotIn("FilterPolicyScope", attrs)
        self.assertNotIn("FilterPolicy", attrs)

    def test_missing_arns_are_checked_in_the_order_aws_checks_them(self):
        # Without client-side validation (the JS SDK v3 has none) the server decides (recorded).
        sns = harness.boto_client(self.server, "sns", parameter_validation=False)
        self.assertClientError(
            lambda: sns.unsubscribe(), "InvalidParameter", 400,
            "Invalid parameter: SubscriptionArn Reason: no value for required parameter")
        self.assertClientError(
            lambda: sns.set_platform_application_attributes(PlatformApplicationArn="invalid-arn",
                                                            Attributes={}),
            "InvalidParameter", 400,
            "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 "
            "elements, not 1")
        app = "arn:aws:sns:%s:%s:app/GCM/missing" % (REGION, ACCOUNT)
        self.assertClientError(
            lambda: sns.set_platform_application_attributes(PlatformApplicationArn=app,
                                                            Attributes={}),
            "ValidationError", 400,
            "1 validation error detected: Value null at 'attributes' failed to satisfy "
            "constraint: Member must not be null")
        self.assertClientError(
            lambda: sns.set_platform_application_attributes(
                PlatformApplicationArn=app, Attributes={"PlatformPrincipal": "dummy"}),
            "NotFound", 404, "PlatformApplication does not exist")

    def test_unsubscribe_url_works_unsigned(self):
        # The envelope's UnsubscribeURL, fetched with a plain GET (no signature), as AWS's does.
        topic = self.make_topic("unsub-url-t")
        url, qarn = self.make_queue("unsub-url-q")
        sub = self.subscribe_queue(topic, qarn)
        self.sns.publish(TopicArn=topic, Message="m")
        (m,) = self.receive_n(url, 1)
        unsubscribe_url = json.loads(m["Body"])["UnsubscribeURL"]
        self.assertTrue(unsubscribe_url.endswith("?Action=Unsubscribe&SubscriptionArn=" + sub),
                        unsubscribe_url)  # the ARN as it is, as AWS writes it
        with urllib.request.urlopen(unsubscribe_url, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertIn(b"<UnsubscribeResponse", resp.read())
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"], [])

    def test_delete_topic_removes_subscriptions(self):
        topic = self.make_topic("del-sub-t")
        _, qarn = self.make_queue("del-sub-q")
        sub = self.subscribe_queue(topic, qarn)
        self.sns.delete_topic(TopicArn=topic)
        self.assertNotIn(sub, [s["SubscriptionArn"] for s in
                               self.sns.list_subscriptions()["Subscriptions"]])

    def test_publish_batch_raw_to_sqs(self):
        topic = self.make_topic("batch-t")
        url, qarn = self.make_queue("batch-q")
        self.subscribe_queue(topic, qarn, RawMessageDelivery="true")
        one = {"attr1": {"DataType": "Number", "StringValue": "19.12"}}
        two = {"attr1": {"DataType": "Number", "StringValue": "99.12"},
               "attr2": {"DataType": "Number", "StringValue": "109.12"}}
        reply = self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "1", "Message": "with one", "MessageAttributes": one},
            {"Id": "2", "Message": "with two", "MessageAttributes": two},
            {"Id": "3", "Message": "without"}])
        self.assertEqual(reply["Failed"], [])
        self.assertEqual([e["Id"] for e in reply["Successful"]], ["1", "2", "3"])
        by_body = {m["Body"]: m for m in self.receive_n(url, 3)}
        self.assertEqual(sorted(by_body), ["with one", "with two", "without"])
        self.assertEqual(by_body["with one"]["MD5OfMessageAttributes"],
                         "1f07082409022a373fa2a2601f82b3cb")  # recorded from AWS
        self.assertEqual(by_body["with two"]["MD5OfMessageAttributes"],
                         "9b720b3af309c1c4b0d395c53b08c502")
        self.assertEqual(by_body["with two"]["MessageAttributes"], two)
        self.assertNotIn("MessageAttributes", by_body["without"])


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server API)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posts.put((self.path, self.headers, body.decode("utf-8")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class HttpEndpointTest(SnsTestBase):
    def setUp(self):
        super().setUp()
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self.http.posts = queue.Queue()
        thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(self.http.server_close)
        self.addCleanup(self.http.shutdown)
        self.url = "http://127.0.0.1:%d/hook" % self.http.server_address[1]

    def next_post(self):
        try:
            return self.http.posts.get(timeout=10)
        except queue.Empty:
            self.fail("no POST reached the endpoint")

    def subscribe_and_confirm(self, topic, via_url, **attributes):
        attrs = {k: str(v) for k, v in attributes.items()}
        sub = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=self.url,
                                 Attributes=attrs, ReturnSubscriptionArn=True)["SubscriptionArn"]
        path, headers, body = self.next_post()
        self.assertEqual(path, "/hook")
        self.assertEqual(headers.get("x-amz-sns-message-type"), "SubscriptionConfirmation")
        self.assertEqual(headers.get("x-amz-sns-topic-arn"), topic)
        self.assertEqual(headers.get("Content-Type"), "text/plain; charset=UTF-8")
        env = json.loads(body)
        self.assertEqual(headers.get("x-amz-sns-message-id"), env["MessageId"])
        self.assertEqual(env["Type"], "SubscriptionConfirmation")
        self.assertEqual(env["TopicArn"], topic)
        self.assertEqual(env["Message"], "You have chosen to subscribe to the topic %s.\nTo "
                         "confirm the subscription, visit the SubscribeURL included in this "
                         "message." % topic)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(env["SubscribeURL"]).query)
        self.assertEqual(query, {"Action": ["ConfirmSubscription"], "TopicArn": [topic],
                                 "Token": [env["Token"]]})
        self.verify_signature(env, CONFIRMATION_KEYS)
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"][
            "PendingConfirmation"], "true")
        if via_url:
            reply = urllib.request.urlopen(env["SubscribeURL"], timeout=10)
            self.assertEqual(reply.status, 200)
            self.assertIn(sub, reply.read().decode("utf-8"))
        else:
            got = self.sns.confirm_subscription(TopicArn=topic, Token=env["Token"])
            self.assertEqual(got["SubscriptionArn"], sub)
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"][
            "PendingConfirmation"], "false")
        return sub, headers

    def test_confirm_via_subscribe_url_then_notify(self):
        topic = self.make_topic("http-t")
        sub, _ = self.subscribe_and_confirm(topic, via_url=True)
        msg_id = self.sns.publish(TopicArn=topic, Message="to http", Subject="S")["MessageId"]
        path, headers, body = self.next_post()
        self.assertEqual(headers.get("x-amz-sns-message-type"), "Notification")
        self.assertEqual(headers.get("x-amz-sns-message-id"), msg_id)
        self.assertEqual(headers.get("x-amz-sns-topic-arn"), topic)
        self.assertEqual(headers.get("x-amz-sns-subscription-arn"), sub)
        self.assertEqual(headers.get("Content-Type"), "text/plain; charset=UTF-8")
        self.assertNotIn("x-amz-sns-rawdelivery", headers)
        env = json.loads(body)
        self.assertEqual((env["Type"], env["MessageId"], env["Message"], env["Subject"]),
                         ("Notification", msg_id, "to http", "S"))
        self.verify_signature(env, NOTIFICATION_KEYS)

    def test_confirm_with_token_then_raw_notify(self):
        topic = self.make_topic("http-raw-t")
        sub, _ = self.subscribe_and_confirm(topic, via_url=False)
        self.sns.set_subscription_attributes(SubscriptionArn=sub,
                                             AttributeName="RawMessageDelivery",
                                             AttributeValue="true")
        msg_id = self.sns.publish(TopicArn=topic, Message="raw body")["MessageId"]
        _, headers, body = self.next_post()
        self.assertEqual(body, "raw body")
        self.assertEqual(headers.get("x-amz-sns-message-id"), msg_id)
        self.assertEqual(headers.get("x-amz-sns-rawdelivery"), "true")

    def test_unsubscribe_posts_unsubscribe_confirmation(self):
        topic = self.make_topic("http-unsub-t")
        sub, _ = self.subscribe_and_confirm(topic, via_url=False)
        self.sns.unsubscribe(SubscriptionArn=sub)
        path, headers, body = self.next_post()
        self.assertEqual(path, "/hook")
        self.assertEqual(headers.get("x-amz-sns-message-type"), "UnsubscribeConfirmation")
        self.assertEqual(headers.get("x-amz-sns-subscription-arn"), sub)
        self.assertEqual(headers.get("x-amz-sns-topic-arn"), topic)
        env = json.loads(body)
        self.assertEqual(headers.get("x-amz-sns-message-id"), env["MessageId"])
        self.assertEqual(env["Type"], "UnsubscribeConfirmation")
        self.assertEqual(env["Message"], "You have chosen to deactivate subscription %s.\nTo "
                         "cancel this operation and restore the subscription, visit the "
                         "SubscribeURL included in this message." % sub)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(env["SubscribeURL"]).query)
        self.assertEqual(query, {"Action": ["ConfirmSubscription"], "TopicArn": [topic],
                                 "Token": [env["Token"]]})
        self.verify_signature(env, CONFIRMATION_KEYS)
        self.sns.publish(TopicArn=topic, Message="after unsubscribe")
        self.assertTrue(self.http.posts.empty())

    # wharf bug: src/http/client.cc sent "User-Agent: wharf"; AWS sends the SNS agent name, and
    # "Accept-Encoding: gzip,deflate" (recorded), on confirmations and notifications alike.
    def test_user_agent_is_sns_agent(self):
        topic = self.make_topic("http-ua-t")
        _, headers = self.subscribe_and_confirm(topic, via_url=False)
        self.assertEqual(headers.get("User-Agent"), "Amazon Simple Notification Service Agent")
        self.assertEqual(headers.get_all("Accept-Encoding"), ["gzip,deflate"])
        self.sns.publish(TopicArn=topic, Message="headers")
        _, headers, _ = self.next_post()
        self.assertEqual(headers.get("x-amz-sns-message-type"), "Notification")
        self.assertEqual(headers.get("User-Agent"), "Amazon Simple Notification Service Agent")
        self.assertEqual(headers.get_all("Accept-Encoding"), ["gzip,deflate"])


def _self_signed_cert(directory):
    """A certificate and key for 127.0.0.1 (PEM files in `directory`), made with openssl."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class HttpsEndpointTest(SnsTestBase):
    """https endpoints: verified by default; --sns-https-ca-file trusts a private CA."""

    mode = "verify"

    @classmethod
    def setUpClass(cls):
        cls.tls_dir = tempfile.TemporaryDirectory()
        cls.cert, cls.key = _self_signed_cert(cls.tls_dir.name)
        if cls.mode == "ca-file":
            cls.server_args = ("--sns-https-ca-file", cls.cert)
        elif cls.mode == "insecure":
            cls.server_args = ("--sns-https-insecure",)
        super().setUpClass()
        cls.addClassCleanup(cls.tls_dir.cleanup)

    def setUp(self):
        super().setUp()
        self.https = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        self.https.socket = context.wrap_socket(self.https.socket, server_side=True)
        self.https.posts = queue.Queue()
        thread = threading.Thread(target=self.https.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(self.https.server_close)
        self.addCleanup(self.https.shutdown)
        self.url = "https://127.0.0.1:%d/hook" % self.https.server_address[1]

    def subscribe(self):
        topic = self.make_topic("https-t")
        return self.sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=self.url,
                                  ReturnSubscriptionArn=True)["SubscriptionArn"]

    def test_confirmation(self):
        sub = self.subscribe()
        if self.mode != "verify":
            _, headers, _ = self.https.posts.get(timeout=10)
            self.assertEqual(headers.get("x-amz-sns-message-type"), "SubscriptionConfirmation")
            return
        log = []
        for _ in range(POLL_TRIES):  # the failed POST is logged once the TLS handshake fails
            log = self.server.request("GET", "/_wharf/sns/deliveries?subscription=" +
                                      urllib.parse.quote(sub)).json()["deliveries"]
            if log:
                break
            time.sleep(0.05)
        self.assertEqual([e["status"] for e in log], ["failed"])
        self.assertIn("certificate verify failed", log[0]["error"])
        self.assertTrue(self.https.posts.empty())


class HttpsCaFileTest(HttpsEndpointTest):
    mode = "ca-file"


class HttpsInsecureTest(HttpsEndpointTest):
    mode = "insecure"


class FifoTest(SnsTestBase):
    def test_fifo_topic_to_fifo_queue_keeps_group_order(self):
        topic = self.make_topic("order-t.fifo", FifoTopic="true", ContentBasedDeduplication="true")
        url, qarn = self.make_queue("order-q.fifo", FifoQueue="true")
        self.subscribe_queue(topic, qarn, RawMessageDelivery="true")
        sent = []
        for i in range(6):
            group = "g%d" % (i % 2)
            self.sns.publish(TopicArn=topic, Message="m%d" % i, MessageGroupId=group)
            sent.append((group, "m%d" % i))
        msgs = self.receive_n(url, 6)
        got = [(m["Attributes"]["MessageGroupId"], m["Body"]) for m in msgs]
        self.assertEqual(sorted(got), sorted(sent))
        for group in ("g0", "g1"):
            self.assertEqual([b for g, b in got if g == group], [b for g, b in sent if g == group])

    def test_envelope_has_sequence_number(self):
        topic = self.make_topic("seq-t.fifo", FifoTopic="true")
        url, qarn = self.make_queue("seq-q.fifo", FifoQueue="true")
        self.subscribe_queue(topic, qarn)
        reply = self.sns.publish(TopicArn=topic, Message="one", MessageGroupId="g",
                                 MessageDeduplicationId="d1")
        self.assertIn("SequenceNumber", reply)
        (m,) = self.receive_n(url, 1)
        env = json.loads(m["Body"])
        self.assertEqual(env["MessageId"], reply["MessageId"])
        self.assertEqual(env["SequenceNumber"], reply["SequenceNumber"])
        # Recorded (test_message_to_fifo_sqs): a FIFO topic's envelope is not signed.
        self.assertEqual(sorted(env), ["Message", "MessageId", "SequenceNumber", "Timestamp",
                                       "TopicArn", "Type", "UnsubscribeURL"])

    def test_validations(self):
        topic = self.make_topic("val-t.fifo", FifoTopic="true")
        self.assertClientError(
            lambda: self.sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d"),
            "InvalidParameter", 400,
            "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
        self.assertClientError(
            lambda: self.sns.publish(TopicArn=topic, Message="x", MessageGroupId="g"),
            "InvalidParameter", 400,
            "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
            "or MessageDeduplicationId provided explicitly")
        standard = self.make_topic("val-std-t")
        _, fifo_q = self.make_queue("val-q.fifo", FifoQueue="true")
        self.assertClientError(
            lambda: self.subscribe_queue(standard, fifo_q), "InvalidParameter", 400,
            "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
            "subscribed to standard SNS topics")
        self.assertClientError(
            lambda: self.sns.publish(TopicArn=standard, Message="x", MessageDeduplicationId="d"),
            "InvalidParameter", 400,
            "Invalid parameter: MessageDeduplicationId Reason: The request includes "
            "MessageDeduplicationId parameter that is not valid for this topic type")


if __name__ == "__main__":
    harness.main()
