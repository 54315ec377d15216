#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ from tests/golden/** and
hand-written cases. Deterministic; re-run after adding golden files. Crash inputs kept as
regression seeds live in corpus/<target>/regress-* and are never touched here."""
import json
import os
import random
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "golden"
CORPUS = HERE / "corpus"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def request(method, target, headers, body):
    head = f"{method} {target}\n" + "".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n"
    return head.encode() + (body if isinstance(body, bytes) else body.encode())


def codec_seeds():
    svc_query = {"sqs": 0, "sns": 1}
    for i, case in enumerate(json.loads((GOLDEN / "query/requests.json").read_text())):
        body = request("POST", "/", {"content-type": case["content_type"]}, case["body"])
        write("decode_query_fuzz", f"golden-{i:02d}", bytes([svc_query[case["service"]]]) + body)
        write("sigv4_fuzz", f"query-{i:02d}", request(
            "POST", "/", {"content-type": case["content_type"], "host": "localhost:4566",
                          "x-amz-date": "20150830T123600Z", "authorization": AUTH}, case["body"]))
    write("decode_query_fuzz", "get-form", b"\x00" + request(
        "GET", "/?Action=ListQueues&Version=2012-11-05&QueueNamePrefix=a%20b", {}, ""))
    write("decode_query_fuzz", "sns-publish", b"\x01" + request(
        "POST", "/", {"content-type": "application/x-www-form-urlencoded"},
        "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Message=hi"
        "&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String"
        "&MessageAttributes.entry.1.Value.StringValue=x"))
    for f in sorted((GOLDEN / "json").glob("*.json")) + sorted((GOLDEN / "cbor").glob("*.json")):
        case = json.loads(f.read_text())
        rq = case.get("request")
        if not rq:
            continue
        body = bytes.fromhex(rq["body_hex"]) if "body_hex" in rq else rq.get("body", "").encode()
        headers = dict(rq.get("headers", {}))
        if case["protocol"] == "cbor":
            headers.setdefault("content-type", "application/x-amz-cbor-1.1")
            headers.setdefault("smithy-protocol", "rpc-v2-cbor")
            write("decode_cbor_fuzz", f"golden-{f.stem}", b"\x00" + request("POST", "/", headers, body))
        elif case["service"] in ("sqs", "kinesis"):
            idx = 0 if case["service"] == "sqs" else 1
            write("decode_json_fuzz", f"golden-{f.stem}", bytes([idx]) + request("POST", "/", headers, body))
    sqs_json = {"content-type": "application/x-amz-json-1.0", "x-amzn-query-mode": "true"}
    for op, body in [
            ("CreateQueue", {"QueueName": "f.fifo", "Attributes": {"FifoQueue": "true"},
                             "tags": {"a": "b"}}),
            ("SendMessageBatch", {"QueueUrl": "http://localhost:4566/000000000000/q", "Entries": [
                {"Id": "1", "MessageBody": "x", "DelaySeconds": 1, "MessageAttributes": {
                    "n": {"DataType": "Number", "StringValue": "1"},
                    "b": {"DataType": "Binary", "BinaryValue": "AAE="}}}]})]:
        write("decode_json_fuzz", f"sqs-{op}", b"\x00" + request(
            "POST", "/", dict(sqs_json, **{"x-amz-target": f"AmazonSQS.{op}"}), json.dumps(body)))
    kin = {"content-type": "application/x-amz-json-1.1"}
    write("decode_json_fuzz", "kinesis-put-records", b"\x01" + request(
        "POST", "/", dict(kin, **{"x-amz-target": "Kinesis_20131202.PutRecords"}),
        '{"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"p"}]}'))
    cbor = {"content-type": "application/x-amz-cbor-1.1"}
    for op, hexbody in [("ListStreams", "a0"),
                        ("DescribeStream", "a16a53747265616d4e616d65627331"),
                        ("GetRecords", "a26d53686172644974657261746f7262697465c11a5f5e1000")]:
        write("decode_cbor_fuzz", f"hand-{op}", b"\x00" + request(
            "POST", "/", dict(cbor, **{"x-amz-target": f"Kinesis_20131202.{op}"}),
            bytes.fromhex(hexbody)))
    for proto in ("rest_json", "rest_xml"):
        for i, case in enumerate(json.loads((GOLDEN / proto / "requests.json").read_text())):
            target = case["path"] + ("?" + case["query"] if case["query"] else "")
            data = request(case["method"], target, case["headers"], case["body"])
            write(f"decode_{proto}_fuzz", f"golden-{i:02d}", b"\x00" + data)


AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sqs/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")


def sigv4_seeds():
    write("sigv4_fuzz", "aws-example-get", request(
        "GET", "/?Param2=value2&Param1=value1",
        {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z",
         "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
         "aws4_request, SignedHeaders=host;x-amz-date, Signature="
         "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"}, ""))
    write("sigv4_fuzz", "presigned", request(
        "GET", "/b1/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830"
        "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=86400"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c2"
        "65957d157751f604d404", {"host": "localhost:4566"}, ""))
    write("sigv4_fuzz", "json-kinesis", request(
        "POST", "/", {"host": "localhost:4566", "x-amz-target": "Kinesis_20131202.ListStreams",
                      "content-type": "application/x-amz-json-1.1",
                      "x-amz-date": "20150830T123600Z",
                      "authorization": AUTH.replace("/sqs/", "/kinesis/")}, "{}"))
    write("sigv4_fuzz", "s3-payload", request(
        "PUT", "/b1/a%20b", {"host": "b1.s3.localhost:4566", "x-amz-date": "20150830T123600Z",
                              "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
                              "authorization": AUTH.replace("/sqs/", "/s3/")}, "hello"))
    write("sigv4_fuzz", "sigv2", request(
        "GET", "/?AWSAccessKeyId=AKID&Signature=abc&Action=ListQueues", {"host": "x"}, ""))


def filter_seeds():
    policies = [
        (0, '{"store":["example_corp"],"event":[{"anything-but":"order_cancelled"}]}'),
        (0, '{"price":[{"numeric":[">=",100,"<",200.5]}],"ip":[{"cidr":"10.0.0.0/24"}]}'),
        (1, '{"a":{"b":[{"prefix":"x"},{"suffix":".png"}]},"c":[{"exists":false}]}'),
        (1, '{"$or":[{"a":[1]},{"b":[{"equals-ignore-case":"HeLLo"}]}]}'),
        (0, '{"k":[{"anything-but":{"prefix":"ab"}}],"w":[{"wildcard":"a*b"}]}'),
        (2, '{"n":[300, "x", true, null]}'),
        (1, '{"a":[{"numeric":["=",3.0e2]}],"v6":[{"cidr":"2001:db8::/32"}]}'),
        (0, '{"a": [ {"anything-but": [1, 2]} ], "b": [{"exists": true}]}'),
        (0, '{"a":'),
        (0, '{}'),
    ]
    bodies = ['{"a":{"b":"x.png"},"n":300}', '{"store":"example_corp","event":"x"}', 'not json']
    attrs = "store\tString\texample_corp\nprice\tNumber\t150\nip\tString\t10.0.0.7\n" \
            "k\tString.Array\t[\"ab\",\"cd\"]\nb\tBinary\tAAE=\n"
    for i, (flags, p) in enumerate(policies):
        write("sns_filter_fuzz", f"policy-{i:02d}",
              bytes([flags]) + p.encode() + b"\0" + bodies[i % 3].encode() + b"\0" + attrs.encode())


def http1_seeds():
    seeds = {
        "get": "GET /health?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "post": "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-Amz-Target: A.B\r\n\r\nhello",
        "chunked": "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: t\r\n\r\n",
        "pipelined": "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n"
                     "POST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok",
        "continue": "PUT /b/k HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    "Content-Length: 3\r\n\r\nabc",
        "http10": "GET / HTTP/1.0\r\n\r\n",
        "preflight": "OPTIONS /q HTTP/1.1\r\nHost: x\r\nOrigin: http://a.example\r\n"
                     "Access-Control-Request-Method: PUT\r\n"
                     "Access-Control-Request-Headers: x-amz-date, authorization\r\n\r\n",
        "cors-get": "GET /stream HTTP/1.1\r\nHost: x\r\nOrigin: http://a.example\r\n"
                    "Connection: close\r\n\r\n",
        "head": "HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n",
        "too-long-body": "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\nab",
        "big-header": "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 9000 + "\r\n\r\n",
        "garbage": "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
    }
    for name, data in seeds.items():
        write("http1_fuzz", name, data.encode("latin-1"))


def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def literal(name, value):
    return b"\x00" + bytes([len(name)]) + name.encode() + bytes([len(value)]) + value.encode()


def h2_seeds():
    settings = frame(4, 0, 0, struct.pack(">HI", 4, 65535) + struct.pack(">HI", 3, 100))
    ack = frame(4, 1, 0)
    get = b"\x82\x86\x84" + literal(":authority", "localhost")
    post = b"\x83\x86" + literal(":path", "/q?a=1") + literal(":authority", "x") + \
        literal("content-type", "application/x-amz-json-1.0") + literal("x-amz-target", "A.B")
    stream_path = b"\x82\x86" + literal(":path", "/stream") + literal(":authority", "x")
    write("h2_fuzz", "get", settings + ack + frame(1, 5, 1, get))
    write("h2_fuzz", "post-data", settings + frame(1, 4, 1, post) + frame(0, 0, 1, b"{\"a\":") +
          frame(0, 1, 1, b"1}"))
    write("h2_fuzz", "two-streams", settings + frame(1, 5, 1, get) + frame(1, 5, 3, stream_path) +
          frame(8, 0, 0, struct.pack(">I", 1 << 20)) + frame(6, 0, 0, b"12345678"))
    write("h2_fuzz", "continuation", settings + frame(1, 1, 1, post[:10]) + frame(9, 4, 1, post[10:]))
    write("h2_fuzz", "rst-goaway", settings + frame(1, 4, 1, post) + frame(3, 0, 1, b"\0\0\0\x08") +
          frame(7, 0, 0, b"\0\0\0\x01\0\0\0\0"))
    write("h2_fuzz", "priority-padded", settings + frame(2, 0, 1, b"\0\0\0\0\x10") +
          frame(1, 0x2d, 1, b"\x03" + b"\0\0\0\0\x10" + get + b"\0\0\0"))
    write("h2_fuzz", "big-header", settings + frame(1, 5, 1, get + b"\x00\x05x-big" +
          b"\x7f\x81\x46" + b"a" * 9000))


def random_seeds(target, count, seed, max_len):
    rnd = random.Random(seed)
    for i in range(count):
        write(target, f"random-{i:02d}", bytes(rnd.randrange(256) for _ in range(rnd.randrange(8, max_len))))


def main():
    codec_seeds()
    sigv4_seeds()
    filter_seeds()
    http1_seeds()
    h2_seeds()
    random_seeds("encode_fuzz", 16, 1, 600)
    random_seeds("sqs_engine_fuzz", 16, 2, 400)


if __name__ == "__main__":
    main()
