// The routing decision table (docs: aws-wire-protocols.md §2.3): which service and wire protocol
// a request is for, and who is calling (account, region, access key). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "wharf/config/config.h"
#include "wharf/http/message.h"
#include "wharf/protocol/codec.h"

namespace wharf::dispatch {

// The service name of admin routes (/_wharf/..., /_localstack/..., /moto-api/..., and an
// anonymous GET / - the health page).
inline constexpr std::string_view kAdminService = "_wharf";
// The service name for requests that look like an AWS call of a service wharf does not know.
inline constexpr std::string_view kUnknownService = "unknown";

enum class AuthKind {
  kNone,         // anonymous
  kSigV4Header,  // Authorization: AWS4-HMAC-SHA256 ...
  kSigV4Query,   // presigned: X-Amz-Credential=... in the query
  kSigV4a,       // Authorization: AWS4-ECDSA-P256-SHA256 ... (multi-region S3)
  kSigV2,        // Authorization: AWS akid:sig, or ?AWSAccessKeyId=...&Signature=...
};

struct Route {
  std::string service;  // signing name ("sqs", "s3", ...), kAdminService or kUnknownService
  Protocol protocol = Protocol::kRestXml;
  std::string account;     // the access key id when it is 12 digits, else the default account
  std::string region;      // the credential scope's region, else the default region
  std::string access_key;  // "" when anonymous
  AuthKind auth = AuthKind::kNone;
  // The operation when the envelope names it (X-Amz-Target suffix, form/query Action); "" for
  // rest protocols, where the codec finds it from method and path.
  std::string operation;
  // Form parameters ("k=v&k2=v2", encoded) the dispatcher appends to a query request's form
  // before decoding: QueueUrl for old Java SQS clients, which post to /{account}/{queue} without
  // it, and Action/QueueUrl for plain calls of /_aws/sqs/messages.
  std::string inject_form;
  // LocalStack's developer endpoint /_aws/sqs/messages[/<region>/<account>/<queue>]: a
  // ReceiveMessage that lists the queue's messages and changes nothing (see the dispatcher).
  bool sqs_messages = false;
  std::string s3_bucket;  // the bucket of a virtual-host-style S3 request, else ""
};

// Applies the decision table. Always returns a route: anything unrecognised is S3 path-style.
Route RouteRequest(const HttpRequest& request, const Config& config);

// "query", "json", "cbor", "rest-json", "rest-xml".
std::string_view ProtocolName(Protocol protocol);

// Looks for parameter `key` in a raw "a=1&b=2" string without decoding the rest. True when
// found; then `*value` (when non-null) is its decoded value. Keys are compared undecoded.
bool FindRawParam(std::string_view text, std::string_view key, std::string* value);

}  // namespace wharf::dispatch
