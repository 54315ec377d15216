// Matching a parsed FilterPolicy against a flattened message (see filter_policy.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "services/sns/filter_ip.h"
#include "services/sns/filter_policy.h"
#include "wharf/core/encoding.h"

namespace wharf::sns {
namespace {

using filter::FieldValue;
using filter::Pattern;
using filter::PatternKind;

constexpr int kMaxBodyDepth = 1000;

FieldValue NumberValue(std::string text) {
  FieldValue v;
  v.kind = FieldValue::Kind::kNumber;
  char* end = nullptr;
  v.number = std::strtod(text.c_str(), &end);
  v.number_ok = !text.empty() && end == text.c_str() + text.size() && std::isfinite(v.number) &&
                std::fabs(v.number) <= filter::kNumberLimit;
  v.text = std::move(text);
  return v;
}

// Adds the scalar leaves of `json` under `path`; arrays contribute each element.
void AddLeaves(const nlohmann::json& json, const std::string& path, int depth, FlatMessage& out) {
  if (depth > kMaxBodyDepth) return;
  switch (json.type()) {
    case nlohmann::json::value_t::object:
      for (const auto& [key, value] : json.items()) {
        AddLeaves(value, path.empty() ? key : path + "." + key, depth + 1, out);
      }
      break;
    case nlohmann::json::value_t::array:
      for (const auto& item : json) AddLeaves(item, path, depth + 1, out);
      break;
    case nlohmann::json::value_t::string:
      out[path].values.push_back({FieldValue::Kind::kString, json.get<std::string>(), 0, false});
      break;
    case nlohmann::json::value_t::boolean:
    case nlohmann::json::value_t::null:
      out[path].values.push_back({FieldValue::Kind::kLiteral, json.dump(), 0, false});
      break;
    case nlohmann::json::value_t::discarded:
    case nlohmann::json::value_t::binary:
      break;
    default:  // numbers
      out[path].values.push_back(NumberValue(json.dump()));
  }
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Glob match: "*" any run; "\*" and "\\" literal. REQUIRES: CheckWildcard(pattern) == "".
bool WildcardMatch(std::string_view pattern, std::string_view s) {
  std::size_t p = 0, i = 0, star_p = std::string_view::npos, star_i = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_i = i;
      continue;
    }
    if (p < pattern.size()) {
      std::size_t width = pattern[p] == '\\' ? 2 : 1;
      char literal = pattern[p + width - 1];
      if (literal == s[i]) {
        p += width;
        ++i;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    i = ++star_i;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool InNumericRange(const Pattern& p, double v) {
  if (p.has_low && (p.low_open ? v <= p.low : v < p.low)) return false;
  if (p.has_high && (p.high_open ? v >= p.high : v > p.high)) return false;
  return true;
}

bool ValueMatches(const Pattern& p, const FieldValue& v) {
  const bool is_string = v.kind == FieldValue::Kind::kString;
  switch (p.kind) {
    case PatternKind::kExactString:
      return is_string && v.text == p.text;
    case PatternKind::kIpAddress:
      return is_string && (v.text == p.text || filter::IpInRange(v.text, p));
    case PatternKind::kExactNumber:
      return v.kind == FieldValue::Kind::kNumber &&
             ((p.has_number && v.number_ok && v.number == p.number) || v.text == p.text);
    case PatternKind::kExactLiteral:
      return v.kind == FieldValue::Kind::kLiteral && v.text == p.text;
    case PatternKind::kPrefix:
      return is_string && StartsWith(v.text, p.text);
    case PatternKind::kSuffix:
      return is_string && EndsWith(v.text, p.text);
    case PatternKind::kEqualsIgnoreCase:
      return is_string && AsciiLower(v.text) == p.text;
    case PatternKind::kWildcard:
      return is_string && WildcardMatch(p.text, v.text);
    case PatternKind::kAnythingBut:
      if (p.numeric) {
        return v.kind == FieldValue::Kind::kNumber && v.number_ok &&
               std::find(p.numbers.begin(), p.numbers.end(), v.number) == p.numbers.end();
      }
      return !is_string || !std::binary_search(p.strings.begin(), p.strings.end(), v.text);
    case PatternKind::kAnythingButPrefix:
      return !is_string || !StartsWith(v.text, p.text);
    case PatternKind::kNumericRange:
      return v.kind == FieldValue::Kind::kNumber && v.number_ok && InNumericRange(p, v.number);
    case PatternKind::kCidr:
      return is_string && filter::IpInRange(v.text, p);
    case PatternKind::kExists:
    case PatternKind::kAbsent:
      return false;  // decided on the field, not on a value
  }
  return false;
}

bool FieldMatches(const Pattern& p, const FlatField* field) {
  const bool present = field != nullptr && !field->values.empty();
  if (p.kind == PatternKind::kExists) return present;
  if (p.kind == PatternKind::kAbsent) return !present;
  if (!present) return false;
  const auto matches = [&p](const FieldValue& v) { return ValueMatches(p, v); };
  // A String.Array attribute passes anything-but only when none of its elements is excluded.
  if (field->string_array &&
      (p.kind == PatternKind::kAnythingBut || p.kind == PatternKind::kAnythingButPrefix)) {
    return std::all_of(field->values.begin(), field->values.end(), matches);
  }
  return std::any_of(field->values.begin(), field->values.end(), matches);
}

bool BranchMatches(const filter::Branch& branch, const FlatMessage& message) {
  for (const auto& condition : branch) {
    auto it = message.find(condition.path);
    const FlatField* field = it == message.end() ? nullptr : &it->second;
    if (std::none_of(condition.patterns.begin(), condition.patterns.end(),
                     [field](const Pattern& p) { return FieldMatches(p, field); })) {
      return false;
    }
  }
  return true;
}

}  // namespace

FlatMessage FlattenAttributes(const MessageAttributes& attributes) {
  FlatMessage out;
  for (const auto& [name, attribute] : attributes) {
    std::string_view type = attribute.data_type;
    if (type == "String.Array") {
      FlatField& field = out[name];
      field.string_array = true;
      auto array = nlohmann::json::parse(attribute.string_value, nullptr, false);
      if (!array.is_array()) continue;
      for (const auto& item : array) {
        if (!item.is_array() && !item.is_object()) AddLeaves(item, name, 0, out);
      }
    } else if (StartsWith(type, "String")) {
      out[name].values.push_back({FieldValue::Kind::kString, attribute.string_value, 0, false});
    } else if (StartsWith(type, "Number")) {
      out[name].values.push_back(NumberValue(attribute.string_value));
    }
    // Binary (and unknown types) are ignored.
  }
  return out;
}

std::optional<FlatMessage> FlattenBody(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  FlatMessage out;
  AddLeaves(json, "", 0, out);
  return out;
}

bool Matches(const FilterPolicy& policy, const FlatMessage& message) {
  if (policy.branches.empty()) return true;
  return std::any_of(policy.branches.begin(), policy.branches.end(),
                     [&message](const filter::Branch& b) { return BranchMatches(b, message); });
}

bool Matches(const FilterPolicy& policy, const MessageAttributes& attributes) {
  return Matches(policy, FlattenAttributes(attributes));
}

bool MatchesBody(const FilterPolicy& policy, std::string_view body) {
  if (policy.branches.empty()) return true;
  auto message = FlattenBody(body);
  return message.has_value() && Matches(policy, *message);
}

}  // namespace wharf::sns
