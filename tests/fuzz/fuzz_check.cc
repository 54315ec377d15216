#include "fuzz_check.h"

#include <cstdio>
#include <cstdlib>

namespace wharf::fuzz {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
  std::abort();
}

}  // namespace wharf::fuzz
