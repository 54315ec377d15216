#include "http/server_core.h"

#include <algorithm>
#include <vector>

namespace wharf::http_internal {

ServerCore::ServerCore(HttpServerOptions opts, RequestHandler h, int loop_count)
    : options(std::move(opts)), handler(std::move(h)) {
  for (int i = 0; i < std::max(1, loop_count); ++i) {
    loops.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

boost::asio::io_context& ServerCore::NextLoop() {
  return *loops[next_loop_.fetch_add(1, std::memory_order_relaxed) % loops.size()];
}

void ServerCore::EndRequest() {
  if (in_flight.fetch_sub(1) == 1 && waiting_.load()) {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
}

bool ServerCore::WaitIdle(std::chrono::milliseconds timeout) {
  waiting_.store(true);
  std::unique_lock lock(mu_);
  bool idle = cv_.wait_for(lock, timeout, [this] { return in_flight.load() == 0; });
  waiting_.store(false);
  return idle;
}

bool ServerCore::WaitNoConnections(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  // Unregister notifies; the short wait also covers a connection destroyed before registering.
  while (connections.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  return true;
}

void ServerCore::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  live_.emplace(c.get(), c);
}

void ServerCore::Unregister(Connection* c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
  cv_.notify_all();
}

void ServerCore::CloseAll() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mu_);
    for (auto& [ptr, weak] : live_) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  for (auto& c : open) c->Close();
}

}  // namespace wharf::http_internal
