// The HTTP listener: HTTP/1.0, HTTP/1.1 (keep-alive, pipelining, chunked bodies, 100-continue)
// and cleartext HTTP/2 with prior knowledge, all on one port. Owns its io_context and threads;
// no Asio, Beast or nghttp2 type leaks out of this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "wharf/core/result.h"
#include "wharf/http/message.h"

namespace wharf {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                           // 0 picks a free port; see HttpServer::port()
  int threads = 0;                             // I/O threads; 0 = number of cores
  uint64_t max_body_bytes = 16 * 1024 * 1024;  // larger bodies get 413 and the connection closes
  uint32_t max_header_bytes = 64 * 1024;       // larger header blocks get 431 (HTTP/2: per stream)
  int idle_timeout_seconds = 75;  // a connection with nothing in flight closes after this long
  int max_connections = 20000;    // connections beyond this are closed at accept
  // Called once on each I/O thread before it serves anything.
  std::function<void()> on_thread_start;
  // Called on an I/O thread each time it has run the handlers that were ready (at most 64 in a
  // row) and before it waits for more: where work gathered from many requests is finished in
  // one go (committing their writes, say).
  std::function<void()> on_idle;
  // The time (epoch ms) the Date header shows: wharf's Clock, so that SDKs which correct their
  // clock skew from it (JS v3, Java) sign with the time a virtual clock says. Empty: the system
  // clock.
  std::function<int64_t()> now_ms;
};

// A running server. All methods are thread-safe.
//
// The handler is called on an I/O thread once per complete request (CORS preflights are
// answered by the transport and never reach it). It must return quickly and call `respond`
// exactly once, from any thread. Responses on one HTTP/1.1 connection go out in request order.
// CORS headers, Date, Server and Content-Length are added to every response.
class HttpServer {
 public:
  // Binds host:port, starts listening and starts the I/O threads. Fails (InternalFailure) when
  // the address cannot be resolved or bound.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   RequestHandler handler);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the real one when options.port was 0).
  uint16_t port() const;

  // Closes the listening socket; open connections keep working. Idempotent.
  void StopAccepting();

  // Blocks until no request is in flight (handed to the handler and not yet answered) or the
  // timeout passes. Returns true when none is in flight.
  bool WaitForInFlight(std::chrono::milliseconds timeout);

  // Stops accepting, closes every connection (HTTP/1.1 connections first write responses that
  // are already answered; HTTP/2 ones send GOAWAY; unanswered requests are abandoned, so call
  // WaitForInFlight first), waits up to ~2 s for that, then stops the I/O threads and joins
  // them. Idempotent. Respond callbacks still held by handlers stay safe to call afterwards;
  // their responses are dropped.
  void Stop();

  // Open client connections.
  size_t ConnectionCount() const;
  // Requests handed to the handler and not yet answered.
  size_t InFlightCount() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Blocks SIGINT and SIGTERM in the calling thread and in every thread it starts afterwards, so
// that they stay pending for WaitForTerminationSignal instead of killing the process. Call at
// the start of main, before any thread exists.
void BlockTerminationSignals();

// Waits until SIGINT or SIGTERM is pending (sent before or during the call) and returns it.
// REQUIRES: BlockTerminationSignals() was called.
int WaitForTerminationSignal();

}  // namespace wharf
