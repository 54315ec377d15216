// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for the generator's tests. Each request
// (head + Content-Length body) is handed to `handler`, whose return value is written back as raw
// bytes; an empty return means "never answer". Records every request. Runs on its own thread.
#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wharf::bench::testing {

struct SeenRequest {
  std::string head;
  std::string body;
};

class FakeServer {
 public:
  using Handler = std::function<std::string(const SeenRequest&)>;

  explicit FakeServer(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeServer() {
    io_.stop();
    thread_.join();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  std::vector<SeenRequest> Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  // "HTTP/1.1 <status> X" with a Content-Length body.
  static std::string Reply(int status, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  struct Session {
    explicit Session(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
    std::string in;
    std::string out;
    char buf[4096];
  };

  void Accept() {
    auto s = std::make_shared<Session>(io_);
    acceptor_.async_accept(s->socket, [this, s](const boost::system::error_code& ec) {
      if (ec) return;
      Read(s);
      Accept();
    });
  }

  void Read(std::shared_ptr<Session> s) {
    s->socket.async_read_some(boost::asio::buffer(s->buf),
                              [this, s](const boost::system::error_code& ec, size_t n) {
                                if (ec) return;
                                s->in.append(s->buf, n);
                                Process(s);
                              });
  }

  void Process(std::shared_ptr<Session> s) {
    size_t end = s->in.find("\r\n\r\n");
    if (end == std::string::npos) return Read(s);
    SeenRequest r;
    r.head = s->in.substr(0, end + 4);
    size_t length = 0;
    size_t cl = r.head.find("Content-Length: ");
    if (cl != std::string::npos) length = std::stoul(r.head.substr(cl + 16));
    if (s->in.size() < end + 4 + length) return Read(s);
    r.body = s->in.substr(end + 4, length);
    s->in.erase(0, end + 4 + length);
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(r);
    }
    s->out = handler_(r);
    if (s->out.empty()) return Read(s);  // keep reading, never answer
    boost::asio::async_write(s->socket, boost::asio::buffer(s->out),
                             [this, s](const boost::system::error_code& ec, size_t) {
                               if (!ec) Process(s);
                             });
  }

  Handler handler_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<SeenRequest> seen_;
};

}  // namespace wharf::bench::testing
