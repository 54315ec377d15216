#include "wharf/core/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "wharf/core/encoding.h"

namespace wharf {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 256;  // deeper documents are left to nlohmann

// True when one of the eight bytes of `w` is a control character, '"', '\\' or not ASCII:
// the bytes a JSON string's reader and writer must look at one by one (the usual bit tricks for
// "has a byte less than n" and "has a byte equal to c", whose false positives only send a plain run
// down the slow path).
bool HasSpecialByte(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  return (((w - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes) | w) & kHigh) != 0;
}

// Reads the JSON the SDKs send, straight into nlohmann values. Strict: it accepts a subset of
// what nlohmann accepts (no byte order mark, no escaped surrogates, integers within 64 bits,
// finite doubles, bounded depth) and builds the same value; anything else makes it give up, and
// nlohmann's own parser decides.
class FastReader {
 public:
  explicit FastReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool Document(json& out) {
    SkipSpace();
    if (!Value(out, 0)) return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool Value(json& out, int depth) {
    if (p_ == end_ || depth > kMaxDepth) return false;
    switch (*p_) {
      case '{':
        return Object(out, depth);
      case '[':
        return Array(out, depth);
      case '"': {
        std::string text;
        if (!String(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't':
        return Literal("true", json(true), out);
      case 'f':
        return Literal("false", json(false), out);
      case 'n':
        return Literal("null", json(nullptr), out);
      default:
        return Number(out);
    }
  }

  bool Literal(std::string_view word, json value, json& out) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    out = std::move(value);
    return true;
  }

  bool Object(json& out, int depth) {
    ++p_;
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    SkipSpace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      SkipSpace();
      std::string key;
      if (p_ == end_ || *p_ != '"' || !String(key)) return false;
      SkipSpace();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      SkipSpace();
      if (!Value(members[std::move(key)], depth + 1)) return false;  // a later duplicate wins
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '}') return true;
      if (c != ',') return false;
    }
  }

  bool Array(json& out, int depth) {
    ++p_;
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    SkipSpace();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      SkipSpace();
      if (!Value(items.emplace_back(), depth + 1)) return false;
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == ']') return true;
      if (c != ',') return false;
    }
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool String(std::string& out) {
    ++p_;  // the opening quote
    const char* run = p_;
    for (;;) {
      while (end_ - p_ >= 8) {  // plain ASCII eight bytes at a time
        uint64_t w;
        std::memcpy(&w, p_, 8);
        if (HasSpecialByte(w)) break;
        p_ += 8;
      }
      while (p_ < end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
        ++p_;
      }
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.append(run, p_);
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        const size_t n = Utf8SequenceLength(std::string_view(p_, end_ - p_));
        if (n == 0) return false;
        p_ += n;
        continue;
      }
      out.append(run, p_);  // a backslash
      if (end_ - p_ < 2) return false;
      const char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          if (end_ - p_ < 4) return false;
          uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            const int d = HexDigitValue(p_[i]);
            if (d < 0) return false;
            cp = (cp << 4) | static_cast<uint32_t>(d);
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogates: nlohmann's rules
          p_ += 4;
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
      run = p_;
    }
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool Number(json& out) {
    const char* begin = p_;
    const char* q = p_;
    const bool negative = q < end_ && *q == '-';
    if (negative) ++q;
    if (q == end_ || !IsDigit(*q)) return false;
    if (*q == '0') {
      ++q;
    } else {
      while (q < end_ && IsDigit(*q)) ++q;
    }
    bool integer = true;
    if (q < end_ && *q == '.') {
      integer = false;
      ++q;
      if (q == end_ || !IsDigit(*q)) return false;
      while (q < end_ && IsDigit(*q)) ++q;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      integer = false;
      ++q;
      if (q < end_ && (*q == '+' || *q == '-')) ++q;
      if (q == end_ || !IsDigit(*q)) return false;
      while (q < end_ && IsDigit(*q)) ++q;
    }
    if (integer && negative) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(begin, q, v);
      if (ec != std::errc() || end != q) return false;
      out = v;
    } else if (integer) {
      uint64_t v = 0;
      auto [end, ec] = std::from_chars(begin, q, v);
      if (ec != std::errc() || end != q) return false;
      out = v;
    } else {
      double v = 0;
      auto [end, ec] = std::from_chars(begin, q, v);
      if (ec != std::errc() || end != q || !std::isfinite(v)) return false;
      out = v;
    }
    p_ = q;
    return true;
  }

  const char* p_;
  const char* end_;
};

std::optional<json> ParseWithNlohmann(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

void AppendWithNlohmann(const json& value, std::string& out) {
  nlohmann::detail::serializer<json> serializer(nlohmann::detail::output_adapter<char>(out), ' ',
                                                json::error_handler_t::replace);
  serializer.dump(value, false, false, 0);
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

void WriteJsonString(std::string_view s, std::string& out) {
  const size_t start = out.size();
  out.push_back('"');
  bool non_ascii = false;
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    while (i + 8 <= s.size()) {  // skip plain ASCII eight bytes at a time
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (HasSpecialByte(w)) break;
      i += 8;
    }
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      non_ascii = true;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    out.push_back('\\');
    switch (c) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '\b':
        out.push_back('b');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\r':
        out.push_back('r');
        break;
      case '\t':
        out.push_back('t');
        break;
      default:
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  if (non_ascii && !IsUtf8(s)) {
    out.resize(start);  // invalid UTF-8: nlohmann's replacement rules decide
    AppendWithNlohmann(json(std::string(s)), out);
    return;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {

template <typename Int>
void WriteInteger(Int v, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  (void)ec;  // 24 chars hold any 64-bit integer
  out.append(buffer, end);
}

}  // namespace

std::optional<json> ParseJsonText(std::string_view text) {
  json doc;
  if (FastReader(text).Document(doc)) return doc;
  // Not in the fast reader's subset (or not JSON at all): nlohmann decides.
  return ParseWithNlohmann(text);
}

void WriteJsonText(const json& value, std::string& out) {
  switch (value.type()) {
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        WriteJsonString(key, out);
        out.push_back(':');
        WriteJsonText(member, out);
      }
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value.get_ref<const json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        WriteJsonText(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string:
      WriteJsonString(value.get_ref<const std::string&>(), out);
      return;
    case json::value_t::binary: {
      const auto& bytes = value.get_binary();
      out.push_back('"');
      out.append(Base64Encode(
          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
      out.push_back('"');
      return;
    }
    case json::value_t::number_integer:
      WriteInteger(value.get<json::number_integer_t>(), out);
      return;
    case json::value_t::number_unsigned:
      WriteInteger(value.get<json::number_unsigned_t>(), out);
      return;
    case json::value_t::boolean:
      out.append(value.get<bool>() ? "true" : "false");
      return;
    case json::value_t::null:
    case json::value_t::discarded:
      out.append("null");
      return;
    case json::value_t::number_float:
      AppendWithNlohmann(value, out);  // nlohmann's shortest round-trip form
      return;
  }
}

std::string JsonText(const json& value) {
  std::string out;
  out.reserve(256);  // most answers fit: no regrowth while writing them
  WriteJsonText(value, out);
  return out;
}

}  // namespace wharf
