#include "protocol/query/query_decode.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wharf/core/encoding.h"
#include "protocol/timestamp.h"

namespace wharf::query {
namespace {

using nlohmann::json;
using Decoded = Result<std::optional<json>>;

AwsError InvalidValue(const std::string& key, const std::string& value, std::string_view reason) {
  return AwsError::Client("InvalidParameterValue",
                          "Value " + value + " for parameter " + key +
                              " is invalid. Reason: " + std::string(reason) + ".");
}

// True when some parameter name starts with `prefix`.
bool HasPrefix(const FormParams& params, const std::string& prefix) {
  auto it = params.lower_bound(prefix);
  return it != params.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

class Decoder {
 public:
  explicit Decoder(const FormParams& params) : params_(params) {}

  // Decodes the value of `node` found at parameter name `key` (or under "key.").
  Decoded Value(const PlanNode& node, const std::string& key) {
    switch (node.kind) {
      case Kind::kStructure:
        return Structure(node, key);
      case Kind::kList:
        return List(node, key);
      case Kind::kMap:
        return Map(node, key);
      default:
        break;
    }
    auto it = params_.find(key);
    if (it == params_.end()) return std::optional<json>();
    return Scalar(node.kind, key, it->second);
  }

 private:
  Decoded Structure(const PlanNode& node, const std::string& key) {
    if (!key.empty() && !HasPrefix(params_, key + ".")) return std::optional<json>();
    json out = json::object();
    std::string member_key = key.empty() ? std::string() : key + ".";
    size_t base = member_key.size();
    for (const auto& m : node.members) {
      member_key.resize(base);
      member_key += m.wire;
      Decoded v = Value(*m.node, member_key);
      if (!v.ok()) return std::move(v).error();
      if (v->has_value()) out[m.name] = std::move(**v);
    }
    return std::optional<json>(std::move(out));
  }

  Decoded List(const PlanNode& node, const std::string& key) {
    if (node.item == nullptr) return std::optional<json>();
    std::string prefix;
    if (node.flattened) {
      if (node.item->location_name.empty()) {
        prefix = key;
      } else {
        size_t dot = key.rfind('.');
        prefix = (dot == std::string::npos ? std::string() : key.substr(0, dot + 1)) +
                 node.item->location_name;
      }
    } else {
      prefix = key + "." + std::string(node.item->WireName("member"));
    }
    prefix.push_back('.');
    size_t base = prefix.size();
    json out = json::array();
    for (size_t i = 1;; ++i) {
      prefix.resize(base);
      prefix += std::to_string(i);
      Decoded v = Value(*node.item, prefix);
      if (!v.ok()) return std::move(v).error();
      if (!v->has_value()) break;
      out.push_back(std::move(**v));
    }
    if (out.empty() && params_.find(key) == params_.end()) return std::optional<json>();
    return std::optional<json>(std::move(out));
  }

  Decoded Map(const PlanNode& node, const std::string& key) {
    if (node.key == nullptr || node.value == nullptr) return std::optional<json>();
    std::string prefix = node.flattened ? key + "." : key + ".entry.";
    size_t base = prefix.size();
    std::string_view key_name = node.key->WireName("key");
    std::string_view value_name = node.value->WireName("value");
    json out = json::object();
    for (size_t i = 1;; ++i) {
      prefix.resize(base);
      prefix += std::to_string(i);
      prefix.push_back('.');
      if (!HasPrefix(params_, prefix)) break;
      size_t entry = prefix.size();
      prefix += key_name;
      Decoded k = Value(*node.key, prefix);
      if (!k.ok()) return std::move(k).error();
      if (!k->has_value() || !(*k)->is_string()) continue;  // an entry without a usable key
      prefix.resize(entry);
      prefix += value_name;
      Decoded v = Value(*node.value, prefix);
      if (!v.ok()) return std::move(v).error();
      out[(*k)->get<std::string>()] = v->has_value() ? std::move(**v) : json();
    }
    if (out.empty() && params_.find(key) == params_.end()) return std::optional<json>();
    return std::optional<json>(std::move(out));
  }

  Decoded Scalar(Kind kind, const std::string& key, const std::string& value) {
    switch (kind) {
      case Kind::kInteger: {
        int64_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
          return InvalidValue(key, value, "Must be an integer");
        }
        return std::optional<json>(n);
      }
      case Kind::kFloat: {
        double d = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
        if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
          return InvalidValue(key, value, "Must be a number");
        }
        return std::optional<json>(d);
      }
      case Kind::kBoolean:
        if (value == "true") return std::optional<json>(true);
        if (value == "false") return std::optional<json>(false);
        return InvalidValue(key, value, "Must be true or false");
      case Kind::kBlob: {
        std::optional<std::string> bytes = Base64Decode(value);
        if (!bytes) return InvalidValue(key, value, "Must be base64-encoded");
        return std::optional<json>(
            json::binary(std::vector<uint8_t>(bytes->begin(), bytes->end())));
      }
      case Kind::kTimestamp: {
        std::optional<double> t = ParseTimestamp(value);
        if (!t) return InvalidValue(key, value, "Must be an ISO 8601 timestamp");
        return std::optional<json>(*t);
      }
      default:
        return std::optional<json>(json(value));
    }
  }

  const FormParams& params_;
};

}  // namespace

Result<json> DecodeQueryInput(const PlanNode* input, const FormParams& params) {
  if (input == nullptr) return json::object();
  Decoder decoder(params);
  Decoded decoded = decoder.Value(*input, "");
  if (!decoded.ok()) return std::move(decoded).error();
  return decoded->has_value() ? std::move(**decoded) : json::object();
}

}  // namespace wharf::query
