#include "protocol/query/query_codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "query_test_util.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

HttpRequest FormPost(std::string body, std::string path = "/") {
  HttpRequest r;
  r.method = "POST";
  r.path = path;
  r.target = path;
  r.headers = {{"host", "localhost:4566"},
               {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

class QueryCodecTest : public ::testing::Test {
 protected:
  const ServiceModel& Sqs() {
    const ServiceModel* m = ServiceModel::Get("sqs");
    EXPECT_NE(m, nullptr);
    return *m;
  }
  const ServiceModel& Sns() {
    const ServiceModel* m = ServiceModel::Get("sns");
    EXPECT_NE(m, nullptr);
    return *m;
  }
};

// Every form body recorded from Debian botocore 1.29 decodes to the parameters it came from.
TEST_F(QueryCodecTest, GoldenBotocoreRequestsDecode) {
  json cases = json::parse(testing::ReadGolden("query", "requests.json"));
  ASSERT_GE(cases.size(), 10u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["operation"].get<std::string>());
    const ServiceModel* model = ServiceModel::Get(c["service"].get<std::string>());
    ASSERT_NE(model, nullptr);
    auto codec = MakeQueryCodec(*model);
    Result<DecodedCall> call = codec->Decode(FormPost(c["body"].get<std::string>()));
    ASSERT_TRUE(call.ok()) << call.error().code << ": " << call.error().message;
    EXPECT_EQ(call->operation, c["operation"]);
    EXPECT_EQ(testing::NormaliseBinary(call->input), c["input"]);
  }
}

TEST_F(QueryCodecTest, UnknownActionIsInvalidAction) {
  auto codec = MakeQueryCodec(Sqs());
  Result<DecodedCall> call = codec->Decode(FormPost("Action=Frobnicate&Version=2012-11-05"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "InvalidAction");
  EXPECT_EQ(call.error().http_status, 400);
  EXPECT_EQ(call.error().message, "The action Frobnicate is not valid for this web service.");
}

TEST_F(QueryCodecTest, MissingActionIsRejected) {
  auto codec = MakeQueryCodec(Sns());
  Result<DecodedCall> call = codec->Decode(FormPost("Version=2010-03-31&Name=t"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "MissingAction");
  EXPECT_EQ(call.error().http_status, 400);
}

TEST_F(QueryCodecTest, GetQueryStringIsDecoded) {
  auto codec = MakeQueryCodec(Sqs());
  HttpRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListQueues&Version=2012-11-05&QueueNamePrefix=my%20q&MaxResults=5";
  r.target = "/?" + r.query;
  Result<DecodedCall> call = codec->Decode(r);
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(call->operation, "ListQueues");
  EXPECT_EQ(call->input, json({{"QueueNamePrefix", "my q"}, {"MaxResults", 5}}));
}

TEST_F(QueryCodecTest, BodyWinsOverQueryString) {
  auto codec = MakeQueryCodec(Sqs());
  HttpRequest r = FormPost("Action=ListQueues&QueueNamePrefix=body");
  r.query = "Action=DeleteQueue&QueueNamePrefix=query";
  Result<DecodedCall> call = codec->Decode(r);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->operation, "ListQueues");
  EXPECT_EQ(call->input["QueueNamePrefix"], "body");
}

TEST_F(QueryCodecTest, QueueUrlComesFromQueuePath) {
  auto codec = MakeQueryCodec(Sqs());
  Result<DecodedCall> call =
      codec->Decode(FormPost("Action=SendMessage&MessageBody=hi", "/000000000000/q1"));
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(call->input["QueueUrl"], "http://localhost:4566/000000000000/q1");
  // An explicit parameter wins over the path.
  call = codec->Decode(FormPost("Action=SendMessage&MessageBody=hi&QueueUrl=http%3A%2F%2Fh%2F1%2Fq",
                                "/000000000000/q1"));
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->input["QueueUrl"], "http://h/1/q");
}

TEST_F(QueryCodecTest, MissingRequiredParameterUsesServiceFlavour) {
  auto codec = MakeQueryCodec(Sqs());
  Result<DecodedCall> call =
      codec->Decode(FormPost("Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F000000000000%2Fq"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().QueryCode(), "MissingParameter");
  EXPECT_EQ(call.error().message, "The request must contain the parameter MessageBody.");
}

TEST_F(QueryCodecTest, MistypedScalarsAreInvalidParameterValue) {
  auto sqs = MakeQueryCodec(Sqs());
  Result<DecodedCall> call =
      sqs->Decode(FormPost("Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=ten"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "InvalidParameterValue");
  EXPECT_NE(call.error().message.find("MaxNumberOfMessages"), std::string::npos);

  call =
      sqs->Decode(FormPost("Action=SendMessage&QueueUrl=u&MessageBody=b"
                           "&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=Binary"
                           "&MessageAttribute.1.Value.BinaryValue=%21%21"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "InvalidParameterValue");

  auto sns = MakeQueryCodec(Sns());
  call =
      sns->Decode(FormPost("Action=Subscribe&TopicArn=a&Protocol=sqs&ReturnSubscriptionArn=yes"));
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.error().code, "InvalidParameterValue");
}

TEST_F(QueryCodecTest, EmptyListAndGapsInIndexes) {
  auto codec = MakeQueryCodec(Sqs());
  Result<DecodedCall> call = codec->Decode(FormPost("Action=UntagQueue&QueueUrl=u&TagKeys="));
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(call->input["TagKeys"], json::array());
  // Indexes stop at the first gap, as AWS does.
  call = codec->Decode(FormPost("Action=UntagQueue&QueueUrl=u&TagKey.1=a&TagKey.3=c"));
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(call->input["TagKeys"], json({"a"}));
}

TEST_F(QueryCodecTest, MalformedFormsNeverCrash) {
  auto codec = MakeQueryCodec(Sqs());
  std::mt19937 rng(11);
  const std::string pieces[] = {"Action=SendMessageBatch",
                                "&",
                                "=",
                                "%",
                                "%4",
                                "SendMessageBatchRequestEntry.",
                                "1",
                                ".",
                                "MessageAttribute",
                                "Value",
                                "BinaryValue",
                                "DelaySeconds",
                                "x",
                                "+",
                                "%00",
                                "2"};
  for (int round = 0; round < 3000; ++round) {
    std::string body = "Action=SendMessageBatch&QueueUrl=u&";
    int n = round % 25;
    for (int i = 0; i < n; ++i) body += pieces[rng() % std::size(pieces)];
    Result<DecodedCall> call = codec->Decode(FormPost(body));
    if (call.ok()) {
      EXPECT_EQ(call->operation, "SendMessageBatch");
    }
  }
}

}  // namespace
}  // namespace wharf
