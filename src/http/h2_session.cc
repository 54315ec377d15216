#include "http/h2_session.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "http/cors.h"
#include "http/wire.h"
#include "wharf/core/encoding.h"

namespace wharf::http_internal {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

constexpr size_t kReadBufferSize = 32 * 1024;
constexpr size_t kMaxWriteBatch = 256 * 1024;
constexpr uint32_t kMaxConcurrentStreams = 256;
constexpr int32_t kWindowSize = 1 << 20;

std::string_view View(const uint8_t* p, size_t n) {
  return std::string_view(reinterpret_cast<const char*>(p), n);
}

}  // namespace

// The sink of one streamed HTTP/2 response: chunks become DATA frames through a deferred data
// provider. Keeps the session alive while the producer holds it.
class H2Sink : public BodySink {
 public:
  H2Sink(std::shared_ptr<H2Session> session, net::any_io_executor executor, int32_t id)
      : session_(std::move(session)), executor_(std::move(executor)), id_(id) {}

  bool Write(std::string chunk) override {
    if (!open_.load()) return false;
    net::post(executor_, [s = session_, id = id_, chunk = std::move(chunk)]() mutable {
      s->OnSinkWrite(id, std::move(chunk));
    });
    return true;
  }
  void Finish() override {
    if (finished_.exchange(true)) return;
    net::post(executor_, [s = session_, id = id_] { s->OnSinkFinish(id); });
  }
  bool IsOpen() const override { return open_.load(); }
  void MarkClosed() { open_.store(false); }

 private:
  const std::shared_ptr<H2Session> session_;
  const net::any_io_executor executor_;
  const int32_t id_;
  std::atomic<bool> open_{true};
  std::atomic<bool> finished_{false};
};

// nghttp2 callbacks; user_data is the H2Session.
struct H2Callbacks {
  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    auto* self = static_cast<H2Session*>(ud);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    auto stream = std::make_unique<H2Session::Stream>();
    stream->request.http2 = true;
    stream->request.remote_address = self->remote_;
    self->streams_[frame->hd.stream_id] = std::move(stream);
    return 0;
  }

  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* ud) {
    auto* self = static_cast<H2Session*>(ud);
    H2Session::Stream* s = self->FindStream(frame->hd.stream_id);
    if (s == nullptr || s->reject_status != 0) return 0;
    s->header_bytes += namelen + valuelen + 32;  // RFC 9113 header list size accounting
    if (s->header_bytes > self->core_->options.max_header_bytes) {
      s->reject_status = 431;
      return 0;
    }
    std::string_view n = View(name, namelen);
    std::string_view v = View(value, valuelen);
    if (!n.empty() && n.front() == ':') {
      if (n == ":method") s->request.method.assign(v);
      if (n == ":path") s->request.target.assign(v);
      if (n == ":authority") s->authority.assign(v);
      return 0;
    }
    s->request.headers.emplace_back(std::string(n), std::string(v));
    return 0;
  }

  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t id, const uint8_t* data, size_t len,
                         void* ud) {
    auto* self = static_cast<H2Session*>(ud);
    H2Session::Stream* s = self->FindStream(id);
    if (s == nullptr || s->reject_status != 0) return 0;
    if (s->request.body.size() + len > self->core_->options.max_body_bytes) {
      s->reject_status = 413;
      s->request.body.clear();
      return 0;
    }
    s->request.body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    auto* self = static_cast<H2Session*>(ud);
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    H2Session::Stream* s = self->FindStream(frame->hd.stream_id);
    if (s == nullptr) return 0;
    // A rejected stream is answered at once; a good one when the request is complete.
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) || s->reject_status != 0) {
      self->DispatchStream(frame->hd.stream_id);
    }
    return 0;
  }

  static int OnStreamClose(nghttp2_session*, int32_t id, uint32_t, void* ud) {
    auto* self = static_cast<H2Session*>(ud);
    auto it = self->streams_.find(id);
    if (it == self->streams_.end()) return 0;
    if (it->second->sink) it->second->sink->MarkClosed();
    self->streams_.erase(it);
    return 0;
  }

  static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                          uint32_t* data_flags, nghttp2_data_source* source, void*) {
    auto* s = static_cast<H2Session::Stream*>(source->ptr);
    size_t n = std::min(length, s->out.size() - s->out_offset);
    if (n > 0) std::memcpy(buf, s->out.data() + s->out_offset, n);
    s->out_offset += n;
    if (s->out_offset == s->out.size()) {
      s->out.clear();
      s->out_offset = 0;
      if (s->eof) {
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      } else if (n == 0) {
        return NGHTTP2_ERR_DEFERRED;
      }
    }
    return static_cast<ssize_t>(n);
  }
};

H2Session::H2Session(std::shared_ptr<ServerCore> core, net::ip::tcp::socket socket,
                     std::string initial, std::string remote)
    : Connection(std::move(core)),
      socket_(std::move(socket)),
      idle_timer_(socket_.get_executor()),
      initial_(std::move(initial)),
      remote_(std::move(remote)),
      read_buf_(new uint8_t[kReadBufferSize]) {}

H2Session::~H2Session() {
  if (session_ != nullptr) nghttp2_session_del(session_);
}

std::shared_ptr<H2Session> H2Session::Self() {
  return std::static_pointer_cast<H2Session>(shared_from_this());
}

H2Session::Stream* H2Session::FindStream(int32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

void H2Session::Start() {
  core_->Register(shared_from_this());
  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0) {
    DoClose();
    return;
  }
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &H2Callbacks::OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &H2Callbacks::OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &H2Callbacks::OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &H2Callbacks::OnFrameRecv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &H2Callbacks::OnStreamClose);
  int rv = nghttp2_session_server_new(&session_, cbs, this);
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0) {
    session_ = nullptr;
    DoClose();
    return;
  }
  nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(kWindowSize)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, 16 * kWindowSize);

  last_activity_ = std::chrono::steady_clock::now();
  if (core_->options.idle_timeout_seconds > 0) {
    ArmIdleTimer(std::chrono::seconds(core_->options.idle_timeout_seconds));
  }
  std::string initial = std::move(initial_);
  if (!Receive(reinterpret_cast<const uint8_t*>(initial.data()), initial.size())) return;
  Flush();
  if (!closed_) Read();
}

void H2Session::Close() {
  net::post(socket_.get_executor(), [self = Self()] {
    if (self->closed_) return;
    // GOAWAY; Flush closes the socket once nghttp2 has nothing more to do.
    nghttp2_session_terminate_session(self->session_, NGHTTP2_NO_ERROR);
    self->Flush();
  });
}

void H2Session::Read() {
  socket_.async_read_some(net::buffer(read_buf_.get(), kReadBufferSize),
                          [self = Self()](error_code ec, size_t n) { self->OnRead(ec, n); });
}

void H2Session::OnRead(error_code ec, size_t n) {
  if (closed_) return;
  if (ec) {
    DoClose();
    return;
  }
  last_activity_ = std::chrono::steady_clock::now();
  if (!Receive(read_buf_.get(), n)) return;
  Flush();
  if (!closed_) Read();
}

bool H2Session::Receive(const uint8_t* data, size_t n) {
  in_recv_ = true;
  ssize_t rv = nghttp2_session_mem_recv(session_, data, n);
  in_recv_ = false;
  if (rv < 0) {
    // Protocol error: nghttp2 may have queued a GOAWAY; send it, then close.
    Flush();
    DoClose();
    return false;
  }
  return true;
}

void H2Session::DispatchStream(int32_t id) {
  Stream* s = FindStream(id);
  if (s == nullptr || s->dispatched) return;
  s->dispatched = true;
  HttpRequest& req = s->request;
  if (s->reject_status != 0) {
    HttpResponse r;
    r.status = s->reject_status;
    r.headers.emplace_back("content-type", "text/plain");
    r.body =
        s->reject_status == 413 ? "Request body too large\n" : "Request header fields too large\n";
    Submit(id, *s, r);
    return;
  }
  SplitTarget(req);
  if (!s->authority.empty() && !req.HasHeader("host")) {
    req.headers.emplace_back("host", s->authority);
  }
  s->head = req.method == "HEAD";
  s->origin.assign(req.Header("origin"));
  if (IsCorsPreflight(req)) {
    HttpResponse r = CorsPreflightResponse(req);
    Submit(id, *s, r);
    return;
  }
  core_->BeginRequest();
  core_->handler(std::move(req), [self = Self(), id](HttpResponse r) {
    self->core_->EndRequest();
    if (self->core_->stopped.load()) return;
    net::dispatch(self->socket_.get_executor(),
                  [self, id, r = std::move(r)]() mutable { self->OnResponse(id, std::move(r)); });
  });
}

void H2Session::OnResponse(int32_t stream_id, HttpResponse response) {
  if (closed_) return;
  Stream* s = FindStream(stream_id);
  if (s == nullptr) return;  // the client reset the stream meanwhile
  AddCorsHeaders(s->origin, response);
  Submit(stream_id, *s, response);
  Flush();
}

void H2Session::Submit(int32_t id, Stream& s, HttpResponse& response) {
  std::vector<nghttp2_nv> nva;
  std::vector<std::string> names;
  nva.reserve(response.headers.size() + 4);
  names.reserve(response.headers.size());
  auto add = [&nva](std::string_view n, std::string_view v) {
    nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                   reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                   NGHTTP2_NV_FLAG_NONE});
  };
  std::string status = std::to_string(response.status);
  add(":status", status);
  for (const auto& [n, v] : response.headers) {
    if (IsTransportHeader(n) && !(s.head && EqualsNoCase(n, "content-length"))) continue;
    names.push_back(AsciiLower(n));
    add(names.back(), v);
  }
  HeaderPresence present = ScanHeaders(response);
  std::string date(HttpDate(core_->options.now_ms));
  if (!present.date) add("date", date);
  if (!present.server) add("server", kServerName);
  bool body_allowed = StatusAllowsBody(response.status, s.head);
  std::string length;
  if (response.stream) {
    s.out.clear();
    s.eof = false;
  } else {
    if (!(s.head && present.content_length) && (body_allowed || s.head)) {
      length = std::to_string(response.body.size());
      add("content-length", length);
    }
    s.out = body_allowed ? std::move(response.body) : std::string();
    s.eof = true;
  }
  s.out_offset = 0;
  nghttp2_data_provider provider;
  provider.source.ptr = &s;
  provider.read_callback = &H2Callbacks::ReadBody;
  bool has_data = response.stream || !s.out.empty();
  if (nghttp2_submit_response(session_, id, nva.data(), nva.size(),
                              has_data ? &provider : nullptr) != 0) {
    return;
  }
  if (response.stream) {
    s.sink = std::make_shared<H2Sink>(Self(), socket_.get_executor(), id);
    response.stream(s.sink);
  }
}

void H2Session::OnSinkWrite(int32_t stream_id, std::string chunk) {
  if (closed_) return;
  Stream* s = FindStream(stream_id);
  if (s == nullptr || s->eof || chunk.empty()) return;
  s->out.append(chunk);
  nghttp2_session_resume_data(session_, stream_id);
  Flush();
}

void H2Session::OnSinkFinish(int32_t stream_id) {
  if (closed_) return;
  Stream* s = FindStream(stream_id);
  if (s == nullptr || s->eof) return;
  s->eof = true;
  if (s->sink) {
    s->sink->MarkClosed();
    s->sink.reset();
  }
  nghttp2_session_resume_data(session_, stream_id);
  Flush();
}

void H2Session::Flush() {
  if (closed_ || writing_ || in_recv_) return;
  out_.clear();
  while (out_.size() < kMaxWriteBatch) {
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {
      DoClose();
      return;
    }
    if (n == 0) break;
    out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  if (out_.empty()) {
    if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) {
      DoClose();
    }
    return;
  }
  writing_ = true;
  net::async_write(socket_, net::buffer(out_), [self = Self()](error_code ec, size_t) {
    self->writing_ = false;
    if (self->closed_) return;
    if (ec) {
      self->DoClose();
      return;
    }
    self->last_activity_ = std::chrono::steady_clock::now();
    self->Flush();
  });
}

void H2Session::DoClose() {
  if (closed_) return;
  closed_ = true;
  idle_timer_.cancel();
  for (auto& [id, stream] : streams_) {
    if (stream->sink) stream->sink->MarkClosed();
    stream->sink.reset();  // breaks the session <-> sink cycle
  }
  Release();
  error_code ec;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void H2Session::ArmIdleTimer(std::chrono::steady_clock::duration after) {
  idle_timer_.expires_after(after);
  idle_timer_.async_wait([self = Self()](error_code ec) { self->OnIdleTimer(ec); });
}

void H2Session::OnIdleTimer(error_code ec) {
  if (ec || closed_) return;
  auto idle = std::chrono::seconds(core_->options.idle_timeout_seconds);
  auto now = std::chrono::steady_clock::now();
  bool busy = !streams_.empty() || writing_;
  if (!busy && now - last_activity_ >= idle) {
    // GOAWAY; Flush closes the socket once it is written.
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
    Flush();
    return;
  }
  ArmIdleTimer(busy ? std::chrono::steady_clock::duration(idle) : last_activity_ + idle - now);
}

}  // namespace wharf::http_internal
