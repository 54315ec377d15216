#include "protocol/rest/operation_matcher.h"

#include <algorithm>
#include <cctype>

#include "protocol/rest/rest_binding.h"
#include "protocol/shapes.h"

namespace wharf::rest {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path[0] == '/') path.remove_prefix(1);
  if (path.empty()) return out;
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool HasQuery(const QueryList& query, const std::string& name, const std::string& value) {
  for (const auto& [k, v] : query) {
    if (k == name && (value.empty() || v == value)) return true;
  }
  return false;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

OperationMatcher::OperationMatcher(const ServiceModel& model) {
  const nlohmann::json& ops = model.document()["operations"];
  for (const auto& [name, op] : ops.items()) {
    auto http = op.find("http");
    if (http == op.end() || !http->is_object()) continue;
    Route route;
    route.operation = name;
    route.definition = &op;
    route.method = http->value("method", "POST");
    std::string uri = http->value("requestUri", "/");
    size_t q = uri.find('?');
    if (q != std::string::npos) {
      for (const auto& [k, v] : ParseFormPairs(std::string_view(uri).substr(q + 1))) {
        route.static_query.emplace_back(k, v);
      }
      uri.resize(q);
    }
    for (std::string_view seg : SplitPath(uri)) {
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        std::string_view label = seg.substr(1, seg.size() - 2);
        bool greedy = label.back() == '+';
        if (greedy) label.remove_suffix(1);
        route.segments.push_back({greedy ? Segment::kGreedy : Segment::kLabel, std::string(label)});
      } else {
        route.segments.push_back({Segment::kLiteral, std::string(seg)});
        ++route.literals;
      }
    }
    if (const nlohmann::json* input = InputShape(model, op)) {
      const nlohmann::json& members = input->value("members", nlohmann::json::object());
      for (const auto& req : input->value("required", nlohmann::json::array())) {
        if (!req.is_string() || !members.contains(req.get<std::string>())) continue;
        const nlohmann::json& m = members[req.get<std::string>()];
        std::string location = m.value("location", "");
        std::string wire = m.value("locationName", req.get<std::string>());
        if (location == "querystring") route.required_query.push_back(wire);
        if (location == "header") route.required_headers.push_back(Lower(wire));
      }
    }
    routes_.push_back(std::move(route));
  }
}

int OperationMatcher::Score(const Route& route, const std::vector<std::string_view>& segments,
                            const QueryList& query, const HttpRequest& request,
                            std::map<std::string, std::string>& labels) const {
  if (route.method != request.method) return -1;
  size_t i = 0;
  for (const Segment& seg : route.segments) {
    if (seg.kind == Segment::kGreedy) {
      if (i >= segments.size()) return -1;
      std::string rest;
      for (size_t j = i; j < segments.size(); ++j) {
        if (j > i) rest.push_back('/');
        rest += PercentDecode(segments[j], false);
      }
      if (rest.empty()) return -1;
      labels[seg.text] = std::move(rest);
      i = segments.size();
      continue;
    }
    if (i >= segments.size() || segments[i].empty()) return -1;
    if (seg.kind == Segment::kLiteral) {
      if (PercentDecode(segments[i], false) != seg.text) return -1;
    } else {
      labels[seg.text] = PercentDecode(segments[i], false);
    }
    ++i;
  }
  // Tolerate one trailing slash ("/bucket/").
  if (i + 1 == segments.size() && segments[i].empty()) ++i;
  if (i != segments.size()) return -1;
  int score = route.literals * 1000;
  for (const auto& [k, v] : route.static_query) {
    if (!HasQuery(query, k, v)) return -1;
    score += 100;
  }
  for (const auto& name : route.required_query) {
    if (!HasQuery(query, name, "")) return -1;
    score += 10;
  }
  for (const auto& name : route.required_headers) {
    if (!HasHeader(request, name)) return -1;
    score += 10;
  }
  return score;
}

RouteMatch OperationMatcher::Match(const HttpRequest& request, const QueryList& query) const {
  std::vector<std::string_view> segments = SplitPath(request.path);
  RouteMatch best;
  int best_score = -1;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> labels;
    int score = Score(route, segments, query, request, labels);
    if (score > best_score) {
      best_score = score;
      best.operation = route.operation;
      best.definition = route.definition;
      best.labels = std::move(labels);
    }
  }
  return best;
}

}  // namespace wharf::rest
