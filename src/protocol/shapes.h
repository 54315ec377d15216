// Helpers for walking botocore shapes in a ServiceModel. Shared by every codec and the validator.
// All functions are pure and thread-safe; returned pointers point into the model, which lives
// for the whole process.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "wharf/core/result.h"
#include "wharf/protocol/model.h"

namespace wharf {

// Resolves a reference ({"shape": "Name", <traits>}) to its shape; nullptr if it names none.
const nlohmann::json* ResolveRef(const ServiceModel& model, const nlohmann::json& ref);

// The input / output shape of `operation` (an entry of the model's "operations"); nullptr when
// the operation has none.
const nlohmann::json* InputShape(const ServiceModel& model, const nlohmann::json& operation);
const nlohmann::json* OutputShape(const ServiceModel& model, const nlohmann::json& operation);

// The shape's "type" ("structure", "list", "map", "string", "integer", "long", "float",
// "double", "boolean", "blob", "timestamp"), or "" if absent.
std::string_view ShapeType(const nlohmann::json& shape);

// "StreamName" -> "streamName" (how Coral names members in validation messages).
std::string LowerFirst(std::string_view name);

// Fills the parts of `error` the engine left to the model: when the model has an error shape
// named error.code with an "error" trait and error.query_code is empty, query_code becomes its
// modelled legacy code (e.g. QueueDoesNotExist -> AWS.SimpleQueueService.NonExistentQueue).
// For awsQueryCompatible models (SQS) the unmodelled InvalidParameterValue and MissingParameter
// are accepted under either name and come back as code = JSON name
// (InvalidParameterValueException, MissingRequiredParameterException), query_code = query code.
AwsError WithModelledError(const ServiceModel& model, AwsError error);

}  // namespace wharf
