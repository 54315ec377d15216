// The awsJson 1.0/1.1 codec and its CBOR variant (Kinesis, application/x-amz-cbor-1.1).
// Both route by X-Amz-Target "<targetPrefix>.<Operation>" and share the error envelope
// {"__type": ..., "message": ...}; SQS (awsQueryCompatible) errors also carry
// x-amzn-query-error. Codecs are immutable after construction and thread-safe.
#pragma once

#include <memory>

#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"

namespace wharf {

// REQUIRES: `model` outlives the codec.
std::unique_ptr<Codec> MakeJsonCodec(const ServiceModel& model);
std::unique_ptr<Codec> MakeCborCodec(const ServiceModel& model);

}  // namespace wharf
