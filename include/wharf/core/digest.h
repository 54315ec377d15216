// Message digests over OpenSSL, as hex strings (AWS's MD5OfMessageBody, SHA-256 payload and
// deduplication hashes). The algorithms are fetched once and each thread reuses one context, so
// a small digest costs little more than the hashing itself. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace wharf {

// Lower-case hex MD5 of `data` (32 characters).
std::string Md5Hex(std::string_view data);

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Raw SHA-256 of `data` (32 bytes).
std::string Sha256(std::string_view data);

}  // namespace wharf
