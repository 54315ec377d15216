#include "protocol/shapes.h"

#include <cctype>
#include <utility>

namespace wharf {

const nlohmann::json* ResolveRef(const ServiceModel& model, const nlohmann::json& ref) {
  return model.Resolve(ref);
}

namespace {
const nlohmann::json* IoShape(const ServiceModel& model, const nlohmann::json& operation,
                              const char* key) {
  if (!operation.is_object()) return nullptr;
  auto it = operation.find(key);
  return it == operation.end() ? nullptr : ResolveRef(model, *it);
}
}  // namespace

const nlohmann::json* InputShape(const ServiceModel& model, const nlohmann::json& operation) {
  return IoShape(model, operation, "input");
}

const nlohmann::json* OutputShape(const ServiceModel& model, const nlohmann::json& operation) {
  return IoShape(model, operation, "output");
}

std::string_view ShapeType(const nlohmann::json& shape) {
  if (!shape.is_object()) return {};
  auto it = shape.find("type");
  if (it == shape.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

namespace {
// Errors that awsQueryCompatible services (SQS) raise without an error shape in the model:
// {JSON __type name, query code} as recorded from real SQS.
constexpr std::pair<std::string_view, std::string_view> kUnmodelledQueryErrors[] = {
    {"InvalidParameterValueException", "InvalidParameterValue"},
    {"MissingRequiredParameterException", "MissingParameter"},
};
}  // namespace

AwsError WithModelledError(const ServiceModel& model, AwsError error) {
  if (model.metadata().contains("awsQueryCompatible")) {
    for (const auto& [json_name, query_code] : kUnmodelledQueryErrors) {
      if (error.code == query_code || error.code == json_name) {
        error.code = std::string(json_name);
        if (error.query_code.empty()) error.query_code = std::string(query_code);
        return error;
      }
    }
  }
  if (!error.query_code.empty()) return error;
  const nlohmann::json* shape = model.Shape(error.code);
  if (shape == nullptr) return error;
  auto it = shape->find("error");
  if (it == shape->end() || !it->is_object()) return error;
  auto code = it->find("code");
  if (code != it->end() && code->is_string() && code->get_ref<const std::string&>() != error.code) {
    error.query_code = code->get<std::string>();
  }
  return error;
}

}  // namespace wharf
