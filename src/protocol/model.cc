// ServiceModel: lazily parsed embedded model documents.
#include "wharf/protocol/model.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "protocol/embedded_models.h"
#include "protocol/shape_facts.h"

namespace wharf {
namespace {

struct Slot {
  std::once_flag once;
  std::unique_ptr<ServiceModel> model;
};

std::vector<Slot>& Slots() {
  static std::vector<Slot> slots(kEmbeddedModelCount);
  return slots;
}

}  // namespace

const ServiceModel* ServiceModel::Get(std::string_view service) {
  for (std::size_t i = 0; i < kEmbeddedModelCount; ++i) {
    if (kEmbeddedModels[i].service != service) continue;
    Slot& slot = Slots()[i];
    std::call_once(slot.once, [&] {
      auto doc =
          nlohmann::json::parse(kEmbeddedModels[i].json, nullptr, /*allow_exceptions=*/false);
      if (!doc.is_discarded()) slot.model = std::make_unique<ServiceModel>(std::move(doc));
    });
    return slot.model.get();
  }
  return nullptr;
}

ServiceModel::ServiceModel(nlohmann::json document) : doc_(std::move(document)) {
  if (!doc_.is_object()) doc_ = nlohmann::json::object();
  for (const char* key : {"metadata", "operations", "shapes"}) {
    if (!doc_.contains(key) || !doc_[key].is_object()) doc_[key] = nlohmann::json::object();
  }
  const auto& meta = doc_["metadata"];
  auto it = meta.find("endpointPrefix");
  if (it != meta.end() && it->is_string()) name_ = it->get<std::string>();
  IndexReferences();
  facts_ = std::make_unique<const ShapeFactsTable>(*this);
}

ServiceModel::~ServiceModel() = default;

const ShapeFacts* ServiceModel::Facts(const nlohmann::json& shape) const {
  return facts_->Find(shape);
}

void ServiceModel::IndexReferences() {
  const nlohmann::json& doc = doc_;
  auto add = [&](const nlohmann::json& ref) {
    if (!ref.is_object()) return;
    auto name = ref.find("shape");
    if (name == ref.end() || !name->is_string()) return;
    references_.emplace_back(&ref, Shape(name->get_ref<const std::string&>()));
  };
  for (const auto& [unused, op] : doc["operations"].items()) {
    if (!op.is_object()) continue;
    for (const char* key : {"input", "output"}) {
      if (auto it = op.find(key); it != op.end()) add(*it);
    }
    if (auto errors = op.find("errors"); errors != op.end() && errors->is_array()) {
      for (const auto& ref : *errors) add(ref);
    }
  }
  for (const auto& [unused, shape] : doc["shapes"].items()) {
    if (!shape.is_object()) continue;
    if (auto members = shape.find("members"); members != shape.end() && members->is_object()) {
      for (const auto& [member, ref] : members->items()) add(ref);
    }
    for (const char* key : {"member", "key", "value"}) {
      if (auto it = shape.find(key); it != shape.end()) add(*it);
    }
  }
  std::sort(references_.begin(), references_.end());
}

const nlohmann::json* ServiceModel::Resolve(const nlohmann::json& ref) const {
  auto it = std::lower_bound(
      references_.begin(), references_.end(), &ref,
      [](const auto& entry, const nlohmann::json* key) { return std::less<>()(entry.first, key); });
  if (it != references_.end() && it->first == &ref) return it->second;
  if (!ref.is_object()) return nullptr;
  auto name = ref.find("shape");
  if (name == ref.end() || !name->is_string()) return nullptr;
  return Shape(name->get_ref<const std::string&>());
}

const nlohmann::json* ServiceModel::Operation(std::string_view name) const {
  const auto& ops = doc_["operations"];
  auto it = ops.find(name);
  return it == ops.end() ? nullptr : &*it;
}

const nlohmann::json* ServiceModel::Shape(std::string_view name) const {
  const auto& shapes = doc_["shapes"];
  auto it = shapes.find(name);
  return it == shapes.end() ? nullptr : &*it;
}

}  // namespace wharf
