#!/usr/bin/python3
"""SQS over the QUERY protocol with Debian's boto3 1.26 / botocore 1.29, against a real wharf.

Run with /usr/bin/python3 (it imports /usr/lib/python3/dist-packages):
    /usr/bin/python3 sqs_query_test.py --wharf PATH
Query clients pick the exception class from the legacy error code, so these tests check both the
class and Error.Code. Expected values are real AWS's (aws-recorded/sqs, the [sqs_query] variants).
"""

import json
import urllib.parse

import harness
import sqs_recorded_errors
from harness import ACCOUNT, REGION, md5_hex, md5_of_message_attributes

NO_QUEUE_MSG = "The specified queue does not exist for this wsdl version."


class SqsQueryTestBase(harness.SqsTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert cls.sqs.meta.service_model.protocol == "query", (
            "needs a query-protocol botocore (Debian python3-botocore 1.29): run /usr/bin/python3")


class QueueTest(SqsQueryTestBase):
    def test_create_get_list_delete(self):
        url = self.make_queue("q-life", VisibilityTimeout=20)
        self.assertEqual(url, "%s/%s/q-life" % (self.server.endpoint, ACCOUNT))
        self.assertEqual(self.sqs.get_queue_url(QueueName="q-life")["QueueUrl"], url)
        self.assertEqual(self.sqs.list_queues(QueueNamePrefix="q-l")["QueueUrls"], [url])
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "20")
        self.assertEqual(attrs["QueueArn"], "arn:aws:sqs:%s:%s:q-life" % (REGION, ACCOUNT))
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5"})
        self.assertEqual(self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"], {"DelaySeconds": "5"})
        self.sqs.delete_queue(QueueUrl=url)
        self.assertClientError(lambda: self.sqs.get_queue_url(QueueName="q-life"),
                               "AWS.SimpleQueueService.NonExistentQueue", 400, NO_QUEUE_MSG,
                               cls=self.errors.QueueDoesNotExist)

    def test_missing_queue_on_message_calls(self):
        url = "%s/%s/q-missing" % (self.server.endpoint, ACCOUNT)
        for call in (lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x"),
                     lambda: self.sqs.receive_message(QueueUrl=url)):
            self.assertClientError(call, "AWS.SimpleQueueService.NonExistentQueue", 400,
                                   NO_QUEUE_MSG, cls=self.errors.QueueDoesNotExist)

    def test_conflicting_create_is_queue_name_exists(self):
        self.make_queue("q-conf", DelaySeconds=1)
        self.assertClientError(lambda: self.make_queue("q-conf", DelaySeconds=2),
                               "QueueAlreadyExists", 400, cls=self.errors.QueueNameExists)

    def test_tags_and_permissions(self):
        url = self.sqs.create_queue(QueueName="q-tags", tags={"a": "1"})["QueueUrl"]
        self.sqs.tag_queue(QueueUrl=url, Tags={"b": "2"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"a": "1", "b": "2"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["a"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"b": "2"})
        self.sqs.add_permission(QueueUrl=url, Label="p1", AWSAccountIds=["668614515564"],
                                Actions=["SendMessage"])
        policy = json.loads(self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["p1"])
        self.assertEqual(policy["Statement"][0]["Action"], "SQS:SendMessage")
        self.sqs.remove_permission(QueueUrl=url, Label="p1")
        self.assertClientError(lambda: self.sqs.remove_permission(QueueUrl=url, Label="p1"),
                               "InvalidParameterValue", 400,
                               "Value p1 for parameter Label is invalid. Reason: can't find label.")

    def test_cross_account_needs_the_queue_policy(self):
        url = self.make_queue("q-shared")
        other = harness.boto_client(self.server, access_key="111111111111")
        denied = "Access to the resource https://sqs.%s.amazonaws.com/ is denied." % REGION
        self.assertClientError(lambda: other.send_message(QueueUrl=url, MessageBody="x"),
                               "AccessDenied", 403, denied)
        self.assertClientError(
            lambda: other.get_queue_url(QueueName="q-shared", QueueOwnerAWSAccountId=ACCOUNT),
            "AccessDenied", 403, denied)
        self.sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111111111111"],
                                Actions=["SendMessage", "GetQueueUrl"])
        self.assertEqual(other.get_queue_url(QueueName="q-shared",
                                             QueueOwnerAWSAccountId=ACCOUNT)["QueueUrl"], url)
        other.send_message(QueueUrl=url, MessageBody="from 111111111111")
        self.assertClientError(lambda: other.receive_message(QueueUrl=url), "AccessDenied", 403)
        self.assertEqual(self.sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"],
                         "from 111111111111")

    def test_purge_in_progress(self):
        url = self.make_queue("q-purge")
        self.sqs.purge_queue(QueueUrl=url)
        self.assertClientError(
            lambda: self.sqs.purge_queue(QueueUrl=url),
            "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
            "Only one PurgeQueue operation on q-purge is allowed every 60 seconds.",
            cls=self.errors.PurgeQueueInProgress)
        self.advance(61_000)
        self.sqs.purge_queue(QueueUrl=url)


class MessageTest(SqsQueryTestBase):
    def test_every_attribute_type_round_trips(self):
        url = self.make_queue("q-attrs")
        attrs = {
            "str": {"DataType": "String", "StringValue": "h\u00e9llo <&> \"'"},
            "num": {"DataType": "Number", "StringValue": "-1.5e3"},
            "bin": {"DataType": "Binary", "BinaryValue": bytes(range(256))},
            "strc": {"DataType": "String.custom", "StringValue": "c"},
            "numc": {"DataType": "Number.int", "StringValue": "7"},
            "binc": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a"},
        }
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="attrs", MessageAttributes=attrs)
        self.assertEqual(sent["MD5OfMessageBody"], md5_hex("attrs"))
        self.assertEqual(sent["MD5OfMessageAttributes"], md5_of_message_attributes(attrs))
        [msg] = self.receive(url, MessageAttributeNames=["All"], AttributeNames=["All"])
        self.assertEqual(msg["MessageAttributes"], attrs)
        self.assertEqual(msg["MD5OfMessageAttributes"], md5_of_message_attributes(attrs))
        self.assertEqual(msg["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertRegex(msg["Attributes"]["SentTimestamp"], r"^\d{13}$")

    def test_body_with_carriage_returns_and_xml_characters_is_exact(self):
        url = self.make_queue("q-body")
        bodies = ["a\rb", "line1\r\nline2\n", "\r", "<tag attr=\"v\">&amp; ' \t</tag>",
                  "\u00fcnic\u00f6de \U0001F600 \ue000", "]]> ends CDATA"]
        for body in bodies:
            sent = self.sqs.send_message(QueueUrl=url, MessageBody=body)
            self.assertEqual(sent["MD5OfMessageBody"], md5_hex(body), repr(body))
        got = {m["Body"]: m for m in self.drain(url)}
        self.assertEqual(sorted(got), sorted(bodies))
        for body, m in got.items():
            self.assertEqual(m["MD5OfBody"], md5_hex(body), repr(body))

    def test_message_system_attribute_names_by_their_query_name(self):
        # boto3 1.26 predates MessageSystemAttributeNames; query clients that know it (kombu's SQS
        # transport, for one, against AWS) send MessageSystemAttributeName.N.
        url = self.make_queue("q-sysnames")
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        reply = self.server.sqs_query(
            "Action=ReceiveMessage&Version=2012-11-05&QueueUrl=%s&VisibilityTimeout=0"
            "&MessageSystemAttributeName.1=SenderId" % urllib.parse.quote(url, safe=""))
        self.assertEqual(reply.status, 200, reply.body)
        body = reply.body.decode()
        self.assertIn("<Name>SenderId</Name>", body)
        self.assertNotIn("<Name>SentTimestamp</Name>", body)

    def test_visibility_and_change_visibility(self):
        url = self.make_queue("q-vis", VisibilityTimeout=30)
        self.sqs.send_message(QueueUrl=url, MessageBody="v")
        [msg] = self.receive(url)
        self.assertEqual(self.receive(url), [])
        self.advance(31_000)
        [msg] = self.receive(url)
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"],
                                           VisibilityTimeout=0)
        [msg] = self.receive(url)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
        self.advance(31_000)
        self.assertEqual(self.receive(url), [])

    def test_batches(self):
        url = self.make_queue("q-batch")
        entries = [{"Id": "e%d" % i, "MessageBody": "body %d\r" % i,
                    "MessageAttributes": {"i": {"DataType": "Number", "StringValue": str(i)}}}
                   for i in range(3)]
        out = self.sqs.send_message_batch(QueueUrl=url, Entries=entries)
        self.assertEqual(sorted(e["Id"] for e in out["Successful"]), ["e0", "e1", "e2"])
        for e in out["Successful"]:
            i = int(e["Id"][1:])
            self.assertEqual(e["MD5OfMessageBody"], md5_hex("body %d\r" % i))
            self.assertEqual(e["MD5OfMessageAttributes"],
                             md5_of_message_attributes(entries[i]["MessageAttributes"]))
        msgs = self.drain(url, MessageAttributeNames=["All"])
        self.assertEqual(sorted(m["Body"] for m in msgs), ["body 0\r", "body 1\r", "body 2\r"])
        out = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "c%d" % i, "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 100}
            for i, m in enumerate(msgs)])
        self.assertEqual(len(out["Successful"]), 3)
        self.advance(60_000)
        self.assertEqual(self.receive(url), [])
        out = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": "d%d" % i, "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
            + [{"Id": "bad", "ReceiptHandle": "garbage"}])
        self.assertEqual(len(out["Successful"]), 3)
        self.assertEqual([(f["Id"], f["Code"], f["SenderFault"]) for f in out["Failed"]],
                         [("bad", "ReceiptHandleIsInvalid", True)])
        self.advance(60_000)
        self.assertEqual(self.receive(url), [])

    def test_batch_errors_map_to_classes(self):
        url = self.make_queue("q-batch-err")
        self.assertClientError(
            lambda: self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": "x"} for i in range(20)]),
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400,
            "Maximum number of entries per request are 10. You have sent 20.",
            cls=self.errors.TooManyEntriesInBatchRequest)
        self.assertClientError(
            lambda: self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": "x", "MessageBody": "1"}, {"Id": "x", "MessageBody": "2"}]),
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400,
            cls=self.errors.BatchEntryIdsNotDistinct)
        self.assert_bad_batch_ids_refused(url)

    def test_queue_attribute_booleans(self):
        url = self.make_queue("q-caps.fifo", FifoQueue="True", ContentBasedDeduplication="False")
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ContentBasedDeduplication"], "false")
        self.assertClientError(
            lambda: self.make_queue("q-std", FifoQueue="false"), "InvalidAttributeName", 400,
            "Unknown Attribute FifoQueue.")

    def test_parameter_errors(self):
        url = self.make_queue("q-params")
        self.assertClientError(
            lambda: self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21),
            "InvalidParameterValue", 400,
            "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
            "if provided.")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody=""), "MissingParameter", 400,
            "The request must contain the parameter MessageBody.")

    def test_fifo_ordering_and_dedup(self):
        url = self.make_queue("q.fifo", FifoQueue="true", ContentBasedDeduplication="true")
        seqs = []
        for body in ("1", "2", "3", "3"):
            seqs.append(self.sqs.send_message(QueueUrl=url, MessageBody=body,
                                              MessageGroupId="g")["SequenceNumber"])
        self.assertLess(int(seqs[0]), int(seqs[1]))
        self.assertLess(int(seqs[1]), int(seqs[2]))
        msgs = self.receive(url, AttributeNames=["All"])
        self.assertEqual([m["Body"] for m in msgs], ["1", "2", "3"])
        self.assertEqual([m["Attributes"]["SequenceNumber"] for m in msgs], seqs[:3])
        self.assertEqual(msgs[0]["Attributes"]["MessageGroupId"], "g")
        self.assertClientError(
            lambda: self.sqs.send_message(QueueUrl=url, MessageBody="x"), "MissingParameter",
            400, "The request must contain the parameter MessageGroupId.")


class RecordedErrorsTest(sqs_recorded_errors.RecordedErrorsTest, SqsQueryTestBase):
    pass


class MessageListingTest(SqsQueryTestBase):
    def test_query_client_lists_without_receiving(self):
        """LocalStack's /_aws/sqs/messages answers a query-protocol ReceiveMessage in XML."""
        self.server.require_admin()
        url = self.make_queue("listing-q")
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="kept")["MessageId"]
        lister = harness.boto_client(self.server,
                                     endpoint=self.server.endpoint + "/_aws/sqs/messages")
        for _ in range(2):
            [listed] = lister.receive_message(QueueUrl=url)["Messages"]
            self.assertEqual(listed["MessageId"], sent)
            self.assertEqual(listed["ReceiptHandle"], "SQS/BACKDOOR/ACCESS")
        [received] = self.receive(url, AttributeNames=["ApproximateReceiveCount"])
        self.assertEqual(received["Attributes"]["ApproximateReceiveCount"], "1")


if __name__ == "__main__":
    harness.main()
