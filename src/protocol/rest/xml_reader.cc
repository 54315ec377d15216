#include "protocol/rest/xml_reader.h"

#include <rapidxml/rapidxml.hpp>
#include <string>
#include <vector>

#include "protocol/rest/rest_binding.h"

namespace wharf::rest {
namespace {

using nlohmann::json;
using query::ShapeRef;
using Node = rapidxml::xml_node<char>;

constexpr int kMaxDepth = 64;

std::string_view Name(const Node* n) { return {n->name(), n->name_size()}; }

// Text content of an element: its data and CDATA children joined.
std::string TextOf(const Node* n) {
  std::string out;
  for (const Node* c = n->first_node(); c != nullptr; c = c->next_sibling()) {
    if (c->type() == rapidxml::node_data || c->type() == rapidxml::node_cdata) {
      out.append(c->value(), c->value_size());
    }
  }
  return out;
}

std::vector<const Node*> Children(const Node* n, std::string_view name) {
  std::vector<const Node*> out;
  for (const Node* c = n->first_node(); c != nullptr; c = c->next_sibling()) {
    if (c->type() == rapidxml::node_element && Name(c) == name) out.push_back(c);
  }
  return out;
}

class Reader {
 public:
  explicit Reader(const ServiceModel& model) : model_(model) {}

  Result<json> Value(const ShapeRef& r, const Node* n, int depth) {
    if (depth > kMaxDepth) return AwsError::Client("MalformedXML", "The XML is nested too deeply.");
    std::string_view type = r.Type();
    if (type == "structure") return Structure(r, n, depth);
    if (type == "list") {
      ShapeRef member = query::ResolveChild(model_, r, "member");
      return Items(member, Children(n, member.WireName("member")), depth);
    }
    if (type == "map") return Map(r, Children(n, "entry"), depth);
    return ParseScalarText(r, TextOf(n), Name(n));
  }

 private:
  Result<json> Structure(const ShapeRef& r, const Node* n, int depth) {
    json out = json::object();
    auto members = r.shape->find("members");
    if (members == r.shape->end() || !members->is_object()) return out;
    for (const auto& [name, member_ref] : members->items()) {
      ShapeRef m = query::Resolve(model_, member_ref);
      if (m.shape == nullptr || m.Trait("location") != nullptr) continue;
      std::string_view wire = m.WireName(name);
      std::string_view type = m.Type();
      Result<json> v = json();
      if (type == "list" && m.Flattened()) {
        ShapeRef item = query::ResolveChild(model_, m, "member");
        auto nodes = Children(n, item.WireName(wire));
        if (nodes.empty()) continue;
        v = Items(item, nodes, depth);
      } else if (type == "map" && m.Flattened()) {
        auto nodes = Children(n, wire);
        if (nodes.empty()) continue;
        v = Map(m, nodes, depth);
      } else {
        auto nodes = Children(n, wire);
        if (nodes.empty()) continue;
        v = Value(m, nodes.front(), depth + 1);
      }
      if (!v.ok()) return std::move(v).error();
      out[name] = std::move(v).value();
    }
    return out;
  }

  Result<json> Items(const ShapeRef& member, const std::vector<const Node*>& nodes, int depth) {
    json out = json::array();
    for (const Node* c : nodes) {
      Result<json> v = Value(member, c, depth + 1);
      if (!v.ok()) return std::move(v).error();
      out.push_back(std::move(v).value());
    }
    return out;
  }

  Result<json> Map(const ShapeRef& r, const std::vector<const Node*>& entries, int depth) {
    ShapeRef key = query::ResolveChild(model_, r, "key");
    ShapeRef value = query::ResolveChild(model_, r, "value");
    json out = json::object();
    for (const Node* e : entries) {
      auto k = Children(e, key.WireName("key"));
      auto v = Children(e, value.WireName("value"));
      if (k.empty()) continue;
      json item = json();
      if (!v.empty()) {
        Result<json> parsed = Value(value, v.front(), depth + 1);
        if (!parsed.ok()) return std::move(parsed).error();
        item = std::move(parsed).value();
      }
      out[TextOf(k.front())] = std::move(item);
    }
    return out;
  }

  const ServiceModel& model_;
};

}  // namespace

Result<json> ParseXmlBody(const ServiceModel& model, const ShapeRef& r, std::string_view xml) {
  std::vector<char> buffer(xml.begin(), xml.end());
  buffer.push_back('\0');
  rapidxml::xml_document<char> doc;
  try {
    doc.parse<rapidxml::parse_default>(buffer.data());
  } catch (const rapidxml::parse_error&) {
    return AwsError::Client("MalformedXML",
                            "The XML you provided was not well-formed or did not validate "
                            "against our published schema");
  }
  const Node* root = doc.first_node();
  while (root != nullptr && root->type() != rapidxml::node_element) root = root->next_sibling();
  if (root == nullptr || r.shape == nullptr) {
    return AwsError::Client("MalformedXML",
                            "The XML you provided was not well-formed or did not validate "
                            "against our published schema");
  }
  return Reader(model).Value(r, root, 0);
}

}  // namespace wharf::rest
