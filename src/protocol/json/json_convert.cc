#include "protocol/json/json_convert.h"

#include <cmath>
#include <string>

#include "protocol/shape_facts.h"
#include "protocol/timestamp.h"
#include "protocol/validate.h"
#include "wharf/core/encoding.h"

namespace wharf {
namespace {

constexpr int kMaxDepth = 64;

const char* JsonTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      return "structure or map";
    case nlohmann::json::value_t::array:
      return "list";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::binary:
      return "blob";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

// A member's place in the document ("Entries.Attributes.key"), kept as a chain of keys on the
// stack and written out only for an error.
struct Path {
  const Path* parent;
  std::string_view key;

  std::string Text() const {
    if (parent == nullptr) return {};
    std::string head = parent->Text();
    return head.empty() ? std::string(key) : head + "." + std::string(key);
  }
};

AwsError Mismatch(const Path& path, std::string_view type, const nlohmann::json& v) {
  return SerializationError("Unexpected " + std::string(JsonTypeName(v)) + " for " +
                            std::string(type) + " member '" + path.Text() + "'");
}

class Converter {
 public:
  Converter(const ServiceModel& model, WireFormat format) : model_(model), format_(format) {}

  Status Convert(const nlohmann::json& shape, nlohmann::json& v, const Path& path, int depth) {
    if (depth > kMaxDepth) return SerializationError("Request document is nested too deeply");
    const ShapeFacts* facts = model_.Facts(shape);
    if (facts == nullptr) return OkStatus();
    using Kind = ShapeFacts::Kind;
    const std::string_view type = facts->type;
    switch (facts->kind) {
      case Kind::kStructure:
        return Structure(*facts, v, path, depth);
      case Kind::kList:
        if (!v.is_array()) return Mismatch(path, type, v);
        if (facts->element == nullptr) return OkStatus();
        for (auto& e : v) {
          if (!e.is_null()) WHARF_RETURN_IF_ERROR(Convert(*facts->element, e, path, depth + 1));
        }
        return OkStatus();
      case Kind::kMap:
        if (!v.is_object()) return Mismatch(path, type, v);
        if (facts->element == nullptr) return OkStatus();
        for (auto& [k, e] : v.items()) {
          if (e.is_null()) continue;
          Path entry{&path, k};
          WHARF_RETURN_IF_ERROR(Convert(*facts->element, e, entry, depth + 1));
        }
        return OkStatus();
      case Kind::kString:
        return v.is_string() ? OkStatus() : Status(Mismatch(path, type, v));
      case Kind::kBoolean:
        return v.is_boolean() ? OkStatus() : Status(Mismatch(path, type, v));
      case Kind::kInteger:
      case Kind::kLong:
        return Integer(v, path, type);
      case Kind::kFloat:
      case Kind::kDouble:
        return v.is_number() ? OkStatus() : Status(Mismatch(path, type, v));
      case Kind::kBlob:
        return Blob(v, path);
      case Kind::kTimestamp:
        return Timestamp(v, path);
      case Kind::kOther:
        break;
    }
    return OkStatus();  // documents and unknown types pass through
  }

 private:
  Status Structure(const ShapeFacts& shape, nlohmann::json& v, const Path& path, int depth) {
    if (!v.is_object()) return Mismatch(path, "structure", v);
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
        continue;
      }
      const nlohmann::json* member = nullptr;
      for (const auto& m : shape.members) {
        if (m.name == it.key()) member = m.shape;
      }
      if (member != nullptr) {
        Path member_path{&path, it.key()};
        WHARF_RETURN_IF_ERROR(Convert(*member, *it, member_path, depth + 1));
      }
      ++it;
    }
    return OkStatus();
  }

  static Status Integer(nlohmann::json& v, const Path& path, std::string_view type) {
    if (v.is_number_integer()) return OkStatus();
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) {
        v = static_cast<int64_t>(d);
        return OkStatus();
      }
    }
    return Mismatch(path, type, v);
  }

  Status Blob(nlohmann::json& v, const Path& path) const {
    if (v.is_binary()) return OkStatus();
    if (!v.is_string()) return Mismatch(path, "blob", v);
    auto bytes = Base64Decode(v.get_ref<const std::string&>());
    if (!bytes) {
      return SerializationError("Value for blob member '" + path.Text() + "' is not valid base64");
    }
    v = nlohmann::json::binary(std::vector<uint8_t>(bytes->begin(), bytes->end()));
    return OkStatus();
  }

  Status Timestamp(nlohmann::json& v, const Path& path) const {
    if (v.is_string()) {
      auto t = ParseTimestamp(v.get_ref<const std::string&>());
      if (!t)
        return SerializationError("Value for timestamp member '" + path.Text() + "' is invalid");
      v = *t;
      return OkStatus();
    }
    if (!v.is_number()) return Mismatch(path, "timestamp", v);
    if (format_ == WireFormat::kCbor) {
      // Java SDKs send epoch milliseconds under tag 1; tolerate RFC-style float seconds.
      double d = v.get<double>();
      if (v.is_number_integer() || std::fabs(d) >= 1e11) d /= 1000.0;
      v = d;
    }
    return OkStatus();
  }

  const ServiceModel& model_;
  WireFormat format_;
};

}  // namespace

Status WireToEngine(const ServiceModel& model, const nlohmann::json& shape, nlohmann::json& value,
                    WireFormat format) {
  Converter c(model, format);
  const Path root{nullptr, {}};
  return c.Convert(shape, value, root, 0);
}

}  // namespace wharf
