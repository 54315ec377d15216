// Hashes, encodings and checks SQS needs: MD5s exactly as the SDKs verify them (§5.1), SHA-256
// for content-based deduplication, base64, UUIDs, body character rules. Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace wharf::sqs {

std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

// MD5 of a MessageAttributeValue map ({"name": {"DataType", "StringValue"|"BinaryValue"}}),
// names in ascending byte order, binary values as json binary. Empty string for an empty map.
std::string MessageAttributesMd5(const nlohmann::json& attributes);

std::string Base64Encode(std::string_view bytes);
// Empty optional when `text` is not valid (padded) base64.
std::optional<std::string> Base64Decode(std::string_view text);

// A random lower-case hyphenated UUID v4.
std::string NewUuid();

// True when `body` (UTF-8) holds only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
bool ValidMessageCharacters(std::string_view body);

// True when `s` is 1-128 characters of alphanumerics and ASCII punctuation.
bool ValidFifoToken(std::string_view s);

// Parses a whole decimal integer; empty optional on anything else.
std::optional<int64_t> ParseInt(std::string_view s);

}  // namespace wharf::sqs
