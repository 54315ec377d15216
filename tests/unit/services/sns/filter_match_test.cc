// Matching SNS filter policies against message attributes and message bodies, one table per
// operator with positive and negative cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/sns/filter_policy.h"

namespace wharf::sns {
namespace {

FilterPolicy Parse(const std::string& json, FilterScope scope) {
  auto policy = ParseFilterPolicy(json, scope);
  EXPECT_TRUE(policy.ok()) << json << ": " << (policy.ok() ? "" : policy.error().message);
  return policy.ok() ? *policy : FilterPolicy{};
}

struct BodyCase {
  std::string body;
  bool expected;
};

void ExpectBody(const std::string& policy_json, const std::vector<BodyCase>& cases) {
  FilterPolicy policy = Parse(policy_json, FilterScope::kMessageBody);
  for (const auto& c : cases) {
    EXPECT_EQ(MatchesBody(policy, c.body), c.expected) << policy_json << " vs " << c.body;
  }
}

MessageAttributes Attr(const std::string& type, const std::string& value) {
  return {{"attr", {type, value}}};
}

struct AttrCase {
  MessageAttributes attributes;
  bool expected;
};

void ExpectAttrs(const std::string& policy_json, const std::vector<AttrCase>& cases) {
  FilterPolicy policy = Parse(policy_json, FilterScope::kMessageAttributes);
  for (const auto& c : cases) {
    std::string shown;
    for (const auto& [k, v] : c.attributes) shown += k + "=" + v.data_type + ":" + v.string_value;
    EXPECT_EQ(Matches(policy, c.attributes), c.expected) << policy_json << " vs " << shown;
  }
}

TEST(FilterMatchTest, ExactStringsAndTypes) {
  ExpectAttrs(R"({"attr":["rugby","tennis"]})",
              {{Attr("String", "rugby"), true},
               {Attr("String", "baseball"), false},
               {Attr("String.Array", R"(["baseball","tennis"])"), true},
               {Attr("String.Array", R"(["baseball"])"), false},
               {Attr("Binary", "rugby"), false},
               {{}, false}});
  ExpectAttrs(R"({"attr":[true, null]})", {{Attr("String.Array", "[true]"), true},
                                           {Attr("String", "true"), false},
                                           {Attr("String.Array", "[null]"), true}});
}

TEST(FilterMatchTest, NumbersCompareNumerically) {
  ExpectAttrs(R"({"attr":[300]})", {{Attr("Number", "300"), true},
                                    {Attr("Number", "3.0e2"), true},
                                    {Attr("Number", "300.0001"), false},
                                    {Attr("String", "300"), false},
                                    {Attr("String.Array", "[1, 300]"), true}});
  ExpectAttrs(R"({"attr":["300"]})",
              {{Attr("Number", "300"), false}, {Attr("String", "300"), true}});
  ExpectBody(R"({"n":[3.0e2]})", {{R"({"n":300})", true},
                                  {R"({"n":"300"})", false},
                                  {R"({"n":[1,300]})", true},
                                  {R"({"n":301})", false}});
}

TEST(FilterMatchTest, NumericRanges) {
  ExpectAttrs(R"({"attr":[{"numeric":[">",0,"<=",100]}]})", {{Attr("Number", "99"), true},
                                                             {Attr("Number", "100"), true},
                                                             {Attr("Number", "0"), false},
                                                             {Attr("Number", "111"), false},
                                                             {Attr("String", "50"), false},
                                                             {Attr("Number", "abc"), false}});
  ExpectBody(R"({"n":[{"numeric":["=",3.0e2]}]})",
             {{R"({"n":300})", true}, {R"({"n":299})", false}});
  ExpectBody(R"({"n":[{"numeric":["<",10]}]})",
             {{R"({"n":-5})", true}, {R"({"n":10})", false}, {R"({"n":9.99})", true}});
  ExpectBody(R"({"n":[{"numeric":[">=",10,"<",20]}]})",
             {{R"({"n":10})", true}, {R"({"n":20})", false}, {R"({"n":19.5})", true}});
  ExpectBody(R"({"n":[{"numeric":["<=",-1e9]}]})",
             {{R"({"n":-1e9})", true}, {R"({"n":-2e9})", false}});
}

TEST(FilterMatchTest, PrefixSuffixIgnoreCase) {
  ExpectAttrs(R"({"attr":[{"prefix":"bas"}]})", {{Attr("String", "baseball"), true},
                                                 {Attr("String", "rugby"), false},
                                                 {Attr("Number", "123"), false}});
  ExpectAttrs(R"({"attr":[{"suffix":"ball"}]})",
              {{Attr("String", "baseball"), true}, {Attr("String", "ballet"), false}});
  ExpectAttrs(R"({"attr":[{"equals-ignore-case":"RuGbY"}]})", {{Attr("String", "RUGBY"), true},
                                                               {Attr("String", "rugby"), true},
                                                               {Attr("String", "rugbyx"), false}});
}

TEST(FilterMatchTest, AnythingBut) {
  ExpectAttrs(R"({"attr":[{"anything-but":["rugby","tennis"]}]})",
              {{Attr("String", "baseball"), true},
               {Attr("String", "rugby"), false},
               {Attr("String.Array", R"(["rugby","baseball"])"), false},
               {Attr("String.Array", R"(["golf","baseball"])"), true},
               {{}, false}});
  ExpectAttrs(R"({"attr":[{"anything-but":"whatever"}]})",
              {{Attr("String", "x"), true}, {Attr("String", "whatever"), false}});
  ExpectAttrs(R"({"attr":[{"anything-but":[100, 200]}]})", {{Attr("Number", "150"), true},
                                                            {Attr("Number", "1e2"), false},
                                                            {Attr("String", "150"), false}});
  ExpectAttrs(R"({"attr":[{"anything-but":{"prefix":"test-"}}]})",
              {{Attr("String", "prod-1"), true}, {Attr("String", "test-1"), false}});
  ExpectBody(R"({"a":[{"anything-but":["rugby","tennis"]}]})",
             {{R"({"a":["rugby","baseball"]})", true}, {R"({"a":"tennis"})", false}});
}

TEST(FilterMatchTest, Exists) {
  ExpectAttrs(R"({"store":[{"exists":true}]})",
              {{{{"store", {"Number", "99"}}, {"def", {"Number", "99"}}}, true},
               {{{"attr1", {"Number", "111"}}}, false}});
  ExpectAttrs(R"({"store":[{"exists":false}]})", {{{{"def", {"Number", "99"}}}, true},
                                                  {{{"store", {"Number", "99"}}}, false},
                                                  {{{"store", {"Binary", "AAA="}}}, true}});
  ExpectBody(R"({"a":[{"exists":false}]})", {{R"({"b":1})", true},
                                             {R"({"a":[]})", true},
                                             {R"({"a":null})", false},
                                             {R"({"a":{"b":1}})", true}});
}

TEST(FilterMatchTest, NullMatchesOnlyNull) {
  ExpectAttrs(R"({"attr1":[null,{"anything-but":"whatever"}]})", {{{}, false}});
  ExpectBody(R"({"a":[null]})",
             {{R"({"a":null})", true}, {R"({"b":1})", false}, {R"({"a":"null"})", false}});
}

TEST(FilterMatchTest, Cidr) {
  ExpectBody(R"({"ip":[{"cidr":"10.0.0.0/24"}],"$or":[{"x":[{"exists":false}]},{"y":["z"]}]})",
             {{R"({"ip":"10.0.0.255"})", true},
              {R"({"ip":"10.0.1.0"})", false},
              {R"({"ip":"not-an-ip"})", false},
              {R"({"ip":"2001:db8::1"})", false}});
  ExpectBody(R"({"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]})",
             {{R"({"ip":"2001:0db8:1234:1a00:0000:0000:0000:0000"})", true},
              {R"({"ip":"2001:db8:1234:1a00:ffff::1"})", true},
              {R"({"ip":"2001:db8:1234:1a01::"})", false}});
  ExpectBody(R"({"ip":["2001:db8::1"]})", {{R"({"ip":"2001:0db8:0:0::1"})", true}});
}

TEST(FilterMatchTest, Wildcard) {
  ExpectBody(R"({"k":[{"wildcard":"*.png"}],"j":[{"wildcard":"a\\*b*"}]})",
             {{R"({"k":"dir/file.png","j":"a*bc"})", true},
              {R"({"k":"file.jpg","j":"a*bc"})", false},
              {R"({"k":"x.png","j":"axbc"})", false}});
  ExpectBody(R"({"k":[{"wildcard":"a*b*c"}]})",
             {{R"({"k":"abc"})", true}, {R"({"k":"aXXbYYc"})", true}, {R"({"k":"acb"})", false}});
}

TEST(FilterMatchTest, OrAndNestedKeys) {
  // AWS-recorded case (test_filter_policy_on_message_body_or_attribute): 7 of 11 pass.
  FilterPolicy policy = Parse(R"({
      "$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}],
      "detail":{"scope":["Service"],
                "$or":[{"source":["aws.cloudwatch"]},{"type":["CloudWatch Alarm State Change"]}]}})",
                              FilterScope::kMessageBody);
  const std::vector<BodyCase> cases = {
      {R"({"metricName":"CPUUtilization","detail":{"scope":"aws.cloudwatch","type":"CloudWatch Alarm State Change"}})",
       false},
      {R"({"metricName":"CPUUtilization","detail":{"scope":"Service","type":"CPUUtilization"}})",
       false},
      {R"({"metricName":"CPUUtilization","detail":{"type":"CloudWatch Alarm State Change"}})",
       false},
      {R"({"metricName":"CPUUtilization","detail":{"scope":"Service"}})", false},
      {R"({"metricName":"CPUUtilization","scope":"Service"})", false},
      {R"({"metricName":"CPUUtilization","detail":{"scope":"Service","source":"aws.cloudwatch"}})",
       true},
      {R"({"metricName":"ReadLatency","detail":{"scope":"Service","source":"aws.cloudwatch"}})",
       true},
      {R"({"namespace":"AWS/EC2","detail":{"scope":"Service","source":"aws.cloudwatch"}})", true},
      {R"({"namespace":"AWS/ES","detail":{"scope":"Service","source":"aws.cloudwatch"}})", true},
      {R"({"metricName":"CPUUtilization","detail":{"scope":"Service","type":"CloudWatch Alarm State Change"}})",
       true},
      {R"({"namespace":"CPUUtilization","detail":{"scope":"Service","type":"CloudWatch Alarm State Change"}})",
       false},
  };
  for (const auto& c : cases) EXPECT_EQ(MatchesBody(policy, c.body), c.expected) << c.body;
}

TEST(FilterMatchTest, BodyNestingDotsAndArrays) {
  ExpectBody(
      R"({"object":{"key":[{"prefix":"auto-"},"hardcodedvalue"],"nested_key":[{"exists":false}]},
                 "test":[{"exists":false}]})",
      {{R"({"object":{"key":"auto-test"}})", true},
       {R"({"object":{"key":"hardcodedvalue"}})", true},
       {R"({"object":{"key":"test-auto"}})", false},
       {R"({"object":{"key":"auto-test"},"test":"just-exists"})", false},
       {R"({"object":{"key":"auto-test","nested_key":"just-exists"}})", false},
       {R"({"object":{"test":"auto-test"}})", false},
       {"Regular string message", false},
       {R"("Regular string message")", false}});
  ExpectBody(R"({"object.nested.test":["string.value"]})",
             {{R"({"object":{"nested":{"test":"string.value"}}})", true},
              {R"({"object.nested.test":"string.value"})", true},
              {R"({"object.nested":{"test":"string.value"}})", true},
              {R"({"object":{"nested.test":"string.value"}})", true},
              {R"({"object":{"nested":{"test":"string.notvalue"}}})", false}});
  ExpectBody(
      R"({"Records":{"s3":{"object":{"key":[{"prefix":"auto-"}]}},"eventName":[{"prefix":"ObjectCreated:"}]}})",
      {{R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":[[{"key":"auto-1.xml"}]]}}]})",
        true},
       {R"({"Records":[{"eventName":"ObjectRemoved:Delete","s3":{"object":{"key":"auto-1.xml"}}}]})",
        false},
       {R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"home-1.xml"}}}]})",
        false}});
  ExpectBody(R"({"headers":{"route-to":["queue1"]}})",
             {{R"({"headers":{"route-to":["queue3"]}})", false},
              {R"({"headers":{"route-to":["queue1","queue2"]}})", true}});
}

TEST(FilterMatchTest, AttributesFlattenOnceForFanOut) {
  FlatMessage message = FlattenAttributes(
      {{"a", {"String", "x"}}, {"n", {"Number.custom", "5"}}, {"b", {"Binary", "AA=="}}});
  EXPECT_TRUE(Matches(Parse(R"({"a":["x"],"n":[5]})", FilterScope::kMessageAttributes), message));
  EXPECT_FALSE(
      Matches(Parse(R"({"b":[{"exists":true}]})", FilterScope::kMessageAttributes), message));
  EXPECT_TRUE(Matches(Parse("{}", FilterScope::kMessageAttributes), message));
  EXPECT_FALSE(FlattenBody("[1,2]").has_value());
  EXPECT_TRUE(FlattenBody(R"({"a":1})").has_value());
}

}  // namespace
}  // namespace wharf::sns
