#include "protocol/query/shape_plan.h"

#include "protocol/query/shape_ref.h"

namespace wharf::query {
Kind KindOfType(std::string_view type) {
  if (type == "structure") return Kind::kStructure;
  if (type == "list") return Kind::kList;
  if (type == "map") return Kind::kMap;
  if (type == "integer" || type == "long" || type == "short" || type == "byte") {
    return Kind::kInteger;
  }
  if (type == "float" || type == "double") return Kind::kFloat;
  if (type == "boolean") return Kind::kBoolean;
  if (type == "blob") return Kind::kBlob;
  if (type == "timestamp") return Kind::kTimestamp;
  return Kind::kString;
}

ShapePlan::ShapePlan(const ServiceModel& model) : model_(model) {
  for (const auto& [name, op] : model.document()["operations"].items()) {
    const PlanNode* input = op.contains("input") ? Build(op["input"]) : nullptr;
    const PlanNode* output = op.contains("output") ? Build(op["output"]) : nullptr;
    operations_.emplace(name, std::make_pair(input, output));
  }
}

const PlanNode* ShapePlan::Input(std::string_view operation) const {
  auto it = operations_.find(std::string(operation));
  return it == operations_.end() ? nullptr : it->second.first;
}

const PlanNode* ShapePlan::Output(std::string_view operation) const {
  auto it = operations_.find(std::string(operation));
  return it == operations_.end() ? nullptr : it->second.second;
}

const PlanNode* ShapePlan::Build(const nlohmann::json& ref) {
  auto found = by_ref_.find(&ref);
  if (found != by_ref_.end()) return found->second;
  ShapeRef r = Resolve(model_, ref);
  if (r.shape == nullptr) {
    by_ref_.emplace(&ref, nullptr);
    return nullptr;
  }
  // Recursion through the same shape goes through its (shared) member references, so nodes
  // are keyed by reference and registered before their children are built.
  PlanNode& node = nodes_.emplace_back();
  by_ref_.emplace(&ref, &node);
  node.kind = KindOfType(r.Type());
  node.location_name = std::string(r.StringTrait("locationName", ""));
  node.flattened = r.Flattened();
  node.timestamp_format = std::string(r.StringTrait("timestampFormat", ""));
  const nlohmann::json& shape = *r.shape;
  if (node.kind == Kind::kStructure) {
    auto members = shape.find("members");
    if (members != shape.end() && members->is_object()) {
      for (const auto& [name, member_ref] : members->items()) {
        const PlanNode* child = Build(member_ref);
        if (child == nullptr) continue;
        ShapeRef m = Resolve(model_, member_ref);
        node.members.push_back({name, std::string(child->WireName(name)), child,
                                m.Trait("location") != nullptr || m.BoolTrait("xmlAttribute")});
      }
    }
  } else if (node.kind == Kind::kList) {
    if (shape.contains("member")) node.item = Build(shape["member"]);
  } else if (node.kind == Kind::kMap) {
    if (shape.contains("key")) node.key = Build(shape["key"]);
    if (shape.contains("value")) node.value = Build(shape["value"]);
  }
  return &node;
}

}  // namespace wharf::query
