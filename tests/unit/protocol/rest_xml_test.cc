#include <gtest/gtest.h>

#include <random>
#include <string>

#include "protocol/rest/rest_codec.h"
#include "query_test_util.h"
#include "rest_test_util.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

const ServiceModel& S3() {
  const ServiceModel* m = ServiceModel::Get("s3");
  EXPECT_NE(m, nullptr);
  return *m;
}

HttpRequest Req(std::string method, std::string path, std::string query = "",
                std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body = std::move(body);
  return r;
}

// Requests recorded from Debian botocore 1.29 (path style) decode to their parameters; this
// covers same-URI operations told apart by query and headers (PutObject / UploadPart /
// CopyObject, ListObjects / ListObjectsV2 / GetBucketLocation).
TEST(RestXmlTest, GoldenBotocoreRequestsDecode) {
  json cases = json::parse(testing::ReadGolden("rest_xml", "requests.json"));
  ASSERT_GE(cases.size(), 10u);
  auto codec = MakeRestXmlCodec(S3());
  for (const auto& c : cases) {
    SCOPED_TRACE(c["operation"].get<std::string>());
    Result<DecodedCall> call = codec->Decode(testing::RequestFromGolden(c));
    ASSERT_TRUE(call.ok()) << call.error().code << ": " << call.error().message;
    EXPECT_EQ(call->operation, c["operation"]);
    EXPECT_EQ(testing::NormaliseBinary(call->input), c["input"]);
  }
}

// Each golden response was checked with Debian botocore 1.29's RestXMLParser
// (tests/golden/rest_xml/check_responses.py).
TEST(RestXmlTest, GoldenResponsesMatch) {
  json cases = json::parse(testing::ReadGolden("rest_xml", "responses.json"));
  ASSERT_GE(cases.size(), 8u);
  auto codec = MakeRestXmlCodec(S3());
  RequestContext ctx;
  ctx.request_id = "rid";
  for (const auto& c : cases) {
    SCOPED_TRACE(c["operation"].get<std::string>());
    HttpResponse r = codec->EncodeOutput(c["operation"].get<std::string>(),
                                         testing::DenormaliseBinary(c["output"]), ctx);
    EXPECT_EQ(r.status, c["status"]);
    json headers = json::object();
    for (const auto& [k, v] : r.headers) headers[k] = v;
    EXPECT_EQ(headers, c["headers"]);
    EXPECT_EQ(r.body, c["body"].get<std::string>());
  }
}

TEST(RestXmlTest, ErrorEnvelope) {
  auto codec = MakeRestXmlCodec(S3());
  RequestContext ctx;
  ctx.request_id = "rid";
  HttpResponse r = codec->EncodeError(AwsError::Client("NoSuchBucket", "m", 404), ctx);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(testing::ResponseHeader(r, "Content-Type"), "application/xml");
  EXPECT_EQ(testing::ResponseHeader(r, "x-amz-request-id"), "rid");
  EXPECT_EQ(r.body, testing::ReadGolden("rest_xml", "error.xml"));
}

TEST(RestXmlTest, NoMatchingRouteIsMethodNotAllowed) {
  auto codec = MakeRestXmlCodec(S3());
  Result<DecodedCall> call = codec->Decode(Req("PATCH", "/b1/k"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "MethodNotAllowed");
  EXPECT_EQ(call.error().http_status, 405);
}

TEST(RestXmlTest, TrailingSlashAndGreedyKeys) {
  auto codec = MakeRestXmlCodec(S3());
  Result<DecodedCall> call = codec->Decode(Req("GET", "/b1/"));
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(call->operation, "ListObjects");
  call = codec->Decode(Req("GET", "/b1/a/b/c/"));
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(call->operation, "GetObject");
  EXPECT_EQ(call->input["Key"], "a/b/c/");
}

TEST(RestXmlTest, MalformedXmlIsRejected) {
  auto codec = MakeRestXmlCodec(S3());
  Result<DecodedCall> call = codec->Decode(Req("POST", "/b1", "delete", "<Delete><Object>"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "MalformedXML");
  EXPECT_EQ(call.error().http_status, 400);
}

TEST(RestXmlTest, RandomXmlBodiesNeverCrash) {
  auto codec = MakeRestXmlCodec(S3());
  std::mt19937 rng(5);
  const std::string pieces[] = {"<Delete>",
                                "</Delete>",
                                "<Object>",
                                "</Object>",
                                "<Key>",
                                "</Key>",
                                "&amp;",
                                "&#xD;",
                                "<Quiet>true</Quiet>",
                                "<",
                                ">",
                                "x",
                                "<![CDATA[y]]>",
                                "&bad;",
                                "<Quiet>maybe</Quiet>"};
  for (int round = 0; round < 2000; ++round) {
    std::string body;
    int n = round % 20;
    for (int i = 0; i < n; ++i) body += pieces[rng() % std::size(pieces)];
    Result<DecodedCall> call = codec->Decode(Req("POST", "/b1", "delete", body));
    if (call.ok()) {
      EXPECT_EQ(call->operation, "DeleteObjects");
    }
  }
}

}  // namespace
}  // namespace wharf
