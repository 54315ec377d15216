#include "http/cors.h"

#include <strings.h>

#include <string>

namespace wharf::http_internal {
namespace {

constexpr std::string_view kAllowMethods = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";
constexpr std::string_view kExposeHeaders =
    "x-amzn-RequestId, x-amzn-requestid, x-amz-request-id, x-amz-id-2, x-amzn-ErrorType, "
    "x-amzn-query-error, x-amz-version-id, x-amz-delete-marker, x-amz-checksum-crc32, "
    "x-amz-checksum-crc32c, x-amz-checksum-sha1, x-amz-checksum-sha256, x-amz-crc32, ETag, "
    "Content-Length, Content-Type, Last-Modified, Location, Date";
constexpr std::string_view kDefaultAllowHeaders =
    "authorization, content-type, x-amz-date, x-amz-target, x-amz-user-agent, "
    "x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request";

bool HasHeaderNoCase(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return true;
  }
  return false;
}

}  // namespace

bool IsCorsPreflight(const HttpRequest& request) {
  return request.method == "OPTIONS" && request.HasHeader("origin") &&
         request.HasHeader("access-control-request-method");
}

HttpResponse CorsPreflightResponse(const HttpRequest& request) {
  HttpResponse r;
  r.status = 200;
  std::string_view origin = request.Header("origin");
  r.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  r.headers.emplace_back("Access-Control-Allow-Methods", std::string(kAllowMethods));
  std::string_view requested = request.Header("access-control-request-headers");
  r.headers.emplace_back("Access-Control-Allow-Headers",
                         std::string(requested.empty() ? kDefaultAllowHeaders : requested));
  r.headers.emplace_back("Access-Control-Expose-Headers", std::string(kExposeHeaders));
  r.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  r.headers.emplace_back("Access-Control-Max-Age", "86400");
  r.headers.emplace_back("Vary", "Origin");
  return r;
}

void AddCorsHeaders(std::string_view origin, HttpResponse& response) {
  if (origin.empty()) return;
  if (!HasHeaderNoCase(response, "access-control-allow-origin")) {
    response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
    response.headers.emplace_back("Vary", "Origin");
  }
  if (!HasHeaderNoCase(response, "access-control-expose-headers")) {
    response.headers.emplace_back("Access-Control-Expose-Headers", std::string(kExposeHeaders));
  }
}

}  // namespace wharf::http_internal
