// Raw HTTP/1.1 for the load generator: request serialization and a minimal response parser
// (status line, Content-Length, chunked, read-until-close). No Beast: the bytes are written here so
// that the generator stays cheap and sends exactly what an SDK sends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wharf::bench {

struct HttpRequest {
  std::string method = "POST";
  std::string target = "/";
  // In wire order. Host must be present; Content-Length is added by Serialize().
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Returns the request as HTTP/1.1 bytes, with Content-Length for any POST/PUT or non-empty body.
std::string Serialize(const HttpRequest& request);

struct HttpResponse {
  int status = 0;
  bool keep_alive = true;  // false when the server said Connection: close (or HTTP/1.0)
  std::string body;        // de-chunked
};

enum class ParseState { kIncomplete, kComplete, kError };

struct ParseResult {
  ParseState state = ParseState::kIncomplete;
  size_t consumed = 0;  // bytes of `data` that made up the response (valid when kComplete)
};

// Parses one response from the start of `data`. Stateless: call again with more bytes on
// kIncomplete. `head_request` means the response has no body. A response with neither
// Content-Length nor chunked encoding ends at connection close: see ParseAtEof().
ParseResult ParseResponse(std::string_view data, HttpResponse* out, bool head_request = false);

// Completes a read-until-close response after EOF. Returns kError if `data` is not such a
// response (e.g. truncated headers or a short Content-Length body).
ParseResult ParseAtEof(std::string_view data, HttpResponse* out);

}  // namespace wharf::bench
