// Model-driven input validation with the error each real service gives (its "flavour").
//
// Input documents use the engine conventions (wharf/dispatch/engine.h): blobs are json binary,
// timestamps are numbers. Codecs call ValidateInput after decoding; wire-level type problems are
// the codec's (see SerializationError).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "wharf/core/result.h"
#include "wharf/protocol/model.h"

namespace wharf {

enum class ValidationStyle {
  // Coral: "1 validation error detected: Value null at 'streamName' failed to satisfy
  // constraint: Member must not be null" ("N validation errors detected: a; b").
  kCoral,
  // SQS: MissingParameter "The request must contain the parameter X." / InvalidParameterValue
  // "Value V for parameter X is invalid. Reason: R." (first problem only).
  kSqs,
};

// One row of the flavour table (validate_flavour.cc).
struct ValidationFlavour {
  std::string_view service;  // signing name; "" is the default row
  ValidationStyle style;
  std::string_view code;   // kCoral: the error code (ValidationException, ValidationError, ...)
  bool input_prefix;       // kCoral: body members are reported as "<op>Input.<member>"
  bool check_constraints;  // min/max/enum/pattern (false: required members and types only)
};

// The flavour of `service` (the default row for services not in the table). Thread-safe.
const ValidationFlavour& FlavourFor(std::string_view service);

// Validates `input` against the input shape of `operation`: required members, JSON types,
// lengths, ranges, enums and patterns (patterns only for strings up to 4 KiB, and only those the
// ECMAScript engine accepts). Returns the service-flavoured error for the first problem (SQS) or
// all problems (Coral). An unknown operation or a missing input shape validates as OK when
// `input` is an object. Never throws. Thread-safe.
Status ValidateInput(const ServiceModel& model, std::string_view operation,
                     const nlohmann::json& input);

// The flavoured "required member missing" error, for codecs that find it before validation
// (`member` is the model's member name, e.g. "QueueUrl").
AwsError MissingParameterError(const ServiceModel& model, std::string_view member);

// A malformed body or a value of the wrong wire type: SerializationException (400).
AwsError SerializationError(std::string message);

}  // namespace wharf
