#include "wharf/http/server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "http/http1_session.h"
#include "http/server_core.h"
#include "wharf/core/thread_name.h"

namespace wharf {

namespace net = boost::asio;
using boost::system::error_code;
using http_internal::ServerCore;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  explicit Impl(std::shared_ptr<ServerCore> c) : core(std::move(c)), acceptor(*core->loops[0]) {
    for (auto& loop : core->loops) work.push_back(net::make_work_guard(*loop));
  }

  // Accepts on loop 0; each new socket belongs to the next loop in turn and its session starts
  // there.
  void Accept() {
    acceptor.async_accept(core->NextLoop(), [this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) OnAccept(std::move(socket));
      Accept();
    });
  }

  void OnAccept(tcp::socket socket) {
    if (core->connections.load() >= core->options.max_connections) {
      error_code ignored;
      socket.close(ignored);
      return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto loop = socket.get_executor();
    auto session = std::make_shared<http_internal::Http1Session>(core, std::move(socket));
    net::post(loop, [session] { session->Start(); });
  }

  std::shared_ptr<ServerCore> core;
  tcp::acceptor acceptor;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  uint16_t port = 0;
  std::mutex stop_mu;
  bool stopped = false;
};

namespace {

constexpr int kMaxHandlersBeforeIdle = 64;

// Runs `loop` until it is stopped, calling the options' hooks (see HttpServerOptions).
void RunLoop(net::io_context& loop, const HttpServerOptions& options) {
  if (options.on_thread_start) options.on_thread_start();
  if (!options.on_idle) {
    loop.run();
    return;
  }
  while (loop.run_one() > 0) {  // blocks until a handler is ready; 0 once stopped
    for (int ran = 1; ran < kMaxHandlersBeforeIdle && loop.poll_one() > 0; ++ran) {
    }
    options.on_idle();
  }
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      RequestHandler handler) {
  int threads = options.threads > 0
                    ? options.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto core = std::make_shared<ServerCore>(options, std::move(handler), threads);
  auto impl = std::make_unique<Impl>(core);
  error_code ec;
  tcp::resolver resolver(*core->loops[0]);
  auto results = resolver.resolve(options.host, std::to_string(options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return AwsError::Internal("cannot resolve listen address " + options.host + ": " +
                              ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return AwsError::Internal("cannot listen on " + options.host + ":" +
                              std::to_string(options.port) + ": " + ec.message());
  }
  impl->port = impl->acceptor.local_endpoint(ec).port();
  impl->Accept();
  for (size_t i = 0; i < core->loops.size(); ++i) {
    impl->threads.emplace_back([c = core, l = core->loops[i].get(), i] {
      NameThisThread("wharf-loop-" + std::to_string(i));
      RunLoop(*l, c->options);
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::StopAccepting() {
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    error_code ignored;
    impl->acceptor.close(ignored);
  });
}

bool HttpServer::WaitForInFlight(std::chrono::milliseconds timeout) {
  return impl_->core->WaitIdle(timeout);
}

void HttpServer::Stop() {
  std::lock_guard lock(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  StopAccepting();
  impl_->core->CloseAll();
  impl_->core->WaitNoConnections(std::chrono::seconds(2));
  impl_->core->stopped.store(true);
  impl_->work.clear();
  for (auto& loop : impl_->core->loops) loop->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Run what the closes left queued so closed connections are freed now.
  for (auto& loop : impl_->core->loops) {
    loop->restart();
    loop->poll();
  }
}

size_t HttpServer::ConnectionCount() const {
  return static_cast<size_t>(std::max<int64_t>(0, impl_->core->connections.load()));
}

size_t HttpServer::InFlightCount() const {
  return static_cast<size_t>(std::max<int64_t>(0, impl_->core->in_flight.load()));
}

namespace {
sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  const sigset_t set = TerminationSignals();
  int received = 0;
  while (sigwait(&set, &received) != 0) {
  }
  return received;
}

}  // namespace wharf
