#include "driver.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <cmath>
#include <deque>
#include <thread>
#include <vector>

namespace wharf::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr auto kConnectBackoff = std::chrono::milliseconds(100);
constexpr auto kPacerGranularity = std::chrono::microseconds(50);
constexpr size_t kMaxPending = size_t{1} << 20;  // open-loop backlog cap (8 MiB per thread)

struct Shared {
  Clock::time_point start;
  Clock::time_point deadline;
  bool counted = false;  // a request budget is in force
  std::atomic<int64_t> remaining{0};
};

struct Conn {
  explicit Conn(asio::io_context& io) : socket(io), timer(io) {}
  tcp::socket socket;
  asio::steady_timer timer;
  std::unique_ptr<Workload> workload;
  std::string out;
  std::string in;
  HttpResponse response;
  std::array<char, 16384> buf{};
  Clock::time_point started;
  uint64_t generation = 0;  // bumps per request; guards stale timeout handlers
  bool connected = false;
  bool timed_out = false;
};

class ThreadRunner {
 public:
  ThreadRunner(const LoadConfig& config, Shared& shared, double rate)
      : config_(config),
        shared_(shared),
        rate_(rate),
        pacer_(io_),
        remote_(asio::ip::make_address(config.endpoint.address), config.endpoint.port) {}

  void Add(std::unique_ptr<Workload> workload) {
    auto conn = std::make_unique<Conn>(io_);
    conn->workload = std::move(workload);
    conns_.push_back(std::move(conn));
  }

  void Run() {
    if (rate_ > 0) {
      for (auto& c : conns_) idle_.push_back(c.get());
      Pace();
    } else {
      for (auto& c : conns_) Issue(c.get(), Clock::now());
    }
    io_.run();
    // A spent request budget ends the run on purpose; only a deadline leaves requests unsent.
    if (!shared_.counted || shared_.remaining.load() > 0) stats_.unsent += pending_.size();
    stats_.elapsed_s = std::chrono::duration<double>(Clock::now() - shared_.start).count();
  }

  const LoadStats& stats() const { return stats_; }

 private:
  // Claims one request from the budget and sends it; false (connection goes quiet) once the run
  // is over.
  bool Issue(Conn* c, Clock::time_point intended) {
    if (stopping_ || Clock::now() >= shared_.deadline) {
      stopping_ = true;
      return false;
    }
    if (shared_.counted && shared_.remaining.fetch_sub(1) <= 0) {
      stopping_ = true;
      return false;
    }
    ++c->generation;
    c->started = intended;
    c->timed_out = false;
    c->out = c->workload->NextRequest();
    ArmTimeout(c);
    if (c->connected) {
      Write(c);
    } else {
      Connect(c);
    }
    return true;
  }

  void ArmTimeout(Conn* c) {
    c->timer.expires_after(config_.timeout);
    c->timer.async_wait([this, c, gen = c->generation](const error_code& ec) {
      if (ec || gen != c->generation) return;
      c->timed_out = true;
      error_code ignored;
      c->socket.close(ignored);  // the pending operation fails and reports the timeout
    });
  }

  void Connect(Conn* c) {
    c->socket.async_connect(remote_, [this, c](const error_code& ec) {
      if (ec) return Fail(c, c->timed_out ? "timeout" : "connect");
      c->connected = true;
      error_code ignored;
      c->socket.set_option(tcp::no_delay(true), ignored);
      Write(c);
    });
  }

  void Write(Conn* c) {
    asio::async_write(c->socket, asio::buffer(c->out), [this, c](const error_code& ec, size_t) {
      if (ec) return Fail(c, c->timed_out ? "timeout" : "io");
      Read(c);
    });
  }

  void Read(Conn* c) {
    c->socket.async_read_some(asio::buffer(c->buf), [this, c](const error_code& ec, size_t n) {
      if (ec == asio::error::eof) {
        ParseResult r = ParseAtEof(c->in, &c->response);
        if (r.state == ParseState::kComplete) return Complete(c, r.consumed);
        return Fail(c, "io");
      }
      if (ec) return Fail(c, c->timed_out ? "timeout" : "io");
      c->in.append(c->buf.data(), n);
      ParseResult r = ParseResponse(c->in, &c->response);
      if (r.state == ParseState::kComplete) return Complete(c, r.consumed);
      if (r.state == ParseState::kError) return Fail(c, "parse");
      Read(c);
    });
  }

  void Complete(Conn* c, size_t consumed) {
    ++c->generation;
    c->timer.cancel();
    Clock::time_point now = Clock::now();
    stats_.latency.Record(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - c->started).count()));
    ++stats_.requests;
    if (c->response.status / 100 == 2) {
      ++stats_.ok;
    } else {
      ++stats_.errors[std::to_string(c->response.status)];
    }
    stats_.messages += c->workload->OnResponse(c->response);
    c->in.erase(0, consumed);
    if (!c->response.keep_alive) Close(c);
    Next(c, std::chrono::milliseconds(0));
  }

  void Fail(Conn* c, const char* kind) {
    ++c->generation;
    c->timer.cancel();
    ++stats_.requests;
    ++stats_.errors[kind];
    HttpResponse failed;
    c->workload->OnResponse(failed);  // status 0: lets the workload reset its state
    Close(c);
    Next(c, std::string_view(kind) == "connect" ? kConnectBackoff : std::chrono::milliseconds(0));
  }

  void Close(Conn* c) {
    error_code ignored;
    c->socket.close(ignored);
    c->connected = false;
    c->in.clear();
  }

  void Next(Conn* c, std::chrono::milliseconds delay) {
    if (delay.count() > 0) {
      c->timer.expires_after(delay);
      c->timer.async_wait([this, c](const error_code&) { Next(c, std::chrono::milliseconds(0)); });
      return;
    }
    if (rate_ <= 0) {
      Issue(c, Clock::now());
      return;
    }
    if (!pending_.empty() && Issue(c, pending_.front())) {
      pending_.pop_front();
      return;
    }
    idle_.push_back(c);
  }

  // Open loop: queues every request whose scheduled time has come and hands them to idle
  // connections.
  void Pace() {
    Clock::time_point now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - shared_.start).count();
    auto due = static_cast<uint64_t>(std::floor(elapsed * rate_)) + 1;
    while (scheduled_ < due) {
      auto at = shared_.start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(scheduled_ / rate_));
      if (at >= shared_.deadline) break;
      if (pending_.size() < kMaxPending) {
        pending_.push_back(at);
      } else {
        ++stats_.unsent;  // the server is far behind the rate; don't grow without bound
      }
      ++scheduled_;
    }
    while (!idle_.empty() && !pending_.empty() && Issue(idle_.front(), pending_.front())) {
      idle_.pop_front();
      pending_.pop_front();
    }
    if (stopping_ || now >= shared_.deadline) return;
    auto next = shared_.start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(scheduled_ / rate_));
    pacer_.expires_at(std::max(next, now + kPacerGranularity));
    pacer_.async_wait([this](const error_code& ec) {
      if (!ec) Pace();
    });
  }

  const LoadConfig& config_;
  Shared& shared_;
  double rate_;
  asio::io_context io_;
  asio::steady_timer pacer_;
  tcp::endpoint remote_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::deque<Conn*> idle_;
  std::deque<Clock::time_point> pending_;
  uint64_t scheduled_ = 0;
  bool stopping_ = false;
  LoadStats stats_;
};

}  // namespace

uint64_t LoadStats::ErrorCount() const {
  uint64_t n = 0;
  for (const auto& [kind, count] : errors) n += count;
  return n;
}

void LoadStats::Merge(const LoadStats& other) {
  requests += other.requests;
  ok += other.ok;
  messages += other.messages;
  for (const auto& [kind, count] : other.errors) errors[kind] += count;
  unsent += other.unsent;
  latency.Merge(other.latency);
  elapsed_s = std::max(elapsed_s, other.elapsed_s);
}

LoadStats RunLoad(const LoadConfig& config, const WorkloadFactory& factory) {
  Shared shared;
  shared.counted = config.requests > 0;
  shared.remaining = static_cast<int64_t>(config.requests);
  int threads = std::max(1, std::min(config.threads, config.connections));
  std::vector<std::unique_ptr<ThreadRunner>> runners;
  for (int t = 0; t < threads; ++t) {
    runners.push_back(std::make_unique<ThreadRunner>(config, shared, config.rate / threads));
  }
  for (int i = 0; i < config.connections; ++i) runners[i % threads]->Add(factory(i));
  shared.start = Clock::now();
  shared.deadline = shared.start + config.duration;
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back([&runners, t] { runners[t]->Run(); });
  runners[0]->Run();
  for (auto& w : workers) w.join();
  LoadStats total;
  for (const auto& r : runners) total.Merge(r->stats());
  return total;
}

}  // namespace wharf::bench
