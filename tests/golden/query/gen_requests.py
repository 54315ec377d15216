#!/usr/bin/python3
"""Records the exact form bodies Debian's botocore 1.29 (query protocol) sends for SQS and SNS.

Run with /usr/bin/python3 (Debian python3-boto3). Writes requests.json: for each case the
service, operation, the body as sent, and the input document wharf's decoder must produce
(blobs as "base64:<b64>", as the C++ test normalises them).
"""
import base64
import json
import os

import boto3

CASES = [
    ("sqs", "CreateQueue", {"QueueName": "q1", "Attributes": {"VisibilityTimeout": "30",
                                                              "FifoQueue": "true"},
                            "tags": {"a": "b", "team": "x y"}}),
    ("sqs", "ReceiveMessage", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                               "AttributeNames": ["All"], "MessageAttributeNames": ["All"],
                               "MaxNumberOfMessages": 10, "WaitTimeSeconds": 20,
                               "VisibilityTimeout": 0}),
    ("sqs", "SendMessage", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                            "MessageBody": "a&b=c+d %25\r\n<\u00e9>\u2603",
                            "DelaySeconds": 5,
                            "MessageAttributes": {
                                "s": {"DataType": "String", "StringValue": "x"},
                                "n": {"DataType": "Number", "StringValue": "42"},
                                "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}},
                            "MessageSystemAttributes": {
                                "AWSTraceHeader": {"DataType": "String",
                                                   "StringValue": "Root=1-5759e988"}}}),
    ("sqs", "SendMessageBatch", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                                 "Entries": [
                                     {"Id": "1", "MessageBody": "b1"},
                                     {"Id": "2", "MessageBody": "b2", "DelaySeconds": 1,
                                      "MessageAttributes": {"k": {"DataType": "Binary",
                                                                  "BinaryValue": b"\x00\x01"}},
                                      "MessageGroupId": "g"}]}),
    ("sqs", "DeleteMessageBatch", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                                   "Entries": [{"Id": "a", "ReceiptHandle": "rh1"},
                                               {"Id": "b", "ReceiptHandle": "rh+/="}]}),
    ("sqs", "UntagQueue", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                           "TagKeys": ["a", "b"]}),
    ("sqs", "AddPermission", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                              "Label": "l", "AWSAccountIds": ["111111111111"],
                              "Actions": ["SendMessage", "ReceiveMessage"]}),
    ("sqs", "ListQueues", {}),
    ("sqs", "SetQueueAttributes", {"QueueUrl": "http://localhost:4566/000000000000/q1",
                                   "Attributes": {"Policy": "{\"a\": 1}"}}),
    ("sns", "CreateTopic", {"Name": "t", "Attributes": {"DisplayName": "d", "FifoTopic": "false"},
                            "Tags": [{"Key": "k", "Value": "v"}]}),
    ("sns", "Publish", {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Message": "hi\r\n&",
                        "Subject": "s",
                        "MessageAttributes": {
                            "a": {"DataType": "String", "StringValue": "x"},
                            "bin": {"DataType": "Binary", "BinaryValue": b"\x01\x02\x03"}}}),
    ("sns", "PublishBatch", {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t",
                             "PublishBatchRequestEntries": [
                                 {"Id": "1", "Message": "m1"},
                                 {"Id": "2", "Message": "m2", "MessageGroupId": "g",
                                  "MessageAttributes": {"a": {"DataType": "Number",
                                                              "StringValue": "1"}}}]}),
    ("sns", "Subscribe", {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Protocol": "sqs",
                          "Endpoint": "arn:aws:sqs:us-east-1:000000000000:q1",
                          "Attributes": {"RawMessageDelivery": "true"},
                          "ReturnSubscriptionArn": True}),
    ("sns", "ListTopics", {"NextToken": "abc"}),
    ("sns", "UntagResource", {"ResourceArn": "arn:aws:sns:us-east-1:000000000000:t",
                              "TagKeys": ["k1", "k2"]}),
]


class Captured(Exception):
    pass


def normalise(value):
    if isinstance(value, bytes):
        return "base64:" + base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def main():
    out = []
    for service, op, params in CASES:
        client = boto3.client(service, endpoint_url="http://localhost:4566",
                              region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
                              aws_secret_access_key="secret")
        seen = {}

        def capture(request, **kwargs):
            seen["body"] = request.body.decode() if isinstance(request.body, bytes) else request.body
            content_type = request.headers.get("Content-Type")
            if isinstance(content_type, bytes):
                content_type = content_type.decode()
            seen["content_type"] = content_type
            raise Captured()

        client.meta.events.register("before-send", capture)
        names = {v: k for k, v in client.meta.method_to_api_mapping.items()}
        method = getattr(client, names[op])
        try:
            method(**params)
        except Captured:
            pass
        out.append({"service": service, "operation": op, "content_type": seen["content_type"],
                    "body": seen["body"], "input": normalise(params)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requests.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
