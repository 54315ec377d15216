// ServiceModel: lazily parsed embedded model documents.
#include "wharf/protocol/model.h"

#include <memory>
#include <mutex>
#include <vector>

#include "protocol/embedded_models.h"

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
