// Validation flavours, checked against messages recorded from real AWS
// (/work/shared/aws-recorded/<svc>/*.snapshot.json) where they exist.
#include "protocol/validate.h"

#include <gtest/gtest.h>

#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

AwsError Invalid(const char* service, const char* op, const json& input) {
  const ServiceModel* model = ServiceModel::Get(service);
  EXPECT_NE(model, nullptr);
  Status s = ValidateInput(*model, op, input);
  EXPECT_FALSE(s.ok()) << service << " " << op << " " << input.dump();
  return s.ok() ? AwsError{} : s.error();
}

TEST(ValidateSqsTest, MissingParameterLikeSqs) {
  AwsError e = Invalid("sqs", "SendMessage", {{"QueueUrl", "http://x/1/q"}});
  EXPECT_EQ(e.code, "MissingRequiredParameterException");
  EXPECT_EQ(e.QueryCode(), "MissingParameter");
  EXPECT_EQ(e.message, "The request must contain the parameter MessageBody.");
  EXPECT_EQ(e.http_status, 400);
  // Recorded: test_send_empty_message - an empty body counts as missing.
  e = Invalid("sqs", "SendMessage", {{"QueueUrl", "http://x/1/q"}, {"MessageBody", ""}});
  EXPECT_EQ(e.message, "The request must contain the parameter MessageBody.");
  e = Invalid("sqs", "ReceiveMessage", json::object());
  EXPECT_EQ(e.message, "The request must contain the parameter QueueUrl.");
  // Recorded (test_delete_message_batch_invalid_msg_id): an empty batch entry Id is no missing
  // parameter but an InvalidBatchEntryId, which the engine answers.
  EXPECT_TRUE(ValidateInput(*ServiceModel::Get("sqs"), "DeleteMessageBatch",
                            {{"QueueUrl", "http://x/1/q"},
                             {"Entries", {{{"Id", ""}, {"ReceiptHandle", "rh"}}}}})
                  .ok());
}

TEST(ValidateSqsTest, WrongTypeIsInvalidParameterValue) {
  AwsError e = Invalid("sqs", "ReceiveMessage",
                       {{"QueueUrl", "http://x/1/q"}, {"MaxNumberOfMessages", "ten"}});
  EXPECT_EQ(e.code, "InvalidParameterValueException");
  EXPECT_EQ(e.QueryCode(), "InvalidParameterValue");
  EXPECT_EQ(e.message.rfind("Value ten for parameter MaxNumberOfMessages is invalid.", 0), 0u);
}

TEST(ValidateSqsTest, EnumsAreLeftToTheEngine) {
  // SQS answers InvalidAttributeName for unknown names; that is the engine's message.
  const ServiceModel* sqs = ServiceModel::Get("sqs");
  EXPECT_TRUE(
      ValidateInput(*sqs, "GetQueueAttributes", {{"QueueUrl", "u"}, {"AttributeNames", {"Bogus"}}})
          .ok());
}

TEST(ValidateCoralTest, KinesisMissingAndRange) {
  AwsError e = Invalid("kinesis", "CreateStream", json::object());
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message,
            "1 validation error detected: Value null at 'streamName' failed to satisfy "
            "constraint: Member must not be null");
  e = Invalid("kinesis", "CreateStream", {{"StreamName", "s"}, {"ShardCount", 0}});
  EXPECT_EQ(e.message,
            "1 validation error detected: Value '0' at 'shardCount' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1");
}

TEST(ValidateCoralTest, SeveralErrorsJoinedWithSemicolons) {
  AwsError e = Invalid("kinesis", "CreateStream", {{"StreamName", ""}, {"ShardCount", 0}});
  EXPECT_EQ(e.message,
            "3 validation errors detected: Value '0' at 'shardCount' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1; Value '' at "
            "'streamName' failed to satisfy constraint: Member must have length greater than or "
            "equal to 1; Value '' at 'streamName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

TEST(ValidateCoralTest, NestedListPathsAndLengths) {
  json records =
      json::array({{{"Data", json::binary({1})}, {"PartitionKey", std::string(257, 'k')}}});
  AwsError e = Invalid("kinesis", "PutRecords", {{"StreamName", "s"}, {"Records", records}});
  EXPECT_EQ(e.message,
            "1 validation error detected: Value '" + std::string(257, 'k') +
                "' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must "
                "have length less than or equal to 256");
  e = Invalid("kinesis", "PutRecords", {{"StreamName", "s"}, {"Records", json::array()}});
  EXPECT_EQ(e.message,
            "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1");
}

TEST(ValidateCoralTest, SnsUsesValidationErrorAndMapPaths) {
  // Recorded: test_publish_wrong_arn_format / message attributes without DataType.
  AwsError e = Invalid("sns", "Publish",
                       {{"TopicArn", "arn:aws:sns:us-east-1:000000000000:t"},
                        {"Message", "m"},
                        {"MessageAttributes", {{"attr1", {{"StringValue", "v"}}}}}});
  EXPECT_EQ(e.code, "ValidationError");
  EXPECT_EQ(e.message,
            "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' "
            "failed to satisfy constraint: Member must not be null");
  e = Invalid("sns", "CreatePlatformApplication", {{"Name", "n"}, {"Platform", "GCM"}});
  EXPECT_EQ(e.message,
            "1 validation error detected: Value null at 'attributes' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(ValidateCoralTest, ApiGatewayPrefixesBodyMembersAndReportsListEnums) {
  AwsError e = Invalid("apigateway", "CreateRestApi",
                       {{"name", "api"}, {"endpointConfiguration", {{"types", {"wrong"}}}}});
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.message.rfind("1 validation error detected: Value '[wrong]' at "
                            "'createRestApiInput.endpointConfiguration.types' failed to satisfy "
                            "constraint: Member must satisfy constraint: [Member must satisfy "
                            "enum value set: [",
                            0),
            0u)
      << e.message;
  // URI-bound members carry no prefix (recorded: test_put_integration_wrong_type).
  e = Invalid(
      "apigateway", "PutIntegration",
      {{"restApiId", "a"}, {"resourceId", "r"}, {"httpMethod", "GET"}, {"type", "HTTPS_PROXY"}});
  EXPECT_EQ(e.message.rfind("1 validation error detected: Value 'HTTPS_PROXY' at "
                            "'putIntegrationInput.type' failed to satisfy constraint: Member must "
                            "satisfy enum value set: [",
                            0),
            0u)
      << e.message;
}

TEST(ValidateCoralTest, WrongTypeIsSerializationException) {
  AwsError e = Invalid("kinesis", "CreateStream", {{"StreamName", 5}});
  EXPECT_EQ(e.code, "SerializationException");
}

TEST(ValidateTest, ValidInputsPass) {
  EXPECT_TRUE(
      ValidateInput(*ServiceModel::Get("kinesis"), "PutRecord",
                    {{"StreamName", "s"}, {"Data", json::binary({1, 2})}, {"PartitionKey", "pk"}})
          .ok());
  EXPECT_TRUE(ValidateInput(*ServiceModel::Get("swf"), "ListDomains",
                            {{"registrationStatus", "REGISTERED"}})
                  .ok());
  EXPECT_FALSE(ValidateInput(*ServiceModel::Get("swf"), "ListDomains", json::array()).ok());
}

TEST(ValidateTest, MissingParameterErrorFollowsFlavour) {
  EXPECT_EQ(MissingParameterError(*ServiceModel::Get("sqs"), "QueueUrl").message,
            "The request must contain the parameter QueueUrl.");
  EXPECT_EQ(MissingParameterError(*ServiceModel::Get("firehose"), "DeliveryStreamName").message,
            "1 validation error detected: Value null at 'deliveryStreamName' failed to satisfy "
            "constraint: Member must not be null");
}

}  // namespace
}  // namespace wharf
