#include "histogram.h"

#include <gtest/gtest.h>

namespace wharf::bench {
namespace {

TEST(HistogramTest, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(0.99), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(0.5), 50u);
  EXPECT_EQ(h.Percentile(0.99), 99u);
  EXPECT_EQ(h.Percentile(1.0), 100u);
  EXPECT_EQ(h.min(), 1u);
}

TEST(HistogramTest, LargeValuesWithinOnePercent) {
  Histogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.Record(v * 1000);  // 1 us .. 100 ms
  auto check = [&](double q, double expected) {
    double got = static_cast<double>(h.Percentile(q));
    EXPECT_GE(got, expected) << q;
    EXPECT_LE(got, expected * 1.01) << q;
  };
  check(0.5, 50'000'000);
  check(0.9, 90'000'000);
  check(0.99, 99'000'000);
  check(0.999, 99'900'000);
  EXPECT_EQ(h.max(), 100'000'000u);
  EXPECT_EQ(h.Percentile(1.0), 100'000'000u);
}

TEST(HistogramTest, TailIsNotHiddenByTheBulk) {
  Histogram h;
  for (int i = 0; i < 990; ++i) h.Record(1'000'000);
  for (int i = 0; i < 10; ++i) h.Record(500'000'000);
  EXPECT_LE(h.Percentile(0.99), 1'010'000u);
  EXPECT_GE(h.Percentile(0.995), 500'000'000u);
}

TEST(HistogramTest, MergeAddsCounts) {
  Histogram a;
  Histogram b;
  a.Record(10);
  b.Record(20);
  b.Record(5'000'000'000'000'000ull);  // beyond the range: last bucket, exact max
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 10u);
  EXPECT_EQ(a.max(), 5'000'000'000'000'000ull);
  EXPECT_EQ(a.Percentile(0.5), 20u);
}

}  // namespace
}  // namespace wharf::bench
