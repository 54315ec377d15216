// Checks and hashes SQS needs beyond the shared ones (digests, base64 and ids come from
// wharf/core): the message-attribute MD5 exactly as the SDKs verify it (§5.1), body character
// rules, FIFO token rules. Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "wharf/core/digest.h"
#include "wharf/core/encoding.h"
#include "wharf/core/ids.h"

namespace wharf::sqs {

// MD5 of a MessageAttributeValue map ({"name": {"DataType", "StringValue"|"BinaryValue"}}),
// names in ascending byte order, binary values as json binary. Empty string for an empty map.
std::string MessageAttributesMd5(const nlohmann::json& attributes);

// Member `key` of `object` without copying it; a null json when `object` is not an object or
// has no such member.
const nlohmann::json& MemberOf(const nlohmann::json& object, std::string_view key);
// Member `key` of `object` when it is a string, else an empty string. No copy.
const std::string& StringMemberOf(const nlohmann::json& object, std::string_view key);

// True when `body` (UTF-8) holds only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
bool ValidMessageCharacters(std::string_view body);

// True when `s` is 1-128 characters of alphanumerics and ASCII punctuation.
bool ValidFifoToken(std::string_view s);

// Parses a whole decimal integer; empty optional on anything else.
std::optional<int64_t> ParseInt(std::string_view s);

}  // namespace wharf::sqs
