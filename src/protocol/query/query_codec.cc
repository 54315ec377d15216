#include "protocol/query/query_codec.h"

#include <string>

#include "protocol/query/form.h"
#include "protocol/query/query_decode.h"
#include "protocol/query/query_encode.h"
#include "protocol/query/shape_plan.h"
#include "protocol/shapes.h"
#include "protocol/validate.h"
#include "wharf/core/encoding.h"

namespace wharf {
namespace {

constexpr std::string_view kContentType = "text/xml";

// True for "/123456789012/name" (one name segment, 12-digit account).
bool IsQueuePath(std::string_view path) {
  if (path.size() < 15 || path[0] != '/' || path[13] != '/') return false;
  for (size_t i = 1; i < 13; ++i) {
    if (path[i] < '0' || path[i] > '9') return false;
  }
  return path.find('/', 14) == std::string_view::npos;
}

bool HasMember(const ServiceModel& model, const nlohmann::json& op, const char* member) {
  const nlohmann::json* shape = InputShape(model, op);
  if (shape == nullptr) return false;
  auto members = shape->find("members");
  return members != shape->end() && members->contains(member);
}

// The first header named `name` (lower-case), without HttpRequest::Header so that the codec
// does not need the http library.
std::string_view FindHeader(const HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return v;
  }
  return {};
}

class QueryCodec : public Codec {
 public:
  explicit QueryCodec(const ServiceModel& model)
      : model_(model), plan_(model), xml_namespace_(query::QueryXmlNamespace(model)) {}

  Result<DecodedCall> Decode(const HttpRequest& request) const override {
    query::FormParams params;
    query::ParseForm(request.query, params);
    if (!request.body.empty()) query::ParseForm(request.body, params);
    auto action = params.find("Action");
    if (action == params.end() || action->second.empty()) {
      return AwsError::Client("MissingAction", "The request must contain the parameter Action.");
    }
    const nlohmann::json* op = model_.Operation(action->second);
    if (op == nullptr) {
      return AwsError::Client(
          "InvalidAction", "The action " + action->second + " is not valid for this web service.");
    }
    if (IsQueuePath(request.path) && !params.contains("QueueUrl") &&
        HasMember(model_, *op, "QueueUrl")) {
      params.emplace("QueueUrl", "http://" + std::string(FindHeader(request, "host")) +
                                     PercentDecode(request.path, false));
    }
    DecodedCall call;
    call.operation = action->second;
    Result<nlohmann::json> decoded = query::DecodeQueryInput(plan_.Input(call.operation), params);
    if (!decoded.ok()) return std::move(decoded).error();
    call.input = std::move(decoded).value();
    WHARF_RETURN_IF_ERROR(ValidateInput(model_, call.operation, call.input));
    return call;
  }

  HttpResponse EncodeOutput(const std::string& operation, const nlohmann::json& output,
                            const RequestContext& ctx) const override {
    HttpResponse response;
    response.status = 200;
    response.body = query::EncodeQueryResponse(model_, plan_, xml_namespace_, operation, output,
                                               ctx.request_id);
    SetHeaders(response, ctx);
    return response;
  }

  HttpResponse EncodeError(const AwsError& error, const RequestContext& ctx) const override {
    HttpResponse response;
    response.status = error.http_status;
    response.body = query::EncodeQueryError(xml_namespace_, WithModelledError(model_, error),
                                            ctx.request_id, model_.name() == "sqs");
    SetHeaders(response, ctx);
    return response;
  }

 private:
  static void SetHeaders(HttpResponse& response, const RequestContext& ctx) {
    response.headers.emplace_back("Content-Type", std::string(kContentType));
    response.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
  }

  const ServiceModel& model_;
  query::ShapePlan plan_;
  std::string xml_namespace_;
};

}  // namespace

std::unique_ptr<Codec> MakeQueryCodec(const ServiceModel& model) {
  return std::make_unique<QueryCodec>(model);
}

}  // namespace wharf
