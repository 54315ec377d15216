// Scheduler: a TimerWheel behind a mutex, driven by its own thread (SystemClock) or by the
// clock's change listener (VirtualClock). Callbacks always run without the wheel lock held.
#include "wharf/clock/scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "clock/monotonic.h"
#include "clock/timer_wheel.h"
#include "wharf/core/thread_name.h"

namespace wharf {
namespace {

// With a SystemClock the thread never sleeps longer than this, so a wall-clock step (NTP,
// suspend) delays timers by at most this much. One wake-up per second is ~0% CPU.
constexpr int64_t kMaxSleepMs = 1000;

// The state shared with the VirtualClock listener, which holds it weakly so that a listener
// outliving the scheduler does nothing.
class Core {
 public:
  explicit Core(std::shared_ptr<Clock> clock)
      : clock_(std::move(clock)), virtual_(clock_->IsVirtual()), wheel_(clock_->NowMs()) {}

  TimerId ScheduleAt(int64_t due_ms, std::function<void()> fn) {
    std::lock_guard lock(mu_);
    const TimerId id = wheel_.Schedule(due_ms, std::move(fn));
    // With a virtual clock only timers already due need the thread: moving the clock fires
    // the rest.
    if (due_ms < sleep_target_ms_ || (virtual_ && due_ms <= clock_->NowMs())) {
      wake_ = true;
      cv_.notify_one();
    }
    return id;
  }

  bool Cancel(TimerId id) {
    std::function<void()> removed;  // destroyed after the lock is released
    std::lock_guard lock(mu_);
    return wheel_.Cancel(id, &removed);
  }

  size_t PendingCount() const {
    std::lock_guard lock(mu_);
    return wheel_.size();
  }

  const Clock& clock() const { return *clock_; }

  // Runs every timer due by the clock, one at a time so that a callback can still cancel a
  // later one, including timers that callbacks schedule already due. One firer at a time
  // (recursive: a callback may move a virtual clock).
  void FireDue() {
    std::lock_guard fire_lock(fire_mu_);
    for (;;) {
      std::function<void()> fn;
      {
        std::lock_guard lock(mu_);
        if (stopped_) return;
        wheel_.Advance(clock_->NowMs());
        if (!wheel_.PopDue(&fn)) return;
      }
      fn();
    }
  }

  // The scheduler thread: fires whatever is due, then sleeps until the next wheel event (or,
  // with a virtual clock, until a timer due now is scheduled).
  void Run() {
    std::unique_lock lock(mu_);
    while (!stopped_) {
      const int64_t now = clock_->NowMs();
      const std::optional<int64_t> next = wheel_.NextEventMs();
      if (next && *next <= now) {
        sleep_target_ms_ = std::numeric_limits<int64_t>::min();
        lock.unlock();
        FireDue();
        lock.lock();
        continue;
      }
      wake_ = false;
      const auto woken = [this] { return wake_ || stopped_; };
      if (virtual_) {
        cv_.wait(lock, woken);
      } else if (!next) {
        sleep_target_ms_ = std::numeric_limits<int64_t>::max();
        cv_.wait(lock, woken);
      } else {
        sleep_target_ms_ = *next;
        cv_.wait_until(lock, SteadyDeadlineAfterMs(std::min(*next - now, kMaxSleepMs)), woken);
      }
      sleep_target_ms_ = std::numeric_limits<int64_t>::min();
    }
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      cv_.notify_all();
    }
    // Waits for a callback running on another thread to finish.
    std::lock_guard fire_lock(fire_mu_);
  }

 private:
  const std::shared_ptr<Clock> clock_;
  const bool virtual_;
  mutable std::mutex mu_;  // guards everything below except fire_mu_
  std::condition_variable cv_;
  TimerWheel wheel_;
  // With a SystemClock, the time the thread sleeps until; ScheduleAt wakes it for anything
  // earlier. min() while the thread is awake (it re-reads the wheel before sleeping again).
  int64_t sleep_target_ms_ = std::numeric_limits<int64_t>::min();
  bool wake_ = false;
  bool stopped_ = false;
  std::recursive_mutex fire_mu_;
};

class WheelScheduler final : public Scheduler {
 public:
  explicit WheelScheduler(const std::shared_ptr<Clock>& clock)
      : core_(std::make_shared<Core>(clock)) {
    if (auto virtual_clock = std::dynamic_pointer_cast<VirtualClock>(clock)) {
      std::weak_ptr<Core> weak = core_;
      virtual_clock->OnChange([weak](int64_t) {
        if (auto core = weak.lock()) core->FireDue();
      });
    }
    thread_ = std::thread([core = core_] {
      NameThisThread("wharf-timers");
      core->Run();
    });
  }
  ~WheelScheduler() override { Stop(); }

  TimerId ScheduleAt(int64_t due_ms, std::function<void()> fn) override {
    return core_->ScheduleAt(due_ms, std::move(fn));
  }
  bool Cancel(TimerId id) override { return core_->Cancel(id); }
  size_t PendingCount() const override { return core_->PendingCount(); }
  const Clock& clock() const override { return core_->clock(); }

  void Stop() override {
    std::lock_guard lock(stop_mu_);
    if (!thread_.joinable()) return;
    core_->Stop();
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // Stop from one of our own callbacks: the thread exits on its own
    } else {
      thread_.join();
    }
  }

 private:
  std::shared_ptr<Core> core_;
  std::mutex stop_mu_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeScheduler(std::shared_ptr<Clock> clock) {
  return std::make_unique<WheelScheduler>(clock);
}

}  // namespace wharf
