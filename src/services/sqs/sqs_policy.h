// Queue access policies: who may call an action on a queue of another account.
// EvaluatePolicy reads an IAM policy document (the queue's Policy attribute) the way AWS
// evaluates a resource-based policy: a matching Deny wins over a matching Allow, and with
// neither the request is implicitly denied. Supported: Effect, Principal/NotPrincipal ("*",
// {"AWS": account id | IAM ARN | "*" | list}, {"Service": name | list}), Action/NotAction
// ("sqs:*", "SQS:SendMessage", "*" and "?" wildcards, lists, case-insensitive),
// Resource/NotResource (ARN patterns), and Condition with the String*/Arn* operators (and
// their ...IfExists forms) on aws:SourceArn, aws:SourceAccount and aws:PrincipalAccount.
// A statement with any other condition operator or key never applies. wharf has no IAM users:
// an IAM ARN principal stands for its account. Thread-safe (pure).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wharf::sqs {

// Who is calling. An account caller has only `account`; an AWS service acting for one of its
// resources (SNS delivering a topic's message) has `service` ("sns.amazonaws.com"),
// `source_arn` (the topic) and `account` (the source's owner, aws:SourceAccount).
struct Caller {
  std::string account;
  std::string service;
  std::string source_arn;
};

enum class PolicyDecision { kAllow, kDeny, kNone };

// `action` is the SQS action name without prefix ("SendMessage"); `resource` the queue ARN.
// A document that is not a JSON object with Statement decides nothing (kNone).
PolicyDecision EvaluatePolicy(const nlohmann::json& policy, const Caller& caller,
                              std::string_view action, std::string_view resource);

// IAM wildcard match: '*' any run of characters, '?' exactly one.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace wharf::sqs
