

#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

class SqsPersistence : public SqsOnDiskFixture {};

TEST_F(SqsPersistence, StateSurvivesRestart) {
  std::string url = CreateQueue("q", {{"VisibilityTimeout", "60"}});
  Ok("TagQueue", {{"QueueUrl", url}, {"Tags", {{"k", "v"}}}});
  std::string fifo = CreateQueue("f.fifo", {{"FifoQueue", "true"}});
  Ok("SendMessage", {{"QueueUrl", url},
                     {"MessageBody", "in-flight"},
                     {"MessageAttributes",
                      {{"bin", {{"DataType", "Binary"}, {"BinaryValue", json::binary({1, 2})}}}}}});
  json inflight = Receive(url, {{"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(inflight.size(), 1u);
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "deleted"}});
  json deleted = Receive(url);
  ASSERT_EQ(deleted.size(), 1u);
  Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", deleted[0]["ReceiptHandle"]}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "visible"}});
  json first = Ok("SendMessage", {{"QueueUrl", fifo},
                                  {"MessageBody", "f"},
                                  {"MessageGroupId", "g"},
                                  {"MessageDeduplicationId", "d"}});

  Restart();

  EXPECT_EQ(Ok("ListQueueTags", {{"QueueUrl", url}})["Tags"], json({{"k", "v"}}));
  json attrs =
      Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}})["Attributes"];
  EXPECT_EQ(attrs["VisibilityTimeout"], "60");
  EXPECT_EQ(attrs["ApproximateNumberOfMessages"], "1");
  EXPECT_EQ(attrs["ApproximateNumberOfMessagesNotVisible"], "1");
  json got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["Body"], "visible");
  // The in-flight message comes back after its visibility timeout, attributes intact.
  Advance(60'000);
  json back = Receive(url, {{"MessageAttributeNames", {"All"}},
                            {"AttributeNames", {"All"}},
                            {"MaxNumberOfMessages", 10}});
  ASSERT_EQ(back.size(), 2u);
  bool saw_attrs = false;
  for (const auto& m : back) {
    if (m["Body"] == "in-flight") {
      saw_attrs = m["MessageAttributes"]["bin"]["BinaryValue"] == json::binary({1, 2});
      EXPECT_EQ(m["Attributes"]["ApproximateReceiveCount"], "2");
      EXPECT_EQ(m["MD5OfMessageAttributes"], inflight[0]["MD5OfMessageAttributes"]);
    }
  }
  EXPECT_TRUE(saw_attrs);
  // The FIFO dedup id is remembered across the restart.
  json again = Ok("SendMessage", {{"QueueUrl", fifo},
                                  {"MessageBody", "f"},
                                  {"MessageGroupId", "g"},
                                  {"MessageDeduplicationId", "d"}});
  EXPECT_EQ(again["MessageId"], first["MessageId"]);
}

TEST_F(SqsPersistence, CooldownsSurviveRestart) {
  std::string url = CreateQueue("q");
  CreateQueue("gone");
  Ok("PurgeQueue", {{"QueueUrl", url}});
  Ok("DeleteQueue", {{"QueueUrl", "http://localhost:4566/000000000000/gone"}});
  Advance(30'000);

  Restart();

  Err("PurgeQueue", {{"QueueUrl", url}}, "PurgeQueueInProgress");
  Err("CreateQueue", {{"QueueName", "gone"}}, "QueueDeletedRecently");
  Advance(30'000);
  Ok("PurgeQueue", {{"QueueUrl", url}});
  CreateQueue("gone");
}

TEST_F(SqsPersistence, ReceiveRequestAttemptSurvivesRestart) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}, {"VisibilityTimeout", "60"}});
  Ok("SendMessage", {{"QueueUrl", url},
                     {"MessageBody", "m"},
                     {"MessageGroupId", "g"},
                     {"MessageDeduplicationId", "d"},
                     {"MessageAttributes",
                      {{"bin", {{"DataType", "Binary"}, {"BinaryValue", json::binary({7})}}}}}});
  json first = Ok("ReceiveMessage", {{"QueueUrl", url},
                                     {"ReceiveRequestAttemptId", "try-1"},
                                     {"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(first["Messages"].size(), 1u);

  Restart();

  json retry = Ok("ReceiveMessage", {{"QueueUrl", url}, {"ReceiveRequestAttemptId", "try-1"}});
  EXPECT_EQ(retry, first);
  // After the 5-minute window the id is forgotten.
  Advance(5 * 60'000);
  json later = Ok("ReceiveMessage", {{"QueueUrl", url}, {"ReceiveRequestAttemptId", "try-1"}});
  ASSERT_EQ(later["Messages"].size(), 1u);
  EXPECT_NE(later["Messages"][0]["ReceiptHandle"], first["Messages"][0]["ReceiptHandle"]);
}

TEST_F(SqsPersistence, MoveTaskResumesAfterRestart) {
  const std::string dlq_arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
  std::string dlq = CreateQueue("dlq");
  std::string src = CreateQueue(
      "src",
      {{"RedrivePolicy", json{{"deadLetterTargetArn", dlq_arn}, {"maxReceiveCount", 1}}.dump()},
       {"VisibilityTimeout", "1"}});
  for (int i = 0; i < 4; ++i)
    Ok("SendMessage", {{"QueueUrl", src}, {"MessageBody", Named("m", i)}});
  ASSERT_EQ(Receive(src, {{"MaxNumberOfMessages", 10}}).size(), 4u);
  Advance(1'000);
  EXPECT_TRUE(Receive(src, {{"MaxNumberOfMessages", 10}}).empty());  // all four to the DLQ
  json t =
      Ok("StartMessageMoveTask", {{"SourceArn", dlq_arn}, {"MaxNumberOfMessagesPerSecond", 2}});
  Advance(1'000);  // the first tick moves 2

  Restart();

  json list = Ok("ListMessageMoveTasks", {{"SourceArn", dlq_arn}});
  ASSERT_EQ(list["Results"].size(), 1u);
  EXPECT_EQ(list["Results"][0]["Status"], "RUNNING");
  EXPECT_EQ(list["Results"][0]["TaskHandle"], t["TaskHandle"]);
  EXPECT_EQ(list["Results"][0]["ApproximateNumberOfMessagesMoved"], 2);
  Advance(1'000);
  Advance(1'000);
  list = Ok("ListMessageMoveTasks", {{"SourceArn", dlq_arn}});
  EXPECT_EQ(list["Results"][0]["Status"], "COMPLETED") << list.dump();
  EXPECT_EQ(list["Results"][0]["ApproximateNumberOfMessagesMoved"], 4);
  EXPECT_EQ(Receive(src, {{"MaxNumberOfMessages", 10}}).size(), 4u);
}

}  // namespace
}  // namespace wharf::sqs::testing
