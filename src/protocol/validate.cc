// ValidateInput: walks an input document along its shape and reports problems in the flavour of
// the service (validate_flavour.cc).
#include "protocol/validate.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <vector>

#include "protocol/shape_facts.h"
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

bool TypeMatches(ShapeFacts::Kind kind, const nlohmann::json& v) {
  using Kind = ShapeFacts::Kind;
  switch (kind) {
    case Kind::kStructure:
    case Kind::kMap:
      return v.is_object();
    case Kind::kList:
      return v.is_array();
    case Kind::kString:
      return v.is_string();
    case Kind::kInteger:
    case Kind::kLong:
      return v.is_number_integer();
    case Kind::kFloat:
    case Kind::kDouble:
    case Kind::kTimestamp:
      return v.is_number();
    case Kind::kBoolean:
      return v.is_boolean();
    case Kind::kBlob:
      return v.is_binary() || v.is_string();
    case Kind::kOther:
      break;
  }
  return true;  // document types and anything newer
}

class Validator {
 public:
  Validator(const ServiceModel& model, const ValidationFlavour& flavour, std::string op_prefix)
      : model_(model), flavour_(flavour), op_prefix_(std::move(op_prefix)) {}

  std::vector<Problem>& problems() { return problems_; }
  bool type_error() const { return type_error_; }

  void Structure(const ShapeFacts& shape, const nlohmann::json& value, const PathStep* path,
                 int depth) {
    if (depth > kMaxDepth) return;
    for (std::string_view name : shape.required) {
      auto it = value.find(name);
      // SQS takes an empty string for a missing parameter, except a batch entry's "Id": an
      // empty one is an InvalidBatchEntryId, which the engine reports (recorded from AWS).
      bool empty_sqs = flavour_.style == ValidationStyle::kSqs && it != value.end() &&
                       it->is_string() && it->get_ref<const std::string&>().empty() && name != "Id";
      if (it == value.end() || it->is_null() || empty_sqs) {
        const nlohmann::json* ref = nullptr;
        for (const auto& m : shape.members) {
          if (m.name == name) ref = m.ref;
        }
        Problem p;
        p.missing = true;
        PathStep step{path, PathStep::kMember, name, ref, 0};
        p.path = Render(&step);
        p.member = std::string(name);
        p.value = "null";
        p.constraint = "Member must not be null";
        problems_.push_back(std::move(p));
      }
    }
    for (const auto& m : shape.members) {
      auto it = value.find(m.name);
      if (it == value.end() || it->is_null()) continue;
      const ShapeFacts* member_shape = m.shape == nullptr ? nullptr : model_.Facts(*m.shape);
      if (member_shape == nullptr) continue;
      PathStep step{path, PathStep::kMember, m.name, m.ref, 0};
      Value(*member_shape, *it, &step, m.name, depth + 1);
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

  void Add(const PathStep* path, std::string_view member, const nlohmann::json& v,
           std::string constraint, std::string reason) {
    Problem p;
    p.path = Render(path);
    p.member = std::string(member);
    p.raw = Plain(v);
    p.value = "'" + p.raw + "'";
    p.constraint = std::move(constraint);
    p.reason = std::move(reason);
    problems_.push_back(std::move(p));
  }

  // Checks the constraints of a scalar or the length of a collection. Returns the problems found
  // as constraint texts.
  std::vector<std::string> Constraints(const ShapeFacts& shape, const nlohmann::json& v) const {
    std::vector<std::string> out;
    if (!flavour_.check_constraints) return out;
    const nlohmann::json* min = shape.min;
    const nlohmann::json* max = shape.max;
    if (shape.sized()) {
      std::size_t len = v.is_string()   ? Utf16Length(v.get_ref<const std::string&>())
                        : v.is_binary() ? v.get_binary().size()
                                        : v.size();
      if (min != nullptr && static_cast<double>(len) < min->get<double>()) {
        out.push_back("Member must have length greater than or equal to " + min->dump());
      }
      if (max != nullptr && static_cast<double>(len) > max->get<double>()) {
        out.push_back("Member must have length less than or equal to " + max->dump());
      }
    } else if (v.is_number()) {
      double d = v.get<double>();
      if (min != nullptr && d < min->get<double>()) {
        out.push_back("Member must have value greater than or equal to " + min->dump());
      }
      if (max != nullptr && d > max->get<double>()) {
        out.push_back("Member must have value less than or equal to " + max->dump());
      }
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (shape.pattern != nullptr && s.size() <= kMaxPatternInput) {
        const std::regex* re = Pattern(*shape.pattern);
        if (re != nullptr && !std::regex_match(s, *re)) {
          out.push_back("Member must satisfy regular expression pattern: " + *shape.pattern);
        }
      }
      if (shape.values != nullptr) {
        bool found = false;
        for (const auto& e : *shape.values) found = found || (e.is_string() && e == v);
        if (!found) out.push_back("Member must satisfy enum value set: " + JoinEnum(*shape.values));
      }
    }
    return out;
  }

  void Value(const ShapeFacts& shape, const nlohmann::json& v, const PathStep* path,
             std::string_view member, int depth) {
    if (depth > kMaxDepth) return;
    if (!TypeMatches(shape.kind, v)) {
      type_error_ = true;
      Add(path, member, v, "Member must be of type " + std::string(shape.type),
          "Must be of type " + std::string(shape.type));
      return;
    }
    for (auto& c : Constraints(shape, v)) Add(path, member, v, c, c);
    if (shape.kind == ShapeFacts::Kind::kStructure) {
      Structure(shape, v, path, depth);
    } else if (shape.kind == ShapeFacts::Kind::kList) {
      List(shape, v, path, member, depth);
    } else if (shape.kind == ShapeFacts::Kind::kMap) {
      const ShapeFacts* value_shape =
          shape.element == nullptr ? nullptr : model_.Facts(*shape.element);
      if (value_shape == nullptr) return;
      for (const auto& [k, e] : v.items()) {
        if (e.is_null()) continue;
        PathStep step{path, PathStep::kMapValue, k, nullptr, 0};
        Value(*value_shape, e, &step, member, depth + 1);
      }
    }
  }

  void List(const ShapeFacts& shape, const nlohmann::json& v, const PathStep* path,
            std::string_view member, int depth) {
    const ShapeFacts* element = shape.element == nullptr ? nullptr : model_.Facts(*shape.element);
    if (element == nullptr) return;
    if (!element->scalar()) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].is_null()) continue;
        PathStep step{path, PathStep::kListElement, {}, nullptr, i + 1};
        Value(*element, v[i], &step, member, depth + 1);
      }
      return;
    }
    // Coral reports constraints of scalar elements once, on the list.
    for (const auto& e : v) {
      if (!TypeMatches(element->kind, e)) {
        type_error_ = true;
        Add(path, member, v, "Member must be of type " + std::string(element->type),
            "Invalid type");
        return;
      }
      auto found = Constraints(*element, e);
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
  const ShapeFacts* facts = model.Facts(*shape);
  if (facts == nullptr) return OkStatus();
  Validator v(model, flavour, LowerFirst(operation) + "Input.");
  v.Structure(*facts, input, nullptr, 0);
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
