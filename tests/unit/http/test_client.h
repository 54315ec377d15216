// Test helpers: a blocking raw-socket HTTP/1.1 client and a server fixture with a pluggable
// handler.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wharf/http/server.h"

namespace wharf::testing {

struct RawResponse {
  int status = 0;
  std::string status_line;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One blocking TCP connection to 127.0.0.1:port. Reads time out after 10 s, so a broken
// server fails the test instead of hanging it.
class RawClient {
 public:
  explicit RawClient(uint16_t port);
  ~RawClient();
  bool connected() const { return fd_ >= 0; }
  void Send(std::string_view data);
  // Reads one response; chunked bodies are de-chunked. `head_request`: no body follows.
  std::optional<RawResponse> ReadResponse(bool head_request = false);
  // Reads up to and including the next blank line.
  std::optional<std::string> ReadHead();
  // Reads until the server closes; true on EOF or reset, false on timeout.
  bool WaitClosed();

 private:
  bool Fill();  // reads more into buf_; false on EOF/error/timeout
  std::optional<std::string> TakeLine();
  int fd_ = -1;
  std::string buf_;
};

// Collects Respond callbacks so a test can answer them later, from any thread.
class PendingRequests {
 public:
  void Add(HttpRequest request, Respond respond);
  // Waits until `n` requests arrived (10 s at most).
  bool WaitFor(size_t n);
  std::vector<std::pair<HttpRequest, Respond>> Take();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<HttpRequest, Respond>> items_;
};

// Starts an HttpServer on a free port; `handler` (settable before StartServer) handles
// requests. The default handler echoes "METHOD PATH?QUERY|BODY".
class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {});
  void TearDown() override;
  static HttpResponse Echo(const HttpRequest& request);

  RequestHandler handler = [](HttpRequest request, Respond respond) { respond(Echo(request)); };
  std::unique_ptr<HttpServer> server;
  uint16_t port = 0;
};

// Runs a shell command; returns its stdout.
std::string RunCommand(const std::string& command);

}  // namespace wharf::testing
