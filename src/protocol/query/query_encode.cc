#include "protocol/query/query_encode.h"

#include "protocol/query/xml_shape.h"
#include "protocol/query/xml_writer.h"

namespace wharf::query {
namespace {

std::string MetadataString(const ServiceModel& model, const char* key) {
  const nlohmann::json& meta = model.metadata();
  if (!meta.is_object()) return {};
  auto it = meta.find(key);
  return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string QueryXmlNamespace(const ServiceModel& model) {
  std::string ns = MetadataString(model, "xmlNamespace");
  if (!ns.empty()) return ns;
  std::string prefix = MetadataString(model, "endpointPrefix");
  std::string version = MetadataString(model, "apiVersion");
  if (prefix == "sqs") return "http://queue.amazonaws.com/doc/" + version + "/";
  return "http://" + prefix + ".amazonaws.com/doc/" + version + "/";
}

std::string EncodeQueryResponse(const ServiceModel& model, const ShapePlan& plan,
                                std::string_view xml_namespace, const std::string& operation,
                                const nlohmann::json& output, std::string_view request_id) {
  XmlWriter out;
  std::string response_name = operation + "Response";
  out.Open(response_name, xml_namespace);
  const nlohmann::json* op = model.Operation(operation);
  const PlanNode* shape = plan.Output(operation);
  if (op != nullptr && shape != nullptr) {
    std::string result_name = operation + "Result";
    std::string_view wrapper = result_name;
    const nlohmann::json& output_ref = (*op)["output"];
    auto it = output_ref.find("resultWrapper");
    if (it != output_ref.end() && it->is_string()) wrapper = it->get_ref<const std::string&>();
    size_t before = out.buffer().size();
    out.Open(wrapper);
    size_t opened = out.buffer().size();
    WriteXmlMembers(*shape, output, out);
    if (out.buffer().size() == opened) {
      out.buffer().resize(before);
      out.Element(wrapper, {});
    } else {
      out.Close(wrapper);
    }
  }
  out.Open("ResponseMetadata");
  out.Element("RequestId", request_id);
  out.Close("ResponseMetadata");
  out.Close(response_name);
  return out.Take();
}

std::string EncodeQueryError(std::string_view xml_namespace, const AwsError& error,
                             std::string_view request_id, bool with_detail) {
  XmlWriter out;
  out.Open("ErrorResponse", xml_namespace);
  out.Open("Error");
  out.Element("Type", error.sender_fault ? "Sender" : "Receiver");
  out.Element("Code", error.QueryCode());
  out.Element("Message", error.QueryMessage());
  if (with_detail) out.Element("Detail", {});
  out.Close("Error");
  out.Element("RequestId", request_id);
  out.Close("ErrorResponse");
  return out.Take();
}

}  // namespace wharf::query
