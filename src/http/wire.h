// Small wire helpers shared by the HTTP/1 and HTTP/2 sessions. Internal to src/http.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "wharf/http/message.h"

namespace wharf::http_internal {

constexpr std::string_view kServerName = "wharf";

// The time `now_ms` (epoch ms; empty: the system clock) gives, as an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), cached per second per thread. Thread-safe.
std::string_view HttpDate(const std::function<int64_t()>& now_ms);

// Fills request.path and request.query from request.target.
void SplitTarget(HttpRequest& request);

// Case-insensitive ASCII comparison.
bool EqualsNoCase(std::string_view a, std::string_view b);

// Headers the transport owns: a handler's value for these is ignored (Content-Length is kept
// for HEAD answers, where it describes the entity).
bool IsTransportHeader(std::string_view name);

// What the transport must add because the handler did not set it.
struct HeaderPresence {
  bool date = false;
  bool server = false;
  bool content_length = false;
};
HeaderPresence ScanHeaders(const HttpResponse& response);

// May a response with this status (to a request with this method) carry a body?
bool StatusAllowsBody(int status, bool head_request);

// Appends an HTTP/1.x status line, the handler's headers, Date (`date`, unless the handler set
// one), Server, the framing header
// (Content-Length: body_size, or Transfer-Encoding: chunked when `chunked`), Connection when
// needed, and the blank line. `version` is 10 or 11.
void AppendHttp1Head(std::string& out, int version, bool keep_alive, bool head_request,
                     bool chunked, size_t body_size, const HttpResponse& response,
                     std::string_view date);

}  // namespace wharf::http_internal
