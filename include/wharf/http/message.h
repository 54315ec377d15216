// Transport-neutral HTTP request and response. Only src/http sees Beast or nghttp2 types; the
// rest of wharf sees these.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wharf {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string target;   // as sent: path plus optional "?query"
  std::string path;     // target before '?', still percent-encoded
  std::string query;    // target after '?', without it; still percent-encoded
  HeaderList headers;   // names lower-cased, in arrival order
  std::string body;     // de-chunked
  std::string remote_address;
  bool http2 = false;

  // First header named `name` (lower-case), or "" if absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

// A sink for a long-lived streamed response body (e.g. Kinesis SubscribeToShard). Write and
// Finish may be called from any thread; the transport serialises them. After the peer goes
// away, Write returns false and the producer should stop.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual bool Write(std::string chunk) = 0;
  virtual void Finish() = 0;
  virtual bool IsOpen() const = 0;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // Content-Length is added by the transport
  std::string body;
  // When set, `body` is ignored: the transport sends the headers (chunked on HTTP/1.1, a
  // stream on HTTP/2) and calls `stream(sink)` once; the producer then writes to the sink
  // until it calls Finish.
  std::function<void(std::shared_ptr<BodySink>)> stream;

  void SetHeader(std::string name, std::string value);
};

// Answers a request. Called exactly once per request, from any thread.
using Respond = std::function<void(HttpResponse)>;

// What the transport calls for each complete request. It must return quickly: slow work
// (long polls, storage commits) answers later through `respond`.
using RequestHandler = std::function<void(HttpRequest, Respond)>;

}  // namespace wharf
