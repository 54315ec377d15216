// JSON text in and out of nlohmann::json, for request and response bodies. The same documents
// as nlohmann's own parse() and dump(), several times faster: both copy runs of plain
// characters at once instead of going character by character.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace wharf {

// Parses `text` (RFC 8259, UTF-8). Returns nullopt when it is not one valid JSON value.
// Accepts exactly what nlohmann::json::parse accepts and builds the same value: duplicate
// keys keep the last, non-negative integers are unsigned, integers too big for 64 bits are
// doubles. Thread-safe.
std::optional<nlohmann::json> ParseJsonText(std::string_view text);

// Appends `value` as compact JSON to `out`: the text dump(-1, ' ', false, replace) gives
// (non-ASCII UTF-8 as is, invalid UTF-8 as U+FFFD), except that binary values are written as
// base64 strings, their form in AWS JSON bodies. Thread-safe.
void WriteJsonText(const nlohmann::json& value, std::string& out);

// Appends `s` as a JSON string (quoted and escaped), as WriteJsonText writes string values.
void WriteJsonString(std::string_view s, std::string& out);

// WriteJsonText into a new string.
std::string JsonText(const nlohmann::json& value);

}  // namespace wharf
