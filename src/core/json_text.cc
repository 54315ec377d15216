#include "wharf/core/json_text.h"

#include <simdjson.h>

#include <charconv>
#include <string_view>

#include "wharf/core/encoding.h"

namespace wharf {
namespace {

using nlohmann::json;

// Bodies above this size are parsed with a parser of their own, so that one big request does
// not leave a loop thread holding a big parse buffer.
constexpr size_t kReusedParserLimit = 64 * 1024;

json ToJson(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      json object = json::object();
      auto& members = object.get_ref<json::object_t&>();
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(e)) {
        members[std::string(field.key)] = ToJson(field.value);  // the last duplicate wins
      }
      return object;
    }
    case simdjson::dom::element_type::ARRAY: {
      json array = json::array();
      auto& items = array.get_ref<json::array_t&>();
      simdjson::dom::array elements(e);
      items.reserve(elements.size());
      for (simdjson::dom::element item : elements) items.push_back(ToJson(item));
      return array;
    }
    case simdjson::dom::element_type::INT64: {
      int64_t v = int64_t(e);
      if (v >= 0) return json(static_cast<uint64_t>(v));  // as nlohmann's parser does
      return json(v);
    }
    case simdjson::dom::element_type::UINT64:
      return json(uint64_t(e));
    case simdjson::dom::element_type::DOUBLE:
      return json(double(e));
    case simdjson::dom::element_type::STRING:
      return json(std::string(std::string_view(e)));
    case simdjson::dom::element_type::BOOL:
      return json(bool(e));
    case simdjson::dom::element_type::NULL_VALUE:
      break;
  }
  return json(nullptr);
}

// simdjson and nlohmann differ on escaped UTF-16 surrogates that are not in pairs; nlohmann's
// answer is the one kept, so such texts are left to it.
bool HasEscapedSurrogate(std::string_view text) {
  for (size_t i = text.find("\\u"); i != std::string_view::npos; i = text.find("\\u", i + 2)) {
    if (i + 2 < text.size() && (text[i + 2] == 'd' || text[i + 2] == 'D')) return true;
  }
  return false;
}

std::optional<json> ParseWithNlohmann(const std::string& text) {
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

// Writes `s` quoted and escaped as nlohmann does with ensure_ascii off.
void WriteString(std::string_view s, std::string& out) {
  const size_t start = out.size();
  out.push_back('"');
  bool non_ascii = false;
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
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
  if (non_ascii && !simdjson::validate_utf8(s.data(), s.size())) {
    out.resize(start);  // invalid UTF-8: nlohmann's replacement rules decide
    AppendWithNlohmann(json(std::string(s)), out);
    return;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

template <typename Int>
void WriteInteger(Int v, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  (void)ec;  // 24 chars hold any 64-bit integer
  out.append(buffer, end);
}

}  // namespace

std::optional<json> ParseJsonText(const std::string& text) {
  if (!HasEscapedSurrogate(text)) {
    simdjson::dom::element root;
    simdjson::error_code error;
    if (text.size() <= kReusedParserLimit) {
      thread_local simdjson::dom::parser parser;
      error = parser.parse(text).get(root);
      if (!error) return ToJson(root);
    } else {
      simdjson::dom::parser parser;
      error = parser.parse(text).get(root);
      if (!error) return ToJson(root);
    }
  }
  // Refused by simdjson (malformed, or a form it reads differently: a byte order mark,
  // integers beyond 64 bits, very deep nesting): nlohmann decides.
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
        WriteString(key, out);
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
      WriteString(value.get_ref<const std::string&>(), out);
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
  WriteJsonText(value, out);
  return out;
}

}  // namespace wharf
