#!/usr/bin/env python3
"""SQS over the JSON protocol with pip boto3/botocore 1.43, against a real wharf server.

Every one of the 23 SQS operations is called at least once. Expected values are real AWS's
(aws-recorded/sqs/*.snapshot.json, aws-wire-protocols.md). Time moves only by advancing wharf's
virtual clock. Run: python3 sqs_json_test.py --wharf PATH
"""

import json
import re
import threading

import harness
import sqs_recorded_errors
from harness import ACCOUNT, REGION, md5_hex, md5_of_message_attributes

NO_QUEUE_MSG = "The specified queue does not exist."


class SqsJsonTestBase(harness.SqsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert cls.sqs.meta.service_model.protocol == "json", "needs botocore >= 1.34 (JSON SQS)"

    def arn(self, name):
        return "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)

    def attrs(self, url, *names):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"])[
            "Attributes"]

    def receive_and_delete(self, url):
        msgs = self.receive(url)
        for m in msgs:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return [m["Body"] for m in msgs]


class QueueLifecycleTest(SqsJsonTestBase):
    def test_create_get_list_delete(self):
        url = self.make_queue("life-q")
        self.assertEqual(url, "%s/%s/life-q" % (self.server.endpoint, ACCOUNT))
        self.assertEqual(self.sqs.get_queue_url(QueueName="life-q")["QueueUrl"], url)
        self.assertIn(url, self.sqs.list_queues()["QueueUrls"])
        self.assertEqual(self.sqs.list_queues(QueueNamePrefix="life")["QueueUrls"], [url])
        self.assertNotIn("QueueUrls", self.sqs.list_queues(QueueNamePrefix="nope"))
        self.sqs.delete_queue(QueueUrl=url)
        self.assertClientError(lambda: self.sqs.get_queue_url(QueueName="life-q"),
                               "AWS.SimpleQueueService.NonExistentQueue", 400, NO_QUEUE_MSG,
                               "QueueDoesNotExist", self.errors.QueueDoesNotExist)

    def test_recreate_after_delete_needs_60_seconds(self):
        url = self.make_queue("again-q")
        self.sqs.delete_queue(QueueUrl=url)
        self.assertClientError(lambda: self.make_queue("again-q"),
                               "AWS.SimpleQueueService.QueueDeletedRecently", 400,
                               "You must wait 60 seconds after deleting a queue before you can "
                               "create another with the same name.",  # AWS's wording, sic
                               query_code="QueueDeletedRecently",
                               cls=self.errors.QueueDeletedRecently)
        self.advance(61_000)
        self.assertEqual(self.make_queue("again-q"), url)

    def test_create_is_idempotent_but_conflicting_attributes_fail(self):
        url = self.make_queue("same-q", DelaySeconds=1)
        self.assertEqual(self.make_queue("same-q", DelaySeconds=1), url)
        self.assertClientError(
            lambda: self.make_queue("same-q", DelaySeconds=2), "QueueAlreadyExists", 400,
            "A queue already exists with the same name and a different value for attribute "
            "DelaySeconds", "QueueNameExists", self.errors.QueueNameExists)

    def test_operations_on_missing_queue(self):
        url = "%s/%s/missing-q" % (self.server.endpoint, ACCOUNT)
        for call in (lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x"),
                     lambda: self.sqs.receive_message(QueueUrl=url),
                     lambda: self.sqs.get_queue_attributes(QueueUrl=url),
                     lambda: self.sqs.delete_queue(QueueUrl=url)):
            self.assertClientError(call, "AWS.SimpleQueueService.NonExistentQueue", 400,
                                   NO_QUEUE_MSG, "QueueDoesNotExist",
                                   self.errors.QueueDoesNotExist)

    def test_default_attributes(self):
        url = self.make_queue("attr-q")
        got = self.attrs(url)
        self.assertEqual(got.pop("QueueArn"), self.arn("attr-q"))
        for key in ("CreatedTimestamp", "LastModifiedTimestamp"):
            self.assertRegex(got.pop(key), r"^\d{10}$")  # epoch seconds
        self.assertEqual(got, {
            "ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesDelayed": "0",
            "ApproximateNumberOfMessagesNotVisible": "0", "DelaySeconds": "0",
            "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
            "ReceiveMessageWaitTimeSeconds": "0", "SqsManagedSseEnabled": "true",
            "VisibilityTimeout": "30"})

    def test_set_attributes_round_trip(self):
        url = self.make_queue("set-q", VisibilityTimeout=20, ReceiveMessageWaitTimeSeconds=10,
                              MessageRetentionPeriod=604800)
        self.make_queue("set-dlq")
        dlq_arn = self.arn("set-dlq")
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={
            "VisibilityTimeout": "69", "MaximumMessageSize": "2048", "DelaySeconds": "420",
            "RedrivePolicy": redrive})
        got = self.attrs(url)
        self.assertEqual(got["VisibilityTimeout"], "69")
        self.assertEqual(got["MaximumMessageSize"], "2048")
        self.assertEqual(got["DelaySeconds"], "420")
        self.assertEqual(got["ReceiveMessageWaitTimeSeconds"], "10")
        self.assertEqual(got["MessageRetentionPeriod"], "604800")
        self.assertEqual(json.loads(got["RedrivePolicy"]), json.loads(redrive))
        self.assertEqual(self.attrs(url, "DelaySeconds"), {"DelaySeconds": "420"})

    def test_fifo_attribute_on_standard_queue_is_rejected(self):
        self.assertClientError(
            lambda: self.make_queue("std-q", ContentBasedDeduplication="true"),
            "InvalidAttributeName", 400, "Unknown Attribute ContentBasedDeduplication.",
            "InvalidAttributeName")
        # Recorded (test_create_standard_queue_with_fifo_attribute_raises_error).
        self.assertClientError(
            lambda: self.make_queue("std-q", FifoQueue="false"),
            "InvalidAttributeName", 400, "Unknown Attribute FifoQueue.", "InvalidAttributeName")

    def test_booleans_in_any_case(self):
        # Recorded: LocalStack's FIFO tests create queues with "True"/"False"; AWS answers with
        # lower case, and a FifoQueue "true" on a FIFO queue is a no-op.
        url = self.make_queue("caps.fifo", FifoQueue="True", ContentBasedDeduplication="False")
        attrs = self.attrs(url, "FifoQueue", "ContentBasedDeduplication")
        self.assertEqual(attrs, {"FifoQueue": "true", "ContentBasedDeduplication": "false"})
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})

    def test_list_queues_pagination(self):
        urls = [self.make_queue("page-q-%d" % i) for i in range(10)]
        first = self.sqs.list_queues(QueueNamePrefix="page-q-", MaxResults=2)
        self.assertEqual(len(first["QueueUrls"]), 2)
        self.assertIn("NextToken", first)
        rest = self.sqs.list_queues(QueueNamePrefix="page-q-", MaxResults=100,
                                    NextToken=first["NextToken"])
        self.assertNotIn("NextToken", rest)
        self.assertEqual(sorted(first["QueueUrls"] + rest["QueueUrls"]), sorted(urls))
        paginator = self.sqs.get_paginator("list_queues")
        pages = list(paginator.paginate(QueueNamePrefix="page-q-",
                                        PaginationConfig={"PageSize": 3}))
        self.assertEqual(len(pages), 4)
        self.assertEqual(sorted(u for p in pages for u in p["QueueUrls"]), sorted(urls))

    def test_queue_url_follows_host_header(self):
        local = harness.boto_client(self.server,
                                    endpoint="http://localhost:%d" % self.server.port)
        url = local.create_queue(QueueName="host-q")["QueueUrl"]
        self.assertEqual(url, "http://localhost:%d/%s/host-q" % (self.server.port, ACCOUNT))

    def test_tags(self):
        url = self.sqs.create_queue(QueueName="tag-q", tags={"tag1": "value1"})["QueueUrl"]
        self.sqs.tag_queue(QueueUrl=url, Tags={"tag2": "value2", "tag3": ""})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"],
                         {"tag1": "value1", "tag2": "value2", "tag3": ""})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["tag1", "tag3"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"tag2": "value2"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["tag2"])
        self.assertNotIn("Tags", self.sqs.list_queue_tags(QueueUrl=url))

    def test_permissions(self):
        url = self.make_queue("perm-q")
        self.sqs.add_permission(QueueUrl=url, Label="crossaccountpermission",
                                AWSAccountIds=["668614515564"], Actions=["ReceiveMessage"])
        policy = json.loads(self.attrs(url, "Policy")["Policy"])
        self.assertEqual(policy["Version"], "2008-10-17")
        [stmt] = policy["Statement"]
        self.assertEqual(stmt["Sid"], "crossaccountpermission")
        self.assertEqual(stmt["Effect"], "Allow")
        self.assertEqual(stmt["Principal"], {"AWS": "arn:aws:iam::668614515564:root"})
        self.assertEqual(stmt["Action"], "SQS:ReceiveMessage")
        self.assertEqual(stmt["Resource"], self.arn("perm-q"))
        self.assertClientError(
            lambda: self.sqs.add_permission(QueueUrl=url, Label="crossaccountpermission",
                                            AWSAccountIds=[ACCOUNT], Actions=["SendMessage"]),
            "InvalidParameterValue", 400,
            "Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.",
            "InvalidParameterValueException")
        self.sqs.remove_permission(QueueUrl=url, Label="crossaccountpermission")
        self.assertNotIn("Policy", self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}))
        self.assertClientError(
            lambda: self.sqs.remove_permission(QueueUrl=url, Label="crossaccountpermission2"),
            "InvalidParameterValue", 400,
            "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find "
            "label.", "InvalidParameterValueException")


class MessageTest(SqsJsonTestBase):
    def test_send_receive_delete_with_attributes(self):
        url = self.make_queue("msg-q")
        attrs = {"s": {"DataType": "String", "StringValue": "héllo"},
                 "n": {"DataType": "Number", "StringValue": "42"},
                 "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
                 "c": {"DataType": "String.custom", "StringValue": "x"}}
        body = "hello wörld & <xml> \"q\"\r\nline2"
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attrs)
        self.assertEqual(sent["MD5OfMessageBody"], md5_hex(body))
        self.assertEqual(sent["MD5OfMessageAttributes"], md5_of_message_attributes(attrs))
        self.assertRegex(sent["MessageId"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                            r"[0-9a-f]{12}$")
        [msg] = self.receive(url, MessageAttributeNames=["All"],
                             MessageSystemAttributeNames=["All"])
        self.assertEqual(msg["Body"], body)
        self.assertEqual(msg["MessageId"], sent["MessageId"])
        self.assertEqual(msg["MD5OfBody"], md5_hex(body))
        self.assertEqual(msg["MessageAttributes"], attrs)
        self.assertEqual(msg["MD5OfMessageAttributes"], md5_of_message_attributes(attrs))
        self.assertEqual(msg["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertRegex(msg["Attributes"]["SentTimestamp"], r"^\d{13}$")  # epoch ms
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
        self.advance(31_000)
        self.assertEqual(self.receive(url), [])

    def test_receive_filters_message_attributes(self):
        url = self.make_queue("filter-q")
        attrs = {"keep": {"DataType": "String", "StringValue": "1"},
                 "drop": {"DataType": "Number", "StringValue": "2"}}
        self.sqs.send_message(QueueUrl=url, MessageBody="b", MessageAttributes=attrs)
        [msg] = self.receive(url, MessageAttributeNames=["keep"])
        self.assertEqual(msg["MessageAttributes"], {"keep": attrs["keep"]})
        self.assertEqual(msg["MD5OfMessageAttributes"],
                         md5_of_message_attributes({"keep": attrs["keep"]}))
        self.assertNotIn("Attributes", msg)

    def test_visibility_timeout_with_virtual_clock(self):
        url = self.make_queue("vis-q", VisibilityTimeout=30)
        self.sqs.send_message(QueueUrl=url, MessageBody="v")
        [first] = self.receive(url)
        self.assertEqual(self.receive(url), [])
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessagesNotVisible"),
                         {"ApproximateNumberOfMessagesNotVisible": "1"})
        self.advance(29_000)
        self.assertEqual(self.receive(url), [])
        self.advance(2_000)
        [again] = self.receive(url, MessageSystemAttributeNames=["ApproximateReceiveCount"])
        self.assertEqual(again["MessageId"], first["MessageId"])
        self.assertNotEqual(again["ReceiptHandle"], first["ReceiptHandle"])
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        # A per-receive VisibilityTimeout overrides the queue's.
        self.advance(31_000)
        [third] = self.receive(url, VisibilityTimeout=100)
        self.advance(99_000)
        self.assertEqual(self.receive(url), [])
        self.advance(2_000)
        self.assertEqual(len(self.receive(url)), 1)
        self.assertEqual(third["MessageId"], first["MessageId"])

    def test_change_message_visibility(self):
        url = self.make_queue("cmv-q", VisibilityTimeout=30)
        self.sqs.send_message(QueueUrl=url, MessageBody="c")
        [msg] = self.receive(url)
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"],
                                           VisibilityTimeout=0)
        [msg] = self.receive(url)
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"],
                                           VisibilityTimeout=100)
        self.advance(60_000)
        self.assertEqual(self.receive(url), [])
        self.advance(41_000)
        self.assertEqual(len(self.receive(url)), 1)

    def test_change_message_visibility_batch(self):
        url = self.make_queue("cmvb-q", VisibilityTimeout=30)
        for i in range(2):
            self.sqs.send_message(QueueUrl=url, MessageBody="m%d" % i)
        msgs = self.drain(url)
        self.assertEqual(len(msgs), 2)
        entries = [{"Id": "e%d" % i, "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                   for i, m in enumerate(msgs)]
        entries.append({"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 0})
        out = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
        self.assertEqual(sorted(e["Id"] for e in out["Successful"]), ["e0", "e1"])
        [failed] = out["Failed"]
        self.assertEqual(failed["Id"], "bad")
        self.assertEqual(failed["Code"], "ReceiptHandleIsInvalid")
        self.assertTrue(failed["SenderFault"])
        self.assertEqual(len(self.drain(url)), 2)

    def test_invalid_receipt_handle(self):
        url = self.make_queue("rh-q")
        self.assertClientError(
            lambda: self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="garbage",
                                                       VisibilityTimeout=5),
            "ReceiptHandleIsInvalid", 404, query_code="ReceiptHandleIsInvalid",
            cls=self.errors.ReceiptHandleIsInvalid)

    def test_delay_queue_and_per_message_delay(self):
        url = self.make_queue("delay-q", DelaySeconds=10)
        self.sqs.send_message(QueueUrl=url, MessageBody="queue-delay")
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessagesDelayed"),
                         {"ApproximateNumberOfMessagesDelayed": "1"})
        self.assertEqual(self.receive(url), [])
        self.advance(11_000)
        self.assertEqual(self.receive_and_delete(url), ["queue-delay"])
        self.sqs.send_message(QueueUrl=url, MessageBody="msg-delay", DelaySeconds=0)
        self.assertEqual(self.receive_and_delete(url), ["msg-delay"])
        self.sqs.send_message(QueueUrl=url, MessageBody="long", DelaySeconds=100)
        self.advance(99_000)
        self.assertEqual(self.receive(url), [])
        self.advance(2_000)
        self.assertEqual([m["Body"] for m in self.receive(url)], ["long"])

    def test_long_poll_is_woken_by_send_from_another_thread(self):
        url = self.make_queue("poll-q")
        got = []
        poller = threading.Thread(target=lambda: got.extend(self.receive(url, WaitTimeSeconds=20)))
        poller.start()
        poller.join(timeout=0.5)
        if self.server.is_wharf:  # virtual time stands still: the poll cannot have ended
            self.assertTrue(poller.is_alive(), "long poll returned before any message: %r" % got)
        sender = threading.Thread(
            target=lambda: harness.boto_client(self.server).send_message(QueueUrl=url,
                                                                         MessageBody="wake"))
        sender.start()
        sender.join(timeout=30)
        poller.join(timeout=30)
        self.assertFalse(poller.is_alive())
        self.assertEqual([m["Body"] for m in got], ["wake"])

    def test_zero_visibility_long_poll_gets_the_message_once(self):
        # A long poll with VisibilityTimeout 0 woken by a send used to re-wake itself until
        # wharf's stack overflowed (found replaying LocalStack's SNS tests).
        url = self.make_queue("poll-zero-q")
        got = []
        poller = threading.Thread(target=lambda: got.extend(
            self.receive(url, WaitTimeSeconds=20, VisibilityTimeout=0)))
        poller.start()
        poller.join(timeout=0.5)
        harness.boto_client(self.server).send_message(QueueUrl=url, MessageBody="once")
        poller.join(timeout=30)
        self.assertFalse(poller.is_alive())
        self.assertEqual([m["Body"] for m in got], ["once"])
        self.assertEqual([m["Body"] for m in self.receive(url, VisibilityTimeout=0)], ["once"])

    def test_trace_header_becomes_aws_trace_header(self):
        # Recorded (test_aws_trace_header_propagation): the X-Amzn-Trace-Id request header.
        url = self.make_queue("xray-q")
        trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"
        client = harness.boto_client(self.server)

        def add_header(request, **_):
            request.headers["X-Amzn-Trace-Id"] = trace

        client.meta.events.register("before-send.sqs.SendMessage", add_header)
        client.send_message(QueueUrl=url, MessageBody="test")
        msgs = self.receive(url, AttributeNames=["AWSTraceHeader"], MessageAttributeNames=["*"])
        self.assertEqual(msgs[0]["Attributes"], {"AWSTraceHeader": trace})

    def test_long_poll_ends_empty_when_clock_passes_wait_time(self):
        url = self.make_queue("poll-empty-q")
        got = [None]
        poller = threading.Thread(
            target=lambda: got.__setitem__(0, self.sqs.receive_message(QueueUrl=url,
                                                                       WaitTimeSeconds=5)))
        poller.start()
        self.wait_thread(poller, advance_ms=6_000)
        self.assertNotIn("Messages", got[0])

    def test_receive_parameter_ranges(self):
        url = self.make_queue("range-q")
        for wait in (21, -1):
            self.assertClientError(
                lambda: self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait),
                "InvalidParameterValue", 400,
                "Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= "
                "20, if provided." % wait, "InvalidParameterValueException")
        self.assertClientError(
            lambda: self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11),
            "InvalidParameterValue", 400,
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
            "and 10, if provided.", "InvalidParameterValueException")

    def test_message_body_limits(self):
        url = self.make_queue("size-q")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody=""), "MissingParameter", 400,
            "The request must contain the parameter MessageBody.",
            "MissingRequiredParameterException")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody="a" * 1048577),
            "InvalidParameterValue", 400,
            "One or more parameters are invalid. Reason: Message must be shorter than 1048576 "
            "bytes.", "InvalidParameterValueException")
        self.sqs.send_message(QueueUrl=url, MessageBody="a" * 1048576)
        self.assertClientError(
            lambda: self.sqs.send_message(
                QueueUrl=url, MessageBody="x",
                MessageAttributes={"ErrorDetails": {"DataType": "String", "StringValue": ""}}),
            "InvalidParameterValue", 400,
            "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type "
            "'String'.", "InvalidParameterValueException")

    def test_purge(self):
        url = self.make_queue("purge-q")
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody=str(i))
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessages"),
                         {"ApproximateNumberOfMessages": "0"})
        self.assertEqual(self.receive(url), [])
        self.assertClientError(
            lambda: self.sqs.purge_queue(QueueUrl=url),
            "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
            "Only one PurgeQueue operation on purge-q is allowed every 60 seconds.",
            "PurgeQueueInProgress", self.errors.PurgeQueueInProgress)
        self.advance(61_000)
        self.sqs.purge_queue(QueueUrl=url)


class BatchTest(SqsJsonTestBase):
    def test_send_and_delete_batch(self):
        url = self.make_queue("batch-q")
        attrs = {"k": {"DataType": "String", "StringValue": "v"}}
        out = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "body-a", "MessageAttributes": attrs},
            {"Id": "b-2_x", "MessageBody": "body-b", "DelaySeconds": 0}])
        self.assertNotIn("Failed", out)
        ok = {e["Id"]: e for e in out["Successful"]}
        self.assertEqual(set(ok), {"a", "b-2_x"})
        self.assertEqual(ok["a"]["MD5OfMessageBody"], md5_hex("body-a"))
        self.assertEqual(ok["a"]["MD5OfMessageAttributes"], md5_of_message_attributes(attrs))
        msgs = self.drain(url)
        self.assertEqual(sorted(m["Body"] for m in msgs), ["body-a", "body-b"])
        entries = [{"Id": "d%d" % i, "ReceiptHandle": m["ReceiptHandle"]}
                   for i, m in enumerate(msgs)]
        entries.append({"Id": "bad", "ReceiptHandle": "garbage"})
        out = self.sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        self.assertEqual(sorted(e["Id"] for e in out["Successful"]), ["d0", "d1"])
        self.assertEqual([(f["Id"], f["Code"], f["SenderFault"]) for f in out["Failed"]],
                         [("bad", "ReceiptHandleIsInvalid", True)])
        self.advance(31_000)
        self.assertEqual(self.receive(url), [])

    def test_batch_request_errors(self):
        url = self.make_queue("batch-err-q")
        self.assertClientError(
            lambda: self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": "x"} for i in range(20)]),
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400,
            "Maximum number of entries per request are 10. You have sent 20.",
            "TooManyEntriesInBatchRequest", self.errors.TooManyEntriesInBatchRequest)
        self.assert_bad_batch_ids_refused(url, "InvalidBatchEntryId")
        self.assertClientError(
            lambda: self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": "same", "MessageBody": "1"}, {"Id": "same", "MessageBody": "2"}]),
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400,
            query_code="BatchEntryIdsNotDistinct", cls=self.errors.BatchEntryIdsNotDistinct)
        self.assertClientError(
            lambda: self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": "a", "MessageBody": "a" * 524288},
                {"Id": "b", "MessageBody": "b" * 524289}]),
            "AWS.SimpleQueueService.BatchRequestTooLong", 400,
            "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
            "BatchRequestTooLong", self.errors.BatchRequestTooLong)


class FifoTest(SqsJsonTestBase):
    def make_fifo(self, name, **attrs):
        return self.make_queue(name, FifoQueue="true", **attrs)

    def test_group_ordering_and_blocking(self):
        url = self.make_fifo("order.fifo", ContentBasedDeduplication="true")
        for body in ("g1-a", "g1-b", "g1-c"):
            self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g1")
        self.sqs.send_message(QueueUrl=url, MessageBody="g2-a", MessageGroupId="g2")
        [first] = self.receive(url, n=1, MessageSystemAttributeNames=["MessageGroupId"])
        group = first["Attributes"]["MessageGroupId"]
        self.assertEqual(first["Body"], group + "-a")
        # Its group is blocked while that message is in flight: the next one is the other group.
        [second] = self.receive(url, n=1, MessageSystemAttributeNames=["MessageGroupId"])
        self.assertNotEqual(second["Attributes"]["MessageGroupId"], group)
        self.assertTrue(second["Body"].endswith("-a"))
        self.assertEqual(self.receive(url), [])
        # Both come back in order after the visibility timeout; nothing jumps ahead.
        self.advance(31_000)
        bodies = [m["Body"] for m in self.drain(url)]
        self.assertEqual([b for b in bodies if b.startswith("g1")], ["g1-a", "g1-b", "g1-c"])
        self.assertEqual([b for b in bodies if b.startswith("g2")], ["g2-a"])
        self.advance(31_000)
        msgs = self.drain(url)
        self.assertEqual(len(msgs), 4)
        for m in msgs:
            if m["Body"] in ("g1-a", "g2-a"):
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.advance(31_000)
        self.assertEqual([m["Body"] for m in self.drain(url)], ["g1-b", "g1-c"])

    def test_group_back_from_in_flight_waits_behind_the_other_groups(self):
        # Validated against AWS (LocalStack's test_fifo_message_group_visibility_after_terminate_
        # visibility_timeout): once g1-m1 is visible again, group 2 comes first.
        url = self.make_fifo("back.fifo", ContentBasedDeduplication="true")
        for body, group in (("g1-m1", "group-1"), ("g1-m2", "group-1"), ("g2-m1", "group-2")):
            self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
        first = self.receive(url, n=2)
        self.assertEqual([m["Body"] for m in first], ["g1-m1", "g1-m2"])
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"],
                                           VisibilityTimeout=0)
        self.assertEqual([m["Body"] for m in self.receive(url, n=3)], ["g2-m1", "g1-m1"])

    def test_deduplication_window(self):
        url = self.make_fifo("dedup.fifo")
        one = self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                                    MessageDeduplicationId="d1")
        self.assertRegex(one["SequenceNumber"], r"^\d{10,}$")
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                              MessageDeduplicationId="d1")
        [msg] = self.receive(url)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
        # Still deduplicated after delete, within the 5-minute window.
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                              MessageDeduplicationId="d1")
        self.assertEqual(self.receive(url), [])
        self.advance(301_000)
        two = self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                                    MessageDeduplicationId="d1")
        self.assertGreater(int(two["SequenceNumber"]), int(one["SequenceNumber"]))
        self.assertEqual(len(self.receive(url)), 1)

    def test_content_based_deduplication(self):
        url = self.make_fifo("cbd.fifo", ContentBasedDeduplication="true")
        for group in ("g1", "g2"):
            self.sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId=group)
        self.sqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="g1")
        self.assertEqual(sorted(m["Body"] for m in self.drain(url)), ["other", "same"])

    def test_fifo_validation_errors(self):
        url = self.make_fifo("val.fifo")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x"), "MissingParameter",
            400, "The request must contain the parameter MessageGroupId.",
            "MissingRequiredParameterException")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g"),
            "InvalidParameterValue", 400,
            "The queue should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly", "InvalidParameterValueException")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                                          MessageDeduplicationId="d", DelaySeconds=2),
            "InvalidParameterValue", 400,
            "Value 2 for parameter DelaySeconds is invalid. Reason: The request include "
            "parameter that is not valid for this queue type.", "InvalidParameterValueException")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                                          MessageDeduplicationId="group 123"),
            "InvalidParameterValue", 400,
            "Value group 123 for parameter MessageDeduplicationId is invalid. Reason: "
            "MessageDeduplicationId can only include alphanumeric and punctuation characters. "
            "1 to 128 in length.", "InvalidParameterValueException")
        self.assertClientError(
            lambda: self.make_queue("val.fifo", FifoQueue="true",
                                    ContentBasedDeduplication="true"),
            "QueueAlreadyExists", 400,
            "A queue already exists with the same name and a different value for attribute "
            "ContentBasedDeduplication", "QueueNameExists", self.errors.QueueNameExists)


class DeadLetterTest(SqsJsonTestBase):
    def make_pair(self, max_receive=2):
        dlq = self.make_queue("dead-q")
        src = self.make_queue("src-q", VisibilityTimeout=10, RedrivePolicy=json.dumps(
            {"deadLetterTargetArn": self.arn("dead-q"), "maxReceiveCount": max_receive}))
        return src, dlq

    def exhaust(self, src, count):
        for _ in range(count):
            self.assertEqual(len(self.receive(src)), 1)
            self.advance(11_000)

    def test_dlq_after_max_receive_count(self):
        src, dlq = self.make_pair()
        sent = self.sqs.send_message(QueueUrl=src, MessageBody="poison")
        self.exhaust(src, 2)
        self.assertEqual(self.receive(src), [])
        [dead] = self.receive(dlq)
        self.assertEqual((dead["MessageId"], dead["Body"]), (sent["MessageId"], "poison"))
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"],
                         [src])

    def test_message_move_task_moves_back_to_source(self):
        src, dlq = self.make_pair(max_receive=1)
        for i in range(2):
            self.sqs.send_message(QueueUrl=src, MessageBody="m%d" % i)
        for _ in range(2):
            self.assertEqual(len(self.receive(src, n=1)), 1)
        self.advance(11_000)
        self.assertEqual(self.receive(src), [])  # both moved to the DLQ on this receive
        self.advance(31_000)
        self.assertEqual(self.attrs(dlq, "ApproximateNumberOfMessages"),
                         {"ApproximateNumberOfMessages": "2"})
        handle = self.sqs.start_message_move_task(SourceArn=self.arn("dead-q"))["TaskHandle"]
        self.assertTrue(handle)
        for _ in range(50):
            [task] = self.sqs.list_message_move_tasks(SourceArn=self.arn("dead-q"))["Results"]
            if task["Status"] == "COMPLETED":
                break
            self.advance(1_000)
        self.assertEqual(task["Status"], "COMPLETED")
        self.assertEqual(task["ApproximateNumberOfMessagesMoved"], 2)
        self.assertEqual(task["ApproximateNumberOfMessagesToMove"], 2)
        self.assertNotIn("DestinationArn", task)  # AWS leaves out the default destination
        self.assertEqual(sorted(m["Body"] for m in self.drain(src)), ["m0", "m1"])

    def test_message_move_task_cancel(self):
        self.make_pair(max_receive=1)
        dlq_url = self.sqs.get_queue_url(QueueName="dead-q")["QueueUrl"]
        for i in range(10):
            self.sqs.send_message(QueueUrl=dlq_url, MessageBody="m%d" % i)
        self.make_queue("dest-q")
        handle = self.sqs.start_message_move_task(SourceArn=self.arn("dead-q"),
                                                  DestinationArn=self.arn("dest-q"),
                                                  MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
        [task] = self.sqs.list_message_move_tasks(SourceArn=self.arn("dead-q"))["Results"]
        self.assertEqual(task["Status"], "RUNNING")
        self.assertEqual(task["TaskHandle"], handle)
        self.assertClientError(
            lambda: self.sqs.start_message_move_task(SourceArn=self.arn("dead-q")),
            "InvalidParameterValue", 400,
            "There is already a task running. Only one active task is allowed for a source "
            "queue arn at a given time.", "InvalidParameterValueException")
        out = self.sqs.cancel_message_move_task(TaskHandle=handle)
        self.assertIn("ApproximateNumberOfMessagesMoved", out)
        [task] = self.sqs.list_message_move_tasks(SourceArn=self.arn("dead-q"))["Results"]
        self.assertEqual(task["Status"], "CANCELLED")

    def test_message_move_task_errors(self):
        src, _ = self.make_pair()
        self.assertClientError(
            lambda: self.sqs.start_message_move_task(SourceArn=self.arn("src-q")),
            "InvalidParameterValue", 400, "Source queue must be configured as a Dead Letter Queue.",
            "InvalidParameterValueException")
        self.assertClientError(
            lambda: self.sqs.start_message_move_task(SourceArn=self.arn("dead-q"),
                                                     DestinationArn=self.arn("nowhere")),
            "ResourceNotFoundException", 404,
            "The resource that you specified for the DestinationArn parameter doesn't exist.",
            "ResourceNotFoundException", self.errors.ResourceNotFoundException)
        self.assertClientError(
            lambda: self.sqs.cancel_message_move_task(TaskHandle="foobared"),
            "InvalidParameterValue", 400, "Value for parameter TaskHandle is invalid.",
            "InvalidParameterValueException")


class RecordedErrorsTest(sqs_recorded_errors.RecordedErrorsTest, SqsJsonTestBase):
    pass


class MessageListingTest(SqsJsonTestBase):
    """LocalStack's developer endpoint /_aws/sqs/messages (wharf-specific: skipped elsewhere)."""

    def setUp(self):
        super().setUp()
        self.server.require_admin()
        self.url = self.make_queue("listing-q")
        self.attrs = {"a": {"DataType": "String", "StringValue": "v"}}
        self.first = self.sqs.send_message(QueueUrl=self.url, MessageBody="first",
                                           MessageAttributes=self.attrs)["MessageId"]
        self.second = self.sqs.send_message(QueueUrl=self.url, MessageBody="second")["MessageId"]
        self.delayed = self.sqs.send_message(QueueUrl=self.url, MessageBody="later",
                                             DelaySeconds=60)["MessageId"]
        self.lister = harness.boto_client(self.server,
                                          endpoint=self.server.endpoint + "/_aws/sqs/messages")

    def listed(self, **kw):
        return self.lister.receive_message(QueueUrl=self.url, **kw).get("Messages", [])

    def test_boto3_lists_without_receiving(self):
        for _ in range(2):  # listing twice changes nothing
            messages = self.listed()
            self.assertEqual([m["MessageId"] for m in messages], [self.first, self.second])
        first = messages[0]
        self.assertEqual(first["Body"], "first")
        self.assertEqual(first["MD5OfBody"], md5_hex("first"))
        self.assertEqual(first["ReceiptHandle"], "SQS/BACKDOOR/ACCESS")
        self.assertEqual(first["MessageAttributes"], self.attrs)
        self.assertEqual(first["MD5OfMessageAttributes"], md5_of_message_attributes(self.attrs))
        self.assertEqual(first["Attributes"]["ApproximateReceiveCount"], "0")
        self.assertEqual(first["Attributes"]["SenderId"], ACCOUNT)
        received = self.receive(self.url, AttributeNames=["ApproximateReceiveCount"])
        self.assertEqual([m["Attributes"]["ApproximateReceiveCount"] for m in received], ["1", "1"])

    def test_show_invisible_and_delayed(self):
        [taken] = self.receive(self.url, n=1)
        self.assertEqual([m["MessageId"] for m in self.listed()], [self.second])
        reply = self.server.request(
            "GET", "/_aws/sqs/messages?ShowInvisible=true&ShowDelayed=1&QueueUrl=" + self.url)
        self.assertEqual(reply.status, 200, reply)
        text = reply.body.decode()
        self.assertTrue(text.startswith("<ReceiveMessageResponse"), text)
        for message_id in (taken["MessageId"], self.second, self.delayed):
            self.assertIn("<MessageId>%s</MessageId>" % message_id, text)
        flags = [(m.group(1), m.group(2)) for m in re.finditer(
            r"<Name>IsDelayed</Name><Value>(\w+)</Value></Attribute><Attribute>"
            r"<Name>IsVisible</Name><Value>(\w+)</Value>", text)]
        self.assertEqual(flags, [("false", "false"), ("false", "true"), ("true", "false")])

    def test_path_form_and_errors(self):
        reply = self.server.request("GET", "/_aws/sqs/messages/%s/%s/listing-q" % (REGION, ACCOUNT))
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.body.decode().count("<Message>"), 2)
        missing = self.server.request(
            "GET", "/_aws/sqs/messages?QueueUrl=" + self.url.replace("listing-q", "nope"))
        self.assertEqual(missing.status, 400)
        self.assertIn(b"AWS.SimpleQueueService.NonExistentQueue", missing.body)
        send = self.server.request(
            "GET", "/_aws/sqs/messages?Action=SendMessage&MessageBody=x&QueueUrl=" + self.url)
        self.assertEqual(send.status, 400)
        self.assertIn(b"<Code>InvalidRequest</Code>", send.body)
        self.assertEqual(len(self.listed()), 2)


class AllOperationsTest(SqsJsonTestBase):
    def test_every_operation_answers(self):
        """One pass over all 23 operations, recording each one that succeeded."""
        called = set()
        client = harness.boto_client(self.server)
        client.meta.events.register(
            "after-call.sqs", lambda http_response, model, **_: called.add(model.name)
            if http_response.status_code == 200 else None)
        url = client.create_queue(QueueName="ops-q")["QueueUrl"]
        dlq = client.create_queue(QueueName="ops-dlq")["QueueUrl"]
        client.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": self.arn("ops-dlq"), "maxReceiveCount": 1})})
        client.get_queue_url(QueueName="ops-q")
        client.list_queues()
        client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        client.send_message(QueueUrl=url, MessageBody="1")
        client.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "2"},
                                                         {"Id": "b", "MessageBody": "3"}])
        msgs = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        self.assertEqual(len(msgs), 3)
        client.change_message_visibility(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"],
                                         VisibilityTimeout=10)
        client.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "c", "ReceiptHandle": msgs[1]["ReceiptHandle"], "VisibilityTimeout": 10}])
        client.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
        client.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": "d", "ReceiptHandle": msgs[1]["ReceiptHandle"]}])
        client.tag_queue(QueueUrl=url, Tags={"a": "b"})
        client.list_queue_tags(QueueUrl=url)
        client.untag_queue(QueueUrl=url, TagKeys=["a"])
        client.add_permission(QueueUrl=url, Label="l", AWSAccountIds=[ACCOUNT],
                              Actions=["SendMessage"])
        client.remove_permission(QueueUrl=url, Label="l")
        client.list_dead_letter_source_queues(QueueUrl=dlq)
        client.send_message_batch(QueueUrl=dlq, Entries=[
            {"Id": str(i), "MessageBody": "dead"} for i in range(5)])
        handle = client.start_message_move_task(SourceArn=self.arn("ops-dlq"),
                                                MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
        client.list_message_move_tasks(SourceArn=self.arn("ops-dlq"))
        client.cancel_message_move_task(TaskHandle=handle)  # 5 messages at 1/s: still running
        client.purge_queue(QueueUrl=url)
        client.delete_queue(QueueUrl=url)
        self.assertEqual(set(self.sqs.meta.service_model.operation_names) - called, set())


if __name__ == "__main__":
    harness.main()
