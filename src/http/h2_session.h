// A cleartext HTTP/2 connection (prior knowledge) served with an nghttp2 server session driven
// by Asio reads and writes. One HttpRequest per stream. All state lives on the socket's loop (one
// thread). Internal to src/http.
#pragma once

#include <nghttp2/nghttp2.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "http/server_core.h"

namespace wharf::http_internal {

class H2Sink;

class H2Session : public Connection {
 public:
  // `initial` holds the bytes already read from the socket (starting with the preface).
  H2Session(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket,
            std::string initial, std::string remote);
  ~H2Session() override;

  // Registers the connection, sends SETTINGS and starts reading. Call once, on the socket's loop.
  void Start();
  void Close() override;

  // Called on the socket's loop by Respond and by H2Sink.
  void OnResponse(int32_t stream_id, HttpResponse response);
  void OnSinkWrite(int32_t stream_id, std::string chunk);
  void OnSinkFinish(int32_t stream_id);

  struct Stream {
    HttpRequest request;
    std::string authority;
    std::string origin;  // request Origin, for CORS
    size_t header_bytes = 0;
    int reject_status = 0;  // 413 or 431 once a limit is exceeded
    bool head = false;
    bool dispatched = false;
    std::string out;  // response body bytes not yet given to nghttp2
    size_t out_offset = 0;
    bool eof = false;  // `out` holds the rest of the body
    std::shared_ptr<H2Sink> sink;
  };

 private:
  friend struct H2Callbacks;

  std::shared_ptr<H2Session> Self();
  Stream* FindStream(int32_t id);
  void Read();
  void OnRead(boost::system::error_code ec, size_t n);
  bool Receive(const uint8_t* data, size_t n);
  void DispatchStream(int32_t id);
  void Submit(int32_t id, Stream& stream, HttpResponse& response);
  void Flush();
  void DoClose();
  void ArmIdleTimer(std::chrono::steady_clock::duration after);
  void OnIdleTimer(boost::system::error_code ec);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer idle_timer_;
  std::string initial_;
  std::string remote_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::unique_ptr<Stream>> streams_;
  std::unique_ptr<uint8_t[]> read_buf_;
  std::string out_;
  std::chrono::steady_clock::time_point last_activity_;
  bool in_recv_ = false;  // inside nghttp2_session_mem_recv: no mem_send now
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace wharf::http_internal
