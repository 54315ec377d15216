#include <strings.h>

#include <map>
#include <string>
#include <vector>

#include "protocol/query/query_encode.h"
#include "protocol/query/shape_plan.h"
#include "protocol/query/xml_shape.h"
#include "protocol/query/xml_writer.h"
#include "protocol/rest/operation_matcher.h"
#include "protocol/rest/rest_binding.h"
#include "protocol/rest/rest_codec.h"
#include "protocol/rest/xml_reader.h"
#include "protocol/shapes.h"
#include "protocol/validate.h"

namespace wharf {
namespace {

using nlohmann::json;

// Root elements S3 uses where the output shape does not name one.
const std::map<std::string, std::string, std::less<>>& RootNames() {
  static const auto* names = new std::map<std::string, std::string, std::less<>>{
      {"ListBuckets", "ListAllMyBucketsResult"},
      {"ListObjects", "ListBucketResult"},
      {"ListObjectsV2", "ListBucketResult"},
      {"ListObjectVersions", "ListVersionsResult"},
      {"ListMultipartUploads", "ListMultipartUploadsResult"},
      {"ListParts", "ListPartsResult"},
      {"CreateMultipartUpload", "InitiateMultipartUploadResult"},
      {"CompleteMultipartUpload", "CompleteMultipartUploadResult"},
      {"DeleteObjects", "DeleteResult"},
      {"GetBucketLocation", "LocationConstraint"},
      {"GetBucketNotification", "NotificationConfiguration"},
      {"GetBucketNotificationConfiguration", "NotificationConfiguration"},
  };
  return *names;
}

std::string RootName(const std::string& operation, const json& op) {
  auto it = RootNames().find(operation);
  if (it != RootNames().end()) return it->second;
  std::string name = op.contains("output") ? op["output"].value("shape", operation) : operation;
  if (name.size() > 6 && name.ends_with("Output")) name.replace(name.size() - 6, 6, "Result");
  return name;
}

class RestXmlCodec final : public Codec {
 public:
  explicit RestXmlCodec(const ServiceModel& model)
      : model_(model), matcher_(model), plan_(model), namespace_(query::QueryXmlNamespace(model)) {}

  Result<DecodedCall> Decode(const HttpRequest& request) const override {
    rest::QueryList query = ParseFormPairs(request.query);
    rest::RouteMatch match = matcher_.Match(request, query);
    if (match.operation.empty()) {
      return AwsError::Client("MethodNotAllowed",
                              "The specified method is not allowed against this resource.", 405);
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
    SetRequestIds(response, ctx);
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
        if (it != body.end()) RemoveHeader(response, "Content-Length");  // the transport's
        if (!HasResponseHeader(response, "Content-Type")) {
          response.headers.emplace_back("Content-Type", "binary/octet-stream");
        }
        return response;
      }
      if (it == body.end() || !it->is_object()) return response;
      const query::PlanNode* node = MemberNode(operation, payload.name);
      if (node == nullptr) return response;
      query::XmlWriter out(true);
      std::string root(payload.ref.WireName(payload.name));
      out.Open(root, MemberNamespace(payload.ref));
      query::WriteXmlMembers(*node, *it, out);
      out.Close(root);
      SetXmlBody(response, out.Take());
      return response;
    }
    if (body.empty()) return response;
    std::string root = RootName(operation, *op);
    query::XmlWriter out(true);
    if (body.size() == 1 && body.begin().key() == root && !body.begin()->is_structured()) {
      // <LocationConstraint xmlns=...>eu-west-1</LocationConstraint>
      out.Open(root, namespace_);
      out.Text(body.begin()->is_string() ? body.begin()->get<std::string>() : body.begin()->dump());
      out.Close(root);
    } else {
      out.Open(root, namespace_);
      query::WriteXmlMembers(*plan_.Output(operation), body, out);
      out.Close(root);
    }
    SetXmlBody(response, out.Take());
    return response;
  }

  HttpResponse EncodeError(const AwsError& error, const RequestContext& ctx) const override {
    HttpResponse response;
    response.status = error.http_status;
    SetRequestIds(response, ctx);
    query::XmlWriter out(true);
    out.Open("Error");
    out.Element("Code", error.code);
    out.Element("Message", error.message);
    out.Element("RequestId", ctx.request_id);
    out.Element("HostId", ctx.request_id);
    out.Close("Error");
    SetXmlBody(response, out.Take());
    return response;
  }

 private:
  Status DecodeBody(const json& shape, const std::string& body, json& input) const {
    rest::Payload payload = rest::PayloadOf(model_, shape);
    if (!payload.name.empty() && payload.ref.shape != nullptr) {
      std::string_view type = payload.ref.Type();
      if (type == "blob") {
        if (!body.empty()) {
          input[payload.name] = json::binary(std::vector<uint8_t>(body.begin(), body.end()));
        }
        return OkStatus();
      }
      if (type == "string") {
        if (!body.empty()) input[payload.name] = body;
        return OkStatus();
      }
      if (body.empty()) return OkStatus();
      Result<json> parsed = rest::ParseXmlBody(model_, payload.ref, body);
      if (!parsed.ok()) return std::move(parsed).error();
      input[payload.name] = std::move(parsed).value();
      return OkStatus();
    }
    if (body.empty()) return OkStatus();
    query::ShapeRef whole;
    whole.shape = &shape;
    Result<json> parsed = rest::ParseXmlBody(model_, whole, body);
    if (!parsed.ok()) return std::move(parsed).error();
    for (auto& [key, value] : parsed->items()) input[key] = std::move(value);
    return OkStatus();
  }

  const query::PlanNode* MemberNode(const std::string& operation, const std::string& name) const {
    const query::PlanNode* output = plan_.Output(operation);
    if (output == nullptr) return nullptr;
    for (const auto& m : output->members) {
      if (m.name == name) return m.node;
    }
    return nullptr;
  }

  std::string MemberNamespace(const query::ShapeRef& r) const {
    const json* ns = r.Trait("xmlNamespace");
    if (ns != nullptr && ns->is_object() && ns->contains("uri") && (*ns)["uri"].is_string()) {
      return (*ns)["uri"].get<std::string>();
    }
    return namespace_;
  }

  static bool HasResponseHeader(const HttpResponse& response, std::string_view name) {
    for (const auto& [n, v] : response.headers) {
      if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) {
        return true;
      }
    }
    return false;
  }

  static void RemoveHeader(HttpResponse& response, std::string_view name) {
    std::erase_if(response.headers, [&](const auto& h) {
      return h.first.size() == name.size() &&
             strncasecmp(h.first.data(), name.data(), name.size()) == 0;
    });
  }

  static void SetRequestIds(HttpResponse& response, const RequestContext& ctx) {
    response.headers.emplace_back("x-amz-request-id", ctx.request_id);
    response.headers.emplace_back("x-amz-id-2", ctx.request_id);
  }

  static void SetXmlBody(HttpResponse& response, std::string xml) {
    response.headers.emplace_back("Content-Type", "application/xml");
    response.body = std::move(xml);
  }

  const ServiceModel& model_;
  rest::OperationMatcher matcher_;
  query::ShapePlan plan_;
  std::string namespace_;
};

}  // namespace

std::unique_ptr<Codec> MakeRestXmlCodec(const ServiceModel& model) {
  return std::make_unique<RestXmlCodec>(model);
}

}  // namespace wharf
