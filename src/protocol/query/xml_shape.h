// Shape-driven XML serialisation shared by the query and rest-xml codecs (botocore's
// BaseXMLResponseParser rules in reverse). Values follow wharf's engine conventions: blobs are
// json binary (a string is taken as raw bytes), timestamps epoch seconds. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "protocol/query/shape_plan.h"
#include "protocol/query/shape_ref.h"
#include "protocol/query/xml_writer.h"

namespace wharf::query {

// Writes the members of structure `node` present in `value` (an object) as child elements, in
// model order. Members bound elsewhere (a "location" trait: header, uri, ...; xmlAttribute)
// are skipped, as are null values.
void WriteXmlMembers(const PlanNode& node, const nlohmann::json& value, XmlWriter& out);

// Writes `value` of `node` as element(s) named `name`: flattened lists and maps repeat the
// element, others nest <member>/<entry>.
void WriteXmlValue(const PlanNode& node, std::string_view name, const nlohmann::json& value,
                   XmlWriter& out);

// The text form of a scalar for XML bodies and headers: booleans "true"/"false", numbers,
// timestamps per `timestamp_format` (when empty, `default_format`: "iso8601", "rfc822" or
// "unixTimestamp"), blobs base64, strings as they are.
std::string ScalarText(Kind kind, std::string_view timestamp_format, const nlohmann::json& value,
                       std::string_view default_format = "iso8601");
std::string ScalarText(const ShapeRef& r, const nlohmann::json& value,
                       std::string_view default_format = "iso8601");

}  // namespace wharf::query
