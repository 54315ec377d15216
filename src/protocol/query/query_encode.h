// XML bodies of the query protocol (SNS, SQS for pre-2024 clients). Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "protocol/query/shape_plan.h"
#include "wharf/core/result.h"
#include "wharf/protocol/model.h"

namespace wharf::query {

// The XML namespace of the service: metadata.xmlNamespace, else
// "http://queue.amazonaws.com/doc/<apiVersion>/" for SQS, else
// "http://<endpointPrefix>.amazonaws.com/doc/<apiVersion>/".
std::string QueryXmlNamespace(const ServiceModel& model);

// <OpResponse xmlns=ns><OpResult>...</OpResult><ResponseMetadata><RequestId>id</RequestId>
// </ResponseMetadata></OpResponse>. The result element (the output's resultWrapper, else
// "<Op>Result") is written whenever the operation has an output shape, empty or not.
// REQUIRES: `operation` exists in `model`.
// `plan` is the model's compiled shapes.
std::string EncodeQueryResponse(const ServiceModel& model, const ShapePlan& plan,
                                std::string_view xml_namespace, const std::string& operation,
                                const nlohmann::json& output, std::string_view request_id);

// <ErrorResponse xmlns=ns><Error><Type>Sender|Receiver</Type><Code>QueryCode</Code>
// <Message>..</Message>[<Detail/>]</Error><RequestId>..</RequestId></ErrorResponse>. SQS writes
// the empty Detail element, SNS does not (both recorded): `with_detail`.
std::string EncodeQueryError(std::string_view xml_namespace, const AwsError& error,
                             std::string_view request_id, bool with_detail);

}  // namespace wharf::query
