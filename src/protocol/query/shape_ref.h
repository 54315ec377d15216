// Resolving botocore shape references. A reference is a member or input/output entry such as
// {"shape": "QueueAttributeMap", "locationName": "Attribute"}; its own traits override those of
// the shape it names, as in botocore. Thread-safe (reads the immutable model only).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "wharf/protocol/model.h"

namespace wharf::query {

struct ShapeRef {
  const nlohmann::json* ref = nullptr;    // the reference object
  const nlohmann::json* shape = nullptr;  // the shape definition it names

  // Trait `name` of the reference, else of the shape; nullptr when neither has it.
  const nlohmann::json* Trait(std::string_view name) const;
  // The trait as a string; `fallback` when absent or not a string.
  std::string_view StringTrait(std::string_view name, std::string_view fallback) const;
  bool BoolTrait(std::string_view name) const;
  // "structure", "list", "map", "string", "integer", "long", "boolean", "blob", "timestamp", ...
  std::string_view Type() const { return StringTrait("type", ""); }
  bool Flattened() const { return BoolTrait("flattened"); }
  // The wire name: locationName if set, else `fallback`.
  std::string_view WireName(std::string_view fallback) const {
    return StringTrait("locationName", fallback);
  }
};

// Resolves `ref` against `model`. Returns a ShapeRef with shape == nullptr when `ref` has no
// "shape" or names an unknown shape. REQUIRES: `model` and `ref` outlive the result.
ShapeRef Resolve(const ServiceModel& model, const nlohmann::json& ref);

// Resolves the member reference `shape[key]` (key is "member", "key" or "value") of a list or
// map shape; shape == nullptr when absent.
ShapeRef ResolveChild(const ServiceModel& model, const ShapeRef& parent, const char* key);

}  // namespace wharf::query
