#include "dispatch/sigv4.h"

#include <gtest/gtest.h>

#include <string>

#include "wharf/config/config.h"

namespace wharf::dispatch {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const std::map<std::string, std::string> kCredentials = {{"AKIDEXAMPLE", kSecret}};

HttpRequest Make(std::string method, std::string path, std::string query, HeaderList headers,
                 std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.headers = std::move(headers);
  request.body = std::move(body);
  return request;
}

Route RouteOf(const HttpRequest& request) { return RouteRequest(request, Config{}); }

// The AWS SigV4 test suite's "get-vanilla" case.
HttpRequest GetVanilla() {
  return Make("GET", "/", "",
              {{"host", "example.amazonaws.com"},
               {"x-amz-date", "20150830T123600Z"},
               {"authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=host;x-amz-date, "
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}});
}
const int64_t kVanillaMs = ParseAmzDate("20150830T123600Z");

TEST(SigV4Test, GetVanillaCanonicalRequestAndSignature) {
  HttpRequest request = GetVanilla();
  Route route = RouteOf(request);
  auto params = ParseSigV4(request, route);
  ASSERT_TRUE(params.ok());
  std::string canonical = CanonicalRequest(request, *params, false);
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string to_sign = StringToSign(*params, canonical);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(ComputeSignature(kSecret, *params, to_sign),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_TRUE(VerifySigV4(request, route, kCredentials, kVanillaMs).ok());
}

TEST(SigV4Test, ParseAmzDate) {
  EXPECT_EQ(ParseAmzDate("19700101T000000Z"), 0);
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), 1440938160000);
  EXPECT_EQ(ParseAmzDate("2015-08-30T12:36Z"), -1);
  EXPECT_EQ(ParseAmzDate("20151330T123600Z"), -1);
}

TEST(SigV4Test, TamperedRequestsFail) {
  HttpRequest request = GetVanilla();
  request.query = "a=1";
  Route route = RouteOf(request);
  Status status = VerifySigV4(request, route, kCredentials, kVanillaMs);
  ASSERT_FALSE(status.ok());
  // Unknown service "service" without target/action -> rest-json style error.
  EXPECT_EQ(status.error().code, "InvalidSignatureException");

  HttpRequest other_secret = GetVanilla();
  Status wrong = VerifySigV4(other_secret, RouteOf(other_secret),
                             {{"AKIDEXAMPLE", "not-the-secret"}}, kVanillaMs);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, "InvalidSignatureException");
}

TEST(SigV4Test, UnknownKeyAndSkewAndMissing) {
  HttpRequest request = GetVanilla();
  Route route = RouteOf(request);
  Status unknown = VerifySigV4(request, route, {{"OTHER", kSecret}}, kVanillaMs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "UnrecognizedClientException");

  Status skewed = VerifySigV4(request, route, kCredentials, kVanillaMs + 16 * 60 * 1000);
  ASSERT_FALSE(skewed.ok());
  EXPECT_EQ(skewed.error().code, "InvalidSignatureException");
  EXPECT_NE(skewed.error().message.find("Signature expired: 20150830T123600Z is now earlier than "
                                        "20150830T123700Z (20150830T125200Z - 15 min.)"),
            std::string::npos)
      << skewed.error().message;
  EXPECT_TRUE(VerifySigV4(request, route, kCredentials, kVanillaMs + 14 * 60 * 1000).ok());
  EXPECT_FALSE(VerifySigV4(request, route, kCredentials, kVanillaMs - 16 * 60 * 1000).ok());

  HttpRequest anonymous =
      Make("POST", "/", "", {{"content-type", "application/x-www-form-urlencoded"}},
           "Action=ListTopics&Version=2010-03-31");
  Status missing = VerifySigV4(anonymous, RouteOf(anonymous), kCredentials, kVanillaMs);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "MissingAuthenticationToken");
  EXPECT_EQ(missing.error().http_status, 403);
}

TEST(SigV4Test, CredentialScopeDateMustBeTheSigningDay) {
  // A key derived for another day (the scope date is part of the key) is refused even when the
  // signature over that scope is right.
  HttpRequest request = GetVanilla();
  for (auto& [name, value] : request.headers) {
    if (name == "authorization") {
      value.replace(value.find("/20150830/"), 10, "/20150829/");
    }
  }
  Status status = VerifySigV4(request, RouteOf(request), kCredentials, kVanillaMs);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "InvalidSignatureException");
  EXPECT_EQ(status.error().message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            "HTTP: '20150829' != '20150830', from '20150830T123600Z'.");
}

// Requests signed by botocore 1.43.11 at 2026-11-28T12:00:00Z (generated once with python3).
const int64_t kBotoMs = ParseAmzDate("20261128T120000Z");

TEST(SigV4Test, BotocoreSqsJson) {
  HttpRequest request =
      Make("POST", "/", "",
           {{"host", "localhost:4566"},
            {"content-type", "application/x-amz-json-1.0"},
            {"x-amz-target", "AmazonSQS.CreateQueue"},
            {"x-amzn-query-mode", "true"},
            {"x-amz-date", "20261128T120000Z"},
            {"authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/eu-west-1/sqs/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode, "
             "Signature=d03449e5e9c41bae402e745cb6832630babc6a92fcc4680db80fb14cc758af87"},
            {"content-length", "18"}},
           R"({"QueueName":"q1"})");
  Route route = RouteOf(request);
  EXPECT_TRUE(VerifySigV4(request, route, kCredentials, kBotoMs).ok());
  request.body = R"({"QueueName":"q2"})";
  Status status = VerifySigV4(request, route, kCredentials, kBotoMs);
  ASSERT_FALSE(status.ok());
  // SQS over JSON: Coral name plus the query-compatible legacy code.
  EXPECT_EQ(status.error().code, "InvalidSignatureException");
  EXPECT_EQ(status.error().QueryCode(), "SignatureDoesNotMatch");
  EXPECT_EQ(status.error().http_status, 403);
}

TEST(SigV4Test, BotocoreApiGatewayLabelWithSpace) {
  HttpRequest request =
      Make("GET", "/restapis/a%20b/resources", "limit=5&position=x+y",
           {{"host", "localhost:4566"},
            {"accept", "application/json"},
            {"x-amz-date", "20261128T120000Z"},
            {"authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/apigateway/aws4_request, "
             "SignedHeaders=accept;host;x-amz-date, "
             "Signature=2324cce9598fa332e2019db141e6f081301a3334e5ad7d675fd37b09121f3481"}});
  Route route = RouteOf(request);
  auto params = ParseSigV4(request, route);
  ASSERT_TRUE(params.ok());
  // Non-S3: the path is encoded a second time.
  EXPECT_EQ(CanonicalRequest(request, *params, false).substr(0, 36),
            "GET\n/restapis/a%2520b/resources\nlimi");
  EXPECT_TRUE(VerifySigV4(request, route, kCredentials, kBotoMs).ok());
}

TEST(SigV4Test, BotocoreS3PutWithOddKey) {
  HttpRequest request = Make(
      "PUT", "/bkt/a%2Bb%20c~%2A", "",
      {{"host", "localhost:4566"},
       {"content-type", "text/plain"},
       {"x-amz-date", "20261128T120000Z"},
       {"x-amz-content-sha256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
       {"authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/s3/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
        "Signature=c2d645a1e95ea7640d50befa90fcb2174ed8e20c6a867041b88fed62a978e9d1"},
       {"content-length", "5"}},
      "hello");
  Route route = RouteOf(request);
  EXPECT_TRUE(VerifySigV4(request, route, kCredentials, kBotoMs).ok());
  Status skewed = VerifySigV4(request, route, kCredentials, kBotoMs + 20 * 60 * 1000);
  ASSERT_FALSE(skewed.ok());
  EXPECT_EQ(skewed.error().code, "RequestTimeTooSkewed");
  Status unknown = VerifySigV4(request, route, {{"X", "y"}}, kBotoMs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "InvalidAccessKeyId");
  request.headers[0].second = "other:4566";
  Status bad = VerifySigV4(request, route, kCredentials, kBotoMs);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(bad.error().http_status, 403);
}

TEST(SigV4Test, BotocoreS3Presigned) {
  HttpRequest request = Make(
      "GET", "/bkt/k%201",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261128%2Fus-east-1%2Fs3%"
      "2Faws4_request&X-Amz-Date=20261128T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-"
      "Amz-Signature=f7d729e260f19c098b56f18401291f0817d70e4b54d4d103a4814c7c5cb469b5",
      {{"host", "localhost:4566"}});
  Route route = RouteOf(request);
  ASSERT_EQ(route.auth, AuthKind::kSigV4Query);
  EXPECT_TRUE(VerifySigV4(request, route, kCredentials, kBotoMs + 3599 * 1000).ok());
  Status expired = VerifySigV4(request, route, kCredentials, kBotoMs + 3601 * 1000);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "AccessDenied");
  EXPECT_EQ(expired.error().message, "Request has expired");

  HttpRequest incomplete = request;
  incomplete.query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261128%2F"
      "us-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00";
  Status malformed = VerifySigV4(incomplete, RouteOf(incomplete), kCredentials, kBotoMs);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, "AuthorizationQueryParametersError");
}

TEST(SigV4Test, SigV2IsRefusedInVerifyMode) {
  HttpRequest request = Make("GET", "/b/k", "", {{"authorization", "AWS AKIDEXAMPLE:c2ln"}});
  Status status = VerifySigV4(request, RouteOf(request), kCredentials, kBotoMs);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "AccessDenied");
}

TEST(SigV4Test, QueryProtocolErrors) {
  Route route;
  route.service = "sns";
  route.protocol = Protocol::kQuery;
  EXPECT_EQ(AuthErrorFor(AuthFailure::kBadSignature, route, "").code, "SignatureDoesNotMatch");
  EXPECT_EQ(AuthErrorFor(AuthFailure::kUnknownKey, route, "").code, "InvalidClientTokenId");
  EXPECT_EQ(AuthErrorFor(AuthFailure::kUnknownKey, route, "").http_status, 403);
  route.service = "kinesis";
  route.protocol = Protocol::kCbor;
  EXPECT_EQ(AuthErrorFor(AuthFailure::kUnknownKey, route, "").code, "UnrecognizedClientException");
  EXPECT_EQ(AuthErrorFor(AuthFailure::kUnknownKey, route, "").http_status, 400);
}

}  // namespace
}  // namespace wharf::dispatch
