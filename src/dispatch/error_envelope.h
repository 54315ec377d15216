// Error envelopes written without a service model: for services wharf has no engine or codec
// for, and for errors raised before decoding (routing, auth). Thread-safe.
#pragma once

#include <string_view>

#include "wharf/core/result.h"
#include "wharf/dispatch/engine.h"
#include "wharf/http/message.h"
#include "wharf/protocol/codec.h"

namespace wharf::dispatch {

// `error` in `protocol`'s envelope (aws-wire-protocols.md §4) for signing name `service`:
// query XML ErrorResponse, JSON/CBOR {"__type","message"} (+ x-amzn-query-error for SQS),
// rest-json with x-amzn-ErrorType, S3 <Error>. Always carries the request id header.
HttpResponse EncodeFallbackError(Protocol protocol, std::string_view service, const AwsError& error,
                                 const RequestContext& ctx);

// The error AWS-style protocols give for an operation nobody implements: query InvalidAction,
// JSON/CBOR UnknownOperationException (400), rest-json/rest-xml NotImplemented (501).
AwsError NotImplementedError(Protocol protocol, std::string_view service,
                             std::string_view operation);

// Text escaped for XML element content and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace wharf::dispatch
