// Fuzz invariants. Thread-safe.
#pragma once

namespace wharf::fuzz {

// Aborts with `what` on stderr when `ok` is false (a fuzz invariant failed), so that libFuzzer
// and the replay driver both report the input as a crash.
void Check(bool ok, const char* what);

}  // namespace wharf::fuzz
