#include "protocol/cbor/cbor.h"

#include <gtest/gtest.h>

#include <random>

#include "protocol/json/json_codec.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

HttpRequest CborCall(const std::string& op, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = r.path = "/";
  r.headers.emplace_back("x-amz-target", "Kinesis_20131202." + op);
  r.headers.emplace_back("content-type", "application/x-amz-cbor-1.1");
  r.body = std::move(body);
  return r;
}

const ServiceModel& Kinesis() { return *ServiceModel::Get("kinesis"); }

TEST(CborTest, TimestampsAreTag1IntegerMillisecondsBothWays) {
  const json* shape = Kinesis().Shape("GetShardIteratorInput");
  ASSERT_NE(shape, nullptr);
  json input = {{"StreamName", "s"},
                {"ShardId", "shardId-000000000000"},
                {"ShardIteratorType", "AT_TIMESTAMP"},
                {"Timestamp", 1787036486.712}};
  std::string bytes = WriteCbor(Kinesis(), shape, input);
  // From the wire capture in the protocols doc: "Timestamp" c1 1b 000001a013accc38.
  EXPECT_NE(bytes.find(std::string("Timestamp\xc1\x1b\x00\x00\x01\xa0\x13\xac\xcc\x38", 19)),
            std::string::npos);
  auto codec = MakeCborCodec(Kinesis());
  auto r = codec->Decode(CborCall("GetShardIterator", bytes));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->input, input);
}

TEST(CborTest, FloatSecondsUnderTag1AreTolerated) {
  // {"StreamName":"s","ShardId":"x","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1(1.5e9 as
  // double)}
  json doc = {{"StreamName", "s"}, {"ShardId", "x"}, {"ShardIteratorType", "AT_TIMESTAMP"}};
  std::string bytes = WriteCbor(Kinesis(), nullptr, doc);
  bytes[0] = static_cast<char>(0xA4);  // one more pair
  bytes += std::string("\x69Timestamp\xc1\xfb\x41\xd6\x5a\x0b\xc0\x00\x00\x00", 20);
  auto r = MakeCborCodec(Kinesis())->Decode(CborCall("GetShardIterator", bytes));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->input["Timestamp"].get<double>(), 1500000000.0);
}

TEST(CborTest, ByteStringsRoundTrip) {
  std::vector<uint8_t> data = {0, 1, 2, 0xff, 'h', 'i'};
  json in = {{"StreamName", "s"}, {"PartitionKey", "p"}, {"Data", json::binary(data)}};
  std::string bytes = WriteCbor(Kinesis(), Kinesis().Shape("PutRecordInput"), in);
  auto parsed = ParseCbor(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, in);
  auto r = MakeCborCodec(Kinesis())->Decode(CborCall("PutRecord", bytes));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& got = r->input["Data"].get_binary();
  EXPECT_EQ(std::vector<uint8_t>(got.begin(), got.end()), data);
}

TEST(CborTest, WriterCoversAllScalarKinds) {
  json doc = {{"n", nullptr},
              {"t", true},
              {"f", false},
              {"neg", -500},
              {"big", 1ULL << 40},
              {"d", 0.5},
              {"s", std::string(300, 'x')},
              {"a", json::array({1, 2})}};
  auto back = ParseCbor(WriteCbor(Kinesis(), nullptr, doc));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, doc);
}

TEST(CborTest, ErrorsAndBadBodiesAreSerializationExceptionsInCbor) {
  auto codec = MakeCborCodec(Kinesis());
  for (std::string body : {std::string("\xa1\x61", 2), std::string("\xff"),
                           std::string("\xa1\x01\x02", 3), std::string("\x80\x80", 2)}) {
    auto r = codec->Decode(CborCall("ListStreams", body));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "SerializationException");
    HttpResponse resp = codec->EncodeError(r.error(), RequestContext{});
    auto env = ParseCbor(resp.body);
    ASSERT_TRUE(env.ok());
    EXPECT_EQ((*env)["__type"], "SerializationException");
  }
}

TEST(CborTest, DeepNestingIsRejectedNotCrashing) {
  std::string deep(200000, '\x81');
  deep += '\x00';
  auto r = MakeCborCodec(Kinesis())->Decode(CborCall("ListStreams", deep));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "SerializationException");
}

TEST(CborFuzzTest, MalformedInputNeverThrows) {
  auto codec = MakeCborCodec(Kinesis());
  json seed = {
      {"StreamName", "s"},
      {"Records", json::array({{{"Data", json::binary({1, 2, 3})}, {"PartitionKey", "p"}}})}};
  std::string base = WriteCbor(Kinesis(), nullptr, seed);
  std::mt19937 rng(7);
  std::size_t failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = base;
    for (int m = 0; m < 2; ++m) body[rng() % body.size()] = static_cast<char>(rng() % 256);
    if (i % 3 == 0) body.resize(rng() % body.size());
    Result<DecodedCall> r = AwsError{};
    EXPECT_NO_THROW(r = codec->Decode(CborCall("PutRecords", body)));
    if (!r.ok()) ++failures;
  }
  EXPECT_GT(failures, 0u);
}

}  // namespace
}  // namespace wharf
