// Monotonic time for measuring durations and sleeping (never for timestamps: those come from
// the Clock). Lives in src/clock because nothing else in wharf reads system time.
#pragma once

#include <chrono>
#include <cstdint>

namespace wharf {

// Milliseconds on a clock that never jumps (CLOCK_MONOTONIC). Thread-safe.
int64_t MonotonicNowMs();

// The steady_clock time point `delay_ms` from now (negative delays give now), for
// condition_variable::wait_until. Thread-safe.
std::chrono::steady_clock::time_point SteadyDeadlineAfterMs(int64_t delay_ms);

}  // namespace wharf
