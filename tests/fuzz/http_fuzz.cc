#include "http_fuzz.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <memory>
#include <utility>

#include "fuzz_check.h"
#include "wharf/http/server.h"

namespace wharf::fuzz {
namespace {

constexpr uint64_t kMaxBody = 64 * 1024;

void CheckRequest(const HttpRequest& rq) {
  for (const auto& [name, value] : rq.headers) {
    for (char c : name) {
      Check(!std::isupper(static_cast<unsigned char>(c)), "header name not lower-cased");
    }
  }
  std::string joined = rq.path;
  if (rq.target.find('?') != std::string::npos) joined.append("?").append(rq.query);
  Check(joined == rq.target, "path and query do not reassemble the target");
  Check(rq.body.size() <= kMaxBody, "body beyond max_body_bytes reached the handler");
  Check(!rq.method.empty(), "request without a method");
}

void Handle(HttpRequest rq, Respond respond) {
  CheckRequest(rq);
  HttpResponse r;
  r.SetHeader("Content-Type", "text/plain");
  if (rq.path.rfind("/stream", 0) == 0) {
    r.stream = [](std::shared_ptr<BodySink> sink) {
      sink->Write("chunk-1");
      sink->Write("chunk-2");
      sink->Finish();
    };
  } else {
    r.body = rq.method + " " + rq.target + " " + std::to_string(rq.body.size());
  }
  respond(std::move(r));
}

uint16_t ServerPort() {
  static const uint16_t port = [] {
    HttpServerOptions options;
    options.threads = 1;
    options.max_body_bytes = kMaxBody;
    options.max_header_bytes = 8 * 1024;
    options.idle_timeout_seconds = 2;
    auto server = HttpServer::Start(options, Handle);
    Check(server.ok(), "HttpServer::Start failed");
    // Lives for the whole process (reachable, so no leak report).
    static HttpServer* keep = std::move(server).value().release();
    return keep->port();
  }();
  return port;
}

}  // namespace

std::string ExchangeWithServer(std::string_view input) {
  uint16_t port = ServerPort();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  Check(fd >= 0, "socket() failed");
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    size_t sent = 0;
    while (sent < input.size()) {
      ssize_t n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;  // the server may close early (413, 431, protocol errors)
      sent += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    char buf[16 * 1024];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

}  // namespace wharf::fuzz
