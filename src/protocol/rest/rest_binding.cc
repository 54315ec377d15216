#include "protocol/rest/rest_binding.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

#include "protocol/query/xml_shape.h"
#include "protocol/shapes.h"
#include "protocol/timestamp.h"
#include "protocol/validate.h"
#include "wharf/core/encoding.h"

namespace wharf::rest {
namespace {

using nlohmann::json;
using query::ShapeRef;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

Result<json> ListFromText(const ServiceModel& model, const ShapeRef& r,
                          const std::vector<std::string_view>& items, std::string_view what) {
  ShapeRef member = query::ResolveChild(model, r, "member");
  json out = json::array();
  for (std::string_view item : items) {
    Result<json> v = ParseScalarText(member, item, what);
    if (!v.ok()) return std::move(v).error();
    out.push_back(std::move(v).value());
  }
  return out;
}

}  // namespace

std::string_view FindHeader(const HttpRequest& request, std::string_view lower_name) {
  for (const auto& [n, v] : request.headers) {
    if (n == lower_name) return v;
  }
  return {};
}

bool HasHeader(const HttpRequest& request, std::string_view lower_name) {
  for (const auto& [n, v] : request.headers) {
    if (n == lower_name) return true;
  }
  return false;
}

Result<json> ParseScalarText(const ShapeRef& r, std::string_view text, std::string_view what) {
  std::string_view type = r.Type();
  auto bad = [&](std::string_view expected) {
    return SerializationError("Value '" + std::string(text) + "' for " + std::string(what) +
                              " is not " + std::string(expected) + ".");
  };
  if (type == "integer" || type == "long") {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      return bad("an integer");
    }
    return json(n);
  }
  if (type == "float" || type == "double") {
    double d = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      return bad("a number");
    }
    return json(d);
  }
  if (type == "boolean") {
    if (text == "true") return json(true);
    if (text == "false") return json(false);
    return bad("a boolean");
  }
  if (type == "timestamp") {
    auto t = ParseTimestamp(text);
    if (!t) return bad("a timestamp");
    return json(*t);
  }
  if (type == "blob") {
    auto bytes = Base64Decode(text);
    if (!bytes) return bad("base64");
    return json::binary(std::vector<uint8_t>(bytes->begin(), bytes->end()));
  }
  return json(std::string(text));
}

Status BindRequestMembers(const ServiceModel& model, const json& input_shape,
                          const RouteMatch& match, const QueryList& query,
                          const HttpRequest& request, json& input) {
  auto members = input_shape.find("members");
  if (members == input_shape.end() || !members->is_object()) return OkStatus();
  // Query names bound to a named member; a querystring map takes the rest.
  std::vector<std::string> named_query;
  for (const auto& [name, ref] : members->items()) {
    if (ref.value("location", "") == "querystring" && ref.contains("locationName")) {
      named_query.push_back(ref.value("locationName", name));
    }
  }
  for (const auto& [name, member_ref] : members->items()) {
    ShapeRef m = query::Resolve(model, member_ref);
    if (m.shape == nullptr) continue;
    std::string_view location = m.StringTrait("location", "");
    std::string wire(m.WireName(name));
    if (location == "uri") {
      auto it = match.labels.find(wire);
      if (it == match.labels.end()) continue;
      Result<json> v = ParseScalarText(m, it->second, wire);
      if (!v.ok()) return std::move(v).error();
      input[name] = std::move(v).value();
    } else if (location == "querystring") {
      if (m.Type() == "map") {
        json map = json::object();
        for (const auto& [k, v] : query) {
          if (std::find(named_query.begin(), named_query.end(), k) == named_query.end()) {
            map[k] = v;
          }
        }
        if (!map.empty()) input[name] = std::move(map);
        continue;
      }
      std::vector<std::string_view> values;
      for (const auto& [k, v] : query) {
        if (k == wire) values.push_back(v);
      }
      if (values.empty()) continue;
      Result<json> v = m.Type() == "list" ? ListFromText(model, m, values, wire)
                                          : ParseScalarText(m, values.front(), wire);
      if (!v.ok()) return std::move(v).error();
      input[name] = std::move(v).value();
    } else if (location == "header") {
      std::string lower = AsciiLower(wire);
      if (!HasHeader(request, lower)) continue;
      std::string_view text = FindHeader(request, lower);
      Result<json> v = json();
      if (m.Type() == "list") {
        std::vector<std::string_view> items;
        while (!text.empty()) {
          size_t comma = text.find(',');
          items.push_back(Trim(text.substr(0, comma)));
          text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        }
        v = ListFromText(model, m, items, wire);
      } else {
        v = ParseScalarText(m, Trim(text), wire);
      }
      if (!v.ok()) return std::move(v).error();
      input[name] = std::move(v).value();
    } else if (location == "headers") {
      json map = json::object();
      for (const auto& [n, v] : request.headers) {
        if (StartsWithNoCase(n, wire)) map[n.substr(wire.size())] = v;
      }
      if (!map.empty()) input[name] = std::move(map);
    }
  }
  return OkStatus();
}

Result<DecodedCall> DecodeMatchedCall(const ServiceModel& model, const RouteMatch& match,
                                      const QueryList& query, const HttpRequest& request,
                                      const BodyDecoder& decode_body) {
  DecodedCall call;
  call.operation = match.operation;
  call.input = json::object();
  if (const json* shape = InputShape(model, *match.definition)) {
    WHARF_RETURN_IF_ERROR(decode_body(*shape, request.body, call.input));
    WHARF_RETURN_IF_ERROR(BindRequestMembers(model, *shape, match, query, request, call.input));
  }
  WHARF_RETURN_IF_ERROR(ValidateInput(model, call.operation, call.input));
  return call;
}

json BindResponseMembers(const ServiceModel& model, const json& output_shape, const json& output,
                         HttpResponse& response) {
  json body = output.is_object() ? output : json::object();
  auto members = output_shape.find("members");
  if (members == output_shape.end() || !members->is_object()) return body;
  for (const auto& [name, member_ref] : members->items()) {
    auto v = body.find(name);
    if (v == body.end()) continue;
    ShapeRef m = query::Resolve(model, member_ref);
    std::string_view location = m.StringTrait("location", "");
    if (location.empty()) continue;
    std::string wire(m.WireName(name));
    if (location == "header" && !v->is_null()) {
      std::string text;
      if (v->is_array()) {
        ShapeRef member = query::ResolveChild(model, m, "member");
        for (const auto& item : *v) {
          if (!text.empty()) text += ",";
          text += query::ScalarText(member, item, "rfc822");
        }
      } else {
        text = query::ScalarText(m, *v, "rfc822");
      }
      response.headers.emplace_back(wire, std::move(text));
    } else if (location == "headers" && v->is_object()) {
      for (const auto& [k, x] : v->items()) {
        response.headers.emplace_back(wire + k, x.is_string() ? x.get<std::string>() : x.dump());
      }
    } else if (location == "statusCode" && v->is_number_integer()) {
      response.status = v->get<int>();
    }
    body.erase(v);
  }
  return body;
}

Payload PayloadOf(const ServiceModel& model, const json& shape) {
  Payload p;
  auto it = shape.find("payload");
  if (it == shape.end() || !it->is_string()) return p;
  auto members = shape.find("members");
  if (members == shape.end() || !members->contains(it->get<std::string>())) return p;
  p.name = it->get<std::string>();
  p.ref = query::Resolve(model, (*members)[p.name]);
  return p;
}

int SuccessStatus(const json& operation) {
  auto http = operation.find("http");
  if (http == operation.end() || !http->is_object()) return 200;
  auto code = http->find("responseCode");
  return code != http->end() && code->is_number_integer() ? code->get<int>() : 200;
}

}  // namespace wharf::rest
