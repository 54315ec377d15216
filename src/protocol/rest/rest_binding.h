// Binding of REST members to and from the HTTP envelope: URI labels, query string, headers,
// header-prefix maps and the status code ("location" traits), plus the "payload" trait.
// Shared by the rest-json and rest-xml codecs. Pure functions, thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "protocol/query/shape_ref.h"
#include "protocol/rest/operation_matcher.h"
#include "wharf/core/result.h"
#include "wharf/http/message.h"
#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"

namespace wharf::rest {

// First request header named `lower_name` (headers are stored lower-case); "" when absent.
std::string_view FindHeader(const HttpRequest& request, std::string_view lower_name);
bool HasHeader(const HttpRequest& request, std::string_view lower_name);

// Converts header/query/label text to the JSON value of scalar shape `r` (numbers, booleans,
// timestamps as epoch seconds, blobs from base64, strings as is). SerializationException
// (400) naming `what` when the text does not parse.
Result<nlohmann::json> ParseScalarText(const query::ShapeRef& r, std::string_view text,
                                       std::string_view what);

// Sets every member of `input_shape` bound to the URI, query string or headers into `input`
// (an object). Members without a location are left to the body decoder.
Status BindRequestMembers(const ServiceModel& model, const nlohmann::json& input_shape,
                          const RouteMatch& match, const QueryList& query,
                          const HttpRequest& request, nlohmann::json& input);

// Decodes a request body of one protocol (JSON, XML...) into `input` per `input_shape`.
using BodyDecoder = std::function<Status(const nlohmann::json& input_shape, const std::string& body,
                                         nlohmann::json& input)>;

// The call for a matched route: the body read by `decode_body`, then the members bound to the
// URI, query string and headers, then the model's validation. REQUIRES: match.operation set.
Result<DecodedCall> DecodeMatchedCall(const ServiceModel& model, const RouteMatch& match,
                                      const QueryList& query, const HttpRequest& request,
                                      const BodyDecoder& decode_body);

// Writes the members of `output_shape` bound to headers, header-prefix maps or the status code
// into `response`, and returns `output` without them (what belongs in the body).
nlohmann::json BindResponseMembers(const ServiceModel& model, const nlohmann::json& output_shape,
                                   const nlohmann::json& output, HttpResponse& response);

// The member named by `shape`'s "payload" trait; name empty when there is none.
struct Payload {
  std::string name;
  query::ShapeRef ref;
};
Payload PayloadOf(const ServiceModel& model, const nlohmann::json& shape);

// The modelled success status of an operation entry (http.responseCode, default 200).
int SuccessStatus(const nlohmann::json& operation);

}  // namespace wharf::rest
