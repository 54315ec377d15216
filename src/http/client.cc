// HttpClient on Beast: one I/O thread, C++20 coroutines, a small idle-connection pool.
#include "wharf/http/client.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "wharf/core/thread_name.h"

namespace wharf {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

constexpr size_t kMaxIdlePerKey = 4;
constexpr uint64_t kMaxResponseBody = 64 * 1024 * 1024;

// One connection: plain TCP or TLS over TCP.
struct Conn {
  std::unique_ptr<beast::tcp_stream> tcp;
  std::unique_ptr<ssl::stream<beast::tcp_stream>> tls;
  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool HasHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (Lower(k) == name) return true;
  }
  return false;
}

class BeastHttpClient final : public HttpClient {
 public:
  explicit BeastHttpClient(HttpClientOptions options)
      : options_(std::move(options)), work_(asio::make_work_guard(io_)) {
    thread_ = std::thread([this] {
      NameThisThread("wharf-http-out");
      io_.run();
    });
  }
  ~BeastHttpClient() override { Stop(); }

  void Send(HttpClientRequest request, HttpClientDone done) override {
    auto url = ParseHttpUrl(request.url);
    if (!url.ok()) return done(std::move(url).error());
    if (stopped_.load()) return done(AwsError::ServiceUnavailable("HTTP client is stopped"));
    if (url->https && !TlsError().empty()) {
      return done(AwsError::ServiceUnavailable("CA file " + options_.ca_file + ": " + TlsError()));
    }
    if (request.timeout.count() <= 0) request.timeout = options_.default_timeout;
    asio::co_spawn(io_, Exchange(std::move(request), std::move(url).value(), std::move(done)),
                   asio::detached);
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mu_);
    idle_.clear();
  }

 private:
  // Makes the TLS context on the first https request (loading the system's CA bundle takes tens
  // of milliseconds, which start-up should not pay) and returns why it cannot verify, if so.
  const std::string& TlsError() {
    std::call_once(tls_once_, [this] {
      tls_ctx_ = std::make_unique<ssl::context>(ssl::context::tls_client);
      if (options_.insecure) {
        tls_ctx_->set_verify_mode(ssl::verify_none);
        return;
      }
      boost::system::error_code ec;
      if (options_.ca_file.empty()) {
        tls_ctx_->set_default_verify_paths(ec);
      } else {
        tls_ctx_->load_verify_file(options_.ca_file, ec);
      }
      ca_error_ = ec ? ec.message() : "";
      tls_ctx_->set_verify_mode(ssl::verify_peer);
    });
    return ca_error_;
  }

  static std::string Key(const ParsedUrl& u) {
    return (u.https ? "https://" : "http://") + u.host + ":" + u.port;
  }

  std::unique_ptr<Conn> TakeIdle(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = idle_.find(key);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    auto c = std::move(it->second.back());
    it->second.pop_back();
    return c;
  }

  void PutIdle(const std::string& key, std::unique_ptr<Conn> c) {
    std::lock_guard lock(mu_);
    auto& v = idle_[key];
    if (v.size() < kMaxIdlePerKey) v.push_back(std::move(c));
  }

  asio::awaitable<std::unique_ptr<Conn>> Connect(const ParsedUrl& u,
                                                 std::chrono::steady_clock::time_point deadline) {
    auto c = std::make_unique<Conn>();
    tcp::resolver resolver(io_);
    auto endpoints = co_await resolver.async_resolve(u.host, u.port, asio::use_awaitable);
    if (u.https) {
      c->tls = std::make_unique<ssl::stream<beast::tcp_stream>>(io_, *tls_ctx_);
      if (!SSL_set_tlsext_host_name(c->tls->native_handle(), u.host.c_str())) {
        throw boost::system::system_error(beast::error_code(static_cast<int>(::ERR_get_error()),
                                                            asio::error::get_ssl_category()));
      }
      if (!options_.insecure) c->tls->set_verify_callback(ssl::host_name_verification(u.host));
    } else {
      c->tcp = std::make_unique<beast::tcp_stream>(io_);
    }
    c->Lowest().expires_at(deadline);
    co_await c->Lowest().async_connect(endpoints, asio::use_awaitable);
    if (c->tls) co_await c->tls->async_handshake(ssl::stream_base::client, asio::use_awaitable);
    co_return c;
  }

  // One request/response on `c`; returns whether the connection may be kept.
  static asio::awaitable<bool> RoundTrip(Conn& c, const bhttp::request<bhttp::string_body>& req,
                                         HttpResponse& out) {
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    if (c.tls) {
      co_await bhttp::async_write(*c.tls, req, asio::use_awaitable);
      co_await bhttp::async_read(*c.tls, buffer, parser, asio::use_awaitable);
    } else {
      co_await bhttp::async_write(*c.tcp, req, asio::use_awaitable);
      co_await bhttp::async_read(*c.tcp, buffer, parser, asio::use_awaitable);
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.headers.clear();
    for (const auto& f : res) {
      out.headers.emplace_back(Lower(std::string(f.name_string())), std::string(f.value()));
    }
    out.body = std::move(res.body());
    co_return res.keep_alive() && buffer.size() == 0;
  }

  // Runs one exchange and calls `done` exactly once: every awaited operation's error is
  // caught here, and `done` runs outside any try block.
  asio::awaitable<void> Exchange(HttpClientRequest request, ParsedUrl url, HttpClientDone done) {
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    bhttp::request<bhttp::string_body> req;
    bhttp::verb verb = bhttp::string_to_verb(request.method);
    if (verb == bhttp::verb::unknown) {
      req.method_string(request.method);
    } else {
      req.method(verb);
    }
    req.target(url.target);
    req.version(11);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    if (!HasHeader(request.headers, "host")) req.set(bhttp::field::host, url.HostHeader());
    if (!HasHeader(request.headers, "user-agent")) req.set(bhttp::field::user_agent, "wharf");
    req.body() = std::move(request.body);
    req.prepare_payload();
    req.keep_alive(true);

    const std::string key = Key(url);
    HttpResponse out;
    bool ok = false;
    bool timed_out = false;
    std::string error = "exchange failed for " + request.url;
    for (int attempt = 0; attempt < 2 && !ok; ++attempt) {
      std::unique_ptr<Conn> c = attempt == 0 ? TakeIdle(key) : nullptr;
      const bool reused = c != nullptr;
      std::string stage = "connect";
      boost::system::error_code ec;
      try {
        if (!c) c = co_await Connect(url, deadline);
        c->Lowest().expires_at(deadline);
        stage = "exchange";
        bool keep = co_await RoundTrip(*c, req, out);
        if (keep) {
          c->Lowest().expires_never();
          PutIdle(key, std::move(c));
        }
        ok = true;
      } catch (const boost::system::system_error& e) {
        ec = e.code();
      }
      if (ok) break;
      timed_out = ec == beast::error::timeout;
      error = stage + " failed for " + request.url + ": " + ec.message();
      if (timed_out || !reused) break;  // else a stale keep-alive connection: try a fresh one
    }
    if (ok) {
      done(std::move(out));
    } else if (timed_out) {
      done(AwsError::Client("RequestTimeout", "timed out: " + error, 408));
    } else {
      done(AwsError::ServiceUnavailable(error));
    }
  }

  HttpClientOptions options_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::once_flag tls_once_;
  std::unique_ptr<ssl::context> tls_ctx_;  // made by TlsError(), which Send calls for https
  std::string ca_error_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Conn>>> idle_;
};

}  // namespace

std::string ParsedUrl::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if ((https && port != "443") || (!https && port != "80")) h += ":" + port;
  return h;
}

Result<ParsedUrl> ParseHttpUrl(const std::string& url) {
  ParsedUrl u;
  std::string_view rest(url);
  if (rest.starts_with("https://")) {
    u.https = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return AwsError::Client("InvalidParameter", "not an http(s) URL: " + url);
  }
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (u.target.front() == '?') u.target.insert(0, "/");
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return AwsError::Client("InvalidParameter", "bad host");
    u.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (authority.starts_with(":")) u.port = std::string(authority.substr(1));
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) u.port = std::string(authority.substr(colon + 1));
  }
  if (u.host.empty()) return AwsError::Client("InvalidParameter", "no host in URL: " + url);
  if (u.port.empty()) u.port = u.https ? "443" : "80";
  for (char ch : u.port) {
    if (ch < '0' || ch > '9') return AwsError::Client("InvalidParameter", "bad port in " + url);
  }
  return u;
}

std::unique_ptr<HttpClient> HttpClient::Create(HttpClientOptions options) {
  return std::make_unique<BeastHttpClient>(std::move(options));
}

}  // namespace wharf
