// Byte encodings: standard base64 (RFC 4648, with padding), as AWS uses for blobs in JSON,
// query and XML; lower-case hex; boolean words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wharf {

// Encodes bytes with '=' padding. Thread-safe.
std::string Base64Encode(std::string_view bytes);

// Decodes standard base64. Accepts missing padding; ignores ASCII whitespace. Returns nullopt on
// any other character or a dangling single symbol. Thread-safe.
std::optional<std::string> Base64Decode(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF). Thread-safe.
bool IsUtf8(std::string_view text);

// The length (1-4) of the well-formed UTF-8 sequence `text` starts with; 0 if it starts with
// none (or is empty).
size_t Utf8SequenceLength(std::string_view text);

// Two lower-case hex digits per byte. Thread-safe.
std::string HexEncode(std::string_view bytes);

// "true" or "false" in any case, as AWS takes boolean attributes ("True"); nullopt otherwise.
std::optional<bool> ParseBool(std::string_view text);

}  // namespace wharf
