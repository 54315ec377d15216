#include "services/sns/filter_json.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "wharf/core/encoding.h"

namespace wharf::sns::filter {
namespace {

constexpr int kMaxDepth = 1000;
constexpr const char* kRedacted =
    "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)";
constexpr const char* kValidValues =
    "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

// Java's UTF-16 length of UTF-8 text.
std::size_t Utf16Units(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;  // 4-byte sequence: a surrogate pair
  }
  return n;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsIdentifierPart(unsigned char c) {
  return std::isalnum(c) != 0 || c == '_' || c == '$' || c >= 0x80;
}

// Strict recursive-descent reader producing Jackson's messages.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  bool Read(nlohmann::ordered_json& out, std::string& error) {
    SkipWs();
    if (pos_ >= s_.size()) {
      error = "No content to map due to end-of-input";
      return false;
    }
    if (!Value(out, 0)) {
      error = "failed to parse JSON. " + message_ + "\n at [Source: " + kRedacted +
              "; line: " + std::to_string(err_line_) + ", column: " + std::to_string(err_col_) +
              "]";
      return false;
    }
    return true;
  }

 private:
  // Reads the code point at pos_ for messages; sets `len` to its byte length.
  std::uint32_t CodePointAt(std::size_t at, std::size_t& len) const {
    auto c = static_cast<unsigned char>(s_[at]);
    len = 1;
    if (c < 0x80) return c;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    std::uint32_t cp = c & (0x3F >> extra);
    for (int i = 0; i < extra && at + len < s_.size(); ++i, ++len) {
      cp = (cp << 6) | (static_cast<unsigned char>(s_[at + len]) & 0x3F);
    }
    return cp;
  }

  std::string CharDesc(std::size_t at) const {
    std::size_t len = 0;
    std::uint32_t cp = CodePointAt(at, len);
    if (cp < 32) return "(CTRL-CHAR, code " + std::to_string(cp) + ")";
    std::string ch(s_.substr(at, len));
    if (cp > 255) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "%x", cp);
      return "'" + ch + "' (code " + std::to_string(cp) + " / 0x" + hex + ")";
    }
    return "'" + ch + "' (code " + std::to_string(cp) + ")";
  }

  // Records an error located at byte offset `at` (column of that character).
  bool Fail(std::string message, std::size_t at) {
    message_ = std::move(message);
    std::size_t line_start = 0;
    err_line_ = 1;
    for (std::size_t i = 0; i < at && i < s_.size(); ++i) {
      if (s_[i] == '\n' || (s_[i] == '\r' && (i + 1 >= s_.size() || s_[i + 1] != '\n'))) {
        ++err_line_;
        line_start = i + 1;
      }
    }
    err_col_ = Utf16Units(s_.substr(line_start, at - line_start)) + 1;
    return false;
  }
  bool Unexpected(std::size_t at, const std::string& what) {
    return Fail("Unexpected character (" + CharDesc(at) + "): " + what, at);
  }
  bool EndOfInput(const std::string& what) { return Fail("Unexpected end-of-input" + what, pos_); }

  void SkipWs() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string StartMarker(std::size_t at) {
    std::size_t saved_line = err_line_, saved_col = err_col_;
    std::string saved = message_;
    Fail("", at);
    std::string marker = std::string("(start marker at [Source: ") + kRedacted +
                         "; line: " + std::to_string(err_line_) +
                         ", column: " + std::to_string(err_col_) + "])";
    err_line_ = saved_line;
    err_col_ = saved_col;
    message_ = saved;
    return marker;
  }

  bool Value(nlohmann::ordered_json& out, int depth) {
    SkipWs();
    if (pos_ >= s_.size()) return EndOfInput(": expected a value");
    char c = s_[pos_];
    switch (c) {
      case '{':
        return Object(out, depth + 1);
      case '[':
        return Array(out, depth + 1);
      case '"': {
        std::string str;
        if (!String(str, false)) return false;
        out = std::move(str);
        return true;
      }
      case ']':
      case '}':
        return Unexpected(pos_, "expected a value");
      default:
        break;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
        static_cast<unsigned char>(c) >= 0x80) {
      std::size_t start = pos_;
      while (pos_ < s_.size() && IsIdentifierPart(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      std::string_view word = s_.substr(start, pos_ - start);
      if (word == "true") {
        out = true;
      } else if (word == "false") {
        out = false;
      } else if (word == "null") {
        out = nullptr;
      } else {
        return Fail("Unrecognized token '" + std::string(word) + "': was expecting " + kValidValues,
                    pos_);
      }
      return true;
    }
    return Unexpected(pos_, std::string("expected a valid value ") + kValidValues);
  }

  bool Object(nlohmann::ordered_json& out, int depth) {
    if (depth > kMaxDepth) return DepthError();
    std::size_t open = pos_++;
    out = nlohmann::ordered_json::object();
    SkipWs();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWs();
      if (pos_ >= s_.size()) {
        return EndOfInput(": expected close marker for Object " + StartMarker(open));
      }
      if (s_[pos_] != '"')
        return Unexpected(pos_, "was expecting double-quote to start field name");
      std::string key;
      if (!String(key, true)) return false;
      SkipWs();
      if (pos_ >= s_.size()) return EndOfInput(" within/between Object entries");
      if (s_[pos_] != ':') {
        return Unexpected(pos_, "was expecting a colon to separate field name and value");
      }
      ++pos_;
      nlohmann::ordered_json value;
      if (!Value(value, depth)) return false;
      out[key] = std::move(value);
      SkipWs();
      if (pos_ >= s_.size()) {
        return EndOfInput(": expected close marker for Object " + StartMarker(open));
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      if (s_[pos_] != ',')
        return Unexpected(pos_, "was expecting comma to separate Object entries");
      ++pos_;
    }
  }

  bool Array(nlohmann::ordered_json& out, int depth) {
    if (depth > kMaxDepth) return DepthError();
    std::size_t open = pos_++;
    out = nlohmann::ordered_json::array();
    SkipWs();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      nlohmann::ordered_json value;
      if (!Value(value, depth)) return false;
      out.push_back(std::move(value));
      SkipWs();
      if (pos_ >= s_.size()) {
        return EndOfInput(": expected close marker for Array " + StartMarker(open));
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      if (s_[pos_] != ',') return Unexpected(pos_, "was expecting comma to separate Array entries");
      ++pos_;
    }
  }

  bool DepthError() {
    return Fail("Document nesting depth (" + std::to_string(kMaxDepth + 1) +
                    ") exceeds the maximum allowed (" + std::to_string(kMaxDepth) +
                    ", from `StreamReadConstraints.getMaxNestingDepth()`)",
                pos_);
  }

  bool String(std::string& out, bool name) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) {
        return EndOfInput(name ? " in field name"
                               : ": was expecting closing quote for a string value");
      }
      auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) {
        return Fail("Illegal unquoted character (" + CharDesc(pos_) +
                        "): has to be escaped using backslash to be included in " +
                        (name ? "name" : "string value"),
                    pos_);
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      if (++pos_ >= s_.size()) return EndOfInput(" in character escape sequence");
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 1 < s_.size() && s_[pos_] == '\\' &&
              s_[pos_ + 1] == 'u') {
            std::size_t save = pos_;
            pos_ += 2;
            std::uint32_t low = 0;
            if (!Hex4(low)) return false;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              pos_ = save;
            }
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Fail("Unrecognized character escape " + CharDesc(pos_ - 1), pos_ - 1);
      }
    }
  }

  bool Hex4(std::uint32_t& cp) {
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= s_.size()) return EndOfInput(" in character escape sequence");
      int v = HexDigitValue(s_[pos_]);
      if (v < 0) return Unexpected(pos_, "expected a hex-digit for character escape sequence");
      cp = cp * 16 + static_cast<std::uint32_t>(v);
      ++pos_;
    }
    return true;
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  bool Number(nlohmann::ordered_json& out) {
    std::size_t start = pos_;
    bool is_float = false;
    if (s_[pos_] == '-') {
      ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) {
        if (pos_ >= s_.size()) return EndOfInput(" in a Number value");
        return Fail("Unexpected character (" + CharDesc(pos_) +
                        ") in numeric value: expected digit (0-9) to follow minus sign, for valid "
                        "numeric value",
                    pos_);
      }
    }
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && IsDigit(s_[pos_ + 1])) {
      return Fail("Invalid numeric value: Leading zeroes not allowed", pos_ + 1);
    }
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      is_float = true;
      ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) {
        if (pos_ >= s_.size()) return EndOfInput(" in a Number value");
        return Fail("Unexpected character (" + CharDesc(pos_) +
                        ") in numeric value: Decimal point not followed by a digit",
                    pos_);
      }
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      is_float = true;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) {
        if (pos_ >= s_.size()) return EndOfInput(" in a Number value");
        return Fail("Unexpected character (" + CharDesc(pos_) +
                        ") in numeric value: Exponent indicator not followed by a digit",
                    pos_);
      }
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    std::string_view digits = s_.substr(start, pos_ - start);
    if (!is_float) {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec == std::errc() && p == digits.data() + digits.size()) {
        out = v;
        return true;
      }
    }
    out = std::strtod(std::string(digits).c_str(), nullptr);
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string message_;
  std::size_t err_line_ = 1;
  std::size_t err_col_ = 1;
};

}  // namespace

bool ReadJson(std::string_view text, nlohmann::ordered_json& out, std::string& error) {
  Reader reader(text);
  return reader.Read(out, error);
}

std::string DecodeJsonString(std::string_view literal) {
  nlohmann::ordered_json value;
  std::string error;
  if (!ReadJson(literal, value, error) || !value.is_string()) return std::string();
  return value.get<std::string>();
}

}  // namespace wharf::sns::filter
