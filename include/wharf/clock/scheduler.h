// Timers for every timed behaviour in wharf (visibility timeouts, delays, retention, long-poll
// deadlines, retries...). Backed by a hierarchical timer wheel: O(1) schedule and cancel,
// millions of pending timers. Time comes from the Clock given at construction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "wharf/clock/clock.h"

namespace wharf {

using TimerId = uint64_t;  // 0 is never a valid id

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs `fn` once at or soon after `due_ms` (epoch ms by the Clock): on the scheduler thread, or
  // with a virtual clock on the thread that moved the clock. A due time in the past fires on the
  // next turn. Thread-safe. Callbacks must be short
  // and must not block: take a lock briefly or post work elsewhere. A callback may schedule and
  // cancel timers.
  virtual TimerId ScheduleAt(int64_t due_ms, std::function<void()> fn) = 0;
  // Cancels a pending timer: true means its callback will never run. Returns false if it
  // already ran or is running, was cancelled, or never existed. Thread-safe. A callback already
  // running is not interrupted. O(1). A due timer stays cancellable until its callback starts.
  // Timers with equal due times fire in scheduling order; callbacks never run concurrently
  // with each other.
  virtual bool Cancel(TimerId id) = 0;
  virtual size_t PendingCount() const = 0;
  virtual const Clock& clock() const = 0;
  // Stops the thread; pending timers never fire and no callback starts after Stop returns
  // (waits for a running callback to finish). May be called from a callback. Idempotent.
  virtual void Stop() = 0;
};

// A scheduler on its own thread. With a SystemClock it sleeps until the next due timer (at
// most 1 s at a time, so wall-clock steps are caught up); with a VirtualClock it fires timers
// whenever the clock is moved (synchronously, before SetMs/AdvanceMs returns, so a test that
// advances time sees the effects at once, including timers that those callbacks schedule
// already due); timers scheduled already due fire on the scheduler thread.
// REQUIRES: `clock` is non-null.
std::unique_ptr<Scheduler> MakeScheduler(std::shared_ptr<Clock> clock);

}  // namespace wharf
