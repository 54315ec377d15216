// Helpers for the rest-json / rest-xml codec tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "wharf/http/message.h"

namespace wharf::testing {

// A request from a golden case recorded from botocore (rest_json/gen_requests.py).
inline HttpRequest RequestFromGolden(const nlohmann::json& c) {
  HttpRequest r;
  r.method = c["method"].get<std::string>();
  r.path = c["path"].get<std::string>();
  r.query = c["query"].get<std::string>();
  r.target = r.query.empty() ? r.path : r.path + "?" + r.query;
  r.headers.emplace_back("host", "localhost:4566");
  for (const auto& [k, v] : c["headers"].items()) r.headers.emplace_back(k, v.get<std::string>());
  r.body = c["body"].get<std::string>();
  return r;
}

inline std::string ResponseHeader(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

}  // namespace wharf::testing
