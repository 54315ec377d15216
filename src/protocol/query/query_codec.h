// The AWS query protocol codec (SNS; SQS for pre-2024 clients): form-encoded requests (POST
// body and/or GET query string) in, XML out. Thread-safe; one instance per service model.
//
// Decode:
//  - parameters come from the URL query string and the form body (the body wins on a clash);
//    Content-Type may carry a charset or be absent;
//  - "Action" names the operation (missing -> MissingAction, unknown -> InvalidAction, 400);
//  - the input document is built from the model (see query_decode.h), then validated;
//  - SQS-style queue paths: when the request path is /{12-digit account}/{queue} and the
//    operation has a QueueUrl member that the parameters lack, QueueUrl is set to
//    "http://<Host><path>" (old Java clients send it that way; a router may also inject it by
//    appending "QueueUrl=..." to the request's query string).
// Encode: text/xml bodies per query_encode.h, with header x-amzn-RequestId.
#pragma once

#include <memory>

#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"

namespace wharf {

// REQUIRES: `model` outlives the codec.
std::unique_ptr<Codec> MakeQueryCodec(const ServiceModel& model);

}  // namespace wharf
