// State shared by the listener and every connection of one HttpServer. Internal to src/http.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "wharf/http/message.h"
#include "wharf/http/server.h"

namespace wharf::http_internal {

class Connection;

// Owned jointly by the server and its connections, so that the io_context outlives every
// connection and every Respond callback that still refers to one. Thread-safe.
struct ServerCore {
  // Makes `loop_count` event loops (at least one).
  ServerCore(HttpServerOptions opts, RequestHandler h, int loop_count);

  // One single-threaded event loop per I/O thread. A connection lives on one loop for its
  // whole life, so its state needs no lock; other threads reach it only by posting.
  std::vector<std::unique_ptr<boost::asio::io_context>> loops;
  // The loop for the next accepted connection (round robin).
  boost::asio::io_context& NextLoop();
  const HttpServerOptions options;
  const RequestHandler handler;

  // A request was handed to the handler / was answered.
  void BeginRequest() { in_flight.fetch_add(1); }
  void EndRequest();
  bool WaitIdle(std::chrono::milliseconds timeout);  // in_flight == 0 within timeout
  bool WaitNoConnections(std::chrono::milliseconds timeout);

  // Connection registry (per connection, not per request).
  void Register(const std::shared_ptr<Connection>& c);
  void Unregister(Connection* c);
  void CloseAll();

  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> connections{0};
  // Set by HttpServer::Stop before the I/O threads end: late answers are dropped instead of
  // being queued on an io_context that will never run them.
  std::atomic<bool> stopped{false};

 private:
  std::atomic<uint64_t> next_loop_{0};
  std::atomic<bool> waiting_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;
};

// One client connection (HTTP/1 or HTTP/2). Counts itself in core->connections until it is
// closed (Release) or destroyed, whichever comes first.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(std::shared_ptr<ServerCore> core) : core_(std::move(core)) {
    core_->connections.fetch_add(1);
  }
  virtual ~Connection() { Release(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Closes soon: stops reading, writes the responses already answered (HTTP/1) or sends
  // GOAWAY (HTTP/2), then closes. Unanswered requests are abandoned. Thread-safe.
  virtual void Close() = 0;

 protected:
  // Leaves the registry and the connection count. Idempotent; call on the connection's loop when
  // closing.
  void Release() {
    if (released_) return;
    released_ = true;
    core_->Unregister(this);
    core_->connections.fetch_sub(1);
  }

  std::shared_ptr<ServerCore> core_;

 private:
  bool released_ = false;
};

}  // namespace wharf::http_internal
