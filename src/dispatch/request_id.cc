#include "dispatch/request_id.h"

#include <cstdint>
#include <random>

namespace wharf::dispatch {

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t high = generator();
  uint64_t low = generator();
  high = (high & ~uint64_t{0xF000}) | 0x4000;                    // version 4
  low = (low & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // variant 10xx
  std::string out(36, '-');
  size_t pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
    uint64_t word = i < 16 ? high : low;
    int shift = 60 - 4 * (i % 16);
    out[pos++] = kHex[(word >> shift) & 0xF];
  }
  return out;
}

}  // namespace wharf::dispatch
