// awsJson 1.0/1.1 and CBOR codecs: X-Amz-Target routing, body conversion, error envelopes.
#include "protocol/json/json_codec.h"

#include <array>
#include <optional>
#include <utility>

#include "protocol/cbor/cbor.h"
#include "protocol/json/json_convert.h"
#include "protocol/shapes.h"
#include "protocol/validate.h"
#include "wharf/core/json_text.h"

namespace wharf {
namespace {

// Namespaces some services put before the code in "__type" (botocore and the JS SDK cut them).
constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kTypeNamespaces = {{
    {"sqs", "com.amazonaws.sqs#"},
    {"swf", "com.amazonaws.swf.base.model#"},
}};

std::string_view FindHeader(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (k == name) return v;
  }
  return {};
}

AwsError UnknownOperation(std::string_view target) {
  return AwsError::Client("UnknownOperationException",
                          target.empty() ? std::string("Missing X-Amz-Target header")
                                         : "Unknown operation " + std::string(target));
}

class JsonFamilyCodec final : public Codec {
 public:
  JsonFamilyCodec(const ServiceModel& model, WireFormat format) : model_(model), format_(format) {
    const auto& meta = model.metadata();
    if (meta.contains("targetPrefix") && meta["targetPrefix"].is_string()) {
      target_prefix_ = meta["targetPrefix"].get<std::string>();
    }
    std::string version = "1.0";
    if (meta.contains("jsonVersion") && meta["jsonVersion"].is_string()) {
      version = meta["jsonVersion"].get<std::string>();
    }
    content_type_ = format == WireFormat::kCbor ? "application/x-amz-cbor-1.1"
                                                : "application/x-amz-json-" + version;
    query_compatible_ = meta.contains("awsQueryCompatible");
    for (const auto& [service, ns] : kTypeNamespaces) {
      if (service == model.name()) type_namespace_ = ns;
    }
  }

  Result<DecodedCall> Decode(const HttpRequest& request) const override {
    std::string_view target = FindHeader(request, "x-amz-target");
    auto dot = target.rfind('.');
    if (dot == std::string_view::npos || target.substr(0, dot) != target_prefix_) {
      return UnknownOperation(target);
    }
    std::string operation(target.substr(dot + 1));
    const nlohmann::json* op = model_.Operation(operation);
    if (op == nullptr) return UnknownOperation(target);

    auto parsed = ParseBody(request.body);
    if (!parsed.ok()) return std::move(parsed).error();
    nlohmann::json input = std::move(parsed).value();
    if (!input.is_object()) return SerializationError("Request body must be a structure");
    if (const nlohmann::json* shape = InputShape(model_, *op)) {
      WHARF_RETURN_IF_ERROR(WireToEngine(model_, *shape, input, format_));
    }
    WHARF_RETURN_IF_ERROR(ValidateInput(model_, operation, input));
    return DecodedCall{std::move(operation), std::move(input)};
  }

  HttpResponse EncodeOutput(const std::string& operation, const nlohmann::json& output,
                            const RequestContext& ctx) const override {
    const nlohmann::json* op = model_.Operation(operation);
    const nlohmann::json* shape = op == nullptr ? nullptr : OutputShape(model_, *op);
    const nlohmann::json& doc = output.is_null() ? Empty() : output;
    return Respond(200, Serialize(shape, doc), ctx);
  }

  HttpResponse EncodeError(const AwsError& raw, const RequestContext& ctx) const override {
    AwsError error = WithModelledError(model_, raw);
    std::string type = error.code;
    if (type.find('#') == std::string::npos) type = std::string(type_namespace_) + type;
    nlohmann::json body = {{"__type", type}};
    if (!error.message.empty()) body["message"] = error.message;
    HttpResponse response = Respond(error.http_status, Serialize(nullptr, body), ctx);
    if (query_compatible_) {
      response.headers.emplace_back(
          "x-amzn-query-error", error.QueryCode() + (error.sender_fault ? ";Sender" : ";Receiver"));
    }
    return response;
  }

 private:
  static const nlohmann::json& Empty() {
    static const nlohmann::json empty = nlohmann::json::object();
    return empty;
  }

  Result<nlohmann::json> ParseBody(const std::string& body) const {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
      return nlohmann::json::object();
    }
    if (format_ == WireFormat::kCbor) return ParseCbor(body);
    std::optional<nlohmann::json> doc = ParseJsonText(body);
    if (!doc) return SerializationError("Malformed JSON request body");
    return std::move(*doc);
  }

  std::string Serialize(const nlohmann::json* shape, const nlohmann::json& doc) const {
    if (format_ == WireFormat::kCbor) return WriteCbor(model_, shape, doc);
    return JsonText(doc);  // blobs (json binary) become base64 strings
  }

  HttpResponse Respond(int status, std::string body, const RequestContext& ctx) const {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", content_type_);
    response.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
    response.body = std::move(body);
    return response;
  }

  const ServiceModel& model_;
  WireFormat format_;
  std::string target_prefix_;
  std::string content_type_;
  std::string_view type_namespace_;
  bool query_compatible_ = false;
};

}  // namespace

std::unique_ptr<Codec> MakeJsonCodec(const ServiceModel& model) {
  return std::make_unique<JsonFamilyCodec>(model, WireFormat::kJson);
}

std::unique_ptr<Codec> MakeCborCodec(const ServiceModel& model) {
  return std::make_unique<JsonFamilyCodec>(model, WireFormat::kCbor);
}

}  // namespace wharf
