// SQS errors exactly as AWS reports them: shape name (JSON __type), legacy query code and HTTP
// status, from the one table in sqs_errors.cc (aws-wire-protocols.md §4.2). Thread-safe (pure).
#pragma once

#include <string>
#include <string_view>

#include "wharf/core/result.h"

namespace wharf::sqs {

// An error for the modelled shape `shape` (e.g. "QueueDoesNotExist"), with the legacy code and
// status taken from the table; unknown shapes get status 400 and query_code == shape.
AwsError Error(std::string_view shape, std::string message);

// Frequent errors, with AWS's exact messages.
AwsError QueueDoesNotExist();
AwsError InvalidParameterValue(std::string message);  // InvalidParameterValueException
AwsError MissingParameter(std::string_view name);     // "The request must contain the parameter X."
AwsError InvalidAttributeName(std::string message);
AwsError InvalidAttributeValue(std::string message);
// "Value <v> for parameter <p> is invalid. Reason: <r>."-style InvalidParameterValue.
AwsError InvalidValue(std::string_view value, std::string_view parameter, std::string_view reason);
AwsError UnsupportedOperation(std::string_view operation);
// A caller (`principal`, e.g. "arn:aws:iam::111111111111:root") refused `action` on the queue
// `arn` of `region` (403; JSON: AccessDeniedException, query: AccessDenied).
AwsError AccessDenied(std::string_view principal, std::string_view action, std::string_view arn,
                      std::string_view region, bool explicit_deny);

}  // namespace wharf::sqs
