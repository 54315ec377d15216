#!/usr/bin/python3
"""Checks that Debian's botocore 1.29 parses every golden S3 response in responses.json (status,
headers, body) back to the output document it was encoded from, and reads the golden error.
Run with /usr/bin/python3; exits non-zero on any mismatch.
"""
import base64
import datetime
import json
import os
import sys

import botocore.session
from botocore.parsers import RestXMLParser

HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(value):
    if isinstance(value, (bytes, bytearray)):
        return "base64:" + base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def main():
    session = botocore.session.get_session()
    model = session.get_service_model("s3")
    failures = 0
    with open(os.path.join(HERE, "responses.json")) as f:
        cases = json.load(f)
    for case in cases:
        op = model.operation_model(case["operation"])
        body = case["body"].encode()
        response = {"body": body, "headers": dict(case["headers"]),
                    "status_code": case["status"]}
        if op.has_streaming_output:
            import io
            from botocore.response import StreamingBody
            response["body"] = StreamingBody(io.BytesIO(body), len(body))
        parsed = RestXMLParser().parse(response, op.output_shape)
        if "Body" in parsed:
            parsed["Body"] = parsed["Body"].read()
        if case["operation"] == "GetBucketLocation":
            # botocore's handler reads the root text (handlers.parse_get_bucket_location).
            import xml.etree.ElementTree as ET
            parsed = {"LocationConstraint": ET.fromstring(body).text}
        got = normalise(parsed)
        if got != case["output"]:
            failures += 1
            print("MISMATCH", case["operation"], json.dumps(got), json.dumps(case["output"]))
    with open(os.path.join(HERE, "error.xml")) as f:
        error = f.read().encode()
    parsed = RestXMLParser().parse({"body": error, "headers": {}, "status_code": 404},
                                   model.operation_model("HeadBucket").output_shape)
    if parsed["Error"]["Code"] != "NoSuchBucket" or parsed["Error"]["Message"] != "m":
        failures += 1
        print("MISMATCH error", parsed)
    print(f"{len(cases) + 1} responses checked, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
