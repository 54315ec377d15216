// ValidateInput: walks an input document along its shape and reports problems in the flavour of
// the service (validate_flavour.cc).
#include "protocol/validate.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <vector>

#include "protocol/shapes.h"
#include "wharf/core/encoding.h"

namespace wharf {
namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxPatternInput = 4096;

// Where the validator is in the input: a chain of steps on the stack, turned into Coral's path
// text ("records.1.member.partitionKey") only when a problem is reported.
struct PathStep {
  enum Kind { kMember, kListElement, kMapValue };
  const PathStep* parent;
  Kind kind;
  std::string_view name;      // member name or map key
  const nlohmann::json* ref;  // the member's reference (kMember), may be null
  std::size_t index;          // 1-based (kListElement)
};

struct Problem {
  bool missing = false;
  std::string path;        // Coral path, e.g. "records.1.member.partitionKey"
  std::string member;      // model member name, e.g. "PartitionKey" (SQS messages)
  std::string value;       // Coral rendering, e.g. "'abc'" or "null"
  std::string raw;         // SQS rendering, e.g. "abc"
  std::string constraint;  // e.g. "Member must not be null"
  std::string reason;      // SQS reason
};

// std::regex objects for model patterns, compiled once; nullopt if ECMAScript rejects it.
const std::regex* Pattern(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::optional<std::regex>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    std::optional<std::regex> re;
    try {
      re.emplace(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error&) {
      re.reset();
    }
    it = cache.emplace(pattern, std::move(re)).first;
  }
  return it->second ? &*it->second : nullptr;
}

// Java String.length(): UTF-16 code units of a UTF-8 string.
std::size_t Utf16Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;
  }
  return n;
}

std::string Plain(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_binary()) {
    auto n = std::to_string(v.get_binary().size());
    return "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + Plain(v[i]);
    return out + "]";
  }
  if (v.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, e] : v.items()) {
      out += (first ? "" : ", ") + k + "=" + Plain(e);
      first = false;
    }
    return out + "}";
  }
  return v.dump();
}

std::string JoinEnum(const nlohmann::json& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + (values[i].is_string() ? values[i].get<std::string>() : "");
  }
  return out + "]";
}

bool TypeMatches(std::string_view type, const nlohmann::json& v) {
  if (type == "structure" || type == "map") return v.is_object();
  if (type == "list") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer" || type == "long") return v.is_number_integer();
  if (type == "float" || type == "double" || type == "timestamp") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "blob") return v.is_binary() || v.is_string();
  return true;  // document types and anything newer
}

class Validator {
 public:
  Validator(const ServiceModel& model, const ValidationFlavour& flavour, std::string op_prefix)
      : model_(model), flavour_(flavour), op_prefix_(std::move(op_prefix)) {}

  std::vector<Problem>& problems() { return problems_; }
  bool type_error() const { return type_error_; }

  void Structure(const nlohmann::json& shape, const nlohmann::json& value, const PathStep* path,
                 int depth) {
    if (depth > kMaxDepth) return;
    auto members = shape.find("members");
    auto required = shape.find("required");
    if (required != shape.end() && required->is_array()) {
      for (const auto& r : *required) {
        if (!r.is_string()) continue;
        const std::string& name = r.get_ref<const std::string&>();
        auto it = value.find(name);
        bool empty_sqs = flavour_.style == ValidationStyle::kSqs && it != value.end() &&
                         it->is_string() && it->get_ref<const std::string&>().empty();
        if (it == value.end() || it->is_null() || empty_sqs) {
          const nlohmann::json* ref = nullptr;
          if (members != shape.end() && members->contains(name)) ref = &(*members)[name];
          Problem p;
          p.missing = true;
          PathStep step{path, PathStep::kMember, name, ref, 0};
          p.path = Render(&step);
          p.member = name;
          p.value = "null";
          p.constraint = "Member must not be null";
          problems_.push_back(std::move(p));
        }
      }
    }
    if (members == shape.end() || !members->is_object()) return;
    for (const auto& [name, ref] : members->items()) {
      auto it = value.find(name);
      if (it == value.end() || it->is_null()) continue;
      const nlohmann::json* member_shape = ResolveRef(model_, ref);
      if (member_shape == nullptr) continue;
      PathStep step{path, PathStep::kMember, name, &ref, 0};
      Value(*member_shape, *it, &step, name, depth + 1);
    }
  }

 private:
  std::string Render(const PathStep* step) const {
    switch (step->kind) {
      case PathStep::kListElement:
        return Render(step->parent) + "." + std::to_string(step->index) + ".member";
      case PathStep::kMapValue:
        return Render(step->parent) + "." + std::string(step->name) + ".member";
      case PathStep::kMember:
        break;
    }
    if (step->parent != nullptr) return Render(step->parent) + "." + LowerFirst(step->name);
    bool in_body = step->ref == nullptr || !step->ref->contains("location");
    if (flavour_.input_prefix && in_body) return op_prefix_ + LowerFirst(step->name);
    return LowerFirst(step->name);
  }

  void Add(const PathStep* path, const std::string& member, const nlohmann::json& v,
           std::string constraint, std::string reason) {
    Problem p;
    p.path = Render(path);
    p.member = member;
    p.raw = Plain(v);
    p.value = "'" + p.raw + "'";
    p.constraint = std::move(constraint);
    p.reason = std::move(reason);
    problems_.push_back(std::move(p));
  }

  // Checks the constraints of a scalar or the length of a collection. Returns the problems found
  // as constraint texts.
  std::vector<std::string> Constraints(const nlohmann::json& shape, std::string_view type,
                                       const nlohmann::json& v) const {
    std::vector<std::string> out;
    if (!flavour_.check_constraints) return out;
    auto min = shape.find("min");
    auto max = shape.find("max");
    bool sized = type == "string" || type == "blob" || type == "list" || type == "map";
    if (sized) {
      std::size_t len = v.is_string()   ? Utf16Length(v.get_ref<const std::string&>())
                        : v.is_binary() ? v.get_binary().size()
                                        : v.size();
      if (min != shape.end() && min->is_number() && static_cast<double>(len) < min->get<double>()) {
        out.push_back("Member must have length greater than or equal to " + min->dump());
      }
      if (max != shape.end() && max->is_number() && static_cast<double>(len) > max->get<double>()) {
        out.push_back("Member must have length less than or equal to " + max->dump());
      }
    } else if (v.is_number()) {
      double d = v.get<double>();
      if (min != shape.end() && min->is_number() && d < min->get<double>()) {
        out.push_back("Member must have value greater than or equal to " + min->dump());
      }
      if (max != shape.end() && max->is_number() && d > max->get<double>()) {
        out.push_back("Member must have value less than or equal to " + max->dump());
      }
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      auto pattern = shape.find("pattern");
      if (pattern != shape.end() && pattern->is_string() && s.size() <= kMaxPatternInput) {
        const std::regex* re = Pattern(pattern->get<std::string>());
        if (re != nullptr && !std::regex_match(s, *re)) {
          out.push_back("Member must satisfy regular expression pattern: " +
                        pattern->get<std::string>());
        }
      }
      auto values = shape.find("enum");
      if (values != shape.end() && values->is_array()) {
        bool found = false;
        for (const auto& e : *values) found = found || (e.is_string() && e == v);
        if (!found) out.push_back("Member must satisfy enum value set: " + JoinEnum(*values));
      }
    }
    return out;
  }

  void Value(const nlohmann::json& shape, const nlohmann::json& v, const PathStep* path,
             const std::string& member, int depth) {
    if (depth > kMaxDepth) return;
    std::string_view type = ShapeType(shape);
    if (!TypeMatches(type, v)) {
      type_error_ = true;
      Add(path, member, v, "Member must be of type " + std::string(type),
          "Must be of type " + std::string(type));
      return;
    }
    for (auto& c : Constraints(shape, type, v)) Add(path, member, v, c, c);
    if (type == "structure") {
      Structure(shape, v, path, depth);
    } else if (type == "list") {
      List(shape, v, path, member, depth);
    } else if (type == "map") {
      auto value_ref = shape.find("value");
      const nlohmann::json* value_shape =
          value_ref == shape.end() ? nullptr : ResolveRef(model_, *value_ref);
      if (value_shape == nullptr) return;
      for (const auto& [k, e] : v.items()) {
        if (e.is_null()) continue;
        PathStep step{path, PathStep::kMapValue, k, nullptr, 0};
        Value(*value_shape, e, &step, member, depth + 1);
      }
    }
  }

  void List(const nlohmann::json& shape, const nlohmann::json& v, const PathStep* path,
            const std::string& member, int depth) {
    auto member_ref = shape.find("member");
    const nlohmann::json* element =
        member_ref == shape.end() ? nullptr : ResolveRef(model_, *member_ref);
    if (element == nullptr) return;
    std::string_view type = ShapeType(*element);
    bool scalar = type != "structure" && type != "list" && type != "map";
    if (!scalar) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].is_null()) continue;
        PathStep step{path, PathStep::kListElement, {}, nullptr, i + 1};
        Value(*element, v[i], &step, member, depth + 1);
      }
      return;
    }
    // Coral reports constraints of scalar elements once, on the list.
    for (const auto& e : v) {
      if (!TypeMatches(type, e)) {
        type_error_ = true;
        Add(path, member, v, "Member must be of type " + std::string(type), "Invalid type");
        return;
      }
      auto found = Constraints(*element, type, e);
      if (!found.empty()) {
        Add(path, member, v, "Member must satisfy constraint: [" + found.front() + "]",
            found.front());
        return;
      }
    }
  }

  const ServiceModel& model_;
  const ValidationFlavour& flavour_;
  std::string op_prefix_;
  std::vector<Problem> problems_;
  bool type_error_ = false;
};

AwsError SqsError(const Problem& p) {
  if (p.missing) {
    return AwsError{"MissingRequiredParameterException",
                    "The request must contain the parameter " + p.member + ".", 400, true,
                    "MissingParameter"};
  }
  return AwsError{
      "InvalidParameterValueException",
      "Value " + p.raw + " for parameter " + p.member + " is invalid. Reason: " + p.reason + ".",
      400, true, "InvalidParameterValue"};
}

AwsError CoralError(const ValidationFlavour& flavour, const std::vector<Problem>& problems) {
  std::string message =
      std::to_string(problems.size()) +
      (problems.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const Problem& p = problems[i];
    if (i) message += "; ";
    message +=
        "Value " + p.value + " at '" + p.path + "' failed to satisfy constraint: " + p.constraint;
  }
  return AwsError::Client(std::string(flavour.code), std::move(message));
}

// True when every string and object key in `v` is UTF-8: the only text JSON and XML carry, so
// engines may store and echo strings without checking them again.
bool AllUtf8(const nlohmann::json& v) {
  if (v.is_string()) return IsUtf8(v.get_ref<const std::string&>());
  if (v.is_array()) {
    for (const auto& e : v) {
      if (!AllUtf8(e)) return false;
    }
  } else if (v.is_object()) {
    for (const auto& [key, e] : v.get_ref<const nlohmann::json::object_t&>()) {
      if (!IsUtf8(key) || !AllUtf8(e)) return false;
    }
  }
  return true;
}

}  // namespace

Status ValidateInput(const ServiceModel& model, std::string_view operation,
                     const nlohmann::json& input) {
  if (!input.is_object()) return SerializationError("Request body must be a JSON object");
  if (!AllUtf8(input)) return SerializationError("Request contains text that is not valid UTF-8");
  const nlohmann::json* op = model.Operation(operation);
  const nlohmann::json* shape = op == nullptr ? nullptr : InputShape(model, *op);
  if (shape == nullptr) return OkStatus();
  const ValidationFlavour& flavour = FlavourFor(model.name());
  Validator v(model, flavour, LowerFirst(operation) + "Input.");
  v.Structure(*shape, input, nullptr, 0);
  auto& problems = v.problems();
  if (problems.empty()) return OkStatus();
  if (flavour.style == ValidationStyle::kSqs) return SqsError(problems.front());
  if (v.type_error()) {
    for (const auto& p : problems) {
      if (p.constraint.rfind("Member must be of type", 0) == 0) {
        return SerializationError("Unexpected value type at '" + p.path + "': " + p.constraint);
      }
    }
  }
  return CoralError(flavour, problems);
}

AwsError MissingParameterError(const ServiceModel& model, std::string_view member) {
  const ValidationFlavour& flavour = FlavourFor(model.name());
  Problem p;
  p.missing = true;
  p.member = std::string(member);
  p.path = LowerFirst(member);
  p.value = "null";
  p.constraint = "Member must not be null";
  if (flavour.style == ValidationStyle::kSqs) return SqsError(p);
  return CoralError(flavour, {p});
}

AwsError SerializationError(std::string message) {
  return AwsError::Client("SerializationException", std::move(message));
}

}  // namespace wharf
