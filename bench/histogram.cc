#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace wharf::bench {

// Values below kSubBuckets get one bucket each (group 0). A larger value with its highest set bit
// at position e (e >= kSubBits) goes to group e - kSubBits + 1, sub-bucket = the kSubBits bits
// below the top bit.
int Histogram::IndexOf(uint64_t value) {
  if (value < static_cast<uint64_t>(kSubBuckets)) return static_cast<int>(value);
  int top = 63 - std::countl_zero(value);
  if (top > kMaxExponent) return kBuckets - 1;
  int group = top - kSubBits + 1;
  int sub = static_cast<int>((value >> (top - kSubBits)) & (kSubBuckets - 1));
  return group * kSubBuckets + sub;
}

uint64_t Histogram::UpperBoundOf(int index) {
  int group = index / kSubBuckets;
  uint64_t sub = static_cast<uint64_t>(index % kSubBuckets);
  if (group == 0) return sub;
  int shift = group - 1;  // width of one sub-bucket is 2^shift
  uint64_t base = (static_cast<uint64_t>(kSubBuckets) + sub) << shift;
  return base + ((uint64_t{1} << shift) - 1);
}

void Histogram::Record(uint64_t value_ns) {
  ++counts_[IndexOf(value_ns)];
  ++count_;
  min_ = std::min(min_, value_ns);
  max_ = std::max(max_, value_ns);
}

void Histogram::Merge(const Histogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::Percentile(double quantile) const {
  if (count_ == 0) return 0;
  double q = std::clamp(quantile, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(UpperBoundOf(i), max_);
  }
  return max_;
}

}  // namespace wharf::bench
