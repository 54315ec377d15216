// What validation reads of a shape, gathered once per model so that validating a request does not
// look traits up by name in the model document for every member of every request.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wharf {

class ServiceModel;

struct ShapeFacts {
  enum class Kind : uint8_t {
    kStructure,
    kList,
    kMap,
    kString,
    kInteger,
    kLong,
    kFloat,
    kDouble,
    kBoolean,
    kBlob,
    kTimestamp,
    kOther  // document types and anything newer
  };
  struct Member {
    std::string_view name;
    const nlohmann::json* ref;    // the member's reference, with its traits
    const nlohmann::json* shape;  // the shape it names; nullptr if none
  };

  Kind kind = Kind::kOther;
  std::string_view type;                // the "type" text, "" when absent
  const nlohmann::json* min = nullptr;  // numeric "min" / "max" traits, else nullptr
  const nlohmann::json* max = nullptr;
  const std::string* pattern = nullptr;     // "pattern", else nullptr
  const nlohmann::json* values = nullptr;   // "enum" (an array), else nullptr
  std::vector<Member> members;              // structure members, in model order
  std::vector<std::string_view> required;   // structure "required" names
  const nlohmann::json* element = nullptr;  // list "member" / map "value" shape, else nullptr

  bool sized() const {
    return kind == Kind::kString || kind == Kind::kBlob || kind == Kind::kList ||
           kind == Kind::kMap;
  }
  bool scalar() const {
    return kind != Kind::kStructure && kind != Kind::kList && kind != Kind::kMap;
  }
};

// Facts for every shape of a model's document, looked up by the shape's address.
class ShapeFactsTable {
 public:
  // `model` must outlive the table; its document must not change.
  explicit ShapeFactsTable(const ServiceModel& model);
  // The facts of `shape`, a shape of the model's document; nullptr for any other value.
  const ShapeFacts* Find(const nlohmann::json& shape) const;

 private:
  std::vector<std::pair<const nlohmann::json*, ShapeFacts>> facts_;  // sorted by address
};

}  // namespace wharf
