// The one source of time for all of wharf. Nothing else reads the system clock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace wharf {

// Wall-clock time in epoch milliseconds. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
  // True when time only moves by SetMs/AdvanceMs (the admin API's `clock` endpoint).
  virtual bool IsVirtual() const = 0;
};

// A clock whose time moves only when told. Start time is the system time at construction
// unless given. Listeners run (on the calling thread, without any clock lock held) after every
// change, so the timer scheduler can fire whatever became due. Thread-safe.
class VirtualClock final : public Clock {
 public:
  VirtualClock();  // starts at SystemNowMs()
  explicit VirtualClock(int64_t start_ms);
  int64_t NowMs() const override;
  bool IsVirtual() const override { return true; }
  // Moves time to `ms`; time never goes backwards (a value <= now is ignored and no listener
  // runs). Returns now, after the listeners (the Scheduler fires due timers here, waiting for
  // a callback running on its thread): don't call while holding a lock that a timer callback
  // may take.
  int64_t SetMs(int64_t ms);
  // Moves time forward by `delta_ms` (atomically with respect to other movers; a delta <= 0 is
  // ignored). Returns now.
  int64_t AdvanceMs(int64_t delta_ms);
  // Adds a listener called with the new time after every change. Listeners live as long as the
  // clock (there is no removal): capture weak references to shorter-lived objects.
  void OnChange(std::function<void(int64_t now_ms)> listener);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// The real time (CLOCK_REALTIME), read only here.
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  bool IsVirtual() const override { return false; }
};

// Milliseconds of the system's real time; used only by SystemClock and VirtualClock's default
// start.
int64_t SystemNowMs();

}  // namespace wharf
