#include "services/sqs/sqs_util.h"

#include <array>
#include <charconv>
#include <cstring>
#include <vector>

namespace wharf::sqs {
namespace {

void AppendLengthPrefixed(std::string& out, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(bytes);
}

}  // namespace

std::string MessageAttributesMd5(const nlohmann::json& attributes) {
  if (!attributes.is_object() || attributes.empty()) return {};
  std::string buf;
  // nlohmann objects are std::map-ordered: ascending byte order of names.
  for (const auto& [name, value] : attributes.items()) {
    AppendLengthPrefixed(buf, name);
    const std::string type = value.value("DataType", "");
    AppendLengthPrefixed(buf, type);
    if (value.contains("BinaryValue")) {
      buf.push_back(2);
      const auto& bin = value["BinaryValue"];
      if (bin.is_binary()) {
        const auto& v = bin.get_binary();
        AppendLengthPrefixed(buf,
                             std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
      } else {
        AppendLengthPrefixed(buf, bin.is_string() ? bin.get_ref<const std::string&>() : "");
      }
    } else {
      buf.push_back(1);
      AppendLengthPrefixed(buf, value.value("StringValue", ""));
    }
  }
  return Md5Hex(buf);
}

const nlohmann::json& MemberOf(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

const std::string& StringMemberOf(const nlohmann::json& object, std::string_view key) {
  static const std::string kEmpty;
  const nlohmann::json& v = MemberOf(object, key);
  return v.is_string() ? v.get_ref<const std::string&>() : kEmpty;
}

bool ValidMessageCharacters(std::string_view body) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  constexpr uint64_t kSpaces = 0x2020202020202020ull;
  size_t i = 0;
  while (i < body.size()) {
    if (i + 8 <= body.size()) {  // eight printable ASCII bytes at once
      uint64_t w;
      std::memcpy(&w, body.data() + i, 8);
      if ((w & kHighBits) == 0 && ((w - kSpaces) & ~w & kHighBits) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<uint8_t>(body[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f;
      len = 3;
    } else if ((c & 0xf8) == 0xf0) {
      cp = c & 0x07;
      len = 4;
    } else
      return false;
    if (i + len > body.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<uint8_t>(body[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    i += len;
    const bool ok = cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
                    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) return false;
  }
  return true;
}

bool ValidFifoToken(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;  // alphanumerics and punctuation only
  }
  return true;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

}  // namespace wharf::sqs
