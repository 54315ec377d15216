// Shape-driven XML request bodies for rest-xml (S3): RapidXML parse, then the root element's
// children mapped to members by locationName, flattened or <member>-wrapped lists, maps, and
// typed scalars (engine conventions: blobs json binary, timestamps epoch seconds).
// Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "protocol/query/shape_ref.h"
#include "wharf/core/result.h"
#include "wharf/protocol/model.h"

namespace wharf::rest {

// Converts the root element of `xml` to the JSON value of structure `r` (the root's own name is
// not checked). MalformedXML (400) when the document is not well-formed.
Result<nlohmann::json> ParseXmlBody(const ServiceModel& model, const query::ShapeRef& r,
                                    std::string_view xml);

}  // namespace wharf::rest
