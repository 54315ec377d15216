#include "protocol/query/shape_ref.h"

#include "protocol/shapes.h"

namespace wharf::query {

const nlohmann::json* ShapeRef::Trait(std::string_view name) const {
  if (ref != nullptr && ref->is_object()) {
    auto it = ref->find(name);
    if (it != ref->end()) return &*it;
  }
  if (shape != nullptr && shape->is_object()) {
    auto it = shape->find(name);
    if (it != shape->end()) return &*it;
  }
  return nullptr;
}

std::string_view ShapeRef::StringTrait(std::string_view name, std::string_view fallback) const {
  const nlohmann::json* t = Trait(name);
  if (t == nullptr || !t->is_string()) return fallback;
  return t->get_ref<const std::string&>();
}

bool ShapeRef::BoolTrait(std::string_view name) const {
  const nlohmann::json* t = Trait(name);
  return t != nullptr && t->is_boolean() && t->get<bool>();
}

ShapeRef Resolve(const ServiceModel& model, const nlohmann::json& ref) {
  ShapeRef out;
  out.ref = &ref;
  out.shape = ResolveRef(model, ref);
  return out;
}

ShapeRef ResolveChild(const ServiceModel& model, const ShapeRef& parent, const char* key) {
  if (parent.shape == nullptr) return {};
  auto it = parent.shape->find(key);
  if (it == parent.shape->end()) return {};
  return Resolve(model, *it);
}

}  // namespace wharf::query
