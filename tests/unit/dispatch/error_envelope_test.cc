#include "dispatch/error_envelope.h"

#include <gtest/gtest.h>

#include "dispatch/http_util.h"
#include "dispatch/request_log.h"

namespace wharf::dispatch {
namespace {

RequestContext Ctx() { return {"req-1", "000000000000", "us-east-1", "localhost", "query"}; }

TEST(ErrorEnvelopeTest, QueryEnvelopeUsesLegacyCodeAndEscapes) {
  AwsError error{"QueueDoesNotExist", "a<b & \"c\"", 400, true,
                 "AWS.SimpleQueueService.NonExistentQueue"};
  HttpResponse response = EncodeFallbackError(Protocol::kQuery, "sqs", error, Ctx());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(
      response.body,
      "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender"
      "</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>a&lt;b &amp; "
      "&quot;c&quot;</Message><Detail/></Error><RequestId>req-1</RequestId></ErrorResponse>");
  EXPECT_EQ(FindHeader(response.headers, "x-amzn-RequestId"), "req-1");
}

TEST(ErrorEnvelopeTest, SqsJsonCarriesQueryErrorHeader) {
  AwsError error{"QueueDoesNotExist", "nope", 400, true, "AWS.SimpleQueueService.NonExistentQueue"};
  HttpResponse response = EncodeFallbackError(Protocol::kJson, "sqs", error, Ctx());
  EXPECT_EQ(FindHeader(response.headers, "x-amzn-query-error"),
            "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(FindHeader(response.headers, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(nlohmann::json::parse(response.body)["__type"], "QueueDoesNotExist");
}

TEST(ErrorEnvelopeTest, CborEnvelopeDecodesAsMap) {
  HttpResponse response = EncodeFallbackError(
      Protocol::kCbor, "kinesis", AwsError::Client("ResourceNotFoundException", "m"), Ctx());
  auto doc = nlohmann::json::from_cbor(response.body);
  EXPECT_EQ(doc["__type"], "ResourceNotFoundException");
  EXPECT_EQ(doc["message"], "m");
}

TEST(ErrorEnvelopeTest, NotImplementedPerProtocol) {
  EXPECT_EQ(NotImplementedError(Protocol::kQuery, "sns", "Publish").code, "InvalidAction");
  EXPECT_EQ(NotImplementedError(Protocol::kQuery, "sns", "").code, "MissingAction");
  EXPECT_EQ(NotImplementedError(Protocol::kJson, "swf", "X").code, "UnknownOperationException");
  EXPECT_EQ(NotImplementedError(Protocol::kRestJson, "apigateway", "").http_status, 501);
  EXPECT_EQ(NotImplementedError(Protocol::kRestXml, "s3", "").code, "NotImplemented");
}

TEST(RequestLogTest, JsonEscape) {
  EXPECT_EQ(JsonEscape("a\"b\\c\n\x01"), "a\\\"b\\\\c\\n\\u0001");
}

}  // namespace
}  // namespace wharf::dispatch
