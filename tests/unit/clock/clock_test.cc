#include "wharf/clock/clock.h"

#include <gtest/gtest.h>

#include <vector>

namespace wharf {
namespace {

TEST(VirtualClockTest, StartsAtGivenTime) {
  VirtualClock clock(1000);
  EXPECT_EQ(clock.NowMs(), 1000);
  EXPECT_TRUE(clock.IsVirtual());
}

TEST(VirtualClockTest, DefaultStartIsSystemTime) {
  const int64_t before = SystemNowMs();
  VirtualClock clock;
  EXPECT_GE(clock.NowMs(), before);
}

TEST(VirtualClockTest, SetAndAdvanceMoveForward) {
  VirtualClock clock(1000);
  EXPECT_EQ(clock.SetMs(5000), 5000);
  EXPECT_EQ(clock.NowMs(), 5000);
  EXPECT_EQ(clock.AdvanceMs(250), 5250);
  EXPECT_EQ(clock.NowMs(), 5250);
}

TEST(VirtualClockTest, NeverGoesBackwards) {
  VirtualClock clock(1000);
  EXPECT_EQ(clock.SetMs(999), 1000);
  EXPECT_EQ(clock.AdvanceMs(-5), 1000);
  EXPECT_EQ(clock.AdvanceMs(0), 1000);
  EXPECT_EQ(clock.NowMs(), 1000);
}

TEST(VirtualClockTest, ListenersSeeEveryChangeOnly) {
  VirtualClock clock(0);
  std::vector<int64_t> seen;
  clock.OnChange([&](int64_t now) { seen.push_back(now); });
  clock.SetMs(10);
  clock.SetMs(5);   // ignored: backwards
  clock.SetMs(10);  // ignored: no change
  clock.AdvanceMs(7);
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 17}));
}

TEST(VirtualClockTest, ListenerMaySetTimeAgain) {
  VirtualClock clock(0);
  std::vector<int64_t> seen;
  clock.OnChange([&](int64_t now) {
    seen.push_back(now);
    if (now == 10) clock.SetMs(20);
  });
  EXPECT_EQ(clock.SetMs(10), 10);
  EXPECT_EQ(clock.NowMs(), 20);
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 20}));
}

TEST(SystemClockTest, ReadsRealTime) {
  SystemClock clock;
  EXPECT_FALSE(clock.IsVirtual());
  // 2020-01-01 in epoch ms: a realistic wall-clock time, in milliseconds not seconds.
  EXPECT_GT(clock.NowMs(), 1577836800000);
  EXPECT_LT(clock.NowMs(), 1577836800000 * 10);
}

}  // namespace
}  // namespace wharf
