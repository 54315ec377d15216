#include "clock/timer_wheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace wharf {
namespace {

// Records which timers fired, in order.
struct Recorder {
  std::vector<int> fired;
  std::function<void()> Make(int tag) {
    return [this, tag] { fired.push_back(tag); };
  }
};

// Advances the wheel and runs what became due; returns how many ran.
int AdvanceAndRun(TimerWheel& wheel, int64_t now_ms) {
  wheel.Advance(now_ms);
  int ran = 0;
  std::function<void()> fn;
  while (wheel.PopDue(&fn)) {
    fn();
    ++ran;
  }
  return ran;
}

TEST(TimerWheelTest, FiresInDueOrderThenSchedulingOrder) {
  TimerWheel wheel(1000);
  Recorder r;
  wheel.Schedule(1500, r.Make(3));
  wheel.Schedule(1001, r.Make(1));
  wheel.Schedule(70000, r.Make(5));
  wheel.Schedule(1500, r.Make(4));
  wheel.Schedule(1064, r.Make(2));
  AdvanceAndRun(wheel, 100000);
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheelTest, FiresOnlyWhatIsDue) {
  TimerWheel wheel(0);
  Recorder r;
  wheel.Schedule(10, r.Make(1));
  wheel.Schedule(11, r.Make(2));
  EXPECT_EQ(AdvanceAndRun(wheel, 9), 0);
  AdvanceAndRun(wheel, 10);
  EXPECT_EQ(r.fired, (std::vector<int>{1}));
  EXPECT_EQ(wheel.size(), 1u);
  EXPECT_EQ(wheel.now_ms(), 10);
}

TEST(TimerWheelTest, PastDueFiresOnNextAdvanceWithoutMovingTime) {
  TimerWheel wheel(500);
  Recorder r;
  wheel.Schedule(500, r.Make(1));
  wheel.Schedule(-7, r.Make(2));
  EXPECT_EQ(wheel.NextEventMs(), 500);
  AdvanceAndRun(wheel, 500);
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2}));
}

TEST(TimerWheelTest, AdvanceNeverGoesBackwards) {
  TimerWheel wheel(500);
  Recorder r;
  EXPECT_EQ(AdvanceAndRun(wheel, 100), 0);
  EXPECT_EQ(wheel.now_ms(), 500);
  wheel.Schedule(400, r.Make(1));  // before the wheel's time: due at once
  AdvanceAndRun(wheel, 100);
  EXPECT_EQ(r.fired, (std::vector<int>{1}));
}

TEST(TimerWheelTest, CancelSemantics) {
  TimerWheel wheel(0);
  Recorder r;
  const TimerId a = wheel.Schedule(100, r.Make(1));
  const TimerId b = wheel.Schedule(100, r.Make(2));
  const TimerId c = wheel.Schedule(5000, r.Make(3));
  EXPECT_NE(a, 0u);
  EXPECT_TRUE(wheel.Cancel(a));
  EXPECT_FALSE(wheel.Cancel(a));  // already cancelled
  std::function<void()> removed;
  EXPECT_TRUE(wheel.Cancel(c, &removed));
  ASSERT_TRUE(removed);
  removed();  // the callback was handed back, not destroyed
  EXPECT_EQ(wheel.size(), 1u);
  AdvanceAndRun(wheel, 10000);
  EXPECT_EQ(r.fired, (std::vector<int>{3, 2}));
  EXPECT_FALSE(wheel.Cancel(b));  // already fired
  EXPECT_FALSE(wheel.Cancel(0));
  EXPECT_FALSE(wheel.Cancel(0xdead00000000beefu));  // never issued
}

TEST(TimerWheelTest, DueTimerIsCancellableUntilPopped) {
  TimerWheel wheel(0);
  Recorder r;
  wheel.Schedule(10, r.Make(1));
  const TimerId second = wheel.Schedule(20, r.Make(2));
  wheel.Advance(30);
  std::function<void()> fn;
  ASSERT_TRUE(wheel.PopDue(&fn));
  EXPECT_TRUE(wheel.Cancel(second));
  EXPECT_FALSE(wheel.PopDue(&fn));
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheelTest, StaleIdDoesNotCancelReusedSlot) {
  TimerWheel wheel(0);
  Recorder r;
  const TimerId old_id = wheel.Schedule(10, r.Make(1));
  ASSERT_TRUE(wheel.Cancel(old_id));
  const TimerId new_id = wheel.Schedule(10, r.Make(2));  // reuses the node
  EXPECT_NE(old_id, new_id);
  EXPECT_FALSE(wheel.Cancel(old_id));
  AdvanceAndRun(wheel, 10);
  EXPECT_EQ(r.fired, (std::vector<int>{2}));
}

TEST(TimerWheelTest, CascadesAcrossEveryLevelBoundary) {
  // Due times just before, at and after each level's span, stepped through 1 ms at a time
  // around each boundary: each timer must fire exactly at its due time.
  const int64_t start = 1'700'000'000'000;
  TimerWheel wheel(start);
  std::vector<int64_t> offsets;
  for (int level = 1; level <= 5; ++level) {
    const int64_t span = int64_t{1} << (6 * level);
    for (int64_t d : {span - 1, span, span + 1, 3 * span + 5}) offsets.push_back(d);
  }
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  std::vector<int64_t> fired_at;
  for (int64_t d : offsets) {
    wheel.Schedule(start + d, [&fired_at, &wheel] { fired_at.push_back(wheel.now_ms()); });
  }
  for (int64_t d : offsets) {
    // Jump to just before the due time, then step 1 ms.
    EXPECT_EQ(AdvanceAndRun(wheel, start + d - 1), 0) << "fired early at offset " << d;
    ASSERT_EQ(AdvanceAndRun(wheel, start + d), 1) << "offset " << d;
    EXPECT_EQ(fired_at.back(), start + d);
  }
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheelTest, FarFutureTimers) {
  const int64_t start = 1'700'000'000'000;
  const int64_t year = 366LL * 24 * 3600 * 1000;
  TimerWheel wheel(start);
  Recorder r;
  wheel.Schedule(start + 100 * year, r.Make(3));
  wheel.Schedule(start + year, r.Make(2));
  wheel.Schedule(std::numeric_limits<int64_t>::max(), r.Make(4));
  wheel.Schedule(start + 1, r.Make(1));
  AdvanceAndRun(wheel, start + year - 1);
  EXPECT_EQ(r.fired, (std::vector<int>{1}));
  AdvanceAndRun(wheel, start + year);
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2}));
  EXPECT_EQ(AdvanceAndRun(wheel, start + 100 * year - 1), 0);
  AdvanceAndRun(wheel, start + 100 * year);
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2, 3}));
  AdvanceAndRun(wheel, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2, 3, 4}));
}

TEST(TimerWheelTest, NegativeTimes) {
  TimerWheel wheel(-100000);
  Recorder r;
  wheel.Schedule(-5, r.Make(2));
  wheel.Schedule(-99999, r.Make(1));
  wheel.Schedule(5, r.Make(3));
  AdvanceAndRun(wheel, 0);
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2}));
  AdvanceAndRun(wheel, 5);
  EXPECT_EQ(r.fired, (std::vector<int>{1, 2, 3}));
}

TEST(TimerWheelTest, NextEventIsNeverLaterThanNextDue) {
  TimerWheel wheel(1000);
  EXPECT_EQ(wheel.NextEventMs(), std::nullopt);
  wheel.Schedule(1000 + 5, [] {});
  EXPECT_EQ(wheel.NextEventMs(), 1005);  // level 0: exact
  wheel.Schedule(1000 + 300000, [] {});
  ASSERT_EQ(AdvanceAndRun(wheel, 1005), 1);
  // Only a coarse timer is left: following NextEventMs must reach it exactly, never overshoot.
  int steps = 0;
  while (wheel.size() > 0) {
    const std::optional<int64_t> next = wheel.NextEventMs();
    ASSERT_TRUE(next.has_value());
    ASSERT_LE(*next, 301000);
    AdvanceAndRun(wheel, *next);
    ASSERT_LT(++steps, 20);
  }
  EXPECT_EQ(wheel.now_ms(), 301000);
}

// Randomized comparison with a simple ordered model, with cancels and advances interleaved.
TEST(TimerWheelTest, MatchesReferenceModel) {
  std::mt19937_64 rng(42);
  const int64_t start = 123456789;
  TimerWheel wheel(start);
  std::multimap<int64_t, int> model;  // due -> tag, equal keys in insertion order
  std::map<int, TimerId> ids;
  std::map<int, int64_t> due_of;
  std::vector<int> fired;
  int64_t now = start;
  int64_t previous_now = start;
  int next_tag = 0;
  for (int round = 0; round < 3000; ++round) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      // Spread over all levels: delays of 2^0..2^40 ms, sometimes in the past.
      const int64_t delay = static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 40))) - 3;
      const int tag = next_tag++;
      ids[tag] = wheel.Schedule(now + delay, [&fired, tag] { fired.push_back(tag); });
      due_of[tag] = now + delay;
      model.emplace(now + delay, tag);
    } else if (op < 8 && !ids.empty()) {
      auto it = ids.begin();
      std::advance(it, static_cast<long>(rng() % ids.size()));
      const int tag = it->first;
      EXPECT_TRUE(wheel.Cancel(it->second));
      auto range = model.equal_range(due_of[tag]);
      for (auto m = range.first; m != range.second; ++m) {
        if (m->second == tag) {
          model.erase(m);
          break;
        }
      }
      ids.erase(it);
    } else {
      previous_now = now;
      now += static_cast<int64_t>(rng() % (uint64_t{1} << (rng() % 36)));
      fired.clear();
      AdvanceAndRun(wheel, now);
      std::vector<int> expected;
      while (!model.empty() && model.begin()->first <= now) {
        expected.push_back(model.begin()->second);
        ids.erase(model.begin()->second);
        model.erase(model.begin());
      }
      std::vector<int> sorted_fired = fired;
      std::sort(sorted_fired.begin(), sorted_fired.end());
      std::sort(expected.begin(), expected.end());
      ASSERT_EQ(sorted_fired, expected) << "round " << round;
      // Order: by due time, where timers scheduled already due count as due at the previous
      // advance; equal due times in scheduling order (tags grow with scheduling).
      for (size_t i = 1; i < fired.size(); ++i) {
        const auto key = [&](int tag) {
          return std::make_pair(std::max(due_of[tag], previous_now), tag);
        };
        ASSERT_LT(key(fired[i - 1]), key(fired[i])) << "round " << round;
      }
    }
    ASSERT_EQ(wheel.size(), model.size());
  }
}

TEST(TimerWheelTest, OneMillionTimers) {
  constexpr int kTimers = 1'000'000;
  const int64_t start = 1'700'000'000'000;
  std::mt19937_64 rng(7);
  TimerWheel wheel(start);
  std::vector<int64_t> fired_due;
  fired_due.reserve(kTimers);
  for (int i = 0; i < kTimers; ++i) {
    const int64_t due = start + static_cast<int64_t>(rng() % (15 * 60 * 1000));  // 15 minutes
    wheel.Schedule(due, [&fired_due, due] { fired_due.push_back(due); });
  }
  EXPECT_EQ(wheel.size(), static_cast<size_t>(kTimers));
  for (int64_t t = start; t <= start + 15 * 60 * 1000; t += 1000) {
    AdvanceAndRun(wheel, t);
  }
  EXPECT_EQ(wheel.size(), 0u);
  ASSERT_EQ(fired_due.size(), static_cast<size_t>(kTimers));
  EXPECT_TRUE(std::is_sorted(fired_due.begin(), fired_due.end()));
  EXPECT_LE(TimerWheel::BytesPerTimer(), 64u);
}

}  // namespace
}  // namespace wharf
