#include "protocol/json/json_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

HttpRequest Call(const std::string& target, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/";
  if (!target.empty()) r.headers.emplace_back("x-amz-target", target);
  r.body = std::move(body);
  return r;
}

const RequestContext kCtx{"rid", "000000000000", "us-east-1", "localhost:4566", "json"};

class JsonCodecTest : public ::testing::Test {
 protected:
  std::unique_ptr<Codec> kinesis_ = MakeJsonCodec(*ServiceModel::Get("kinesis"));
  std::unique_ptr<Codec> sqs_ = MakeJsonCodec(*ServiceModel::Get("sqs"));
};

TEST_F(JsonCodecTest, MissingOrForeignTargetIsUnknownOperation) {
  for (const char* target :
       {"", "Kinesis_20131202", "AmazonSQS.ListQueues", "Kinesis_20131202.Nope"}) {
    auto r = kinesis_->Decode(Call(target, "{}"));
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_EQ(r.error().code, "UnknownOperationException");
    EXPECT_EQ(r.error().http_status, 400);
  }
}

TEST_F(JsonCodecTest, WrongTypesAreSerializationExceptions) {
  for (const char* body : {"[]", "\"x\"", "{\"ShardCount\": \"1\", \"StreamName\": \"s\"}",
                           "{\"StreamName\": [\"s\"], \"ShardCount\": 1}",
                           "{\"StreamName\": \"s\", \"ShardCount\": 1.5}"}) {
    auto r = kinesis_->Decode(Call("Kinesis_20131202.CreateStream", body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, "SerializationException") << body;
  }
  auto r = kinesis_->Decode(
      Call("Kinesis_20131202.PutRecord", R"({"StreamName":"s","PartitionKey":"p","Data":"***"})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "SerializationException");
}

TEST_F(JsonCodecTest, NullMembersCountAsAbsentAndIntegralFloatsAreIntegers) {
  auto r =
      kinesis_->Decode(Call("Kinesis_20131202.CreateStream",
                            R"({"StreamName":"s","ShardCount":2.0,"StreamModeDetails":null})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input, json({{"StreamName", "s"}, {"ShardCount", 2}}));
  EXPECT_TRUE(r->input["ShardCount"].is_number_integer());
}

TEST_F(JsonCodecTest, TimestampsAcceptEpochAndIsoText) {
  auto r = kinesis_->Decode(Call("Kinesis_20131202.GetShardIterator",
                                 R"({"StreamName":"s","ShardId":"shardId-000000000000",
                                     "ShardIteratorType":"AT_TIMESTAMP",
                                     "Timestamp":"2023-11-14T22:13:20.5Z"})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->input["Timestamp"].get<double>(), 1700000000.5);
  r = kinesis_->Decode(Call("Kinesis_20131202.GetShardIterator",
                            R"({"StreamName":"s","ShardId":"x","ShardIteratorType":"AT_TIMESTAMP",
                                "Timestamp":1700000000.25})"));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->input["Timestamp"].get<double>(), 1700000000.25);
}

TEST_F(JsonCodecTest, OutputWithNullDocumentIsEmptyObjectAndInvalidUtf8IsReplaced) {
  HttpResponse out = kinesis_->EncodeOutput("DeleteStream", json(), kCtx);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, "{}");
  out = kinesis_->EncodeOutput("ListStreams", {{"StreamNames", {std::string("a\xff")}}}, kCtx);
  EXPECT_FALSE(json::parse(out.body, nullptr, false).is_discarded());
}

TEST_F(JsonCodecTest, ReceiverFaultsAndStatusesComeFromTheError) {
  HttpResponse r = sqs_->EncodeError(AwsError::Internal("boom"), kCtx);
  EXPECT_EQ(r.status, 500);
  bool found = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "x-amzn-query-error") {
      found = true;
      EXPECT_EQ(v, "InternalFailure;Receiver");
    }
  }
  EXPECT_TRUE(found);
  HttpResponse k = kinesis_->EncodeError(AwsError::Internal("boom"), kCtx);
  for (const auto& [name, v] : k.headers) EXPECT_NE(name, "x-amzn-query-error");
}

TEST(CodecFactoryTest, JsonAndCborAreBuiltOthersNeverClaimSuccess) {
  const ServiceModel& sns = *ServiceModel::Get("sns");
  for (Protocol p : {Protocol::kJson, Protocol::kCbor, Protocol::kQuery, Protocol::kRestJson,
                     Protocol::kRestXml}) {
    auto codec = MakeCodec(p, sns);
    ASSERT_NE(codec, nullptr);
  }
  HttpRequest empty;
  auto r = MakeCodec(Protocol::kJson, sns)->Decode(empty);
  EXPECT_FALSE(r.ok());
}

TEST(JsonFuzzTest, MalformedInputNeverThrows) {
  auto codec = MakeJsonCodec(*ServiceModel::Get("kinesis"));
  std::mt19937 rng(42);
  const std::string seeds[] = {
      R"({"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"p"}]})",
      R"({"a":{"b":[1,2,{"c":null}]}})", "\xef\xbb\xbf{}", "{\"x\":\"\\ud800\"}"};
  std::size_t failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = seeds[i % 4];
    for (int m = 0; m < 3; ++m) {
      std::size_t pos = rng() % (body.size() + 1);
      body.insert(body.begin() + static_cast<long>(pos), static_cast<char>(rng() % 256));
    }
    Result<DecodedCall> r = AwsError{};
    EXPECT_NO_THROW(r = codec->Decode(Call("Kinesis_20131202.PutRecords", body)));
    if (!r.ok()) ++failures;
  }
  EXPECT_GT(failures, 0u);
  std::string deep(100000, '[');
  auto r = codec->Decode(Call("Kinesis_20131202.PutRecords", deep));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace wharf
