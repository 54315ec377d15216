// A compiled form of a service model's shapes, so that codecs walk plain structs instead of
// looking up JSON traits and shape names on every request. One node per shape reference
// (member, list member, map key/value, operation input/output), with the reference's traits
// merged over its shape's (botocore's rule). Recursive shapes share nodes. Immutable after
// construction; thread-safe.
#pragma once

#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wharf/protocol/model.h"

namespace wharf::query {

enum class Kind { kStructure, kList, kMap, kString, kInteger, kFloat, kBoolean, kBlob, kTimestamp };

// The Kind of a botocore "type" name (unknown types are strings).
Kind KindOfType(std::string_view type);

struct PlanNode {
  struct Member {
    std::string name;  // the member name (JSON document key)
    std::string wire;  // locationName, else the member name
    const PlanNode* node = nullptr;
    bool located = false;  // has a "location" trait (header, uri, ...) or is an xmlAttribute
  };
  Kind kind = Kind::kString;
  std::string location_name;  // locationName of the reference or shape; "" when none
  bool flattened = false;
  std::string timestamp_format;     // "" when not set
  std::vector<Member> members;      // kStructure, in model order
  const PlanNode* item = nullptr;   // kList
  const PlanNode* key = nullptr;    // kMap
  const PlanNode* value = nullptr;  // kMap

  std::string_view WireName(std::string_view fallback) const {
    return location_name.empty() ? fallback : std::string_view(location_name);
  }
};

class ShapePlan {
 public:
  // Compiles the input and output shapes of every operation. REQUIRES: `model` outlives this.
  explicit ShapePlan(const ServiceModel& model);
  ShapePlan(const ShapePlan&) = delete;
  ShapePlan& operator=(const ShapePlan&) = delete;

  // The operation's input / output node; nullptr when it has none (or is unknown).
  const PlanNode* Input(std::string_view operation) const;
  const PlanNode* Output(std::string_view operation) const;

 private:
  const PlanNode* Build(const nlohmann::json& ref);

  const ServiceModel& model_;
  std::deque<PlanNode> nodes_;
  std::unordered_map<const nlohmann::json*, const PlanNode*> by_ref_;
  std::unordered_map<std::string, std::pair<const PlanNode*, const PlanNode*>> operations_;
};

}  // namespace wharf::query
