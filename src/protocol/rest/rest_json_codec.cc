#include <optional>
#include <string>
#include <vector>

#include "protocol/json/json_convert.h"
#include "protocol/rest/operation_matcher.h"
#include "protocol/rest/rest_binding.h"
#include "protocol/rest/rest_codec.h"
#include "protocol/shapes.h"
#include "protocol/validate.h"
#include "wharf/core/json_text.h"

namespace wharf {
namespace {

using nlohmann::json;

json BinaryOf(const std::string& bytes) {
  return json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

class RestJsonCodec final : public Codec {
 public:
  explicit RestJsonCodec(const ServiceModel& model) : model_(model), matcher_(model) {}

  Result<DecodedCall> Decode(const HttpRequest& request) const override {
    rest::QueryList query = ParseFormPairs(request.query);
    rest::RouteMatch match = matcher_.Match(request, query);
    if (match.operation.empty()) {
      return AwsError::Client("UnknownOperationException",
                              "No operation matches " + request.method + " " + request.path, 404);
    }
    return rest::DecodeMatchedCall(model_, match, query, request,
                                   [this](const json& shape, const std::string& body, json& input) {
                                     return DecodeBody(shape, body, input);
                                   });
  }

  HttpResponse EncodeOutput(const std::string& operation, const json& output,
                            const RequestContext& ctx) const override {
    HttpResponse response;
    const json* op = model_.Operation(operation);
    response.status = op != nullptr ? rest::SuccessStatus(*op) : 200;
    response.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
    const json* shape = op != nullptr ? OutputShape(model_, *op) : nullptr;
    if (shape == nullptr) return response;
    json body = rest::BindResponseMembers(model_, *shape, output, response);
    rest::Payload payload = rest::PayloadOf(model_, *shape);
    if (!payload.name.empty()) {
      auto it = body.find(payload.name);
      std::string_view type = payload.ref.Type();
      if (type == "blob" || type == "string") {
        if (it != body.end() && it->is_binary()) {
          response.body.assign(it->get_binary().begin(), it->get_binary().end());
        } else if (it != body.end() && it->is_string()) {
          response.body = it->get<std::string>();
        }
        response.headers.emplace_back("Content-Type", "application/octet-stream");
        return response;
      }
      body = it != body.end() ? *it : json::object();
    }
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = JsonText(body);  // blobs (json binary) become base64 strings
    return response;
  }

  HttpResponse EncodeError(const AwsError& error, const RequestContext& ctx) const override {
    HttpResponse response;
    response.status = error.http_status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
    response.headers.emplace_back("x-amzn-ErrorType", error.code);
    response.body = JsonText(json{{"message", error.message}});
    return response;
  }

 private:
  // Puts the JSON body (or the raw payload) into `input`.
  Status DecodeBody(const json& shape, const std::string& body, json& input) const {
    rest::Payload payload = rest::PayloadOf(model_, shape);
    if (!payload.name.empty() && payload.ref.shape != nullptr) {
      std::string_view type = payload.ref.Type();
      if (type == "blob") {
        if (!body.empty()) input[payload.name] = BinaryOf(body);
        return OkStatus();
      }
      if (type == "string") {
        if (!body.empty()) input[payload.name] = body;
        return OkStatus();
      }
    }
    if (body.empty()) return OkStatus();
    std::optional<json> doc = ParseJsonText(body);
    if (!doc || !doc->is_object()) {
      return SerializationError("The request body is not a JSON object.");
    }
    json& parsed = *doc;
    if (!payload.name.empty() && payload.ref.shape != nullptr) {
      WHARF_RETURN_IF_ERROR(WireToEngine(model_, *payload.ref.shape, parsed, WireFormat::kJson));
      input[payload.name] = std::move(parsed);
      return OkStatus();
    }
    WHARF_RETURN_IF_ERROR(WireToEngine(model_, shape, parsed, WireFormat::kJson));
    const json& members = shape.value("members", json::object());
    for (auto& [key, value] : parsed.items()) {
      auto m = members.find(key);
      if (m == members.end() || m->contains("location")) continue;
      input[key] = std::move(value);
    }
    return OkStatus();
  }

  const ServiceModel& model_;
  rest::OperationMatcher matcher_;
};

}  // namespace

std::unique_ptr<Codec> MakeRestJsonCodec(const ServiceModel& model) {
  return std::make_unique<RestJsonCodec>(model);
}

}  // namespace wharf
