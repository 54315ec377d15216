#include "protocol/query/xml_shape.h"

#include <cstdint>

#include "wharf/core/encoding.h"
#include "protocol/timestamp.h"

namespace wharf::query {
namespace {

using nlohmann::json;

std::string FormatNumber(const json& value) {
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d)) && d < 9e15 && d > -9e15) {
      return std::to_string(static_cast<int64_t>(d));
    }
  }
  return value.dump();
}

void AppendScalar(XmlWriter& out, const PlanNode& node, std::string_view name, const json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (node.kind == Kind::kBlob) {
      out.Element(name, Base64Encode(text));
    } else {
      out.Element(name, text);
    }
    return;
  }
  out.Element(name, ScalarText(node.kind, node.timestamp_format, value));
}

}  // namespace

std::string ScalarText(Kind kind, std::string_view timestamp_format, const json& value,
                       std::string_view default_format) {
  if (value.is_string()) {
    if (kind == Kind::kBlob) return Base64Encode(value.get_ref<const std::string&>());
    return value.get<std::string>();
  }
  if (value.is_binary()) {
    const auto& bytes = value.get_binary();
    return Base64Encode(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) {
    if (kind == Kind::kTimestamp) {
      std::string_view format = timestamp_format.empty() ? default_format : timestamp_format;
      double t = value.get<double>();
      if (format == "rfc822") return FormatHttpDate(t);
      if (format == "unixTimestamp") return FormatNumber(value);
      return FormatIso8601(t);
    }
    return FormatNumber(value);
  }
  return value.dump();
}

std::string ScalarText(const ShapeRef& r, const json& value, std::string_view default_format) {
  return ScalarText(KindOfType(r.Type()), r.StringTrait("timestampFormat", ""), value,
                    default_format);
}

void WriteXmlMembers(const PlanNode& node, const json& value, XmlWriter& out) {
  if (node.kind != Kind::kStructure || !value.is_object()) return;
  for (const auto& m : node.members) {
    if (m.located) continue;
    auto v = value.find(m.name);
    if (v == value.end() || v->is_null()) continue;
    WriteXmlValue(*m.node, m.wire, *v, out);
  }
}

void WriteXmlValue(const PlanNode& node, std::string_view name, const json& value, XmlWriter& out) {
  switch (node.kind) {
    case Kind::kStructure:
      out.Open(name);
      WriteXmlMembers(node, value, out);
      out.Close(name);
      return;
    case Kind::kList: {
      if (!value.is_array() || node.item == nullptr) return;
      if (node.flattened) {
        std::string_view element = node.item->WireName(name);
        for (const auto& item : value) WriteXmlValue(*node.item, element, item, out);
      } else {
        std::string_view element = node.item->WireName("member");
        out.Open(name);
        for (const auto& item : value) WriteXmlValue(*node.item, element, item, out);
        out.Close(name);
      }
      return;
    }
    case Kind::kMap: {
      if (!value.is_object() || node.key == nullptr || node.value == nullptr) return;
      std::string_view key_name = node.key->WireName("key");
      std::string_view value_name = node.value->WireName("value");
      std::string_view entry = node.flattened ? name : std::string_view("entry");
      if (!node.flattened) out.Open(name);
      for (const auto& [k, v] : value.items()) {
        out.Open(entry);
        out.Element(key_name, k);
        WriteXmlValue(*node.value, value_name, v, out);
        out.Close(entry);
      }
      if (!node.flattened) out.Close(name);
      return;
    }
    default:
      AppendScalar(out, node, name, value);
  }
}

}  // namespace wharf::query
