// One accepted TCP connection: detects the HTTP/2 prior-knowledge preface (and hands the
// socket to an H2Session), otherwise serves HTTP/1.0 and HTTP/1.1 with keep-alive and
// pipelining. All state lives on the socket's loop (one thread). Internal to src/http.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/request_parser.h"
#include "http/server_core.h"

namespace wharf::http_internal {

class Http1Sink;

class Http1Session : public Connection {
 public:
  // REQUIRES: `socket` is open and it belongs to one of the server's single-threaded loops.
  Http1Session(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket);
  ~Http1Session() override;

  // Registers the connection and starts reading. Call once, right after make_shared.
  void Start();
  void Close() override;

  // Called on the socket's loop by Respond and by Http1Sink.
  void OnResponse(uint64_t seq, HttpResponse response);
  void OnSinkWrite(uint64_t seq, std::string chunk);
  void OnSinkFinish(uint64_t seq);

 private:
  struct Slot {
    bool ready = false;        // data holds (the start of) the answer
    bool streaming = false;    // a sink is still producing the body
    bool close_after = false;  // close the connection once this answer is written
    bool head = false;
    bool chunked = false;  // streamed with chunked transfer coding
    int version = 11;
    std::string origin;
    std::string data;
  };

  std::shared_ptr<Http1Session> Self();
  void Detect();
  void OnDetect(boost::system::error_code ec, size_t n);
  void ReadHeader();
  void OnHeader(boost::system::error_code ec);
  void ReadBody();
  void OnBody(boost::system::error_code ec);
  void OnReadError(boost::system::error_code ec);
  void DispatchRequest();
  void Fail(int status);
  Slot* FindSlot(uint64_t seq);
  void Pump();
  void OnWrite(boost::system::error_code ec);
  void MaybeRead();
  void DoClose();
  void ArmIdleTimer(std::chrono::steady_clock::duration after);
  void OnIdleTimer(boost::system::error_code ec);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer idle_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string remote_;
  std::deque<Slot> slots_;
  uint64_t first_seq_ = 0;  // sequence number of slots_.front()
  std::vector<std::shared_ptr<Http1Sink>> sinks_;
  std::string out_;
  std::chrono::steady_clock::time_point last_activity_;
  bool reading_ = false;
  bool writing_ = false;
  bool read_done_ = false;  // no more requests will be read (EOF, close, error)
  bool close_after_write_ = false;
  bool draining_ = false;  // Close() was called: no new answers are awaited
  bool closed_ = false;
};

}  // namespace wharf::http_internal
