#include "services/sqs/sqs_policy.h"

#include <cctype>
#include <optional>
#include <vector>

namespace wharf::sqs {
namespace {

using json = nlohmann::json;

char Fold(char c, bool ignore_case) {
  return ignore_case ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Fold(a[i], true) != Fold(b[i], true)) return false;
  }
  return true;
}

bool IsSupportedKey(std::string_view key) {
  return EqualsIgnoreCase(key, "aws:SourceArn") || EqualsIgnoreCase(key, "aws:SourceAccount") ||
         EqualsIgnoreCase(key, "aws:PrincipalAccount");
}

// A policy element that may be one value or a list of them, as strings.
std::vector<std::string> Values(const json& v) {
  std::vector<std::string> out;
  auto add = [&](const json& e) {
    if (e.is_string()) {
      out.push_back(e.get<std::string>());
    } else if (e.is_number() || e.is_boolean()) {
      out.push_back(e.dump());
    }
  };
  if (v.is_array()) {
    for (const auto& e : v) add(e);
  } else {
    add(v);
  }
  return out;
}

// "123456789012", or the account field of an IAM/STS ARN.
std::string AccountOf(const std::string& principal) {
  if (principal.rfind("arn:", 0) != 0) return principal;
  size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    start = principal.find(':', start);
    if (start == std::string::npos) return {};
    ++start;
  }
  return principal.substr(start, principal.find(':', start) - start);
}

bool PrincipalMatches(const json& principal, const Caller& caller) {
  if (principal.is_string()) return principal.get<std::string>() == "*";
  if (!principal.is_object()) return false;
  for (const auto& [kind, values] : principal.items()) {
    for (const std::string& v : Values(values)) {
      if (kind == "AWS" &&
          (v == "*" || (caller.service.empty() && AccountOf(v) == caller.account))) {
        return true;
      }
      if (kind == "Service" && !caller.service.empty() && v == caller.service) return true;
    }
  }
  return false;
}

bool ActionMatches(const json& actions, std::string_view action) {
  for (const std::string& pattern : Values(actions)) {
    if (pattern == "*") return true;
    const size_t colon = pattern.find(':');
    if (colon == std::string::npos || !EqualsIgnoreCase(pattern.substr(0, colon), "sqs")) continue;
    if (WildcardMatch(std::string_view(pattern).substr(colon + 1), action, true)) return true;
  }
  return false;
}

bool ResourceMatches(const json& resources, std::string_view resource) {
  for (const std::string& pattern : Values(resources)) {
    if (WildcardMatch(pattern, resource, false)) return true;
  }
  return false;
}

std::optional<std::string> ContextValue(std::string_view key, const Caller& caller) {
  auto present = [](const std::string& v) -> std::optional<std::string> {
    if (v.empty()) return std::nullopt;
    return v;
  };
  if (EqualsIgnoreCase(key, "aws:SourceArn")) return present(caller.source_arn);
  if (EqualsIgnoreCase(key, "aws:SourceAccount")) {
    return caller.service.empty() ? std::nullopt : present(caller.account);
  }
  if (EqualsIgnoreCase(key, "aws:PrincipalAccount")) {
    return caller.service.empty() ? present(caller.account) : std::nullopt;
  }
  return std::nullopt;
}

// One operator block of a Condition; nullopt when the operator or a key is not supported.
std::optional<bool> ConditionHolds(std::string op, const json& block, const Caller& caller) {
  bool if_exists = false;
  if (op.size() > 8 && op.compare(op.size() - 8, 8, "IfExists") == 0) {
    if_exists = true;
    op.resize(op.size() - 8);
  }
  bool negated = false;
  bool like = false;
  bool ignore_case = false;
  if (op == "StringEquals" || op == "ArnEquals") {
  } else if (op == "StringNotEquals" || op == "ArnNotEquals") {
    negated = true;
  } else if (op == "StringEqualsIgnoreCase") {
    ignore_case = true;
  } else if (op == "StringNotEqualsIgnoreCase") {
    negated = ignore_case = true;
  } else if (op == "StringLike" || op == "ArnLike") {
    like = true;
  } else if (op == "StringNotLike" || op == "ArnNotLike") {
    negated = like = true;
  } else {
    return std::nullopt;
  }
  if (!block.is_object()) return std::nullopt;
  for (const auto& [key, values] : block.items()) {
    if (!IsSupportedKey(key)) return std::nullopt;
    std::optional<std::string> actual = ContextValue(key, caller);
    if (!actual) {
      if (if_exists || negated) continue;
      return false;
    }
    bool any = false;
    for (const std::string& v : Values(values)) {
      any = any || (like ? WildcardMatch(v, *actual, false)
                         : (ignore_case ? EqualsIgnoreCase(v, *actual) : v == *actual));
    }
    if (any == negated) return false;
  }
  return true;
}

bool ConditionsHold(const json& statement, const Caller& caller) {
  auto it = statement.find("Condition");
  if (it == statement.end()) return true;
  if (!it->is_object()) return false;
  for (const auto& [op, block] : it->items()) {
    std::optional<bool> holds = ConditionHolds(op, block, caller);
    if (!holds || !*holds) return false;
  }
  return true;
}

// Whether `element` (e.g. "Action") or its Not form matches, through `match`.
template <typename Match>
bool ElementMatches(const json& s, const char* name, const char* not_name, bool absent,
                    Match match) {
  if (auto it = s.find(name); it != s.end()) return match(*it);
  if (auto it = s.find(not_name); it != s.end()) return !match(*it);
  return absent;
}

bool StatementApplies(const json& s, const Caller& caller, std::string_view action,
                      std::string_view resource) {
  return ElementMatches(s, "Principal", "NotPrincipal", false,
                        [&](const json& p) { return PrincipalMatches(p, caller); }) &&
         ElementMatches(s, "Action", "NotAction", false,
                        [&](const json& a) { return ActionMatches(a, action); }) &&
         ElementMatches(s, "Resource", "NotResource", true,
                        [&](const json& r) { return ResourceMatches(r, resource); }) &&
         ConditionsHold(s, caller);
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || Fold(pattern[p], ignore_case) == Fold(text[t], ignore_case))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

PolicyDecision EvaluatePolicy(const json& policy, const Caller& caller, std::string_view action,
                              std::string_view resource) {
  if (!policy.is_object() || !policy.contains("Statement")) return PolicyDecision::kNone;
  const json& statements = policy["Statement"];
  PolicyDecision decision = PolicyDecision::kNone;
  auto consider = [&](const json& s) {
    if (!s.is_object() || !StatementApplies(s, caller, action, resource)) return;
    const std::string effect = s.value("Effect", "");
    if (effect == "Deny") decision = PolicyDecision::kDeny;
    if (effect == "Allow" && decision == PolicyDecision::kNone) decision = PolicyDecision::kAllow;
  };
  if (statements.is_array()) {
    for (const auto& s : statements) consider(s);
  } else {
    consider(statements);
  }
  return decision;
}

}  // namespace wharf::sqs
