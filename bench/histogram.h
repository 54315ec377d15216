// Latency histogram with log-linear buckets (HDR-style): each power of two is split into
// kSubBuckets linear sub-buckets, so a reported percentile is within 1/kSubBuckets (< 1%) of the
// recorded value. Values are nanoseconds. Not thread-safe: keep one per thread, then Merge().
#pragma once

#include <array>
#include <cstdint>

namespace wharf::bench {

class Histogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr int kSubBuckets = 1 << kSubBits;  // 128 linear steps per power of two
  static constexpr int kMaxExponent = 44;            // values up to ~4.9 hours (2^44 ns)

  // Records one value (nanoseconds); values above the range land in the last bucket, max() stays
  // exact.
  void Record(uint64_t value_ns);
  // Adds every count of `other` to this histogram.
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  // Returns the smallest value v such that at least `quantile` (0..1] of the recorded values are
  // <= v, rounded up to its bucket's upper bound (capped at max()). Returns 0 when empty.
  uint64_t Percentile(double quantile) const;

 private:
  static constexpr int kBuckets = (kMaxExponent - kSubBits + 2) * kSubBuckets;
  static int IndexOf(uint64_t value);
  static uint64_t UpperBoundOf(int index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace wharf::bench
