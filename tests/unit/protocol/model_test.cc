#include "wharf/protocol/model.h"

#include <gtest/gtest.h>

#include "wharf/core/encoding.h"
#include "protocol/shapes.h"
#include "protocol/timestamp.h"

namespace wharf {
namespace {

TEST(ModelTest, EveryServiceLoadsWithItsOperations) {
  const std::pair<const char*, std::size_t> expected[] = {
      {"sqs", 23}, {"sns", 42},         {"kinesis", 39}, {"firehose", 12},
      {"swf", 39}, {"apigateway", 124}, {"s3", 111},     {"elastictranscoder", 17}};
  for (const auto& [service, ops] : expected) {
    const ServiceModel* model = ServiceModel::Get(service);
    ASSERT_NE(model, nullptr) << service;
    EXPECT_EQ(model->name(), service);
    EXPECT_EQ(model->document()["operations"].size(), ops) << service;
    EXPECT_EQ(ServiceModel::Get(service), model) << "parsed once";
  }
  EXPECT_EQ(ServiceModel::Get("dynamodb"), nullptr);
}

TEST(ModelTest, SqsCarriesQueryTraitsAndLegacyErrorCodes) {
  const ServiceModel* sqs = ServiceModel::Get("sqs");
  ASSERT_NE(sqs, nullptr);
  EXPECT_EQ(sqs->metadata()["targetPrefix"], "AmazonSQS");
  EXPECT_EQ(sqs->metadata()["xmlNamespace"], "http://queue.amazonaws.com/doc/2012-11-05/");
  const auto* list = sqs->Shape("AttributeNameList");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ((*list)["flattened"], true);
  EXPECT_EQ((*list)["member"]["locationName"], "AttributeName");
  EXPECT_EQ((*sqs->Operation("ReceiveMessage"))["output"]["resultWrapper"], "ReceiveMessageResult");
  ASSERT_NE(sqs->Operation("StartMessageMoveTask"), nullptr);
  EXPECT_EQ(WithModelledError(*sqs, AwsError::Client("QueueDoesNotExist", "x")).QueryCode(),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(WithModelledError(*sqs, AwsError::Client("KmsOptInRequired", "x")).QueryCode(),
            "KMS.OptInRequired");
  AwsError unmodelled = WithModelledError(*sqs, AwsError::Client("InvalidParameterValue", "x"));
  EXPECT_EQ(unmodelled.code, "InvalidParameterValueException");
  EXPECT_EQ(unmodelled.QueryCode(), "InvalidParameterValue");
  unmodelled = WithModelledError(*sqs, AwsError::Client("MissingRequiredParameterException", "x"));
  EXPECT_EQ(unmodelled.QueryCode(), "MissingParameter");
  // Only query-compatible models translate.
  EXPECT_EQ(WithModelledError(*ServiceModel::Get("kinesis"),
                              AwsError::Client("InvalidParameterValue", "x"))
                .code,
            "InvalidParameterValue");
  AwsError explicit_code{"QueueDoesNotExist", "x", 400, true, "Custom"};
  EXPECT_EQ(WithModelledError(*sqs, explicit_code).QueryCode(), "Custom");
}

TEST(ModelTest, ShapeHelpers) {
  const ServiceModel* kinesis = ServiceModel::Get("kinesis");
  ASSERT_NE(kinesis, nullptr);
  const auto* op = kinesis->Operation("PutRecord");
  ASSERT_NE(op, nullptr);
  const auto* in = InputShape(*kinesis, *op);
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(ShapeType(*in), "structure");
  EXPECT_EQ(ShapeType(*ResolveRef(*kinesis, (*in)["members"]["Data"])), "blob");
  EXPECT_EQ(ResolveRef(*kinesis, nlohmann::json{{"shape", "Nope"}}), nullptr);
  EXPECT_EQ(LowerFirst("StreamName"), "streamName");
}

TEST(Base64Test, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode(std::string("\x00\x01\xff", 3)), "AAH/");
  EXPECT_EQ(Base64Decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(Base64Decode("Zm9vYg").value(), "foob");
  EXPECT_EQ(Base64Decode("AAH/").value(), std::string("\x00\x01\xff", 3));
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());
  EXPECT_FALSE(Base64Decode("Z").has_value());
  EXPECT_FALSE(Base64Decode("Zg==Zg").has_value());
}

TEST(TimestampTest, FormatsAndParses) {
  EXPECT_EQ(FormatIso8601(1700000000.123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatIso8601(0, false), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatHttpDate(1700000000), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(FormatEpochSeconds(1700000000), "1700000000");
  EXPECT_EQ(FormatEpochSeconds(1700000000.5), "1700000000.5");
  EXPECT_DOUBLE_EQ(ParseTimestamp("2023-11-14T22:13:20.123Z").value(), 1700000000.123);
  EXPECT_DOUBLE_EQ(ParseTimestamp("2023-11-14T23:13:20+01:00").value(), 1700000000);
  EXPECT_DOUBLE_EQ(ParseTimestamp("Tue, 14 Nov 2023 22:13:20 GMT").value(), 1700000000);
  EXPECT_DOUBLE_EQ(ParseTimestamp("1700000000.25").value(), 1700000000.25);
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2023-13-14T22:13:20Z").has_value());
  EXPECT_FALSE(ParseTimestamp("").has_value());
}

}  // namespace
}  // namespace wharf
