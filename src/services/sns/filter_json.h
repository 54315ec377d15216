// JSON helpers that reproduce what AWS SNS (Jackson underneath) reports about a filter policy:
// a strict reader with Jackson's syntax-error texts and locations, Jackson's compact writer, and a
// pull cursor whose Column() follows Jackson's parser location rules. Pure; thread-compatible.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::sns::filter {

// Parses `text` as strict JSON (RFC 8259, no comments/NaN/trailing commas; content after the first
// complete value is ignored, as Jackson's readTree does). Returns false and sets `error` to
// Jackson's message plus "\n at [Source: REDACTED ...; line: L, column: C]" on a syntax error.
// Duplicate keys keep their first position and the last value.
bool ReadJson(std::string_view text, nlohmann::ordered_json& out, std::string& error);

// Serializes `value` without whitespace the way Jackson does: keys in order, doubles in Java's
// Double.toString form ("300.0", "1.0E10"), control characters as \uXXXX or short escapes.
std::string WriteCompact(const nlohmann::ordered_json& value);

// Java's Double.toString for finite `v`.
std::string JavaDoubleString(double v);

// Jackson's "[Source: (String)"..."; line: 1, column: N]" description of `text` at `column`
// (content truncated to 500 characters as Jackson does).
std::string SourceLocation(std::string_view text, std::size_t column);

enum class Tok {
  kStartObject,
  kEndObject,
  kStartArray,
  kEndArray,
  kFieldName,
  kString,
  kInt,
  kFloat,
  kTrue,
  kFalse,
  kNull,
  kEof,
};

// A pull parser over VALID compact JSON (as produced by WriteCompact). Column() is the column that
// Jackson's JsonParser.getCurrentLocation() reports after the same calls: a field name also reads
// the start of its value; a string value is only read past its closing quote once Text() is asked.
class TokenCursor {
 public:
  explicit TokenCursor(std::string_view text) : text_(text) {}

  Tok Next();
  // Decoded string / field name, or the token's text ("]", "12", "true"). Completes a string.
  const std::string& Text();
  double Number() const { return number_; }
  bool IsNumeric() const { return current_ == Tok::kInt || current_ == Tok::kFloat; }
  // 1-based column (UTF-16 units, like Java) of the current location.
  std::size_t Column() const;

 private:
  Tok Scan(std::size_t& start, std::size_t& end);
  void SetValue(Tok tok, std::size_t start, std::size_t end);

  std::string_view text_;
  std::size_t scan_ = 0;      // where the next raw token starts
  std::size_t location_ = 0;  // Jackson's reported location (byte offset)
  Tok current_ = Tok::kEof;
  bool has_pending_ = false;
  Tok pending_ = Tok::kEof;
  std::size_t pending_start_ = 0;
  std::size_t pending_end_ = 0;
  std::size_t string_end_ = 0;  // end of the current string token, for Text()
  std::string text_value_;
  std::string pending_text_;
  double number_ = 0;
  double pending_number_ = 0;
  // Context stack: 'o' object, 'a' array; expect_name_ when the next string is a field name.
  std::vector<char> stack_;
  bool expect_name_ = false;
};

// Decodes the JSON string literal text[start..end) (quotes included) into UTF-8.
std::string DecodeJsonString(std::string_view literal);

}  // namespace wharf::sns::filter
