// REST codecs: rest-json (API Gateway, Elastic Transcoder) and rest-xml (S3, path-style; the
// router resolves virtual-host buckets into the path). Both match the operation by method and
// requestUri template (operation_matcher.h), bind members by location (rest_binding.h) and put
// the rest in the body: JSON for rest-json, XML with the service namespace for rest-xml.
// Success statuses come from the model (http.responseCode). Errors:
//   rest-json: x-amzn-ErrorType: <code> header + {"message": ...} (no match: 404
//              UnknownOperationException);
//   rest-xml:  <Error><Code/><Message/><RequestId/></Error> (no match: 405 MethodNotAllowed);
//              HEAD responses carry no body.
// Thread-safe; one instance per service model.
#pragma once

#include <memory>

#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"

namespace wharf {

// REQUIRES: `model` outlives the codec.
std::unique_ptr<Codec> MakeRestJsonCodec(const ServiceModel& model);
std::unique_ptr<Codec> MakeRestXmlCodec(const ServiceModel& model);

}  // namespace wharf
