#include "dispatch/router.h"

#include <gtest/gtest.h>

#include <string>

namespace wharf::dispatch {
namespace {

HttpRequest Make(std::string method, std::string path, std::string query, HeaderList headers,
                 std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.target = request.path + (request.query.empty() ? "" : "?" + request.query);
  request.headers = std::move(headers);
  request.headers.emplace_back("host", "localhost:4566");
  request.body = std::move(body);
  return request;
}

std::string Auth(const std::string& scope) {
  return "AWS4-HMAC-SHA256 Credential=" + scope +
         "/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
}

const char* kForm = "application/x-www-form-urlencoded; charset=utf-8";

class RouterTest : public ::testing::Test {
 protected:
  Route R(const HttpRequest& request) { return RouteRequest(request, config_); }
  Config config_;
};

TEST_F(RouterTest, Rule1CredentialScopeDecidesServiceRegionAccount) {
  Route route = R(Make(
      "POST", "/", "",
      {{"authorization", Auth("123456789012/20261128/eu-west-1/sns")}, {"content-type", kForm}},
      "Action=Publish&Version=2010-03-31"));
  EXPECT_EQ(route.service, "sns");
  EXPECT_EQ(route.protocol, Protocol::kQuery);
  EXPECT_EQ(route.region, "eu-west-1");
  EXPECT_EQ(route.account, "123456789012");
  EXPECT_EQ(route.access_key, "123456789012");
  EXPECT_EQ(route.auth, AuthKind::kSigV4Header);
  EXPECT_EQ(route.operation, "Publish");
}

TEST_F(RouterTest, NonNumericKeyUsesDefaultAccount) {
  config_.default_account = "111122223333";
  Route route = R(Make("POST", "/", "",
                       {{"authorization", Auth("AKIDEXAMPLE/20261128/us-west-2/sqs")},
                        {"x-amz-target", "AmazonSQS.ListQueues"},
                        {"content-type", "application/x-amz-json-1.0"}}));
  EXPECT_EQ(route.service, "sqs");
  EXPECT_EQ(route.protocol, Protocol::kJson);
  EXPECT_EQ(route.account, "111122223333");
  EXPECT_EQ(route.region, "us-west-2");
  EXPECT_EQ(route.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(route.operation, "ListQueues");
}

TEST_F(RouterTest, AnonymousGetsDefaultRegion) {
  Route route = R(Make("POST", "/", "",
                       {{"x-amz-target", "Kinesis_20131202.ListStreams"},
                        {"content-type", "application/x-amz-json-1.1"}}));
  EXPECT_EQ(route.service, "kinesis");
  EXPECT_EQ(route.region, "us-east-1");
  EXPECT_EQ(route.account, "000000000000");
  EXPECT_EQ(route.auth, AuthKind::kNone);
}

TEST_F(RouterTest, Rule1ScopeWinsOverPathThatLooksLikeApiGateway) {
  Route route = R(Make(
      "GET", "/restapis/key", "",
      {{"authorization", Auth("AKID/20261128/us-east-1/s3")}, {"accept", "application/json"}}));
  EXPECT_EQ(route.service, "s3");
  EXPECT_EQ(route.protocol, Protocol::kRestXml);
}

TEST_F(RouterTest, Rule1SigV4aHasNoRegion) {
  Route route = R(Make("GET", "/b/k", "",
                       {{"authorization",
                         "AWS4-ECDSA-P256-SHA256 Credential=AKID/20261128/s3/aws4_request, "
                         "SignedHeaders=host, Signature=00"}}));
  EXPECT_EQ(route.service, "s3");
  EXPECT_EQ(route.auth, AuthKind::kSigV4a);
  EXPECT_EQ(route.region, "us-east-1");
}

TEST_F(RouterTest, Rule2PresignedCredential) {
  Route route = R(Make("GET", "/",
                       "Action=ListQueues&X-Amz-Credential=AKID%2F20261128%2Fap-south-1%2Fsqs%"
                       "2Faws4_request&X-Amz-Signature=00",
                       {}));
  EXPECT_EQ(route.service, "sqs");
  EXPECT_EQ(route.protocol, Protocol::kQuery);
  EXPECT_EQ(route.region, "ap-south-1");
  EXPECT_EQ(route.auth, AuthKind::kSigV4Query);
  EXPECT_EQ(route.operation, "ListQueues");
}

TEST_F(RouterTest, Rule3SigV2IsS3) {
  Route header = R(Make("GET", "/restapis", "", {{"authorization", "AWS AKID:c2ln"}}));
  EXPECT_EQ(header.service, "s3");
  EXPECT_EQ(header.auth, AuthKind::kSigV2);
  EXPECT_EQ(header.access_key, "AKID");
  Route query = R(Make("GET", "/b/k%201", "AWSAccessKeyId=AKID&Signature=x&Expires=1", {}));
  EXPECT_EQ(query.service, "s3");
  EXPECT_EQ(query.auth, AuthKind::kSigV2);
  // With Action it is a legacy query-signed call, not S3.
  Route legacy = R(Make("GET", "/",
                        "Action=ListTopics&Version=2010-03-31&AWSAccessKeyId=AKID&"
                        "Signature=x&Expires=1&SignatureVersion=2",
                        {}));
  EXPECT_EQ(legacy.service, "sns");
  EXPECT_EQ(legacy.auth, AuthKind::kNone);
}

TEST_F(RouterTest, Rule4TargetPrefixes) {
  struct Case {
    const char* target;
    const char* content_type;
    const char* service;
    Protocol protocol;
  };
  for (const Case& c :
       {Case{"AmazonSQS.SendMessage", "application/x-amz-json-1.0", "sqs", Protocol::kJson},
        Case{"SimpleWorkflowService.ListDomains", "application/x-amz-json-1.0", "swf",
             Protocol::kJson},
        Case{"Kinesis_20131202.PutRecord", "application/x-amz-json-1.1", "kinesis",
             Protocol::kJson},
        Case{"Kinesis_20131202.PutRecord", "application/x-amz-cbor-1.1", "kinesis",
             Protocol::kCbor},
        Case{"Firehose_20150804.PutRecord", "application/x-amz-json-1.1", "firehose",
             Protocol::kJson},
        Case{"DynamoDB_20120810.ListTables", "application/x-amz-json-1.0", "unknown",
             Protocol::kJson}}) {
    Route route =
        R(Make("POST", "/", "", {{"x-amz-target", c.target}, {"content-type", c.content_type}}));
    EXPECT_EQ(route.service, c.service) << c.target;
    EXPECT_EQ(route.protocol, c.protocol) << c.target;
  }
}

TEST_F(RouterTest, Rule4KinesisScopeCborByContentType) {
  Route route = R(Make("POST", "/", "",
                       {{"authorization", Auth("AKID/20261128/us-east-1/kinesis")},
                        {"x-amz-target", "Kinesis_20131202.GetRecords"},
                        {"content-type", "application/x-amz-cbor-1.1"}}));
  EXPECT_EQ(route.protocol, Protocol::kCbor);
}

TEST_F(RouterTest, Rule5ActionClashesResolvedByVersionThenParams) {
  auto form = [&](std::string body, std::string path = "/") {
    return R(Make("POST", path, "", {{"content-type", kForm}}, std::move(body)));
  };
  // AddPermission exists in both services.
  EXPECT_EQ(form("Action=AddPermission&Version=2012-11-05&QueueUrl=x").service, "sqs");
  EXPECT_EQ(form("Action=AddPermission&Version=2010-03-31&TopicArn=x").service, "sns");
  EXPECT_EQ(form("Action=AddPermission&QueueUrl=http%3A%2F%2Fh%2F1%2Fq").service, "sqs");
  EXPECT_EQ(form("Action=CreateQueue&QueueName=q").service, "sqs");
  EXPECT_EQ(form("Action=RemovePermission&TopicArn=arn").service, "sns");
  EXPECT_EQ(form("Action=RemovePermission&Label=x", "/123456789012/q1").service, "sqs");
  EXPECT_EQ(form("Action=GetCallerIdentity&Version=2011-06-15").service, "unknown");
  EXPECT_EQ(form("Action=GetCallerIdentity&Version=2011-06-15").protocol, Protocol::kQuery);
  // Version wins over a misleading parameter.
  EXPECT_EQ(form("Action=Publish&Version=2010-03-31&QueueUrl=x").service, "sns");
  // Action in the query string of a GET.
  EXPECT_EQ(R(Make("GET", "/", "Action=ListQueues&Version=2012-11-05", {})).service, "sqs");
  // SNS via JS v3: form without charset.
  Route js = R(Make("POST", "/", "", {{"content-type", "application/x-www-form-urlencoded"}},
                    "Action=ListTopics&Version=2010-03-31"));
  EXPECT_EQ(js.service, "sns");
  EXPECT_EQ(js.operation, "ListTopics");
}

TEST_F(RouterTest, Rule5OldJavaQueuePathInjectsQueueUrl) {
  Route route = R(Make("POST", "/123456789012/my-queue", "", {{"content-type", kForm}},
                       "Action=SendMessage&MessageBody=hi&Version=2012-11-05"));
  EXPECT_EQ(route.service, "sqs");
  EXPECT_EQ(route.inject_form, "QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F123456789012%2Fmy-queue");
  Route with_url = R(Make("POST", "/123456789012/my-queue", "", {{"content-type", kForm}},
                          "Action=SendMessage&QueueUrl=u&Version=2012-11-05"));
  EXPECT_TRUE(with_url.inject_form.empty());
  Route not_queue = R(Make("POST", "/12345678901/q", "", {{"content-type", kForm}},
                           "Action=SendMessage&Version=2012-11-05"));
  EXPECT_TRUE(not_queue.inject_form.empty());
}

TEST_F(RouterTest, SqsMessagesEndpointIsAnSqsListing) {
  Route plain = R(Make("GET", "/_aws/sqs/messages", "QueueUrl=u&ShowDelayed=true", {}));
  EXPECT_EQ(plain.service, "sqs");
  EXPECT_TRUE(plain.sqs_messages);
  EXPECT_EQ(plain.protocol, Protocol::kQuery);
  EXPECT_EQ(plain.operation, "ReceiveMessage");
  EXPECT_EQ(plain.inject_form, "Action=ReceiveMessage");

  Route by_path = R(Make("GET", "/_aws/sqs/messages/eu-west-1/123456789012/q1", "", {}));
  EXPECT_TRUE(by_path.sqs_messages);
  EXPECT_EQ(by_path.region, "eu-west-1");
  EXPECT_EQ(by_path.inject_form,
            "Action=ReceiveMessage&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F123456789012%2Fq1");

  Route sdk = R(Make("POST", "/_aws/sqs/messages", "",
                     {{"authorization", Auth("123456789012/20261128/us-east-1/sqs")},
                      {"content-type", "application/x-amz-json-1.0"},
                      {"x-amz-target", "AmazonSQS.ReceiveMessage"}},
                     R"({"QueueUrl":"u"})"));
  EXPECT_TRUE(sdk.sqs_messages);
  EXPECT_EQ(sdk.protocol, Protocol::kJson);
  EXPECT_EQ(sdk.operation, "ReceiveMessage");
  EXPECT_TRUE(sdk.inject_form.empty());

  Route query_sdk = R(Make("POST", "/_aws/sqs/messages", "", {{"content-type", kForm}},
                           "Action=ReceiveMessage&QueueUrl=u&Version=2012-11-05"));
  EXPECT_TRUE(query_sdk.inject_form.empty());  // the form names its Action and queue

  EXPECT_FALSE(R(Make("GET", "/_aws/sqs/messagesX", "QueueUrl=u", {})).sqs_messages);
}

TEST_F(RouterTest, Rule6VirtualHostBucket) {
  HttpRequest request = Make("GET", "/key", "", {});
  request.headers = {{"host", "my-bucket.localhost:4566"}};
  Route route = R(request);
  EXPECT_EQ(route.service, "s3");
  EXPECT_EQ(route.s3_bucket, "my-bucket");
  request.headers = {{"host", "b2.s3.us-east-1.amazonaws.com"}, {"accept", "application/json"}};
  request.path = "/restapis";
  route = R(request);
  EXPECT_EQ(route.service, "s3");
  EXPECT_EQ(route.s3_bucket, "b2");
}

TEST_F(RouterTest, Rule7Transcoder) {
  Route route = R(Make("GET", "/2012-09-25/pipelines", "", {}));
  EXPECT_EQ(route.service, "elastictranscoder");
  EXPECT_EQ(route.protocol, Protocol::kRestJson);
}

TEST_F(RouterTest, Rule8ApiGatewayNeedsJson) {
  for (const char* path :
       {"/restapis", "/restapis/abc/resources", "/apikeys", "/account", "/domainnames",
        "/usageplans/x", "/vpclinks", "/clientcertificates", "/sdktypes", "/tags/arn%3Aaws",
        "/domainnameaccessassociations", "/rejectdomainnameaccessassociations"}) {
    Route route = R(Make("GET", path, "", {{"accept", "application/json"}}));
    EXPECT_EQ(route.service, "apigateway") << path;
    EXPECT_EQ(route.protocol, Protocol::kRestJson);
  }
  Route body = R(Make("POST", "/restapis", "", {{"content-type", "application/json"}}, "{}"));
  EXPECT_EQ(body.service, "apigateway");
  // Without JSON signals the same path is an S3 bucket.
  EXPECT_EQ(R(Make("GET", "/restapis", "", {})).service, "s3");
}

TEST_F(RouterTest, Rule9AnonymousRootIsHealth) {
  EXPECT_EQ(R(Make("GET", "/", "", {})).service, kAdminService);
  EXPECT_EQ(R(Make("GET", "/", "list-type=2", {})).service, "s3");
  EXPECT_EQ(
      R(Make("GET", "/", "", {{"authorization", Auth("AKID/20261128/us-east-1/s3")}})).service,
      "s3");
}

TEST_F(RouterTest, Rule10AnythingElseIsS3PathStyle) {
  Route route = R(Make("PUT", "/bucket/key", "", {}));
  EXPECT_EQ(route.service, "s3");
  EXPECT_EQ(route.protocol, Protocol::kRestXml);
  EXPECT_TRUE(route.s3_bucket.empty());
}

TEST_F(RouterTest, AdminPaths) {
  for (const char* path :
       {"/_wharf/health", "/_wharf/sqs/queues", "/_localstack/health", "/moto-api/reset"}) {
    EXPECT_EQ(
        R(Make("POST", path, "", {{"authorization", Auth("AKID/20261128/us-east-1/sqs")}})).service,
        kAdminService)
        << path;
  }
}

TEST(FindRawParamTest, FindsAndDecodes) {
  std::string value;
  EXPECT_TRUE(FindRawParam("a=1&QueueUrl=http%3A%2F%2Fx+y&b", "QueueUrl", &value));
  EXPECT_EQ(value, "http://x y");
  EXPECT_TRUE(FindRawParam("a=1&b", "b", &value));
  EXPECT_EQ(value, "");
  EXPECT_FALSE(FindRawParam("ab=1", "a", &value));
}

}  // namespace
}  // namespace wharf::dispatch
