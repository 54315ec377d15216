#include "wharf/clock/clock.h"

#include <time.h>

#include <mutex>
#include <utility>
#include <vector>

namespace wharf {

int64_t SystemNowMs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int64_t SystemClock::NowMs() const { return SystemNowMs(); }

struct VirtualClock::State {
  mutable std::mutex mu;
  int64_t now_ms = 0;
  // Shared so that listeners can be copied out and run without holding `mu`.
  std::vector<std::shared_ptr<std::function<void(int64_t)>>> listeners;
};

VirtualClock::VirtualClock(int64_t start_ms) : state_(std::make_shared<State>()) {
  state_->now_ms = start_ms;
}

VirtualClock::VirtualClock() : VirtualClock(SystemNowMs()) {}

int64_t VirtualClock::NowMs() const {
  std::lock_guard lock(state_->mu);
  return state_->now_ms;
}

int64_t VirtualClock::SetMs(int64_t ms) {
  std::vector<std::shared_ptr<std::function<void(int64_t)>>> listeners;
  {
    std::lock_guard lock(state_->mu);
    if (ms <= state_->now_ms) return state_->now_ms;
    state_->now_ms = ms;
    listeners = state_->listeners;
  }
  for (const auto& listener : listeners) (*listener)(ms);
  return ms;
}

int64_t VirtualClock::AdvanceMs(int64_t delta_ms) {
  std::vector<std::shared_ptr<std::function<void(int64_t)>>> listeners;
  int64_t now = 0;
  {
    std::lock_guard lock(state_->mu);
    if (delta_ms <= 0) return state_->now_ms;
    state_->now_ms += delta_ms;
    now = state_->now_ms;
    listeners = state_->listeners;
  }
  for (const auto& listener : listeners) (*listener)(now);
  return now;
}

void VirtualClock::OnChange(std::function<void(int64_t now_ms)> listener) {
  std::lock_guard lock(state_->mu);
  state_->listeners.push_back(std::make_shared<std::function<void(int64_t)>>(std::move(listener)));
}

}  // namespace wharf
