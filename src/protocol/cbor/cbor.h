// CBOR (RFC 8949) reading and writing for the Kinesis CBOR protocol.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "wharf/core/result.h"
#include "wharf/protocol/model.h"

namespace wharf {

// Parses one CBOR data item (the whole input). Tags are dropped (tag 1 + integer stays the
// integer), byte strings become json binary. SerializationException on malformed input or
// trailing bytes. Never throws.
Result<nlohmann::json> ParseCbor(std::string_view bytes);

// Encodes an engine document as CBOR. `shape` (nullable) drives timestamps: a number under a
// timestamp shape is written as tag 1 + integer epoch MILLISECONDS (what the Java SDKs expect).
// json binary becomes a byte string; everything else maps to the natural CBOR type.
std::string WriteCbor(const ServiceModel& model, const nlohmann::json* shape,
                      const nlohmann::json& value);

}  // namespace wharf
