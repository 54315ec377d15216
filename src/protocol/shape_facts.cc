#include "protocol/shape_facts.h"

#include <algorithm>
#include <functional>

#include "wharf/protocol/model.h"

namespace wharf {
namespace {

ShapeFacts::Kind KindOf(std::string_view type) {
  using Kind = ShapeFacts::Kind;
  static constexpr std::pair<std::string_view, Kind> kKinds[] = {
      {"structure", Kind::kStructure}, {"list", Kind::kList},          {"map", Kind::kMap},
      {"string", Kind::kString},       {"integer", Kind::kInteger},    {"long", Kind::kLong},
      {"float", Kind::kFloat},         {"double", Kind::kDouble},      {"boolean", Kind::kBoolean},
      {"blob", Kind::kBlob},           {"timestamp", Kind::kTimestamp}};
  for (const auto& [name, kind] : kKinds) {
    if (name == type) return kind;
  }
  return Kind::kOther;
}

const nlohmann::json* Trait(const nlohmann::json& shape, const char* name) {
  auto it = shape.find(name);
  return it == shape.end() ? nullptr : &*it;
}

ShapeFacts Gather(const ServiceModel& model, const nlohmann::json& shape) {
  ShapeFacts f;
  if (const auto* type = Trait(shape, "type"); type != nullptr && type->is_string()) {
    f.type = type->get_ref<const std::string&>();
  }
  f.kind = KindOf(f.type);
  if (const auto* min = Trait(shape, "min"); min != nullptr && min->is_number()) f.min = min;
  if (const auto* max = Trait(shape, "max"); max != nullptr && max->is_number()) f.max = max;
  if (const auto* p = Trait(shape, "pattern"); p != nullptr && p->is_string()) {
    f.pattern = &p->get_ref<const std::string&>();
  }
  if (const auto* e = Trait(shape, "enum"); e != nullptr && e->is_array()) f.values = e;
  if (const auto* members = Trait(shape, "members"); members != nullptr && members->is_object()) {
    for (const auto& [name, ref] : members->items()) {
      f.members.push_back({name, &ref, model.Resolve(ref)});
    }
  }
  if (const auto* required = Trait(shape, "required");
      required != nullptr && required->is_array()) {
    for (const auto& r : *required) {
      if (r.is_string()) f.required.push_back(r.get_ref<const std::string&>());
    }
  }
  const char* element_key = f.kind == ShapeFacts::Kind::kList  ? "member"
                            : f.kind == ShapeFacts::Kind::kMap ? "value"
                                                               : nullptr;
  if (element_key != nullptr) {
    if (const auto* ref = Trait(shape, element_key)) f.element = model.Resolve(*ref);
  }
  return f;
}

}  // namespace

ShapeFactsTable::ShapeFactsTable(const ServiceModel& model) {
  const auto& shapes = model.document()["shapes"];
  for (const auto& [name, shape] : shapes.items()) {
    if (shape.is_object()) facts_.emplace_back(&shape, Gather(model, shape));
  }
  std::sort(facts_.begin(), facts_.end(),
            [](const auto& a, const auto& b) { return std::less<>()(a.first, b.first); });
}

const ShapeFacts* ShapeFactsTable::Find(const nlohmann::json& shape) const {
  auto it =
      std::lower_bound(facts_.begin(), facts_.end(), &shape,
                       [](const auto& e, const auto* k) { return std::less<>()(e.first, k); });
  return it != facts_.end() && it->first == &shape ? &it->second : nullptr;
}

}  // namespace wharf
