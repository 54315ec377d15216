#!/usr/bin/env python3
"""`--auth verify`, end to end: requests signed by botocore (header SigV4 and presigned URLs)
against the wharf binary, on the query protocol (SQS and SNS) and SQS's JSON 1.0. Missing,
wrong-secret, unknown-key, wrong-region, skewed (> 15 min) and expired (past X-Amz-Expires)
signatures are refused with AWS's codes and statuses; time moves with the virtual clock.

Usage: auth_test.py --wharf PATH
"""

import json
import os
import tempfile
import unittest
import urllib.parse

import harness
from harness import Server

AKID = "AKIDWHARFTEST"
SECRET = "wharf-test-secret"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
SQS_QUERY = "Action=ListQueues&Version=2012-11-05"
SNS_QUERY = "Action=ListTopics&Version=2010-03-31"
BAD_SIGNATURE = ("The request signature we calculated does not match the signature you provided. "
                 "Check your AWS Secret Access Key and signing method. Consult the service "
                 "documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."
FIFTEEN_MIN_MS = 15 * 60 * 1000


def start_server(test):
    creds = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({AKID: SECRET}, creds)
    creds.close()
    test.addCleanup(os.unlink, creds.name)
    server = Server(extra_args=["--auth", "verify", "--credentials", creds.name]).start()
    test.addCleanup(server.kill)
    return server


def sign(server, service, body, headers, region="us-east-1", secret=SECRET, akid=AKID):
    """Headers of a POST / signed with SigV4 by botocore."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers)
    SigV4Auth(Credentials(akid, secret), service, region).add_auth(request)
    return dict(request.headers.items())


def presign(server, service, query, expires, region="us-east-1"):
    """The path and query of a GET presigned by botocore."""
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="GET", url=server.endpoint + "/?" + query)
    SigV4QueryAuth(Credentials(AKID, SECRET), service, region, expires=expires).add_auth(request)
    parts = urllib.parse.urlsplit(request.url)
    return parts.path + "?" + parts.query


def query_error(reply):
    """(status, Code, Message) of a query-protocol XML error."""
    text = reply.body.decode("utf-8")

    def tag(name):
        start = text.find("<%s>" % name)
        return text[start + len(name) + 2:text.find("</%s>" % name)] if start >= 0 else None

    return reply.status, tag("Code"), tag("Message")


class QueryProtocolTest(unittest.TestCase):
    """SQS and SNS over the query protocol, header signatures and presigned URLs."""

    CASES = (("sqs", SQS_QUERY, b"ListQueuesResponse"), ("sns", SNS_QUERY, b"ListTopicsResponse"))

    def setUp(self):
        self.server = start_server(self)

    def post(self, body, headers):
        return self.server.request("POST", "/", body, headers)

    def test_valid_signature_is_accepted(self):
        for service, body, marker in self.CASES:
            reply = self.post(body, sign(self.server, service, body, {"Content-Type": FORM}))
            self.assertEqual(reply.status, 200, reply)
            self.assertIn(marker, reply.body)

    def test_missing_signature(self):
        for _, body, _ in self.CASES:
            reply = self.post(body, {"Content-Type": FORM})
            self.assertEqual(query_error(reply), (403, "MissingAuthenticationToken",
                                                  "Request is missing Authentication Token"))

    def test_wrong_secret(self):
        for service, body, _ in self.CASES:
            headers = sign(self.server, service, body, {"Content-Type": FORM}, secret="nope")
            self.assertEqual(query_error(self.post(body, headers)),
                             (403, "SignatureDoesNotMatch", BAD_SIGNATURE))

    def test_unknown_access_key(self):
        for service, body, _ in self.CASES:
            headers = sign(self.server, service, body, {"Content-Type": FORM}, akid="AKIDUNKNOWN")
            self.assertEqual(query_error(self.post(body, headers)),
                             (403, "InvalidClientTokenId", BAD_TOKEN))

    def test_tampered_body(self):
        for service, body, _ in self.CASES:
            headers = sign(self.server, service, body, {"Content-Type": FORM})
            reply = self.post(body + "&NextToken=x", headers)
            self.assertEqual(query_error(reply), (403, "SignatureDoesNotMatch", BAD_SIGNATURE))

    def test_wrong_region(self):
        for service, body, _ in self.CASES:
            # Signed with eu-west-1's key but the scope claims us-east-1.
            headers = sign(self.server, service, body, {"Content-Type": FORM}, region="eu-west-1")
            headers["Authorization"] = headers["Authorization"].replace("/eu-west-1/",
                                                                        "/us-east-1/")
            self.assertEqual(query_error(self.post(body, headers)),
                             (403, "SignatureDoesNotMatch", BAD_SIGNATURE))
            # A consistent signature for another region is fine: one endpoint serves all.
            headers = sign(self.server, service, body, {"Content-Type": FORM}, region="eu-west-1")
            self.assertEqual(self.post(body, headers).status, 200)

    def test_presigned_url(self):
        for service, query, marker in self.CASES:
            path = presign(self.server, service, query, expires=300)
            reply = self.server.request("GET", path)
            self.assertEqual(reply.status, 200, reply)
            self.assertIn(marker, reply.body)
            tampered = path.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
            self.assertEqual(query_error(self.server.request("GET", tampered)),
                             (403, "SignatureDoesNotMatch", BAD_SIGNATURE))
            wrong_region = presign(self.server, service, query, 300, region="eu-west-1").replace(
                "%2Feu-west-1%2F", "%2Fus-east-1%2F")
            self.assertEqual(query_error(self.server.request("GET", wrong_region)),
                             (403, "SignatureDoesNotMatch", BAD_SIGNATURE))

    def test_presigned_url_expires(self):
        paths = [(presign(self.server, s, q, expires=60), m) for s, q, m in self.CASES]
        self.server.advance(59_000)
        for path, _ in paths:
            self.assertEqual(self.server.request("GET", path).status, 200)
        self.server.advance(2_000)  # 61 s after signing: past X-Amz-Expires
        for path, _ in paths:
            status, code, message = query_error(self.server.request("GET", path))
            self.assertEqual((status, code), (403, "SignatureDoesNotMatch"))
            self.assertTrue(message.startswith("Signature expired"), message)

    def test_presigned_expires_out_of_range(self):
        for service, query, _ in self.CASES:
            path = presign(self.server, service, query, expires=300).replace(
                "X-Amz-Expires=300", "X-Amz-Expires=604801")
            status, code, _ = query_error(self.server.request("GET", path))
            self.assertEqual((status, code), (400, "IncompleteSignature"))

    def test_header_signature_older_than_15_minutes(self):
        signed = [(body, sign(self.server, s, body, {"Content-Type": FORM}))
                  for s, body, _ in self.CASES]
        self.server.advance(FIFTEEN_MIN_MS - 5_000)  # still within the allowed skew
        for body, headers in signed:
            self.assertEqual(self.post(body, headers).status, 200)
        self.server.advance(10_000)
        for body, headers in signed:
            status, code, message = query_error(self.post(body, headers))
            self.assertEqual((status, code), (403, "SignatureDoesNotMatch"))
            self.assertRegex(message, r"^Signature expired: \d{8}T\d{6}Z is now earlier than "
                                      r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$")


class SqsJsonTest(unittest.TestCase):
    """SQS over JSON 1.0 with a real boto3 client (query-compatible error codes)."""

    def setUp(self):
        self.server = start_server(self)

    def client(self, access_key=AKID, secret=SECRET, region="us-east-1"):
        import boto3
        from botocore.config import Config

        return boto3.client("sqs", endpoint_url=self.server.endpoint, region_name=region,
                            aws_access_key_id=access_key, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1, "mode": "standard"}))

    def assertRefused(self, call, code, status, message=None):
        from botocore.exceptions import ClientError

        with self.assertRaises(ClientError) as ctx:
            call()
        response = ctx.exception.response
        self.assertEqual(response["Error"]["Code"], code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, response)
        if message is not None:
            self.assertEqual(response["Error"]["Message"], message, response)
        return response

    def test_valid_signature_is_accepted(self):
        self.assertEqual(self.client().list_queues()["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_missing_signature(self):
        reply = self.server.request("POST", "/", b"{}", {
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"})
        self.assertEqual(reply.status, 403, reply)
        self.assertEqual(reply.headers.get("x-amzn-query-error"),
                         "MissingAuthenticationToken;Sender")
        self.assertTrue(reply.json()["__type"].endswith("MissingAuthenticationTokenException"))

    def test_wrong_secret(self):
        self.assertRefused(lambda: self.client(secret="nope").list_queues(),
                           "SignatureDoesNotMatch", 403, BAD_SIGNATURE)

    def test_unknown_access_key(self):
        self.assertRefused(lambda: self.client(access_key="AKIDUNKNOWN").list_queues(),
                           "InvalidClientTokenId", 403, BAD_TOKEN)

    def test_wrong_region(self):
        body = "{}"
        headers = sign(self.server, "sqs", body, {
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"},
            region="eu-west-1")
        headers["Authorization"] = headers["Authorization"].replace("/eu-west-1/", "/us-east-1/")
        reply = self.server.request("POST", "/", body, headers)
        self.assertEqual(reply.status, 403, reply)
        self.assertEqual(reply.headers.get("x-amzn-query-error"), "SignatureDoesNotMatch;Sender")
        self.assertEqual(reply.json()["message"], BAD_SIGNATURE)
        self.assertEqual(self.client(region="eu-west-1").list_queues()["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)

    def test_header_signature_older_than_15_minutes(self):
        body = "{}"
        headers = sign(self.server, "sqs", body, {
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"})
        self.server.advance(FIFTEEN_MIN_MS + 5_000)
        reply = self.server.request("POST", "/", body, headers)
        self.assertEqual(reply.status, 403, reply)
        self.assertEqual(reply.headers.get("x-amzn-query-error"), "SignatureDoesNotMatch;Sender")
        self.assertTrue(reply.json()["message"].startswith("Signature expired: "), reply)
        # boto3 signs with the real time, now more than 15 min behind the server's clock.
        self.assertRefused(lambda: self.client().list_queues(), "SignatureDoesNotMatch", 403)


if __name__ == "__main__":
    harness.main()
