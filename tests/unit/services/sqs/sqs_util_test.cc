#include "services/sqs/sqs_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/sqs/sqs_errors.h"

namespace wharf::sqs {
namespace {

using json = nlohmann::json;

TEST(SqsMd5, BodyHex) { EXPECT_EQ(Md5Hex("hello"), "5d41402abc4b2a76b9719d911017c592"); }

TEST(SqsMd5, SingleStringAttribute) {
  json a{{"a", {{"DataType", "String"}, {"StringValue", "x"}}}};
  EXPECT_EQ(MessageAttributesMd5(a), "a512aac9938034acb0b3c3d965944bf1");
}

TEST(SqsMd5, MixedAttributes) {
  json a{{"attr1", {{"DataType", "String"}, {"StringValue", "value1"}}},
         {"attr2", {{"DataType", "Number"}, {"StringValue", "42"}}},
         {"bin", {{"DataType", "Binary"}, {"BinaryValue", json::binary({0, 1, 2})}}},
         {"custom", {{"DataType", "String.custom"}, {"StringValue", "h\xc3\xa9llo"}}}};
  EXPECT_EQ(MessageAttributesMd5(a), "8ee5e407b3496ffc6e95c37410fba232");
}

TEST(SqsMd5, TraceHeaderSystemAttribute) {
  json a{{"AWSTraceHeader",
          {{"DataType", "String"},
           {"StringValue",
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
            "Sampled=1"}}}};
  EXPECT_EQ(MessageAttributesMd5(a), "5ae4d5d7636402d80f4eb6d213245a88");
}

TEST(SqsUtil, MessageCharacters) {
  EXPECT_TRUE(ValidMessageCharacters("hello\t\r\n \xf0\x9f\x98\x80"));
  EXPECT_FALSE(ValidMessageCharacters(std::string("a\x01", 2)));
  EXPECT_FALSE(ValidMessageCharacters("\xef\xbf\xbf"));  // U+FFFF
  // Long bodies go eight ASCII bytes at a time: a bad byte anywhere in a word is still found.
  const std::string plain(64, 'x');
  EXPECT_TRUE(ValidMessageCharacters(plain + "\t\n\r ~\x7f" + plain));
  for (size_t at : {0u, 7u, 8u, 13u, 63u, 64u}) {
    for (char bad : {'\x00', '\x01', '\x1f', '\x80'}) {
      std::string body = plain + plain;
      body[at] = bad;
      EXPECT_FALSE(ValidMessageCharacters(body)) << at << " " << int(bad);
    }
  }
  EXPECT_TRUE(ValidMessageCharacters(plain + "\xc3\xa9" + plain));
  EXPECT_FALSE(ValidMessageCharacters(plain + "\xef\xbf\xbe" + plain));  // U+FFFE
}

TEST(SqsErrors, TableGivesLegacyCodesAndStatus) {
  AwsError e = QueueDoesNotExist();
  EXPECT_EQ(e.code, "QueueDoesNotExist");
  EXPECT_EQ(e.QueryCode(), "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(Error("PurgeQueueInProgress", "x").http_status, 403);
  EXPECT_EQ(Error("ReceiptHandleIsInvalid", "x").http_status, 404);
  EXPECT_EQ(Error("QueueNameExists", "x").QueryCode(), "QueueAlreadyExists");
  AwsError p = InvalidParameterValue("m");
  EXPECT_EQ(p.code, "InvalidParameterValueException");
  EXPECT_EQ(p.QueryCode(), "InvalidParameterValue");
  EXPECT_EQ(MissingParameter("MessageBody").QueryCode(), "MissingParameter");
}

}  // namespace
}  // namespace wharf::sqs
