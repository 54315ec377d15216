// An outbound HTTP/1.1 client (http:// and https://) for engines that call out, such as SNS
// delivering to http/https subscriptions. Owns its I/O thread; no Asio, Beast or OpenSSL type
// leaks out of this header.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "wharf/core/result.h"
#include "wharf/http/message.h"

namespace wharf {

struct HttpClientOptions {
  std::string ca_file;    // PEM bundle to verify https servers; empty = the system's defaults
  bool insecure = false;  // true: https servers are not verified (self-signed endpoints)
  std::chrono::milliseconds default_timeout{15000};
};

struct HttpClientRequest {
  std::string method = "POST";
  std::string url;     // http://host[:port]/path?query or https://...
  HeaderList headers;  // Host, Content-Length and User-Agent are added when absent
  std::string body;
  std::chrono::milliseconds timeout{0};  // whole exchange (resolve..response); 0 = default
};

// The response (status, headers with lower-cased names, body), or an error: InvalidParameter
// for a malformed/unsupported URL, RequestTimeout when the timeout passed, ServiceUnavailable
// for resolve/connect/TLS/IO failures (the message says which).
using HttpClientDone = std::function<void(Result<HttpResponse>)>;

class HttpClient {
 public:
  // Starts the client's I/O thread.
  static std::unique_ptr<HttpClient> Create(HttpClientOptions options = {});
  virtual ~HttpClient() = default;  // Stop()
  // Sends `request`; `done` runs exactly once on the client's thread (at once, on the caller's
  // thread, for a malformed URL or after Stop). Thread-safe. An idle keep-alive connection to
  // the same scheme://host:port is reused (a request failing on a reused one is retried once on
  // a fresh connection).
  virtual void Send(HttpClientRequest request, HttpClientDone done) = 0;
  // Abandons everything in flight (their `done` never run) and joins the thread. Idempotent;
  // Send after Stop fails at once.
  virtual void Stop() = 0;
};

// The parts of an http(s) URL. `target` is path plus query ("/" when empty).
struct ParsedUrl {
  bool https = false;
  std::string host;  // without brackets for IPv6
  std::string port;  // explicit or 80/443
  std::string target;
  std::string HostHeader() const;  // host[:port] as it goes into the Host header
};
Result<ParsedUrl> ParseHttpUrl(const std::string& url);

}  // namespace wharf
