// Jackson-compatible output: compact JSON, Java double text, source locations (filter_json.h).
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "services/sns/filter_json.h"

namespace wharf::sns::filter {
namespace {

constexpr std::size_t kMaxSnippet = 500;

std::size_t Utf16Units(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;
  }
  return n;
}

void WriteString(const std::string& s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void Write(const nlohmann::ordered_json& v, std::string& out) {
  switch (v.type()) {
    case nlohmann::ordered_json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out += ',';
        first = false;
        WriteString(key, out);
        out += ':';
        Write(item, out);
      }
      out += '}';
      break;
    }
    case nlohmann::ordered_json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        first = false;
        Write(item, out);
      }
      out += ']';
      break;
    }
    case nlohmann::ordered_json::value_t::string:
      WriteString(v.get_ref<const std::string&>(), out);
      break;
    case nlohmann::ordered_json::value_t::number_float:
      out += JavaDoubleString(v.get<double>());
      break;
    default:
      out += v.dump();
  }
}

}  // namespace

std::string WriteCompact(const nlohmann::ordered_json& value) {
  std::string out;
  Write(value, out);
  return out;
}

std::string JavaDoubleString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, end);  // e.g. "-1.2345e+02"
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  std::size_t epos = sci.find('e');
  int exponent = std::atoi(sci.c_str() + epos + 1);
  std::string digits = sci.substr(0, epos);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  double mag = std::fabs(v);
  if (mag >= 1e-3 && mag < 1e7) {
    std::string whole, frac;
    if (exponent >= 0) {
      std::size_t n = static_cast<std::size_t>(exponent) + 1;
      while (digits.size() < n) digits += '0';
      whole = digits.substr(0, n);
      frac = digits.substr(n);
    } else {
      whole = "0";
      frac = std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    }
    if (frac.empty()) frac = "0";
    return sign + whole + "." + frac;
  }
  std::string frac = digits.size() > 1 ? digits.substr(1) : "0";
  return sign + digits.substr(0, 1) + "." + frac + "E" + std::to_string(exponent);
}

std::string SourceLocation(std::string_view text, std::size_t column) {
  // Truncate at kMaxSnippet UTF-16 units, never inside a UTF-8 sequence.
  std::size_t units = 0, cut = 0;
  while (cut < text.size()) {
    auto c = static_cast<unsigned char>(text[cut]);
    std::size_t need = c >= 0xF0 ? 2 : 1;
    if ((c & 0xC0) != 0x80 && units + need > kMaxSnippet) break;
    if ((c & 0xC0) != 0x80) units += need;
    ++cut;
  }
  std::string out = "[Source: (String)\"" + std::string(text.substr(0, cut)) + "\"";
  if (cut < text.size()) {
    out += "[truncated " + std::to_string(Utf16Units(text.substr(cut))) + " chars]";
  }
  return out + "; line: 1, column: " + std::to_string(column) + "]";
}

}  // namespace wharf::sns::filter
