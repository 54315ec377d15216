// CORS for browser SDKs. Internal to src/http; pure functions, thread-safe.
#pragma once

#include <string_view>

#include "wharf/http/message.h"

namespace wharf::http_internal {

// True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool IsCorsPreflight(const HttpRequest& request);

// The 200 answer to a preflight: allows the requested method and headers for a day.
HttpResponse CorsPreflightResponse(const HttpRequest& request);

// Adds Access-Control-Allow-Origin (echoing `origin`) and Access-Control-Expose-Headers to
// `response` unless the handler already set them. No-op when `origin` is empty.
void AddCorsHeaders(std::string_view origin, HttpResponse& response);

}  // namespace wharf::http_internal
