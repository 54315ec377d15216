#include "clock/monotonic.h"

#include <algorithm>

namespace wharf {

int64_t MonotonicNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::chrono::steady_clock::time_point SteadyDeadlineAfterMs(int64_t delay_ms) {
  return std::chrono::steady_clock::now() +
         std::chrono::milliseconds(std::max<int64_t>(0, delay_ms));
}

}  // namespace wharf
