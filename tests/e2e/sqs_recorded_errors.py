"""The SQS errors recorded from real AWS (aws-recorded/sqs: test_sqs and test_sqs_move_task), as
one table that the tests of both protocols run: sqs_json_test.py with boto3 over JSON 1.0 and
sqs_query_test.py with Debian's boto3 over the query protocol.

Each case makes a fresh queue, runs its `prepare` step (which must succeed), then its `call`, and
checks the error: Error.Code, HTTP status and message on both protocols, and on JSON the
QueryErrorCode that the x-amzn-query-error header gives botocore. Where AWS was recorded on one
protocol only, the other is expected to answer the same: every pair recorded on both protocols
agrees on code, status and message, except the missing-queue message (its own case below).
"""

import collections

from harness import ACCOUNT, REGION

# queue: the attributes of the fresh queue the case gets (None: no queue); call and prepare
# take (client, queue URL); message may hold "{queue}", the queue's name; query_message is the
# query protocol's message where AWS words it differently.
Case = collections.namedtuple(
    "Case", "name queue call code status message query_code prepare json_only query_message",
    defaults=(None, False, None))

STANDARD = {}
FIFO = {"FifoQueue": "true"}
FIFO_CBD = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}

BAD_VALUE = "InvalidParameterValueException"
TOO_MANY = "Maximum number of entries per request are 10. You have sent 20."
ID_RULE = ("can only include alphanumeric and punctuation characters. 1 to 128 in length.")
NO_DEDUP = ("The queue should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly")


def _arn(name):
    return "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)


def _make_dead_letter(sqs, source_url):
    """Makes queue "dlq" the dead-letter queue of the queue at source_url."""
    sqs.create_queue(QueueName="dlq")
    policy = '{"deadLetterTargetArn": "%s", "maxReceiveCount": "1"}' % _arn("dlq")
    sqs.set_queue_attributes(QueueUrl=source_url, Attributes={"RedrivePolicy": policy})


def _twenty(make_entry):
    return [make_entry(str(i)) for i in range(20)]


def _bad_id_cases(param):
    for label, value in (("empty", ""), ("too long", "a" * 129), ("spaces", "group 123")):
        yield Case(
            "%s %s on a standard queue" % (param, label), STANDARD,
            lambda s, u, v=value: s.send_message(QueueUrl=u, MessageBody="x", **{param: v}),
            "InvalidParameterValue", 400,
            "Value %s for parameter %s is invalid. Reason: %s %s" % (value, param, param, ID_RULE),
            BAD_VALUE)


def _attribute_conflict(attrs, changed):
    return lambda s, u: s.create_queue(QueueName=u.rsplit("/", 1)[1],
                                       Attributes=dict(attrs, **changed))


def _standard_create_refused(attribute, value, message):
    return Case(
        "create a standard queue with %s" % attribute, None,
        lambda s, u: s.create_queue(QueueName="std-" + attribute, Attributes={attribute: value}),
        "InvalidAttributeName", 400, message, "InvalidAttributeName")


CASES = [
    Case("receive MaxNumberOfMessages 11", STANDARD,
         lambda s, u: s.receive_message(QueueUrl=u, MaxNumberOfMessages=11),
         "InvalidParameterValue", 400,
         "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10,"
         " if provided.", BAD_VALUE),
    Case("receive WaitTimeSeconds 21", STANDARD,
         lambda s, u: s.receive_message(QueueUrl=u, WaitTimeSeconds=21),
         "InvalidParameterValue", 400,
         "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
         "provided.", BAD_VALUE),
    Case("receive WaitTimeSeconds -1", STANDARD,
         lambda s, u: s.receive_message(QueueUrl=u, WaitTimeSeconds=-1),
         "InvalidParameterValue", 400,
         "Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
         "provided.", BAD_VALUE),
    Case("send an empty body", STANDARD, lambda s, u: s.send_message(QueueUrl=u, MessageBody=""),
         "MissingParameter", 400, "The request must contain the parameter MessageBody.",
         "MissingRequiredParameterException"),
    Case("send to a queue that does not exist", None,
         lambda s, u: s.send_message(QueueUrl=s.meta.endpoint_url + "/%s/nope" % ACCOUNT,
                                     MessageBody="x"),
         "AWS.SimpleQueueService.NonExistentQueue", 400, "The specified queue does not exist.",
         "QueueDoesNotExist",
         query_message="The specified queue does not exist for this wsdl version."),
    Case("send 1 MiB + 1", STANDARD,
         lambda s, u: s.send_message(QueueUrl=u, MessageBody="a" * (1024 * 1024 + 1)),
         "InvalidParameterValue", 400,
         "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.",
         BAD_VALUE),
    Case("send beyond a lowered MaximumMessageSize", {"MaximumMessageSize": "1024"},
         lambda s, u: s.send_message(QueueUrl=u, MessageBody="a" * 1025),
         "InvalidParameterValue", 400,
         "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
         BAD_VALUE),
    Case("send an empty String attribute", STANDARD,
         lambda s, u: s.send_message(QueueUrl=u, MessageBody="x", MessageAttributes={
             "ErrorDetails": {"DataType": "String", "StringValue": ""}}),
         "InvalidParameterValue", 400,
         "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type "
         "'String'.", BAD_VALUE),
    Case("batch of 1 MiB + 1 in all", STANDARD,
         lambda s, u: s.send_message_batch(QueueUrl=u, Entries=[
             {"Id": "a", "MessageBody": "a" * 524288}, {"Id": "b", "MessageBody": "b" * 524289}]),
         "AWS.SimpleQueueService.BatchRequestTooLong", 400,
         "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
         "BatchRequestTooLong"),
    Case("SendMessageBatch of 20", STANDARD,
         lambda s, u: s.send_message_batch(
             QueueUrl=u, Entries=_twenty(lambda i: {"Id": i, "MessageBody": "x"})),
         "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, TOO_MANY,
         "TooManyEntriesInBatchRequest"),
    Case("DeleteMessageBatch of 20", STANDARD,
         lambda s, u: s.delete_message_batch(
             QueueUrl=u, Entries=_twenty(lambda i: {"Id": i, "ReceiptHandle": "r"})),
         "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, TOO_MANY,
         "TooManyEntriesInBatchRequest"),
    Case("ChangeMessageVisibilityBatch of 20", STANDARD,
         lambda s, u: s.change_message_visibility_batch(QueueUrl=u, Entries=_twenty(
             lambda i: {"Id": i, "ReceiptHandle": "r", "VisibilityTimeout": 1})),
         "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400, TOO_MANY,
         "TooManyEntriesInBatchRequest"),
] + [
    Case("batch entry id %r" % bad_id, STANDARD,
         lambda s, u, i=bad_id: s.delete_message_batch(
             QueueUrl=u, Entries=[{"Id": i, "ReceiptHandle": "r"}]),
         "AWS.SimpleQueueService.InvalidBatchEntryId", 400,
         "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It "
         "can be at most 80 letters long.", "InvalidBatchEntryId")
    for bad_id in ("", "testLongId" * 10, "invalid:id")
] + list(_bad_id_cases("MessageGroupId")) + list(_bad_id_cases("MessageDeduplicationId")) + [
    Case("FIFO send without MessageGroupId", FIFO_CBD,
         lambda s, u: s.send_message(QueueUrl=u, MessageBody="x"),
         "MissingParameter", 400, "The request must contain the parameter MessageGroupId.",
         "MissingRequiredParameterException"),
    Case("FIFO send without a deduplication id", FIFO,
         lambda s, u: s.send_message(QueueUrl=u, MessageBody="x", MessageGroupId="g"),
         "InvalidParameterValue", 400, NO_DEDUP, BAD_VALUE),
    Case("FIFO batch entry without MessageGroupId", FIFO_CBD,
         lambda s, u: s.send_message_batch(QueueUrl=u, Entries=[{"Id": "1", "MessageBody": "x"}]),
         "InvalidParameterValue", 400, "The request must contain the parameter MessageGroupId.",
         BAD_VALUE),
    Case("FIFO batch entry without a deduplication id", FIFO,
         lambda s, u: s.send_message_batch(QueueUrl=u, Entries=[
             {"Id": "1", "MessageBody": "x", "MessageGroupId": "g"}]),
         "InvalidParameterValue", 400, NO_DEDUP, BAD_VALUE),
    Case("FIFO send with DelaySeconds", FIFO_CBD,
         lambda s, u: s.send_message(QueueUrl=u, MessageBody="x", MessageGroupId="g",
                                     DelaySeconds=2),
         "InvalidParameterValue", 400,
         "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter "
         "that is not valid for this queue type.", BAD_VALUE),
    Case("create again with another DelaySeconds", {"DelaySeconds": "1"},
         _attribute_conflict({}, {"DelaySeconds": "2"}),
         "QueueAlreadyExists", 400,
         "A queue already exists with the same name and a different value for attribute "
         "DelaySeconds", "QueueNameExists"),
    Case("create a FIFO queue again with another ContentBasedDeduplication", FIFO,
         _attribute_conflict(FIFO, {"ContentBasedDeduplication": "true"}),
         "QueueAlreadyExists", 400,
         "A queue already exists with the same name and a different value for attribute "
         "ContentBasedDeduplication", "QueueNameExists"),
    _standard_create_refused("FifoQueue", "false", "Unknown Attribute FifoQueue."),
    _standard_create_refused("ContentBasedDeduplication", "false",
                             "Unknown Attribute ContentBasedDeduplication."),
    _standard_create_refused("DeduplicationScope", "queue",
                             "You can specify the DeduplicationScope only when FifoQueue is set "
                             "to true."),
    _standard_create_refused("FifoThroughputLimit", "perQueue",
                             "You can specify the FifoThroughputLimit only when FifoQueue is set "
                             "to true."),
    Case("set FifoQueue on a standard queue", STANDARD,
         lambda s, u: s.set_queue_attributes(QueueUrl=u, Attributes={"FifoQueue": "true"}),
         "InvalidAttributeName", 400, "Unknown Attribute FifoQueue.", "InvalidAttributeName"),
    Case("set FifoQueue false on a FIFO queue", FIFO,
         lambda s, u: s.set_queue_attributes(QueueUrl=u, Attributes={"FifoQueue": "false"}),
         "InvalidAttributeValue", 400,
         "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not "
         "supported.", "InvalidAttributeValue"),
    Case("purge twice within 60 s", STANDARD, lambda s, u: s.purge_queue(QueueUrl=u),
         "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
         "Only one PurgeQueue operation on {queue} is allowed every 60 seconds.",
         "PurgeQueueInProgress", prepare=lambda s, u: s.purge_queue(QueueUrl=u)),
    Case("add a permission label twice", STANDARD,
         lambda s, u: s.add_permission(QueueUrl=u, Label="crossaccountpermission",
                                       AWSAccountIds=["111111111111"], Actions=["*"]),
         "InvalidParameterValue", 400,
         "Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.",
         BAD_VALUE,
         prepare=lambda s, u: s.add_permission(QueueUrl=u, Label="crossaccountpermission",
                                               AWSAccountIds=[ACCOUNT], Actions=["*"])),
    Case("remove a permission label that is not there", STANDARD,
         lambda s, u: s.remove_permission(QueueUrl=u, Label="crossaccountpermission2"),
         "InvalidParameterValue", 400,
         "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find "
         "label.", BAD_VALUE),
    # Debian's botocore 1.29 predates the message move task operations: JSON only.
    Case("move from a queue that is no dead-letter queue", STANDARD,
         lambda s, u: s.start_message_move_task(SourceArn=_arn(u.rsplit("/", 1)[1])),
         "InvalidParameterValue", 400, "Source queue must be configured as a Dead Letter Queue.",
         BAD_VALUE, json_only=True),
    Case("move to a queue that does not exist", STANDARD,
         lambda s, u: s.start_message_move_task(SourceArn=_arn("dlq"),
                                                DestinationArn=_arn("nowhere")),
         "ResourceNotFoundException", 404,
         "The resource that you specified for the DestinationArn parameter doesn't exist.",
         "ResourceNotFoundException", json_only=True, prepare=lambda s, u: _make_dead_letter(s, u)),
    Case("cancel a malformed task handle", None,
         lambda s, u: s.cancel_message_move_task(TaskHandle="foobared"),
         "InvalidParameterValue", 400, "Value for parameter TaskHandle is invalid.", BAD_VALUE,
         json_only=True),
]


class RecordedErrorsTest:
    """Mixed into each protocol's SqsTestCase: runs every case, each as a subtest."""

    def test_recorded_errors(self):
        json_protocol = self.sqs.meta.service_model.protocol == "json"
        for n, case in enumerate(CASES):
            if case.json_only and not json_protocol:
                continue
            with self.subTest(case.name):
                self.server.reset()
                name = "case%d%s" % (n, ".fifo" if case.queue and "FifoQueue" in case.queue else "")
                url = self.make_queue(name, **case.queue) if case.queue is not None else None
                if case.prepare:
                    case.prepare(self.sqs, url)
                message = case.message if json_protocol else case.query_message or case.message
                self.assertClientError(lambda: case.call(self.sqs, url), case.code, case.status,
                                       message.format(queue=name),
                                       case.query_code if json_protocol else None)
