#include "dispatch/error_envelope.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "wharf/core/json_text.h"

namespace wharf::dispatch {
namespace {

std::string QueryNamespace(std::string_view service) {
  if (service == "sqs") return "http://queue.amazonaws.com/doc/2012-11-05/";
  if (service == "sns") return "http://sns.amazonaws.com/doc/2010-03-31/";
  std::string ns = "https://";
  ns.append(service).append(".amazonaws.com/doc/");
  return ns;
}

void AppendCborHead(uint8_t major, uint64_t length, std::string* out) {
  auto byte = [&](uint64_t b) { out->push_back(static_cast<char>(b & 0xFF)); };
  if (length < 24) {
    byte((major << 5) | length);
  } else if (length < 0x100) {
    byte((major << 5) | 24);
    byte(length);
  } else if (length < 0x10000) {
    byte((major << 5) | 25);
    byte(length >> 8);
    byte(length);
  } else {
    byte((major << 5) | 26);
    for (int shift = 24; shift >= 0; shift -= 8) byte(length >> shift);
  }
}

void AppendCborText(std::string_view text, std::string* out) {
  AppendCborHead(3, text.size(), out);
  out->append(text);
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

HttpResponse EncodeFallbackError(Protocol protocol, std::string_view service, const AwsError& error,
                                 const RequestContext& ctx) {
  HttpResponse response;
  response.status = error.http_status;
  response.headers.emplace_back("x-amzn-RequestId", ctx.request_id);
  switch (protocol) {
    case Protocol::kQuery:
      response.headers.emplace_back("Content-Type", "text/xml");
      response.body = "<ErrorResponse xmlns=\"" + QueryNamespace(service) + "\"><Error><Type>" +
                      (error.sender_fault ? "Sender" : "Receiver") + "</Type><Code>" +
                      XmlEscape(error.QueryCode()) + "</Code><Message>" + XmlEscape(error.message) +
                      "</Message>" + (service == "sqs" ? "<Detail/>" : "") + "</Error><RequestId>" +
                      ctx.request_id + "</RequestId></ErrorResponse>";
      break;
    case Protocol::kJson: {
      bool v10 = service == "sqs" || service == "swf";
      response.headers.emplace_back(
          "Content-Type", v10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1");
      if (service == "sqs") {
        response.headers.emplace_back(
            "x-amzn-query-error",
            error.QueryCode() + (error.sender_fault ? ";Sender" : ";Receiver"));
      }
      response.body = JsonText({{"__type", error.code}, {"message", error.message}});
      break;
    }
    case Protocol::kCbor:
      response.headers.emplace_back("Content-Type", "application/x-amz-cbor-1.1");
      AppendCborHead(5, 2, &response.body);
      AppendCborText("__type", &response.body);
      AppendCborText(error.code, &response.body);
      AppendCborText("message", &response.body);
      AppendCborText(error.message, &response.body);
      break;
    case Protocol::kRestJson:
      response.headers.emplace_back("Content-Type", "application/json");
      response.headers.emplace_back("x-amzn-ErrorType", error.code);
      response.body = JsonText({{"message", error.message}});
      break;
    case Protocol::kRestXml:
      response.headers.emplace_back("x-amz-request-id", ctx.request_id);
      response.headers.emplace_back("Content-Type", "application/xml");
      response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" +
                      XmlEscape(error.code) + "</Code><Message>" + XmlEscape(error.message) +
                      "</Message><RequestId>" + ctx.request_id + "</RequestId><HostId>" +
                      ctx.request_id + "</HostId></Error>";
      break;
  }
  return response;
}

AwsError NotImplementedError(Protocol protocol, std::string_view service,
                             std::string_view operation) {
  std::string what(service);
  if (!operation.empty()) what.append(" operation ").append(operation);
  switch (protocol) {
    case Protocol::kQuery: {
      if (operation.empty()) {
        return AwsError::Client("MissingAction", "The request must contain the parameter Action.");
      }
      std::string message = "The action ";
      message.append(operation).append(" is not valid for this web service.");
      return AwsError::Client("InvalidAction", std::move(message));
    }
    case Protocol::kJson:
    case Protocol::kCbor:
      return AwsError::Client("UnknownOperationException",
                              "wharf does not implement " + what + " yet");
    case Protocol::kRestJson:
    case Protocol::kRestXml:
      break;
  }
  AwsError error =
      AwsError::Client("NotImplemented", "wharf does not implement " + what + " yet", 501);
  error.sender_fault = false;
  return error;
}

}  // namespace wharf::dispatch
