#!/usr/bin/python3
"""Checks that Debian's botocore 1.29 (query protocol) parses every golden XML response in
responses.json back to the output document it was encoded from, and that it reads the golden
error envelope. Run with /usr/bin/python3; exits non-zero on any mismatch.
"""
import base64
import datetime
import json
import os
import sys

import botocore.session
from botocore.parsers import QueryParser

HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(value):
    if isinstance(value, bytes):
        return "base64:" + base64.b64encode(value).decode()
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def drop_empty_lists(value):
    # botocore cannot tell an empty flattened list from an absent one.
    if isinstance(value, dict):
        return {k: drop_empty_lists(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [drop_empty_lists(v) for v in value]
    return value


def main():
    session = botocore.session.get_session()
    failures = 0
    with open(os.path.join(HERE, "responses.json")) as f:
        cases = json.load(f)
    for case in cases:
        model = session.get_service_model(case["service"])
        op = model.operation_model(case["operation"])
        parsed = QueryParser().parse(
            {"body": case["xml"].encode(), "headers": {}, "status_code": 200}, op.output_shape)
        got = normalise(parsed)
        want = drop_empty_lists(case["output"]) if op.output_shape is not None else {}
        if got != want:
            failures += 1
            print("MISMATCH", case["service"], case["operation"], json.dumps(got), json.dumps(want))
    with open(os.path.join(HERE, "error.xml")) as f:
        error_xml = f.read()
    model = session.get_service_model("sqs")
    parsed = QueryParser().parse({"body": error_xml.encode(), "headers": {}, "status_code": 400},
                                 model.operation_model("GetQueueUrl").output_shape)
    if parsed["Error"]["Code"] != "AWS.SimpleQueueService.NonExistentQueue" or \
            parsed["Error"]["Type"] != "Sender" or \
            parsed["ResponseMetadata"]["RequestId"] != "req-1":
        failures += 1
        print("MISMATCH error envelope", parsed)
    client = session.create_client("sqs", region_name="us-east-1")
    if client.exceptions.from_code(parsed["Error"]["Code"]) is not client.exceptions.QueueDoesNotExist:
        failures += 1
        print("MISMATCH error class")
    print(f"{len(cases) + 1} responses checked, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
