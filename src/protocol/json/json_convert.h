// Conversion between the JSON-family wire documents (awsJson, CBOR) and the engine convention
// (wharf/dispatch/engine.h: blobs are json binary, timestamps are epoch seconds).
#pragma once

#include <nlohmann/json.hpp>

#include "wharf/core/result.h"
#include "wharf/protocol/model.h"

namespace wharf {

enum class WireFormat {
  kJson,  // blobs are base64 strings; timestamps epoch seconds (numbers) or ISO-8601 text
  kCbor,  // blobs are byte strings; timestamps (tag 1 already stripped) epoch milliseconds
};

// Rewrites `value` in place from wire form to engine form along `shape`: checks JSON types
// (SerializationException on a mismatch), turns blobs into json binary and timestamps into
// epoch seconds, and drops null members. Members the model does not know are kept unchanged.
// Never throws.
Status WireToEngine(const ServiceModel& model, const nlohmann::json& shape, nlohmann::json& value,
                    WireFormat format);

}  // namespace wharf
