#include "admin/init_file.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admin/admin_api.h"

namespace wharf::admin {
namespace {

AwsError InitError(const std::string& path, const std::string& message) {
  return AwsError::Client("InvalidInit", "init file '" + path + "': " + message);
}

}  // namespace

Status ApplyInitFile(const std::string& path, const dispatch::EngineMap& engines) {
  std::ifstream in(path);
  if (!in) return InitError(path, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InitError(path, "must be a JSON object like {\"sqs\": {...}}");
  }
  for (const auto& [service, section] : doc.items()) {  // check every key before applying any
    if (engines.find(service) != engines.end()) continue;
    bool mission = false;
    for (const std::string& name : MissionServices()) mission = mission || name == service;
    return InitError(path, mission ? "service '" + service + "' is not implemented yet"
                                   : "unknown service '" + service + "'");
  }
  for (const auto& [service, section] : doc.items()) {
    Status applied = engines.find(service)->second->ApplyInit(section);
    if (!applied.ok()) return InitError(path, service + ": " + applied.error().message);
  }
  return OkStatus();
}

}  // namespace wharf::admin
