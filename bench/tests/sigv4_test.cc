#include "sigv4.h"

#include <gtest/gtest.h>

#include <chrono>

#include "aws_client.h"

namespace wharf::bench {
namespace {

std::string HeaderValue(const HttpRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(SigV4Test, Sha256OfEmpty) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4Test, AmzDateIsUtc) {
  EXPECT_EQ(AmzDate(std::chrono::system_clock::from_time_t(1440938160)), "20150830T123600Z");
}

// AWS SigV4 test suite, "get-vanilla".
TEST(SigV4Test, GetVanilla) {
  SigV4Signer signer({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, "us-east-1",
                     "service");
  HttpRequest r;
  r.method = "GET";
  r.headers = {{"Host", "example.amazonaws.com"}};
  signer.Sign(r, "20150830T123600Z");
  EXPECT_EQ(HeaderValue(r, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(HeaderValue(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// Expected value computed by botocore's SigV4Auth for the same request.
TEST(SigV4Test, MatchesBotocoreForSqsJson) {
  SigV4Signer signer({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, "us-east-1",
                     "sqs");
  HttpRequest r;
  r.headers = {{"Host", "localhost:4566"},
               {"User-Agent", "ua"},
               {"X-Amz-Target", "AmazonSQS.SendMessage"},
               {"Content-Type", "application/x-amz-json-1.0"},
               {"x-amzn-query-mode", "true"}};
  r.body = R"({"QueueUrl":"http://localhost:4566/000000000000/q","MessageBody":"hello"})";
  signer.Sign(r, "20261128T064336Z");
  EXPECT_EQ(HeaderValue(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/sqs/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode, "
            "Signature=705d9f7d719f6bb9882061e2efbbce39e15a442d10019a2e57e4cc703a6f54b7");
}

TEST(SigV4Test, FormEncodeLikeBotocore) {
  EXPECT_EQ(FormEncode("a b/c:d~e_f.g-h"), "a%20b%2Fc%3Ad~e_f.g-h");
  EXPECT_EQ(FormBody({{"Action", "Publish"}, {"TopicArn", "arn:aws:sns:us-east-1:1:t"}}),
            "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At");
}

TEST(SigV4Test, ClientSignsJsonAndQueryRequests) {
  Endpoint e{"127.0.0.1", "127.0.0.1:4566", 4566};
  AwsClient sqs(e, {}, "us-east-1", "sqs");
  std::string json = sqs.Json("AmazonSQS.SendMessage", "1.0", "{}");
  EXPECT_NE(json.find("X-Amz-Target: AmazonSQS.SendMessage\r\n"), std::string::npos);
  EXPECT_NE(json.find("Content-Type: application/x-amz-json-1.0\r\n"), std::string::npos);
  EXPECT_NE(json.find("x-amzn-query-mode: true\r\n"), std::string::npos);
  EXPECT_NE(json.find("/us-east-1/sqs/aws4_request, SignedHeaders="), std::string::npos);
  AwsClient sns(e, {}, "us-east-1", "sns");
  std::string query = sns.Query({{"Action", "Publish"}, {"Version", "2010-03-31"}});
  EXPECT_NE(query.find("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_NE(query.find("/us-east-1/sns/aws4_request"), std::string::npos);
  EXPECT_EQ(query.find("x-amzn-query-mode"), std::string::npos);
  EXPECT_TRUE(query.ends_with("\r\n\r\nAction=Publish&Version=2010-03-31"));
}

TEST(SigV4Test, EachRequestGetsAnInvocationId) {
  Endpoint e{"127.0.0.1", "127.0.0.1:4566", 4566};
  AwsClient sqs(e, {}, "us-east-1", "sqs");
  auto id = [](const std::string& r) {
    size_t at = r.find("amz-sdk-invocation-id: ");
    return at == std::string::npos ? std::string() : r.substr(at + 23, 36);
  };
  std::string a = sqs.Json("AmazonSQS.SendMessage", "1.0", "{}");
  std::string b = sqs.Json("AmazonSQS.SendMessage", "1.0", "{}");
  ASSERT_EQ(id(a).size(), 36u);
  EXPECT_EQ(id(a)[14], '4');
  EXPECT_EQ(id(a)[8], '-');
  EXPECT_NE(id(a), id(b));
  EXPECT_TRUE(a.starts_with("POST / HTTP/1.1\r\namz-sdk-invocation-id: "));
  EXPECT_NE(a.find("\r\namz-sdk-request: attempt=1\r\n"), std::string::npos);
  // The unsigned headers are not in SignedHeaders.
  EXPECT_NE(a.find("SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode,"),
            std::string::npos);
}

}  // namespace
}  // namespace wharf::bench
