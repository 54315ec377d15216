#include "http/http1_session.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <charconv>
#include <string_view>
#include <utility>

#include "http/cors.h"
#include "http/h2_session.h"
#include "http/wire.h"

namespace wharf::http_internal {

namespace net = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// Requests read ahead of their answers on one connection (pipelining back-pressure).
constexpr size_t kMaxPipelined = 32;
constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Room for an answer's status line and headers, so that writing them does not reallocate.
constexpr size_t kUsualHeadBytes = 512;

void AppendHex(std::string& out, size_t n) {
  char buf[20];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n, 16);
  out.append(buf, end);
}

}  // namespace

// The sink of one streamed HTTP/1 response. Keeps the session alive while the producer holds
// it; the session drops its own reference on Finish or close.
class Http1Sink : public BodySink {
 public:
  Http1Sink(std::shared_ptr<Http1Session> session, net::any_io_executor executor, uint64_t seq)
      : session_(std::move(session)), executor_(std::move(executor)), seq_(seq) {}

  bool Write(std::string chunk) override {
    if (!open_.load()) return false;
    net::post(executor_, [s = session_, seq = seq_, chunk = std::move(chunk)]() mutable {
      s->OnSinkWrite(seq, std::move(chunk));
    });
    return true;
  }
  void Finish() override {
    if (finished_.exchange(true)) return;
    net::post(executor_, [s = session_, seq = seq_] { s->OnSinkFinish(seq); });
  }
  bool IsOpen() const override { return open_.load(); }

  void MarkClosed() { open_.store(false); }
  uint64_t seq() const { return seq_; }

 private:
  const std::shared_ptr<Http1Session> session_;
  const net::any_io_executor executor_;
  const uint64_t seq_;
  std::atomic<bool> open_{true};
  std::atomic<bool> finished_{false};
};

Http1Session::Http1Session(std::shared_ptr<ServerCore> core, net::ip::tcp::socket socket)
    : Connection(std::move(core)), socket_(std::move(socket)), idle_timer_(socket_.get_executor()) {
  error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
}

Http1Session::~Http1Session() = default;

std::shared_ptr<Http1Session> Http1Session::Self() {
  return std::static_pointer_cast<Http1Session>(shared_from_this());
}

void Http1Session::Start() {
  core_->Register(shared_from_this());
  last_activity_ = std::chrono::steady_clock::now();
  if (core_->options.idle_timeout_seconds > 0) {
    ArmIdleTimer(std::chrono::seconds(core_->options.idle_timeout_seconds));
  }
  reading_ = true;
  Detect();
}

void Http1Session::Close() {
  net::post(socket_.get_executor(), [self = Self()] {
    if (self->closed_) return;
    // Stop reading, write what is already answered, then close (see Pump).
    self->read_done_ = true;
    self->draining_ = true;
    self->Pump();
  });
}

void Http1Session::Detect() {
  socket_.async_read_some(buffer_.prepare(4096),
                          [self = Self()](error_code ec, size_t n) { self->OnDetect(ec, n); });
}

void Http1Session::OnDetect(error_code ec, size_t n) {
  if (closed_) return;
  if (ec) {
    reading_ = false;
    OnReadError(ec);
    return;
  }
  buffer_.commit(n);
  std::string_view seen(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  size_t m = std::min(seen.size(), kH2Preface.size());
  if (seen.substr(0, m) != kH2Preface.substr(0, m)) {
    reading_ = false;
    ReadHeader();
    return;
  }
  if (seen.size() < kH2Preface.size()) {
    Detect();
    return;
  }
  // HTTP/2 with prior knowledge: the socket moves to an H2Session; this object retires.
  closed_ = true;
  read_done_ = true;
  idle_timer_.cancel();
  auto h2 = std::make_shared<H2Session>(core_, std::move(socket_), std::string(seen), remote_);
  h2->Start();
}

void Http1Session::ReadHeader() {
  reading_ = true;
  parser_.emplace();
  parser_->header_limit(core_->options.max_header_bytes);
  parser_->body_limit(core_->options.max_body_bytes);
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = Self()](error_code ec, size_t) { self->OnHeader(ec); });
}

void Http1Session::MaybeRead() {
  if (!reading_ && !read_done_ && !closed_ && !close_after_write_ &&
      slots_.size() < kMaxPipelined) {
    ReadHeader();
  }
}

void Http1Session::OnHeader(error_code ec) {
  if (closed_) return;
  if (ec) {
    reading_ = false;
    OnReadError(ec);
    return;
  }
  last_activity_ = std::chrono::steady_clock::now();
  if (!parser_->is_done() && parser_->version() >= 11 && parser_->expects_continue() && !writing_ &&
      slots_.empty()) {
    // Nothing else is on the wire, so the interim answer cannot overtake a final one.
    writing_ = true;
    net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = Self()](error_code wec, size_t) {
                       self->writing_ = false;
                       if (self->closed_) return;
                       if (wec) {
                         self->DoClose();
                         return;
                       }
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Http1Session::ReadBody() {
  if (parser_->is_done()) {
    OnBody({});
    return;
  }
  http::async_read(socket_, buffer_, *parser_,
                   [self = Self()](error_code ec, size_t) { self->OnBody(ec); });
}

void Http1Session::OnBody(error_code ec) {
  if (closed_) return;
  reading_ = false;
  if (ec) {
    OnReadError(ec);
    return;
  }
  DispatchRequest();
  MaybeRead();
}

void Http1Session::OnReadError(error_code ec) {
  if (ec == net::error::operation_aborted) return;
  read_done_ = true;
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
      if (!sinks_.empty()) {
        DoClose();  // a client that stops sending mid-stream has gone away
        return;
      }
      Pump();  // answer what is pending, then close
    } else if (ec == http::error::body_limit) {
      Fail(413);
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      Fail(431);
    } else {
      Fail(400);
    }
    return;
  }
  if (ec == net::error::eof && sinks_.empty()) {
    Pump();
    return;
  }
  DoClose();
}

void Http1Session::Fail(int status) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = status == 413   ? "Request body too large\n"
           : status == 431 ? "Request header fields too large\n"
                           : "Malformed HTTP request\n";
  Slot s;
  s.ready = true;
  s.close_after = true;
  AppendHttp1Head(s.data, 11, false, false, false, r.body.size(), r,
                  HttpDate(core_->options.now_ms));
  s.data += r.body;
  slots_.push_back(std::move(s));
  Pump();
}

void Http1Session::DispatchRequest() {
  HttpRequest req = std::move(parser_->request());
  req.remote_address = remote_;

  Slot slot;
  slot.version = parser_->version();
  slot.head = parser_->is_head();
  slot.close_after = !parser_->keep_alive();
  slot.origin = req.Header("origin");
  if (slot.close_after) read_done_ = true;
  uint64_t seq = first_seq_ + slots_.size();
  slots_.push_back(std::move(slot));

  if (IsCorsPreflight(req)) {
    OnResponse(seq, CorsPreflightResponse(req));
    return;
  }
  core_->BeginRequest();
  core_->handler(std::move(req), [self = Self(), seq](HttpResponse r) {
    self->core_->EndRequest();
    if (self->core_->stopped.load()) return;
    net::dispatch(self->socket_.get_executor(),
                  [self, seq, r = std::move(r)]() mutable { self->OnResponse(seq, std::move(r)); });
  });
}

Http1Session::Slot* Http1Session::FindSlot(uint64_t seq) {
  if (seq < first_seq_ || seq - first_seq_ >= slots_.size()) return nullptr;
  return &slots_[seq - first_seq_];
}

void Http1Session::OnResponse(uint64_t seq, HttpResponse response) {
  if (closed_) return;
  Slot* s = FindSlot(seq);
  if (s == nullptr || s->ready) return;
  AddCorsHeaders(s->origin, response);
  if (response.stream) {
    s->chunked = s->version == 11;
    if (!s->chunked) s->close_after = true;  // HTTP/1.0: the body ends when the connection does
    AppendHttp1Head(s->data, s->version, !s->close_after, s->head, s->chunked, 0, response,
                    HttpDate(core_->options.now_ms));
    s->ready = true;
    s->streaming = true;
    auto sink = std::make_shared<Http1Sink>(Self(), socket_.get_executor(), seq);
    sinks_.push_back(sink);
    Pump();
    response.stream(std::move(sink));
    return;
  }
  s->data.reserve(kUsualHeadBytes + response.body.size());
  AppendHttp1Head(s->data, s->version, !s->close_after, s->head, false, response.body.size(),
                  response, HttpDate(core_->options.now_ms));
  if (StatusAllowsBody(response.status, s->head)) s->data += response.body;
  s->ready = true;
  Pump();
}

void Http1Session::OnSinkWrite(uint64_t seq, std::string chunk) {
  if (closed_ || chunk.empty()) return;
  Slot* s = FindSlot(seq);
  if (s == nullptr || !s->streaming) return;
  if (s->chunked) {
    AppendHex(s->data, chunk.size());
    s->data.append("\r\n").append(chunk).append("\r\n");
  } else {
    s->data.append(chunk);
  }
  Pump();
}

void Http1Session::OnSinkFinish(uint64_t seq) {
  auto it = std::find_if(sinks_.begin(), sinks_.end(), [seq](auto& k) { return k->seq() == seq; });
  if (it != sinks_.end()) {
    (*it)->MarkClosed();
    sinks_.erase(it);
  }
  if (closed_) return;
  Slot* s = FindSlot(seq);
  if (s == nullptr || !s->streaming) return;
  if (s->chunked) s->data.append("0\r\n\r\n");
  s->streaming = false;
  Pump();
}

void Http1Session::Pump() {
  if (closed_ || writing_) return;
  out_.clear();
  while (!slots_.empty() && slots_.front().ready) {
    Slot& s = slots_.front();
    if (out_.empty()) {
      out_.swap(s.data);
    } else {
      out_.append(s.data);
    }
    s.data.clear();
    if (s.streaming) break;
    bool close = s.close_after;
    slots_.pop_front();
    ++first_seq_;
    if (close) {
      close_after_write_ = true;
      read_done_ = true;
      slots_.clear();  // requests pipelined after a close are never answered
      break;
    }
  }
  if (out_.empty()) {
    if (close_after_write_ || draining_ || (read_done_ && slots_.empty())) {
      DoClose();
    } else {
      MaybeRead();
    }
    return;
  }
  writing_ = true;
  net::async_write(socket_, net::buffer(out_),
                   [self = Self()](error_code ec, size_t) { self->OnWrite(ec); });
  MaybeRead();
}

void Http1Session::OnWrite(error_code ec) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    DoClose();
    return;
  }
  last_activity_ = std::chrono::steady_clock::now();
  Pump();
}

void Http1Session::DoClose() {
  if (closed_) return;
  closed_ = true;
  read_done_ = true;
  idle_timer_.cancel();
  for (auto& sink : sinks_) sink->MarkClosed();
  sinks_.clear();
  slots_.clear();
  Release();
  error_code ec;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Http1Session::ArmIdleTimer(std::chrono::steady_clock::duration after) {
  idle_timer_.expires_after(after);
  idle_timer_.async_wait([self = Self()](error_code ec) { self->OnIdleTimer(ec); });
}

void Http1Session::OnIdleTimer(error_code ec) {
  if (ec || closed_) return;
  auto idle = std::chrono::seconds(core_->options.idle_timeout_seconds);
  auto now = std::chrono::steady_clock::now();
  bool busy = !slots_.empty() || writing_;
  if (!busy && now - last_activity_ >= idle) {
    DoClose();
    return;
  }
  ArmIdleTimer(busy ? std::chrono::steady_clock::duration(idle) : last_activity_ + idle - now);
}

}  // namespace wharf::http_internal
