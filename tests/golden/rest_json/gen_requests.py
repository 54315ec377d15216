#!/usr/bin/python3
"""Records the exact requests Debian's botocore 1.29 sends for REST operations (rest-json:
API Gateway, Elastic Transcoder; rest-xml: S3 path-style) and writes
<protocol>/requests.json with method, path, query, headers the codecs read, body, and the input
document wharf's decoder must produce (blobs as "base64:<b64>", timestamps epoch seconds).

Run with /usr/bin/python3 (Debian python3-boto3) from any directory.
"""
import base64
import datetime
import json
import os
import urllib.parse

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))

REST_JSON = [
    ("apigateway", "CreateRestApi", {"name": "api", "description": "d",
                                     "tags": {"k": "v"}, "binaryMediaTypes": ["image/png"]}),
    ("apigateway", "GetResource", {"restApiId": "abc123", "resourceId": "r1 x",
                                   "embed": ["methods", "other"]}),
    ("apigateway", "UpdateRestApi", {"restApiId": "abc123", "patchOperations": [
        {"op": "replace", "path": "/name", "value": "n2"}]}),
    ("apigateway", "DeleteRestApi", {"restApiId": "abc123"}),
    ("apigateway", "GetRestApis", {"limit": 5, "position": "p"}),
    ("apigateway", "PutMethod", {"restApiId": "a", "resourceId": "r", "httpMethod": "GET",
                                 "authorizationType": "NONE", "apiKeyRequired": False}),
    ("apigateway", "GetExport", {"restApiId": "a", "stageName": "s", "exportType": "swagger",
                                 "parameters": {"extensions": "integrations"},
                                 "accepts": "application/json"}),
    ("apigateway", "TagResource", {"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/a",
                                   "tags": {"a": "b"}}),
    ("elastictranscoder", "ListJobsByStatus", {"Status": "Complete", "Ascending": "true"}),
    ("elastictranscoder", "CreatePipeline", {"Name": "p", "InputBucket": "in",
                                             "Role": "arn:aws:iam::000000000000:role/r"}),
]

REST_XML = [
    ("s3", "CreateBucket", {"Bucket": "b1", "CreateBucketConfiguration":
                            {"LocationConstraint": "eu-west-1"}}),
    ("s3", "PutObject", {"Bucket": "b1", "Key": "dir/a b+c~*.txt", "Body": b"hello",
                         "ContentType": "text/plain", "Metadata": {"color": "blue"}}),
    ("s3", "GetObject", {"Bucket": "b1", "Key": "dir/x", "Range": "bytes=0-1"}),
    ("s3", "HeadObject", {"Bucket": "b1", "Key": "k"}),
    ("s3", "ListObjectsV2", {"Bucket": "b1", "Prefix": "dir/", "MaxKeys": 10,
                             "Delimiter": "/"}),
    ("s3", "ListObjects", {"Bucket": "b1"}),
    ("s3", "ListBuckets", {}),
    ("s3", "DeleteObjects", {"Bucket": "b1", "Delete": {"Objects": [{"Key": "a"},
                                                                    {"Key": "b&c"}],
                                                        "Quiet": True}}),
    ("s3", "CopyObject", {"Bucket": "b1", "Key": "copy", "CopySource": "b0/src"}),
    ("s3", "CreateMultipartUpload", {"Bucket": "b1", "Key": "big"}),
    ("s3", "UploadPart", {"Bucket": "b1", "Key": "big", "UploadId": "u1", "PartNumber": 2,
                          "Body": b"part"}),
    ("s3", "CompleteMultipartUpload", {"Bucket": "b1", "Key": "big", "UploadId": "u1",
                                       "MultipartUpload": {"Parts": [
                                           {"ETag": "\"e1\"", "PartNumber": 1}]}}),
    ("s3", "GetBucketLocation", {"Bucket": "b1"}),
    ("s3", "DeleteObject", {"Bucket": "b1", "Key": "k"}),
]

KEEP_HEADERS = ("content-type", "x-amz-copy-source", "x-amz-meta-color", "range",
                "accept")


class Captured(Exception):
    pass


def normalise(value):
    if isinstance(value, (bytes, bytearray)):
        return "base64:" + base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def record(cases):
    out = []
    for service, op, params in cases:
        client = boto3.client(service, endpoint_url="http://localhost:4566",
                              region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
                              aws_secret_access_key="secret",
                              config=Config(s3={"addressing_style": "path"}))
        seen = {}

        def capture(request, **kwargs):
            url = urllib.parse.urlsplit(request.url)
            body = request.body or b""
            if hasattr(body, "read"):
                body = body.read()
            if isinstance(body, str):
                body = body.encode()
            headers = {}
            for k, v in request.headers.items():
                if k.lower() in KEEP_HEADERS:
                    headers[k.lower()] = v.decode() if isinstance(v, bytes) else v
            seen.update(method=request.method, path=url.path, query=url.query,
                        headers=headers, body=body.decode())
            raise Captured()

        client.meta.events.register("before-send", capture)
        names = {v: k for k, v in client.meta.method_to_api_mapping.items()}
        try:
            getattr(client, names[op])(**params)
        except Captured:
            pass
        expected = dict(params)
        if "encoding-type=url" in seen["query"]:
            expected["EncodingType"] = "url"  # botocore adds it to ListObjects(V2)
        out.append({"service": service, "operation": op, **seen, "input": normalise(expected)})
    return out


def main():
    for sub, cases in (("rest_json", REST_JSON), ("rest_xml", REST_XML)):
        with open(os.path.join(HERE, "..", sub, "requests.json"), "w") as f:
            json.dump(record(cases), f, indent=1, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
