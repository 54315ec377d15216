// Random identifiers: message ids, request ids, receipt-handle nonces, tokens. The bytes come
// from OpenSSL's CSPRNG, drawn in blocks into a per-thread pool so each id costs a copy rather
// than a generator call. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace wharf {

// `n` random bytes.
std::string RandomBytes(size_t n);

// 2 * `bytes` random lower-case hex digits.
std::string RandomHex(size_t bytes);

// A random lower-case hyphenated UUID v4, "8f0e4b1c-4d2a-4c3b-9e8f-0a1b2c3d4e5f".
std::string NewUuid();

}  // namespace wharf
