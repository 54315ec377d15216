#include <gtest/gtest.h>

#include <string>

#include "protocol/rest/rest_codec.h"
#include "query_test_util.h"
#include "rest_test_util.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

HttpRequest Req(std::string method, std::string path, std::string query = "",
                std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body = std::move(body);
  return r;
}

// Requests recorded from Debian botocore 1.29 decode to the parameters they came from.
TEST(RestJsonTest, GoldenBotocoreRequestsDecode) {
  json cases = json::parse(testing::ReadGolden("rest_json", "requests.json"));
  ASSERT_GE(cases.size(), 8u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["operation"].get<std::string>());
    const ServiceModel* model = ServiceModel::Get(c["service"].get<std::string>());
    ASSERT_NE(model, nullptr);
    auto codec = MakeRestJsonCodec(*model);
    Result<DecodedCall> call = codec->Decode(testing::RequestFromGolden(c));
    ASSERT_TRUE(call.ok()) << call.error().code << ": " << call.error().message;
    EXPECT_EQ(call->operation, c["operation"]);
    EXPECT_EQ(testing::NormaliseBinary(call->input), c["input"]);
  }
}

TEST(RestJsonTest, NoMatchingRouteIsUnknownOperation) {
  auto codec = MakeRestJsonCodec(*ServiceModel::Get("apigateway"));
  Result<DecodedCall> call = codec->Decode(Req("GET", "/nothing/here"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "UnknownOperationException");
  EXPECT_EQ(call.error().http_status, 404);
  // Right path, wrong method.
  call = codec->Decode(Req("PATCH", "/restapis"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().http_status, 404);
}

TEST(RestJsonTest, MalformedBodyIsSerializationException) {
  auto codec = MakeRestJsonCodec(*ServiceModel::Get("apigateway"));
  for (const char* body : {"{", "[1]", "{\"name\": 5}"}) {
    Result<DecodedCall> call = codec->Decode(Req("POST", "/restapis", "", body));
    ASSERT_FALSE(call.ok()) << body;
    EXPECT_EQ(call.error().http_status, 400) << body;
  }
}

TEST(RestJsonTest, MistypedQueryValueIsRejected) {
  auto codec = MakeRestJsonCodec(*ServiceModel::Get("apigateway"));
  Result<DecodedCall> call = codec->Decode(Req("GET", "/restapis", "limit=many"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "SerializationException");
}

TEST(RestJsonTest, OutputUsesModelledStatusAndJsonBody) {
  auto codec = MakeRestJsonCodec(*ServiceModel::Get("apigateway"));
  RequestContext ctx;
  ctx.request_id = "rid";
  HttpResponse r = codec->EncodeOutput(
      "CreateRestApi", {{"id", "abc"}, {"name", "api"}, {"createdDate", 1700000000}}, ctx);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(testing::ResponseHeader(r, "Content-Type"), "application/json");
  EXPECT_EQ(testing::ResponseHeader(r, "x-amzn-RequestId"), "rid");
  EXPECT_EQ(json::parse(r.body),
            json({{"id", "abc"}, {"name", "api"}, {"createdDate", 1700000000}}));

  r = codec->EncodeOutput("DeleteRestApi", json::object(), ctx);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "");
}

TEST(RestJsonTest, PayloadAndHeaderMembersLeaveTheBody) {
  auto codec = MakeRestJsonCodec(*ServiceModel::Get("apigateway"));
  RequestContext ctx;
  std::string doc = "{\"swagger\":\"2.0\"}";
  HttpResponse r =
      codec->EncodeOutput("GetExport",
                          {{"contentType", "application/json"},
                           {"contentDisposition", "attachment; filename=\"a.json\""},
                           {"body", json::binary(std::vector<uint8_t>(doc.begin(), doc.end()))}},
                          ctx);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(testing::ResponseHeader(r, "Content-Type"), "application/json");
  EXPECT_EQ(testing::ResponseHeader(r, "Content-Disposition"), "attachment; filename=\"a.json\"");
  EXPECT_EQ(r.body, doc);
}

TEST(RestJsonTest, ErrorEnvelopeCarriesTypeHeader) {
  auto codec = MakeRestJsonCodec(*ServiceModel::Get("apigateway"));
  RequestContext ctx;
  ctx.request_id = "rid";
  HttpResponse r = codec->EncodeError(
      AwsError::Client("NotFoundException", "Invalid API identifier specified", 404), ctx);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(testing::ResponseHeader(r, "x-amzn-ErrorType"), "NotFoundException");
  EXPECT_EQ(testing::ResponseHeader(r, "Content-Type"), "application/json");
  EXPECT_EQ(json::parse(r.body), json({{"message", "Invalid API identifier specified"}}));
}

}  // namespace
}  // namespace wharf
