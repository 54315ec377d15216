// Model-driven mapping of query-protocol form parameters to a JSON input document, following
// botocore's QuerySerializer in reverse: structure members by locationName, lists as
// "Name.member.N" (or the member's locationName) or flattened "Name.N", maps as
// "Name.entry.N.key/value" or flattened (e.g. SQS "Attribute.N.Name/Value"). Scalars are
// typed per shape: integers/longs and floats as numbers, booleans from "true"/"false", blobs
// from base64 to json binary, timestamps to epoch seconds. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "protocol/query/form.h"
#include "protocol/query/shape_plan.h"
#include "wharf/core/result.h"

namespace wharf::query {

// Builds the input document for the structure `input` (nullptr: no input, an empty object).
// Params that the shape does not describe (Action, Version, auth parameters) are ignored.
// Errors: InvalidParameterValue (400) for a scalar that does not parse as its type.
Result<nlohmann::json> DecodeQueryInput(const PlanNode* input, const FormParams& params);

}  // namespace wharf::query
