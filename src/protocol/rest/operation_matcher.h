// Finds the operation of a REST request (rest-json, rest-xml) from the model's http traits:
// method + requestUri template ("{label}" one segment, "{label+}" greedy, static query parts
// such as "?uploads" or "?list-type=2"). When several operations match (S3's PutObject,
// UploadPart and CopyObject share "PUT /{Bucket}/{Key+}"), the one with the most literal path
// segments, then static query parts, then required query/header members present wins.
// Immutable after construction; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wharf/core/encoding.h"
#include "wharf/http/message.h"
#include "wharf/protocol/model.h"

namespace wharf::rest {

// Decoded query parameters in request order (ParseFormPairs); names may repeat.
using QueryList = FormPairs;

struct RouteMatch {
  std::string operation;
  const nlohmann::json* definition = nullptr;  // the model's operation entry
  std::map<std::string, std::string> labels;   // label -> decoded value (greedy keeps '/')
};

class OperationMatcher {
 public:
  // REQUIRES: `model` outlives the matcher.
  explicit OperationMatcher(const ServiceModel& model);

  // The best operation for the request; `operation` is empty when none matches.
  RouteMatch Match(const HttpRequest& request, const QueryList& query) const;

 private:
  struct Segment {
    enum Kind { kLiteral, kLabel, kGreedy } kind;
    std::string text;  // literal text or label name
  };
  struct Route {
    std::string operation;
    const nlohmann::json* definition;
    std::string method;
    std::vector<Segment> segments;
    std::vector<std::pair<std::string, std::string>> static_query;  // value "" = key only
    std::vector<std::string> required_query;                        // names
    std::vector<std::string> required_headers;                      // lower-case
    int literals = 0;
  };

  // Score of `route` for the request (-1 = no match); fills `labels`.
  int Score(const Route& route, const std::vector<std::string_view>& segments,
            const QueryList& query, const HttpRequest& request,
            std::map<std::string, std::string>& labels) const;

  std::vector<Route> routes_;
};

}  // namespace wharf::rest
