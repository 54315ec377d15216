#include "services/sns/sns_policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace wharf::sns {
namespace {

using json = nlohmann::json;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// True when `field` (a string or a list of strings) has an entry for which `match` holds.
template <typename Match>
bool AnyOf(const json& field, Match match) {
  if (field.is_string()) return match(field.get_ref<const std::string&>());
  if (!field.is_array()) return false;
  return std::any_of(field.begin(), field.end(), [&](const json& v) {
    return v.is_string() && match(v.get_ref<const std::string&>());
  });
}

bool CoversAction(const json& actions, std::string_view action) {
  return AnyOf(actions, [&](const std::string& a) {
    return a == "*" || EqualsIgnoreCase(a, "SNS:*") || EqualsIgnoreCase(a, action);
  });
}

bool CoversCaller(const json& principal, const std::string& caller) {
  if (principal.is_string()) return principal == "*";
  if (!principal.is_object() || !principal.contains("AWS")) return false;
  const std::string root = "arn:aws:iam::" + caller + ":root";
  return AnyOf(principal["AWS"],
               [&](const std::string& p) { return p == "*" || p == caller || p == root; });
}

}  // namespace

bool PolicyAllows(const std::string& policy, const std::string& caller, std::string_view action) {
  json doc = json::parse(policy, nullptr, false);
  if (!doc.is_object()) return false;
  json statements = doc.value("Statement", json::array());
  if (statements.is_object()) statements = json::array({statements});
  if (!statements.is_array()) return false;
  bool allowed = false;
  for (const json& s : statements) {
    if (!s.is_object() || s.contains("Condition")) continue;
    if (!CoversAction(s.value("Action", json()), action)) continue;
    if (!CoversCaller(s.value("Principal", json()), caller)) continue;
    const std::string effect = s.value("Effect", "");
    if (effect == "Deny") return false;
    allowed = allowed || effect == "Allow";
  }
  return allowed;
}

}  // namespace wharf::sns
