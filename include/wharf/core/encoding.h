// Byte encodings: standard base64 (RFC 4648, with padding), as AWS uses for blobs in JSON,
// query and XML; lower-case hex; percent-encoded forms and query strings; boolean words.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// `text` with A-Z lower-cased (HTTP header names, content types, host names). Thread-safe.
std::string AsciiLower(std::string_view text);

// The value (0-15) of the hex digit `c`, in either case; -1 when `c` is none.
int HexDigitValue(char c);

// Decodes %XX escapes (either hex case); with `plus_is_space`, as forms and query strings have
// it, '+' is a space. A malformed escape is kept as it is. Thread-safe.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// The name-value pairs of a form or query string, in order and decoded ('+' is a space):
// "a=1&b=&c" gives (a, 1), (b, ""), (c, ""). Empty pieces are skipped. Thread-safe.
using FormPairs = std::vector<std::pair<std::string, std::string>>;
FormPairs ParseFormPairs(std::string_view text);

// "true" or "false" in any case, as AWS takes boolean attributes ("True"); nullopt otherwise.
std::optional<bool> ParseBool(std::string_view text);

}  // namespace wharf
