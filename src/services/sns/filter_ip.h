// IP literals and CIDR blocks as AWS's filter policies understand them. Pure; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "services/sns/filter_types.h"

namespace wharf::sns::filter {

// Parses an IPv4 dotted quad or an IPv6 literal into `bytes`; `len` becomes 4 or 16.
bool ParseIp(std::string_view text, std::array<std::uint8_t, 16>& bytes, int& len);

// Builds a kCidr pattern from "ip/bits". On failure returns false and sets `error` to AWS's
// message ("Malformed CIDR, one '/' required", "Nonstandard IP address: x", ...).
bool ParseCidr(std::string_view text, Pattern& out, std::string& error);

// True when `text` is an IP literal that falls in pattern's [ip_low, ip_high] (same family).
bool IpInRange(std::string_view text, const Pattern& pattern);

}  // namespace wharf::sns::filter
