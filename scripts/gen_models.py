#!/usr/bin/env python3
"""Generates src/protocol/models/<service>.json from botocore's service models.

Keeps only what wharf's codecs and validator need (no documentation), and for SQS merges the
query-protocol traits (locationName, flattened, resultWrapper, error codes, xmlNamespace) of the
query-era model shipped by Debian's python3-botocore into the current JSON model, so one model
serves both protocols; then applies PATCHES, where a service answers differently from its
published model. Run from anywhere:  python3 scripts/gen_models.py
The output is committed; the build never needs botocore.
"""
import gzip
import json
import os
import sys

DEB_DATA = "/usr/lib/python3/dist-packages/botocore/data"

# service -> (api version, take the model from Debian's botocore instead of the pip one)
SERVICES = {
    "sqs": ("2012-11-05", False),
    "sns": ("2010-03-31", False),
    "kinesis": ("2013-12-02", False),
    "firehose": ("2015-08-04", False),
    "swf": ("2012-01-25", False),
    "apigateway": ("2015-07-09", False),
    "s3": ("2006-03-01", False),
    "elastictranscoder": ("2012-09-25", True),
}

# Where a service answers differently from its published model, as JSON merge patches (RFC 7386)
# applied to the stripped model; each with the recorded behaviour that calls for it.
PATCHES = {
    "sqs": {"shapes": {
        # A query client names each of these MessageSystemAttributeName.N, like its siblings
        # AttributeName.N and MessageAttributeName.N (kombu's SQS transport sends it to AWS); the
        # query-era model has no such member to take the name from.
        "MessageSystemAttributeList": {"member": {"locationName": "MessageSystemAttributeName"}},
    }},
    "sns": {"shapes": {
        # A missing SubscriptionArn is the engine's InvalidParameter "SubscriptionArn Reason: no
        # value for required parameter", not a ValidationError.
        "UnsubscribeInput": {"required": []},
        # The ARN is checked before the missing-Attributes ValidationError (an invalid ARN with
        # no Attributes answers InvalidParameter); the engine checks Attributes after it.
        "SetPlatformApplicationAttributesInput": {"required": ["PlatformApplicationArn"]},
    }},
}

METADATA_KEYS = {"apiVersion", "endpointPrefix", "jsonVersion", "protocol", "protocols",
                 "serviceId", "signatureVersion", "signingName", "targetPrefix", "xmlNamespace",
                 "awsQueryCompatible", "checksumFormat"}
OPERATION_KEYS = {"name", "http", "input", "output", "errors", "endpoint", "httpChecksum"}
HTTP_KEYS = {"method", "requestUri", "responseCode"}
SHAPE_KEYS = {"type", "members", "member", "key", "value", "required", "min", "max", "pattern",
              "enum", "timestampFormat", "payload", "flattened", "locationName", "xmlNamespace",
              "exception", "error", "fault", "streaming", "eventstream", "event", "union",
              "requiresLength", "jsonvalue", "xmlOrder"}
REF_KEYS = {"shape", "location", "locationName", "queryName", "xmlNamespace", "xmlAttribute",
            "flattened", "hostLabel", "eventpayload", "eventheader", "jsonvalue",
            "timestampFormat", "streaming", "idempotencyToken", "resultWrapper"}


def botocore_data():
    import botocore  # only needed when regenerating
    return os.path.join(os.path.dirname(botocore.__file__), "data")


def load(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def model_path(service, version, debian):
    if debian:
        return os.path.join(DEB_DATA, service, version, "service-2.json")
    base = os.path.join(botocore_data(), service, version, "service-2.json")
    return base + ".gz" if os.path.exists(base + ".gz") else base


def strip_ref(ref):
    out = {k: v for k, v in ref.items() if k in REF_KEYS}
    return out


def strip_shape(shape):
    out = {}
    for k, v in shape.items():
        if k not in SHAPE_KEYS:
            continue
        if k == "members":
            v = {name: strip_ref(ref) for name, ref in v.items()}
        elif k in ("member", "key", "value"):
            v = strip_ref(v)
        out[k] = v
    return out


def strip_operation(op):
    out = {}
    for k, v in op.items():
        if k not in OPERATION_KEYS:
            continue
        if k == "http":
            v = {hk: hv for hk, hv in v.items() if hk in HTTP_KEYS}
        elif k in ("input", "output"):
            v = strip_ref(v)
        elif k == "errors":
            v = [{"shape": e["shape"]} for e in v]
        elif k == "endpoint":
            v = {ek: ev for ek, ev in v.items() if ek == "hostPrefix"}
        elif k == "httpChecksum":
            v = {hk: hv for hk, hv in v.items() if hk in ("requestChecksumRequired",)}
            if not v:
                continue
        out[k] = v
    return out


def strip(model):
    return {
        "metadata": {k: v for k, v in model["metadata"].items() if k in METADATA_KEYS},
        "operations": {n: strip_operation(o) for n, o in model["operations"].items()},
        "shapes": {n: strip_shape(s) for n, s in model["shapes"].items()},
    }


# awsQueryError traits of the JS v3 SQS client (newer than Debian's model), shape -> (code, status).
SQS_QUERY_ERRORS = {
    "ReceiptHandleIsInvalid": ("ReceiptHandleIsInvalid", 404),
    "InvalidAddress": ("InvalidAddress", 404),
    "InvalidSecurity": ("InvalidSecurity", 403),
    "RequestThrottled": ("RequestThrottled", 403),
    "ResourceNotFoundException": ("ResourceNotFoundException", 404),
    "KmsAccessDenied": ("KMS.AccessDeniedException", 400),
    "KmsDisabled": ("KMS.DisabledException", 400),
    "KmsInvalidKeyUsage": ("KMS.InvalidKeyUsageException", 400),
    "KmsInvalidState": ("KMS.InvalidStateException", 400),
    "KmsNotFound": ("KMS.NotFoundException", 400),
    "KmsThrottled": ("KMS.ThrottlingException", 400),
    "KmsOptInRequired": ("KMS.OptInRequired", 403),
}

QUERY_SHAPE_TRAITS = ("flattened", "locationName")
QUERY_REF_TRAITS = ("locationName", "flattened")


def merge_query_traits(new, old):
    """Copies SQS query-protocol traits from the query-era model `old` into `new`."""
    new["metadata"]["xmlNamespace"] = old["metadata"]["xmlNamespace"]
    conflicts = []
    visited = set()

    def copy_ref(new_ref, old_ref, where):
        for t in QUERY_REF_TRAITS:
            if t in old_ref:
                if t in new_ref and new_ref[t] != old_ref[t]:
                    conflicts.append(f"{where}.{t}")
                new_ref[t] = old_ref[t]

    def walk(new_name, old_name):
        if (new_name, old_name) in visited:
            return
        visited.add((new_name, old_name))
        ns, os_ = new["shapes"][new_name], old["shapes"][old_name]
        for t in QUERY_SHAPE_TRAITS:
            if t in os_:
                if t in ns and ns[t] != os_[t]:
                    conflicts.append(f"{new_name}.{t}")
                ns[t] = os_[t]
        if ns.get("type") == "structure" and os_.get("type") == "structure":
            for m, nref in ns.get("members", {}).items():
                oref = os_.get("members", {}).get(m)
                if oref is None:
                    continue
                copy_ref(nref, oref, f"{new_name}.{m}")
                walk(nref["shape"], oref["shape"])
        for part in ("member", "key", "value"):
            if part in ns and part in os_:
                copy_ref(ns[part], os_[part], f"{new_name}.{part}")
                walk(ns[part]["shape"], os_[part]["shape"])

    for name, op in new["operations"].items():
        old_op = old["operations"].get(name)
        if old_op is None:
            continue
        for io in ("input", "output"):
            if io in op and io in old_op:
                if "resultWrapper" in old_op[io]:
                    op[io]["resultWrapper"] = old_op[io]["resultWrapper"]
                walk(op[io]["shape"], old_op[io]["shape"])
    # Legacy error codes (query <Code> and the x-amzn-query-error header) live on error shapes.
    for name, shape in new["shapes"].items():
        old_shape = old["shapes"].get(name)
        if shape.get("exception") and old_shape and "error" in old_shape:
            shape["error"] = {k: v for k, v in old_shape["error"].items()
                              if k in ("code", "httpStatusCode", "senderFault")}
    for name, (code, status) in SQS_QUERY_ERRORS.items():
        shape = new["shapes"].get(name)
        if shape is not None:
            shape["error"] = {"code": code, "httpStatusCode": status, "senderFault": True}
    for name, shape in new["shapes"].items():
        if shape.get("exception") and "error" not in shape:
            shape["error"] = {"code": name, "httpStatusCode": 400, "senderFault": True}
    return conflicts


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root, "src", "protocol", "models")
    os.makedirs(out_dir, exist_ok=True)
    for service, (version, debian) in SERVICES.items():
        model = strip(load(model_path(service, version, debian)))
        if service == "sqs":
            old = strip(load(os.path.join(DEB_DATA, "sqs", version, "service-2.json")))
            conflicts = merge_query_traits(model, old)
            if conflicts:
                print("sqs: query trait conflicts: " + ", ".join(conflicts), file=sys.stderr)
        model = merge_patch(model, PATCHES.get(service, {}))
        path = os.path.join(out_dir, service + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(model, f, separators=(",", ":"), sort_keys=True)
            f.write("\n")
        print(f"{service}: {len(model['operations'])} operations, "
              f"{os.path.getsize(path)} bytes -> {os.path.relpath(path, root)}")


if __name__ == "__main__":
    main()
