// Compiled form of an SNS filter policy: OR of branches, each an AND of field conditions, each an
// OR of patterns. Value types only; built by filter_compile, read by filter_match.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wharf::sns::filter {

enum class PatternKind {
  kExactString,        // text: the string
  kExactNumber,        // text: the number as written; number/has_number: its value if in range
  kExactLiteral,       // text: "true", "false" or "null"
  kIpAddress,          // a string rule that is an IP literal: text + ip_low == ip_high
  kPrefix,             // text
  kSuffix,             // text
  kEqualsIgnoreCase,   // text, already lower-cased
  kWildcard,           // text: the pattern with AWS escapes ("\\*", "\\\\") still in it
  kAnythingBut,        // strings, or numbers when numeric
  kAnythingButPrefix,  // text
  kNumericRange,       // low/high with open flags; has_low/has_high
  kCidr,               // ip_low..ip_high inclusive, ip_len 4 or 16
  kExists,             // the field has at least one value
  kAbsent,             // the field has no value
};

struct Pattern {
  PatternKind kind = PatternKind::kExactString;
  std::string text;
  double number = 0;
  bool has_number = false;
  bool numeric = false;              // kAnythingBut over numbers
  std::vector<std::string> strings;  // kAnythingBut (sorted)
  std::vector<double> numbers;       // kAnythingBut numeric
  double low = 0;
  double high = 0;
  bool has_low = false;
  bool has_high = false;
  bool low_open = false;
  bool high_open = false;
  std::array<std::uint8_t, 16> ip_low{};
  std::array<std::uint8_t, 16> ip_high{};
  int ip_len = 0;
};

// One key of one branch: the dotted path ("a.b.c") and its OR-ed patterns.
struct FieldCondition {
  std::string path;
  std::vector<Pattern> patterns;
};

using Branch = std::vector<FieldCondition>;

// A typed value of a message field. Strings, numbers and literals never equal one another.
struct FieldValue {
  enum class Kind { kString, kNumber, kLiteral };
  Kind kind = Kind::kString;
  std::string text;  // the string, the number as written, or "true"/"false"/"null"
  double number = 0;
  bool number_ok = false;  // a number within kNumberLimit
};

// Numbers outside this range cannot be compared numerically (AWS: -10^9..10^9).
inline constexpr double kNumberLimit = 1e9;

}  // namespace wharf::sns::filter
