#include "services/sns/filter_compile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "services/sns/filter_ip.h"
#include "services/sns/filter_json.h"
#include "wharf/core/encoding.h"

namespace wharf::sns::filter {
namespace {

using RuleMap = std::map<std::string, std::vector<Pattern>>;

constexpr std::array<std::string_view, 9> kReservedInOr = {
    "prefix",   "suffix", "anything-but", "numeric", "cidr", "exists", "equals-ignore-case",
    "wildcard", "exactly"};

class Compiler {
 public:
  explicit Compiler(std::string_view compact) : cursor_(compact) {}

  bool Run(std::vector<Branch>& branches, CompileError& error) {
    std::vector<RuleMap> rules;
    std::vector<std::string> path;
    bool ok = cursor_.Next() == Tok::kStartObject ? ParseObject(rules, path, false)
                                                  : Barf("Filter is not an object");
    if (!ok) {
      error = error_;
      return false;
    }
    for (auto& rule : rules) {
      Branch branch;
      for (auto& [name, patterns] : rule) branch.push_back({name, std::move(patterns)});
      branches.push_back(std::move(branch));
    }
    return true;
  }

 private:
  bool Barf(std::string message) {
    error_ = {std::move(message), cursor_.Column()};
    return false;
  }
  bool Plain(std::string message) {
    error_ = {std::move(message), 0};
    return false;
  }

  static std::string Extended(const std::vector<std::string>& path, const std::string& name) {
    std::string out;
    for (const auto& step : path) out += step + ".";
    return out + name;
  }

  bool ParseObject(std::vector<RuleMap>& rules, std::vector<std::string>& path, bool in_or) {
    bool fields = false;
    for (Tok tok = cursor_.Next(); tok != Tok::kEndObject; tok = cursor_.Next()) {
      if (tok != Tok::kFieldName) return Barf("Filter is not an object");
      fields = true;
      std::string name = cursor_.Text();
      if (name == "$or") {
        if (!ParseOr(rules, path)) return false;
        continue;
      }
      if (in_or &&
          std::find(kReservedInOr.begin(), kReservedInOr.end(), name) != kReservedInOr.end()) {
        return Barf(name + " is Ruler reserved fieldName which cannot be used inside $or.");
      }
      switch (cursor_.Next()) {
        case Tok::kStartObject:
          path.push_back(name);
          if (!ParseObject(rules, path, in_or)) return false;
          path.pop_back();
          break;
        case Tok::kStartArray:
          if (!WriteRules(rules, Extended(path, name))) return false;
          break;
        default:
          return Barf("\"" + name + "\" must be an object or an array");
      }
    }
    return fields || Barf("Empty objects are not allowed");
  }

  bool ParseOr(std::vector<RuleMap>& rules, std::vector<std::string>& path) {
    std::vector<RuleMap> current = std::move(rules);
    rules.clear();
    if (cursor_.Next() != Tok::kStartArray) return Barf("It must be an Array followed with $or.");
    int count = 0;
    for (Tok tok = cursor_.Next(); tok != Tok::kEndArray; tok = cursor_.Next()) {
      ++count;
      if (tok != Tok::kStartObject) {
        return Barf("Only JSON object is allowed in array of $or relationship.");
      }
      std::vector<RuleMap> branch = current;
      if (branch.empty()) branch.emplace_back();
      if (!ParseObject(branch, path, true)) return false;
      rules.insert(rules.end(), branch.begin(), branch.end());
    }
    return count >= 2 || Barf("There must have at least 2 Objects in $or relationship.");
  }

  bool WriteRules(std::vector<RuleMap>& rules, const std::string& name) {
    std::vector<Pattern> values;
    for (Tok tok = cursor_.Next(); tok != Tok::kEndArray; tok = cursor_.Next()) {
      Pattern p;
      switch (tok) {
        case Tok::kStartObject:
          if (!MatchExpression(p)) return false;
          break;
        case Tok::kString: {
          p.text = cursor_.Text();
          int len = 0;
          if (ParseIp(p.text, p.ip_low, len)) {
            p.kind = PatternKind::kIpAddress;
            p.ip_high = p.ip_low;
            p.ip_len = len;
          }
          break;
        }
        case Tok::kInt:
        case Tok::kFloat:
          p.kind = PatternKind::kExactNumber;
          p.text = cursor_.Text();
          p.number = cursor_.Number();
          p.has_number = std::fabs(p.number) <= kNumberLimit;
          break;
        case Tok::kTrue:
        case Tok::kFalse:
        case Tok::kNull:
          p.kind = PatternKind::kExactLiteral;
          p.text = cursor_.Text();
          break;
        default:
          return Barf("Match value must be String, number, true, false, or null");
      }
      values.push_back(std::move(p));
    }
    if (values.empty()) return Barf("Empty arrays are not allowed");
    if (rules.empty()) rules.emplace_back();
    for (auto& rule : rules) rule[name] = values;
    return true;
  }

  bool OneKey() {
    return cursor_.Next() == Tok::kEndObject || Barf("Only one key allowed in match expression");
  }

  bool StringOperand(const std::string& type, PatternKind kind, Pattern& p) {
    if (cursor_.Next() != Tok::kString) return Barf(type + " match pattern must be a string");
    p.kind = kind;
    p.text = cursor_.Text();
    if (kind == PatternKind::kEqualsIgnoreCase) p.text = AsciiLower(p.text);
    if (kind == PatternKind::kWildcard) {
      std::string problem = CheckWildcard(p.text);
      if (!problem.empty()) return Barf(problem);
    }
    return OneKey();
  }

  bool MatchExpression(Pattern& p) {
    if (cursor_.Next() != Tok::kFieldName) return Barf("Match expression name not found");
    const std::string type = cursor_.Text();
    if (type == "prefix") return StringOperand(type, PatternKind::kPrefix, p);
    if (type == "suffix") return StringOperand(type, PatternKind::kSuffix, p);
    if (type == "equals-ignore-case") return StringOperand(type, PatternKind::kEqualsIgnoreCase, p);
    if (type == "wildcard") return StringOperand(type, PatternKind::kWildcard, p);
    if (type == "numeric") {
      if (cursor_.Next() != Tok::kStartArray) return Barf("Value of numeric must be an array.");
      if (!Numeric(p)) return false;
      return cursor_.Next() == Tok::kEndObject || TooManyElements();
    }
    if (type == "anything-but") return AnythingBut(p);
    if (type == "exists") {
      Tok tok = cursor_.Next();
      if (tok != Tok::kTrue && tok != Tok::kFalse) {
        return Barf("exists match pattern must be either true or false.");
      }
      p.kind = tok == Tok::kTrue ? PatternKind::kExists : PatternKind::kAbsent;
      return OneKey();
    }
    if (type == "cidr") {
      if (cursor_.Next() != Tok::kString) return Barf("prefix match pattern must be a string");
      std::string problem;
      if (!ParseCidr(cursor_.Text(), p, problem)) return Plain(problem);
      return OneKey();
    }
    return Barf("Unrecognized match type " + type);
  }

  bool TooManyElements() { return Barf("Too many elements in numeric expression"); }

  // AWS compares numbers only within +-10^9; an operand outside fails like this.
  static bool InRange(double v) { return std::fabs(v) <= kNumberLimit; }
  static std::string RangeMessage() { return "Value must be between -1.0E9 and 1.0E9, inclusive"; }

  bool Numeric(Pattern& p) {
    p.kind = PatternKind::kNumericRange;
    if (cursor_.Next() != Tok::kString) {
      return Barf("Invalid member in numeric match: " + cursor_.Text());
    }
    const std::string op = cursor_.Text();
    cursor_.Next();
    const bool numeric = cursor_.IsNumeric();
    const double value = cursor_.Number();
    if (op == "=" || op == "<" || op == "<=") {
      if (!numeric)
        return Barf("Value of " + (op == "=" ? std::string("equals") : op) + " must be numeric");
      if (cursor_.Next() != Tok::kEndArray) return TooManyElements();
      if (!InRange(value)) return Barf(RangeMessage());
      p.has_high = true;
      p.high = value;
      p.high_open = op == "<";
      if (op == "=") {
        p.has_low = true;
        p.low = value;
      }
      return true;
    }
    if (op != ">" && op != ">=") return Barf("Unrecognized numeric range operator: " + op);
    if (!numeric) return Barf("Value of " + op + " must be numeric");
    p.has_low = true;
    p.low = value;
    p.low_open = op == ">";
    Tok tok = cursor_.Next();
    if (tok == Tok::kEndArray) return InRange(value) || Barf(RangeMessage());
    if (tok != Tok::kString) return Barf("Bad value in numeric range: " + cursor_.Text());
    const std::string top_op = cursor_.Text();
    if (top_op != "<" && top_op != "<=") return Barf("Bad numeric range operator: " + top_op);
    cursor_.Next();
    if (!cursor_.IsNumeric()) return Barf("Value of " + top_op + " must be numeric");
    p.has_high = true;
    p.high = cursor_.Number();
    p.high_open = top_op == "<";
    if (cursor_.Next() != Tok::kEndArray) {
      return Barf("Too many terms in numeric range expression");
    }
    if (!InRange(p.low) || !InRange(p.high)) return Barf(RangeMessage());
    return p.low < p.high || Barf("Bottom must be less than top");
  }

  bool AnythingBut(Pattern& p) {
    Tok tok = cursor_.Next();
    if (tok == Tok::kStartObject) {
      if (cursor_.Next() != Tok::kFieldName) return Barf("Anything-But expression name not found");
      const std::string op = cursor_.Text();
      if (op != "prefix") return Barf("Unsupported anything-but pattern: " + op);
      if (cursor_.Next() != Tok::kString) return Barf("prefix match pattern must be a string");
      p.kind = PatternKind::kAnythingButPrefix;
      p.text = cursor_.Text();
      if (p.text.empty()) return Barf("Null prefix not allowed");
      return OneKey() && OneKey();
    }
    p.kind = PatternKind::kAnythingBut;
    if (tok == Tok::kStartArray) {
      bool has_string = false;
      for (tok = cursor_.Next(); tok != Tok::kEndArray; tok = cursor_.Next()) {
        if (tok == Tok::kString) {
          p.strings.push_back(cursor_.Text());
          has_string = true;
        } else if (cursor_.IsNumeric()) {
          if (!InRange(cursor_.Number())) return Barf(RangeMessage());
          p.numbers.push_back(cursor_.Number());
          p.numeric = true;
        } else {
          return Barf("Inside anything but list, start|null|boolean is not supported.");
        }
      }
      if (has_string == p.numeric) {
        return Barf(
            "Inside anything but list, either all values are number or string, mixed type is "
            "not supported");
      }
    } else if (tok == Tok::kString) {
      p.strings.push_back(cursor_.Text());
    } else if (cursor_.IsNumeric()) {
      if (!InRange(cursor_.Number())) return Plain(RangeMessage());
      p.numbers.push_back(cursor_.Number());
      p.numeric = true;
    } else {
      return Barf("Value of anything-but must be an array or single string/number value.");
    }
    std::sort(p.strings.begin(), p.strings.end());
    return cursor_.Next() == Tok::kEndObject || TooManyElements();
  }

  TokenCursor cursor_;
  CompileError error_;
};

}  // namespace

bool CompileRules(std::string_view compact, std::vector<Branch>& branches, CompileError& error) {
  Compiler compiler(compact);
  return compiler.Run(branches, error);
}

std::string CheckWildcard(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      return "Consecutive wildcard characters at pos " + std::to_string(i);
    }
    if (pattern[i] == '\\') {
      if (i + 1 >= pattern.size() || (pattern[i + 1] != '*' && pattern[i + 1] != '\\')) {
        return "Invalid escape character at pos " + std::to_string(i);
      }
      ++i;
    }
  }
  return "";
}

}  // namespace wharf::sns::filter
