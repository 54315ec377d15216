#include "services/sqs/sqs_policy.h"

#include <gtest/gtest.h>

namespace wharf::sqs {
namespace {

using json = nlohmann::json;

constexpr char kQueue[] = "arn:aws:sqs:us-east-1:111111111111:q";
const Caller kB{"222222222222", {}, {}};
const Caller kSns{"333333333333", "sns.amazonaws.com", "arn:aws:sns:us-east-1:333333333333:t"};

json Policy(json statements) {
  return {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

json Allow(json principal, json action) {
  return {{"Effect", "Allow"}, {"Principal", principal}, {"Action", action}, {"Resource", kQueue}};
}

PolicyDecision Eval(const json& policy, const Caller& c = kB,
                    std::string_view action = "SendMessage") {
  return EvaluatePolicy(policy, c, action, kQueue);
}

TEST(SqsPolicy, NoPolicyOrNoMatchDecidesNothing) {
  EXPECT_EQ(Eval(json()), PolicyDecision::kNone);
  EXPECT_EQ(Eval(json::object()), PolicyDecision::kNone);
  EXPECT_EQ(Eval(Policy({Allow({{"AWS", "444444444444"}}, "sqs:*")})), PolicyDecision::kNone);
}

TEST(SqsPolicy, PrincipalForms) {
  for (const json& p : {json("*"), json{{"AWS", "*"}}, json{{"AWS", "222222222222"}},
                        json{{"AWS", "arn:aws:iam::222222222222:root"}},
                        json{{"AWS", "arn:aws:iam::222222222222:role/worker"}},
                        json{{"AWS", {"444444444444", "arn:aws:iam::222222222222:root"}}}}) {
    EXPECT_EQ(Eval(Policy({Allow(p, "sqs:SendMessage")})), PolicyDecision::kAllow) << p.dump();
  }
  // An account principal is not a service, and the other way round.
  EXPECT_EQ(Eval(Policy({Allow({{"Service", "sns.amazonaws.com"}}, "sqs:*")})),
            PolicyDecision::kNone);
  EXPECT_EQ(Eval(Policy({Allow({{"AWS", "333333333333"}}, "sqs:*")}), kSns), PolicyDecision::kNone);
  EXPECT_EQ(Eval(Policy({Allow({{"Service", "sns.amazonaws.com"}}, "sqs:SendMessage")}), kSns),
            PolicyDecision::kAllow);
  // A statement object instead of a list.
  EXPECT_EQ(Eval(Policy(Allow("*", "sqs:*"))), PolicyDecision::kAllow);
}

TEST(SqsPolicy, ActionForms) {
  for (const json& a : {json("sqs:*"), json("*"), json("SQS:SendMessage"), json("sqs:sendmessage"),
                        json("sqs:Send*"), json("sqs:Se?dMessage"),
                        json{"sqs:ReceiveMessage", "sqs:SendMessage"}}) {
    EXPECT_EQ(Eval(Policy({Allow("*", a)})), PolicyDecision::kAllow) << a.dump();
  }
  for (const json& a : {json("sqs:ReceiveMessage"), json("sns:*"), json("sqs:SendMessageX"),
                        json{"sqs:Delete*", "s3:*"}}) {
    EXPECT_EQ(Eval(Policy({Allow("*", a)})), PolicyDecision::kNone) << a.dump();
  }
  json not_action = {{"Effect", "Allow"}, {"Principal", "*"}, {"NotAction", "sqs:Receive*"}};
  EXPECT_EQ(Eval(Policy({not_action})), PolicyDecision::kAllow);
  EXPECT_EQ(Eval(Policy({not_action}), kB, "ReceiveMessage"), PolicyDecision::kNone);
}

TEST(SqsPolicy, ResourceMustMatch) {
  json s = Allow("*", "sqs:*");
  s["Resource"] = "arn:aws:sqs:us-east-1:111111111111:other";
  EXPECT_EQ(Eval(Policy({s})), PolicyDecision::kNone);
  s["Resource"] = "arn:aws:sqs:*:111111111111:*";
  EXPECT_EQ(Eval(Policy({s})), PolicyDecision::kAllow);
  s.erase("Resource");
  EXPECT_EQ(Eval(Policy({s})), PolicyDecision::kAllow);
}

TEST(SqsPolicy, ExplicitDenyWins) {
  json deny = Allow({{"AWS", "222222222222"}}, "sqs:Send*");
  deny["Effect"] = "Deny";
  EXPECT_EQ(Eval(Policy({Allow("*", "sqs:*"), deny})), PolicyDecision::kDeny);
  EXPECT_EQ(Eval(Policy({deny, Allow("*", "sqs:*")})), PolicyDecision::kDeny);
  EXPECT_EQ(Eval(Policy({deny, Allow("*", "sqs:*")}), kB, "ReceiveMessage"),
            PolicyDecision::kAllow);
}

TEST(SqsPolicy, SourceConditions) {
  json s = Allow({{"Service", "sns.amazonaws.com"}}, "sqs:SendMessage");
  s["Condition"] = {{"ArnEquals", {{"aws:SourceArn", kSns.source_arn}}}};
  EXPECT_EQ(Eval(Policy({s}), kSns), PolicyDecision::kAllow);
  s["Condition"] = {{"ArnLike", {{"aws:SourceArn", "arn:aws:sns:*:333333333333:*"}}},
                    {"StringEquals", {{"aws:SourceAccount", {"1", "333333333333"}}}}};
  EXPECT_EQ(Eval(Policy({s}), kSns), PolicyDecision::kAllow);
  s["Condition"] = {{"ArnEquals", {{"aws:SourceArn", "arn:aws:sns:us-east-1:333333333333:x"}}}};
  EXPECT_EQ(Eval(Policy({s}), kSns), PolicyDecision::kNone);
  // A missing key fails a positive operator and satisfies a negated or IfExists one.
  json a = Allow("*", "sqs:*");
  a["Condition"] = {{"ArnEquals", {{"aws:SourceArn", kSns.source_arn}}}};
  EXPECT_EQ(Eval(Policy({a})), PolicyDecision::kNone);
  a["Condition"] = {{"ArnNotEquals", {{"aws:SourceArn", kSns.source_arn}}}};
  EXPECT_EQ(Eval(Policy({a})), PolicyDecision::kAllow);
  a["Condition"] = {{"StringEqualsIfExists", {{"aws:SourceAccount", "9"}}}};
  EXPECT_EQ(Eval(Policy({a})), PolicyDecision::kAllow);
  a["Condition"] = {{"StringEquals", {{"aws:PrincipalAccount", "222222222222"}}}};
  EXPECT_EQ(Eval(Policy({a})), PolicyDecision::kAllow);
  // Unsupported operators and keys never apply, to an Allow or to a Deny.
  a["Condition"] = {{"IpAddress", {{"aws:SourceIp", "10.0.0.0/8"}}}};
  EXPECT_EQ(Eval(Policy({a})), PolicyDecision::kNone);
  a["Condition"] = {{"Bool", {{"aws:SecureTransport", "false"}}}};
  a["Effect"] = "Deny";
  EXPECT_EQ(Eval(Policy({a, Allow("*", "sqs:*")})), PolicyDecision::kAllow);
}

TEST(SqsPolicy, Wildcards) {
  EXPECT_TRUE(WildcardMatch("*", "", false));
  EXPECT_TRUE(WildcardMatch("a*c", "abbbc", false));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXbYbZc", false));
  EXPECT_FALSE(WildcardMatch("a*c", "abbb", false));
  EXPECT_FALSE(WildcardMatch("a?c", "ac", false));
  EXPECT_FALSE(WildcardMatch("ABC", "abc", false));
  EXPECT_TRUE(WildcardMatch("ABC", "abc", true));
}

}  // namespace
}  // namespace wharf::sqs
