#include "wharf/clock/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace wharf {
namespace {

constexpr auto kGenerous = std::chrono::seconds(30);

TEST(SchedulerVirtualTest, FiresSynchronouslyOnAdvance) {
  auto clock = std::make_shared<VirtualClock>(1000);
  auto scheduler = MakeScheduler(clock);
  std::vector<int> fired;  // written only by the thread that moves the clock
  scheduler->ScheduleAt(1100, [&] { fired.push_back(1); });
  scheduler->ScheduleAt(1050, [&] { fired.push_back(0); });
  scheduler->ScheduleAt(5000, [&] { fired.push_back(2); });
  EXPECT_EQ(scheduler->PendingCount(), 3u);
  clock->AdvanceMs(49);
  EXPECT_TRUE(fired.empty());
  clock->AdvanceMs(51);
  EXPECT_EQ(fired, (std::vector<int>{0, 1}));
  EXPECT_EQ(scheduler->PendingCount(), 1u);
  clock->SetMs(5000);
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(&scheduler->clock(), clock.get());
}

TEST(SchedulerVirtualTest, CallbacksThatRescheduleFireWithinOneAdvance) {
  auto clock = std::make_shared<VirtualClock>(0);
  auto scheduler = MakeScheduler(clock);
  int runs = 0;
  std::function<void(int64_t)> periodic = [&](int64_t due) {
    ++runs;
    scheduler->ScheduleAt(due + 10, [&periodic, due] { periodic(due + 10); });
  };
  scheduler->ScheduleAt(10, [&] { periodic(10); });
  clock->AdvanceMs(100);  // due at 10, 20, ..., 100: all already due when scheduled
  EXPECT_EQ(runs, 10);
  EXPECT_EQ(scheduler->PendingCount(), 1u);  // the one at 110
  scheduler->Stop();
}

TEST(SchedulerVirtualTest, CallbackMayCancelAnotherTimer) {
  auto clock = std::make_shared<VirtualClock>(0);
  auto scheduler = MakeScheduler(clock);
  bool later_ran = false;
  const TimerId later = scheduler->ScheduleAt(50, [&] { later_ran = true; });
  bool cancelled = false;
  scheduler->ScheduleAt(10, [&] { cancelled = scheduler->Cancel(later); });
  clock->AdvanceMs(100);
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(later_ran);
}

TEST(SchedulerVirtualTest, CancelFromAnotherThread) {
  auto clock = std::make_shared<VirtualClock>(0);
  auto scheduler = MakeScheduler(clock);
  std::atomic<int> fired{0};
  const TimerId a = scheduler->ScheduleAt(10, [&] { fired += 1; });
  scheduler->ScheduleAt(20, [&] { fired += 10; });
  bool cancelled = false;
  std::thread other([&] { cancelled = scheduler->Cancel(a); });
  other.join();
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(scheduler->Cancel(a));
  clock->AdvanceMs(100);
  EXPECT_EQ(fired.load(), 10);
}

TEST(SchedulerVirtualTest, AlreadyDueTimerFiresWithoutMovingTheClock) {
  auto clock = std::make_shared<VirtualClock>(1000);
  auto scheduler = MakeScheduler(clock);
  std::promise<std::thread::id> ran;
  scheduler->ScheduleAt(1000, [&] { ran.set_value(std::this_thread::get_id()); });
  auto future = ran.get_future();
  ASSERT_EQ(future.wait_for(kGenerous), std::future_status::ready);
  EXPECT_NE(future.get(), std::this_thread::get_id());  // on the scheduler thread
}

TEST(SchedulerVirtualTest, StopDiscardsPendingTimers) {
  auto clock = std::make_shared<VirtualClock>(0);
  auto scheduler = MakeScheduler(clock);
  bool fired = false;
  scheduler->ScheduleAt(10, [&] { fired = true; });
  scheduler->Stop();
  scheduler->Stop();  // idempotent
  clock->AdvanceMs(100);
  EXPECT_FALSE(fired);
}

TEST(SchedulerVirtualTest, ClockOutlivesScheduler) {
  auto clock = std::make_shared<VirtualClock>(0);
  bool fired = false;
  {
    auto scheduler = MakeScheduler(clock);
    scheduler->ScheduleAt(10, [&] { fired = true; });
  }
  clock->AdvanceMs(100);  // the listener must not touch the destroyed scheduler
  EXPECT_FALSE(fired);
}

TEST(SchedulerVirtualTest, ConcurrentSchedulersAndAdvancers) {
  auto clock = std::make_shared<VirtualClock>(0);
  auto scheduler = MakeScheduler(clock);
  std::atomic<int> fired{0};
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        scheduler->ScheduleAt(clock->NowMs() + (i % 50), [&] { fired++; });
        if (t == 0 && i % 10 == 0) clock->AdvanceMs(3);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  clock->AdvanceMs(1000);
  // Anything scheduled already due by a racing advance fires on the scheduler thread.
  std::promise<void> drained;
  scheduler->ScheduleAt(clock->NowMs(), [&] { drained.set_value(); });
  ASSERT_EQ(drained.get_future().wait_for(kGenerous), std::future_status::ready);
  EXPECT_EQ(fired.load(), kThreads * kPerThread);
  EXPECT_EQ(scheduler->PendingCount(), 0u);
}

TEST(SchedulerSystemTest, ShortTimerFires) {
  auto clock = std::make_shared<SystemClock>();
  auto scheduler = MakeScheduler(clock);
  std::promise<int64_t> fired_at;
  const int64_t due = clock->NowMs() + 20;
  scheduler->ScheduleAt(due, [&] { fired_at.set_value(clock->NowMs()); });
  auto future = fired_at.get_future();
  ASSERT_EQ(future.wait_for(kGenerous), std::future_status::ready);
  EXPECT_GE(future.get(), due);
}

TEST(SchedulerSystemTest, EarlierTimerWakesSleepingThread) {
  auto clock = std::make_shared<SystemClock>();
  auto scheduler = MakeScheduler(clock);
  bool far_fired = false;
  scheduler->ScheduleAt(clock->NowMs() + 3'600'000, [&] { far_fired = true; });
  std::promise<void> near;
  scheduler->ScheduleAt(clock->NowMs() + 5, [&] { near.set_value(); });
  ASSERT_EQ(near.get_future().wait_for(kGenerous), std::future_status::ready);
  EXPECT_EQ(scheduler->PendingCount(), 1u);
  scheduler->Stop();
  EXPECT_FALSE(far_fired);
}

TEST(SchedulerSystemTest, StopFromCallback) {
  auto clock = std::make_shared<SystemClock>();
  auto scheduler = MakeScheduler(clock);
  std::promise<void> stopped;
  scheduler->ScheduleAt(clock->NowMs(), [&] {
    scheduler->Stop();
    stopped.set_value();
  });
  ASSERT_EQ(stopped.get_future().wait_for(kGenerous), std::future_status::ready);
  scheduler.reset();
}

}  // namespace
}  // namespace wharf
