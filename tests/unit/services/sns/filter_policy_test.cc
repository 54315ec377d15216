// Validation of SNS filter policies: every message checked against AWS's recorded responses
// (aws-recorded/sns/test_sns_filter_policy.snapshot.json, test_sns.snapshot.json).
#include "services/sns/filter_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/sns/filter_json.h"

namespace wharf::sns {
namespace {

struct ErrorCase {
  std::string policy;
  std::string message;  // full AWS message after the "Invalid parameter: " prefix
};

std::string ErrorOf(const std::string& policy, FilterScope scope = FilterScope::kMessageAttributes,
                    FilterPolicyCaller caller = FilterPolicyCaller::kSubscribe) {
  auto result = ParseFilterPolicy(policy, scope, caller);
  if (result.ok()) return "<ok>";
  EXPECT_EQ(result.error().code, "InvalidParameter");
  EXPECT_EQ(result.error().http_status, 400);
  EXPECT_TRUE(result.error().sender_fault);
  return result.error().message;
}

std::string Located(const std::string& detail, const std::string& policy, int column) {
  return "Invalid parameter: Attributes Reason: FilterPolicy: " + detail +
         "\n at [Source: (String)\"" + policy + "\"; line: 1, column: " + std::to_string(column) +
         "]";
}

// Recorded by Subscribe(Attributes={"FilterPolicy": json.dumps(policy)}): note the spaces of
// json.dumps in the input and the compact form AWS echoes back.
TEST(FilterPolicyValidationTest, RecordedRuleErrorsWithJacksonLocations) {
  struct Case {
    std::string input, compact, detail;
    int column;
  };
  const std::vector<Case> cases = {
      {R"({"key": [["value"]]})", R"({"key":[["value"]]})",
       "Match value must be String, number, true, false, or null", 10},
      {R"({"key": [{"wrong-operator": true}]})", R"({"key":[{"wrong-operator":true}]})",
       "Unrecognized match type wrong-operator", 31},
      {R"({"key": [{"suffix": "value", "prefix": "value2"}]})",
       R"({"key":[{"suffix":"value","prefix":"value2"}]})",
       "Only one key allowed in match expression", 37},
      {R"({"key": []})", R"({"key":[]})", "Empty arrays are not allowed", 10},
      {R"({"key": [{"suffix": 100}]})", R"({"key":[{"suffix":100}]})",
       "suffix match pattern must be a string", 22},
      {R"({"key": [{"suffix": null}]})", R"({"key":[{"suffix":null}]})",
       "suffix match pattern must be a string", 23},
      {R"({"key": {"suffix": "value"}})", R"({"key":{"suffix":"value"}})",
       "\"suffix\" must be an object or an array", 19},
      {R"({"key": [{"suffix": []}]})", R"({"key":[{"suffix":[]}]})",
       "suffix match pattern must be a string", 20},
      {R"({"key": [{"suffix": ["test", "test2"]}]})", R"({"key":[{"suffix":["test","test2"]}]})",
       "suffix match pattern must be a string", 20},
      {R"({"key": {"suffix": "value", "prefix": "value"}})",
       R"({"key":{"suffix":"value","prefix":"value"}})", "\"suffix\" must be an object or an array",
       19},
      {R"({"key": {"not-an-operator": "value"}})", R"({"key":{"not-an-operator":"value"}})",
       "\"not-an-operator\" must be an object or an array", 28},
      {R"({"key": [{"cidr": ["bad-filter"]}]})", R"({"key":[{"cidr":["bad-filter"]}]})",
       "prefix match pattern must be a string", 18},
      {R"({"key": [{"numeric": []}]})", R"({"key":[{"numeric":[]}]})",
       "Invalid member in numeric match: ]", 22},
      {R"({"key": [{"numeric": ["operator"]}]})", R"({"key":[{"numeric":["operator"]}]})",
       "Unrecognized numeric range operator: operator", 32},
      {R"({"key": [{"numeric": [1, "<="]}]})", R"({"key":[{"numeric":[1,"<="]}]})",
       "Invalid member in numeric match: 1", 22},
      {R"({"key": [{"numeric": ["=", "000"]}]})", R"({"key":[{"numeric":["=","000"]}]})",
       "Value of equals must be numeric", 26},
      {R"({"key": [{"numeric": [">="]}]})", R"({"key":[{"numeric":[">="]}]})",
       "Value of >= must be numeric", 26},
      {R"({"key": [{"numeric": ["<", 100, ">", 10]}]})",
       R"({"key":[{"numeric":["<",100,">",10]}]})", "Too many elements in numeric expression", 30},
      {R"({"key": [{"numeric": [">=", 1, ">", 2]}]})", R"({"key":[{"numeric":[">=",1,">",2]}]})",
       "Bad numeric range operator: >", 31},
      {R"({"key": [{"numeric": [">", 3, "<", 1]}]})", R"({"key":[{"numeric":[">",3,"<",1]}]})",
       "Bottom must be less than top", 33},
      {R"({"key": [{"numeric": [">", 20, "<="]}]})", R"({"key":[{"numeric":[">",20,"<="]}]})",
       "Value of <= must be numeric", 33},
      {R"({"key": [{"numeric": [">", 20, 30]}]})", R"({"key":[{"numeric":[">",20,30]}]})",
       "Bad value in numeric range: 30", 30},
      {R"({"key": [{"numeric": [">", 20, "test"]}]})", R"({"key":[{"numeric":[">",20,"test"]}]})",
       "Bad numeric range operator: test", 34},
      {R"({"key": [{"numeric": [">", "20", "<", "30"]}]})",
       R"({"key":[{"numeric":[">","20","<","30"]}]})", "Value of > must be numeric", 26},
      {R"({"key": [{"numeric": [">", 20, "<", "30"]}]})",
       R"({"key":[{"numeric":[">",20,"<","30"]}]})", "Value of < must be numeric", 33},
      {R"({"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]})",
       R"({"key":[{"numeric":[">",20,"<",30,"<",50]}]})",
       "Too many terms in numeric range expression", 36},
      {R"({"key": [{"exists": null}]})", R"({"key":[{"exists":null}]})",
       "exists match pattern must be either true or false.", 23},
      {R"({"key": [{"exists": "no"}]})", R"({"key":[{"exists":"no"}]})",
       "exists match pattern must be either true or false.", 20},
      {R"({"key": [{"anything-but": {"wrong-operator": null}}]})",
       R"({"key":[{"anything-but":{"wrong-operator":null}}]})",
       "Unsupported anything-but pattern: wrong-operator", 47},
      {R"({"key": [{"anything-but": {"suffix": "test"}}]})",
       R"({"key":[{"anything-but":{"suffix":"test"}}]})",
       "Unsupported anything-but pattern: suffix", 36},
      {R"({"key": [{"anything-but": {"exists": false}}]})",
       R"({"key":[{"anything-but":{"exists":false}}]})", "Unsupported anything-but pattern: exists",
       40},
      {R"({"key": [{"anything-but": {"prefix": false}}]})",
       R"({"key":[{"anything-but":{"prefix":false}}]})", "prefix match pattern must be a string",
       40},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ErrorOf(c.input), Located(c.detail, c.compact, c.column)) << c.input;
  }
}

TEST(FilterPolicyValidationTest, CidrErrorsHaveNoLocation) {
  const std::vector<ErrorCase> cases = {
      {R"({"key":[{"cidr":"bad-filter"}]})", "Malformed CIDR, one '/' required"},
      {R"({"key":[{"cidr":"bad-filter/32"}]})", "Nonstandard IP address: bad-filter"},
      {R"({"key":[{"cidr":"10.0.0.0/xx"}]})", "Malformed CIDR, mask bits must be an integer"},
      {R"({"key":[{"cidr":"xx.11.xx/24"}]})", "Nonstandard IP address: xx.11.xx"},
      {R"({"key":[{"cidr":"xxxx:db8:1234:1a00::/64"}]})",
       "Nonstandard IP address: xxxx:db8:1234:1a00::"},
      {R"({"key":[{"cidr":"10.0.0.0/32"}]})", "IPv4 mask bits must be < 32"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ErrorOf(c.policy), "Invalid parameter: Attributes Reason: FilterPolicy: " + c.message)
        << c.policy;
  }
}

TEST(FilterPolicyValidationTest, LimitsMatchRecordedMessages) {
  std::string many = R"({"key":[)";
  for (int i = 0; i < 151; ++i) many += (i ? ",\"value" : "\"value") + std::to_string(i) + "\"";
  many += "]}";
  const std::string too_complex =
      "Invalid parameter: Attributes Reason: FilterPolicy: Filter "
      "policy is too complex";
  EXPECT_EQ(ErrorOf(many), too_complex);
  // (4 * 6) + (4 * 4 * 4) + (4 * 4 * 4) = 152
  const std::string or_flat = R"({"source":["a","b","c","d"],"$or":[
      {"metricName":["1","2","3","4","5","6"]},
      {"metricType":["a","b","c","d"],"$or":[{"metricId":[1,2,3,4]},{"spaceId":[1,2,3,4]}]}]})";
  EXPECT_EQ(ErrorOf(or_flat), too_complex);
  // Nested body keys count by depth: (3 + 2) * 2 * 2 * (1 * 2 + 3 * 2) = 160.
  const std::string or_nested = R"({"$or":[{"metricName":["a","b","c"]},{"namespace":["a","b"]}],
      "detail":{"scope":["Service","Test"],"$or":[{"source":["x"]},{"type":["a","b","c"]}]}})";
  EXPECT_EQ(ErrorOf(or_nested, FilterScope::kMessageBody), too_complex);
  // 3*6 + 3*4*4 + 3*4*7 = 150 is accepted.
  const std::string exactly_150 = R"({"source":["a","b","c"],"$or":[
      {"metricName":["1","2","3","4","5","6"]},
      {"metricType":["a","b","c","d"],"$or":[{"metricId":[1,2,3,4]},{"spaceId":[1,2,3,4,5,6,7]}]}]})";
  EXPECT_EQ(ErrorOf(exactly_150), "<ok>");
  // 3 x 4 x 2 x 3 x 1 x 3 = 216 (AWS's documented nested example).
  const std::string nested = R"({"key_a":{"key_b":{"key_c":["1","2","3","4"]}},
      "key_d":{"key_e":["1","2","3"]},"key_f":["1","2","3"]})";
  EXPECT_EQ(
      ErrorOf(nested, FilterScope::kMessageBody, FilterPolicyCaller::kSetSubscriptionAttributes),
      "Invalid parameter: FilterPolicy: Filter policy is too complex");
  const std::string six_keys =
      R"({"k1":["v"],"k2":["v"],"k3":["v"],"k4":["v"],"k5":["v"],"k6":["v"]})";
  EXPECT_EQ(
      ErrorOf(six_keys, FilterScope::kMessageBody, FilterPolicyCaller::kSetSubscriptionAttributes),
      "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
  EXPECT_EQ(ErrorOf(six_keys),
            "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more "
            "than 5 keys");
}

TEST(FilterPolicyValidationTest, ScopeRules) {
  const std::string nested = R"({"object": {"key": [{"prefix": "auto-"}]}})";
  EXPECT_EQ(ErrorOf(nested, FilterScope::kMessageAttributes,
                    FilterPolicyCaller::kSetSubscriptionAttributes),
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
            "filter policy");
  EXPECT_EQ(ErrorOf(nested, FilterScope::kMessageBody), "<ok>");
  EXPECT_EQ(ErrorOf(R"({"key_a": "value_one"})", FilterScope::kMessageBody,
                    FilterPolicyCaller::kSetSubscriptionAttributes),
            "Invalid parameter: FilterPolicy: \"key_a\" must be an object or an array\n at "
            "[Source: (String)\"{\"key_a\":\"value_one\"}\"; line: 1, column: 11]");
  EXPECT_TRUE(ParseFilterScope("MessageBody").ok());
  EXPECT_EQ(*ParseFilterScope("MessageAttributes"), FilterScope::kMessageAttributes);
  auto bad = ParseFilterScope("RandomValue");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either "
            "MessageBody or MessageAttributes");
}

TEST(FilterPolicyValidationTest, JsonSyntaxErrorsAsJacksonWordsThem) {
  const std::string redacted =
      "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ";
  EXPECT_EQ(ErrorOf("{invalidjson}", FilterScope::kMessageAttributes,
                    FilterPolicyCaller::kSetSubscriptionAttributes),
            "Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected character ('i' "
            "(code 105)): was expecting double-quote to start field name" +
                redacted + "line: 1, column: 2]");
  EXPECT_EQ(ErrorOf("invalid-json"),
            "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. "
            "Unrecognized token 'invalid': was expecting (JSON String, Number, Array, Object or "
            "token 'null', 'true' or 'false')" +
                redacted + "line: 1, column: 8]");
  const std::string prefix =
      "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. ";
  EXPECT_EQ(ErrorOf("{\"a\":[1,]}"), prefix +
                                         "Unexpected character (']' (code 93)): expected a "
                                         "value" +
                                         redacted + "line: 1, column: 9]");
  EXPECT_EQ(ErrorOf("{\"a\" [1]}"), prefix +
                                        "Unexpected character ('[' (code 91)): was expecting "
                                        "a colon to separate field name and value" +
                                        redacted + "line: 1, column: 6]");
  EXPECT_EQ(ErrorOf("{\"a\":[1 2]}"), prefix +
                                          "Unexpected character ('2' (code 50)): was "
                                          "expecting comma to separate Array entries" +
                                          redacted + "line: 1, column: 9]");
  EXPECT_EQ(ErrorOf("{\n\"a\":[01]}"), prefix +
                                           "Invalid numeric value: Leading zeroes not allowed" +
                                           redacted + "line: 2, column: 7]");
}

TEST(FilterPolicyValidationTest, AcceptsDocumentedOperators) {
  const std::vector<std::string> ok = {
      R"({"a":["x",1,2.5,true,false,null]})",
      R"({"a":[{"prefix":"x"},{"suffix":"y"},{"equals-ignore-case":"Z"}]})",
      R"({"a":[{"anything-but":"x"}],"b":[{"anything-but":["x","y"]}],"c":[{"anything-but":[1,2]}]})",
      R"({"a":[{"anything-but":{"prefix":"x"}}],"b":[{"anything-but":5}]})",
      R"({"a":[{"numeric":["=",3.0e2]}],"b":[{"numeric":[">",0,"<=",100]}],"c":[{"numeric":["<",0]}]})",
      R"({"a":[{"exists":true}],"b":[{"exists":false}]})",
      R"({"a":[{"cidr":"10.0.0.0/24"},{"cidr":"2001:db8::/64"}]})",
      R"({"a":[{"wildcard":"a*b\\*c"}]})",
      R"({"$or":[{"a":["x"]},{"b":["y"]}]})",
      "{}",
  };
  for (const auto& policy : ok) EXPECT_EQ(ErrorOf(policy), "<ok>") << policy;
}

TEST(FilterPolicyValidationTest, OperatorEdgeErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"a":[{"wildcard":"ab**c"}]})", "Consecutive wildcard characters at pos 2"},
      {R"({"a":[{"wildcard":"a\\b"}]})", "Invalid escape character at pos 1"},
      {R"({"a":[{"anything-but":["x",1]}]})",
       "Inside anything but list, either all values are number or string, mixed type is not "
       "supported"},
      {R"({"a":[{"anything-but":[null]}]})",
       "Inside anything but list, start|null|boolean is not supported."},
      {R"({"a":[{"anything-but":true}]})",
       "Value of anything-but must be an array or single string/number value."},
      {R"({"$or":[{"a":["x"]}]})", "There must have at least 2 Objects in $or relationship."},
      {R"({"$or":{"a":["x"]}})", "It must be an Array followed with $or."},
      {R"({"a":{}})", "Empty objects are not allowed"},
      {R"({"a":[{}]})", "Match expression name not found"},
      {R"({"a":[{"numeric":[">",1e10]}]})", "Value must be between -1.0E9 and 1.0E9, inclusive"},
      {R"([1])", "Filter is not an object"},
  };
  const std::string prefix = "Invalid parameter: Attributes Reason: FilterPolicy: ";
  for (const auto& [policy, detail] : cases) {
    std::string message = ErrorOf(policy);
    EXPECT_EQ(message.substr(0, message.find('\n')), prefix + detail) << policy;
  }
}

TEST(FilterJsonTest, JavaDoubleFormatting) {
  EXPECT_EQ(filter::JavaDoubleString(300.0), "300.0");
  EXPECT_EQ(filter::JavaDoubleString(2.5), "2.5");
  EXPECT_EQ(filter::JavaDoubleString(0.001), "0.001");
  EXPECT_EQ(filter::JavaDoubleString(1e7), "1.0E7");
  EXPECT_EQ(filter::JavaDoubleString(-1.25e-5), "-1.25E-5");
  EXPECT_EQ(filter::JavaDoubleString(123456.75), "123456.75");
}

TEST(FilterJsonTest, CanonicalJsonKeepsOrderAndIsCompact) {
  auto policy = ParseFilterPolicy(R"({ "z" : [ 3.0e2 , "é\n" ], "a": [ 1 ] , "z": ["last"]})",
                                  FilterScope::kMessageAttributes);
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->canonical_json, "{\"z\":[\"last\"],\"a\":[1]}");
  // Jackson counts columns in UTF-16 units and truncates the echoed source at 500 characters.
  std::string long_value(600, 'x');
  std::string message = ErrorOf("{\"k\":[\"" + long_value + "\", [1]]}");
  EXPECT_NE(message.find("\"[truncated 114 chars]; line: 1, column: 611]"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace wharf::sns
