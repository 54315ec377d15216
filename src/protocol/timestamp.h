// Timestamp text forms used by AWS protocols. Engines hold timestamps as epoch seconds (double).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wharf {

// "2026-11-28T05:54:06.655Z" (UTC, milliseconds) or, with millis=false, "2026-11-28T05:54:06Z".
std::string FormatIso8601(double epoch_seconds, bool millis = true);

// RFC 7231 IMF-fixdate, "Sat, 28 Nov 2026 05:54:06 GMT" (rest protocol headers, S3).
std::string FormatHttpDate(double epoch_seconds);

// Epoch seconds as AWS JSON writes them: integral values without a fraction ("1700000000"),
// others with up to millisecond precision ("1700000000.123").
std::string FormatEpochSeconds(double epoch_seconds);

// Parses any form AWS clients send: epoch seconds ("1700000000.5"), ISO-8601 with optional
// fraction and 'Z' or +hh:mm offset, or an RFC 7231/822 date. nullopt if none matches.
std::optional<double> ParseTimestamp(std::string_view text);

}  // namespace wharf
