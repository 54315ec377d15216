#include "services/sns/filter_policy.h"

#include <algorithm>
#include <cstdint>

#include "services/sns/filter_compile.h"
#include "services/sns/filter_json.h"

namespace wharf::sns {
namespace {

constexpr std::size_t kMaxKeys = 5;
constexpr std::uint64_t kMaxCombinations = 150;
constexpr std::uint64_t kCombinationCap = 1'000'000;  // saturates the count; anything > 150 fails

std::string Prefix(FilterPolicyCaller caller) {
  return caller == FilterPolicyCaller::kSubscribe ? "Invalid parameter: Attributes Reason: "
                                                  : "Invalid parameter: ";
}

AwsError InvalidParameter(std::string message) {
  return AwsError::Client("InvalidParameter", std::move(message));
}

// AWS's count: each value array multiplies by (its length x its nesting depth); "$or" adds up
// its alternatives.
std::uint64_t Combinations(const nlohmann::ordered_json& object, std::uint64_t depth,
                           std::uint64_t combinations) {
  for (const auto& [key, value] : object.items()) {
    if (value.is_object()) {
      combinations = Combinations(value, depth + 1, combinations);
    } else if (value.is_array() && key == "$or") {
      std::uint64_t sum = 0;
      for (const auto& alternative : value) {
        sum = std::min(kCombinationCap, sum + Combinations(alternative, depth, combinations));
      }
      combinations = sum;
    } else if (value.is_array()) {
      combinations = std::min(kCombinationCap, combinations * value.size() * depth);
    }
  }
  return combinations;
}

bool HasNesting(const nlohmann::ordered_json& object) {
  for (const auto& [key, value] : object.items()) {
    if (key == "$or" && value.is_array()) {
      for (const auto& alternative : value) {
        if (alternative.is_object() && HasNesting(alternative)) return true;
      }
    } else if (value.is_object()) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<FilterScope> ParseFilterScope(std::string_view value, FilterPolicyCaller caller) {
  if (value == "MessageAttributes") return FilterScope::kMessageAttributes;
  if (value == "MessageBody") return FilterScope::kMessageBody;
  return InvalidParameter(Prefix(caller) + "FilterPolicyScope: Invalid value [" +
                          std::string(value) +
                          "]. Please use either MessageBody or MessageAttributes");
}

Result<FilterPolicy> ParseFilterPolicy(std::string_view json, FilterScope scope,
                                       FilterPolicyCaller caller) {
  const std::string prefix = Prefix(caller);
  nlohmann::ordered_json tree;
  std::string syntax_error;
  if (!filter::ReadJson(json, tree, syntax_error)) {
    return InvalidParameter(prefix + "FilterPolicy: " + syntax_error);
  }
  FilterPolicy policy;
  policy.scope = scope;
  policy.canonical_json = filter::WriteCompact(tree);
  if (tree.is_object() && tree.empty()) return policy;  // "{}": no condition

  filter::CompileError error;
  if (!filter::CompileRules(policy.canonical_json, policy.branches, error)) {
    std::string message = prefix + "FilterPolicy: " + error.message;
    if (error.column != 0) {
      message += "\n at " + filter::SourceLocation(policy.canonical_json, error.column);
    }
    return InvalidParameter(std::move(message));
  }
  if (scope == FilterScope::kMessageAttributes && HasNesting(tree)) {
    return InvalidParameter(prefix +
                            "Filter policy scope MessageAttributes does not support nested "
                            "filter policy");
  }
  if (tree.size() > kMaxKeys) {
    return InvalidParameter(prefix + "FilterPolicy: Filter policy can not have more than " +
                            std::to_string(kMaxKeys) + " keys");
  }
  if (Combinations(tree, 1, 1) > kMaxCombinations) {
    return InvalidParameter(prefix + "FilterPolicy: Filter policy is too complex");
  }
  return policy;
}

}  // namespace wharf::sns
