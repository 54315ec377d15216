#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace wharf::testing {

RawClient::RawClient(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) close(fd_);
}

void RawClient::Send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

bool RawClient::Fill() {
  char tmp[16384];
  ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

std::optional<std::string> RawClient::TakeLine() {
  size_t pos;
  while ((pos = buf_.find("\r\n")) == std::string::npos) {
    if (!Fill()) return std::nullopt;
  }
  std::string line = buf_.substr(0, pos);
  buf_.erase(0, pos + 2);
  return line;
}

std::optional<std::string> RawClient::ReadHead() {
  size_t pos;
  while ((pos = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return std::nullopt;
  }
  std::string head = buf_.substr(0, pos + 4);
  buf_.erase(0, pos + 4);
  return head;
}

std::optional<RawResponse> RawClient::ReadResponse(bool head_request) {
  RawResponse r;
  auto status_line = TakeLine();
  if (!status_line) return std::nullopt;
  r.status_line = *status_line;
  if (r.status_line.size() < 12) return std::nullopt;
  r.status = std::atoi(r.status_line.c_str() + 9);
  for (;;) {
    auto line = TakeLine();
    if (!line) return std::nullopt;
    if (line->empty()) break;
    auto colon = line->find(':');
    std::string name = line->substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t v = colon + 1;
    while (v < line->size() && (*line)[v] == ' ') ++v;
    r.headers[name] = line->substr(v);
  }
  if (head_request || r.status == 204 || r.status == 304 || r.status < 200) return r;
  if (r.Header("transfer-encoding") == "chunked") {
    for (;;) {
      auto size_line = TakeLine();
      if (!size_line) return std::nullopt;
      size_t size = std::strtoul(size_line->c_str(), nullptr, 16);
      while (buf_.size() < size + 2) {
        if (!Fill()) return std::nullopt;
      }
      r.body.append(buf_, 0, size);
      buf_.erase(0, size + 2);
      if (size == 0) break;
    }
    return r;
  }
  size_t length = std::strtoul(r.Header("content-length").c_str(), nullptr, 10);
  while (buf_.size() < length) {
    if (!Fill()) return std::nullopt;
  }
  r.body = buf_.substr(0, length);
  buf_.erase(0, length);
  return r;
}

bool RawClient::WaitClosed() {
  char tmp[4096];
  for (;;) {
    ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
  }
}

void PendingRequests::Add(HttpRequest request, Respond respond) {
  std::lock_guard lock(mu_);
  items_.emplace_back(std::move(request), std::move(respond));
  cv_.notify_all();
}

bool PendingRequests::WaitFor(size_t n) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return items_.size() >= n; });
}

std::vector<std::pair<HttpRequest, Respond>> PendingRequests::Take() {
  std::lock_guard lock(mu_);
  return std::move(items_);
}

void HttpServerTest::StartServer(HttpServerOptions options) {
  options.port = 0;
  if (options.threads == 0) options.threads = 2;
  auto started = HttpServer::Start(
      options, [this](HttpRequest rq, Respond rs) { handler(std::move(rq), std::move(rs)); });
  ASSERT_TRUE(started.ok()) << started.error().message;
  server = std::move(started).value();
  port = server->port();
  ASSERT_NE(port, 0);
}

void HttpServerTest::TearDown() {
  if (server) server->Stop();
}

HttpResponse HttpServerTest::Echo(const HttpRequest& request) {
  HttpResponse r;
  r.SetHeader("Content-Type", "text/plain");
  r.body = request.method + " " + request.path + "?" + request.query + "|" + request.body;
  return r;
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

}  // namespace wharf::testing
