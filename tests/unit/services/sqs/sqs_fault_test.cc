// The SQS engine on a SQLite store whose writes fail on demand (fault_vfs.h, as on a full disk):
// a request answered 503 leaves nothing behind, neither in the engine's memory nor on disk, and
// the engine carries on once the fault is gone.

#include "fault_fixture.h"
#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

using SqsFaultTest = wharf::testing::FaultFixture<SqsOnDiskFixture>;

json Bodies(const json& messages) {
  json bodies = json::array();
  for (const auto& m : messages) bodies.push_back(m["Body"]);
  return bodies;
}

TEST_F(SqsFaultTest, SendAnswered503IsNeverReceived) {
  const std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "kept"}});
  CallOnFullDisk("SendMessage", {{"QueueUrl", url}, {"MessageBody", "failed"}});
  EXPECT_EQ(Bodies(Receive(url, {{"MaxNumberOfMessages", 10}})), json({"kept"}));
  const json attrs = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(attrs["Attributes"]["ApproximateNumberOfMessages"], "0");
  EXPECT_EQ(attrs["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "1");
  Restart();
  Advance(30'000);  // "kept" comes back from its receive
  EXPECT_EQ(Bodies(Receive(url, {{"MaxNumberOfMessages", 10}})), json({"kept"}));
}

TEST_F(SqsFaultTest, CreateQueueAnswered503LeavesNoQueue) {
  CallOnFullDisk("CreateQueue", {{"QueueName", "q"}});
  EXPECT_EQ(engine_->Summary()["queues"], 0);  // first: nothing has reloaded the engine yet
  Err("GetQueueUrl", {{"QueueName", "q"}}, "QueueDoesNotExist");
  EXPECT_EQ(Ok("ListQueues", json::object()).value("QueueUrls", json::array()).size(), 0u);
  const std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  Restart();
  EXPECT_EQ(Ok("GetQueueUrl", {{"QueueName", "q"}})["QueueUrl"], url);
  EXPECT_EQ(Bodies(Receive(url)), json({"m"}));
}

TEST_F(SqsFaultTest, DeleteAnswered503LeavesTheMessage) {
  const std::string url = CreateQueue("q", {{"VisibilityTimeout", "30"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  const json first = Receive(url);
  ASSERT_EQ(first.size(), 1u);
  CallOnFullDisk("DeleteMessage",
                 {{"QueueUrl", url}, {"ReceiptHandle", first[0]["ReceiptHandle"]}});
  EXPECT_EQ(Receive(url).size(), 0u);  // still in flight
  Advance(30'000);
  const json again = Receive(url, {{"AttributeNames", {"ApproximateReceiveCount"}}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["Body"], "m");
  EXPECT_EQ(again[0]["Attributes"]["ApproximateReceiveCount"], "2");
  Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", again[0]["ReceiptHandle"]}});
  Restart();
  Advance(30'000);
  EXPECT_EQ(Receive(url).size(), 0u);
}

// A reload keeps the long polls that were waiting: on the reloaded queue, with their deadline.
TEST_F(SqsFaultTest, LongPollWaitsOnAcrossTheReload) {
  const std::string url = CreateQueue("q");
  auto poll = CallAsync("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  CallOnFullDisk("CreateQueue", {{"QueueName", "other"}});
  Err("GetQueueUrl", {{"QueueName", "other"}}, "QueueDoesNotExist");  // after the reload
  Advance(10'000);
  EXPECT_FALSE(poll->Ready());
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  std::unique_lock lock(poll->mu);
  ASSERT_TRUE(
      poll->cv.wait_for(lock, std::chrono::seconds(10), [&] { return poll->result.has_value(); }));
  ASSERT_TRUE(poll->result->ok()) << poll->result->error().message;
  EXPECT_EQ(Bodies(poll->result->value()["Messages"]), json({"m"}));
}

// Timers of the dropped state do nothing; the reloaded state's timers act on their own.
TEST_F(SqsFaultTest, DelayedSendAnswered503NeverBecomesVisible) {
  const std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "kept"}, {"DelaySeconds", 10}});
  CallOnFullDisk("SendMessage",
                 {{"QueueUrl", url}, {"MessageBody", "failed"}, {"DelaySeconds", 5}});
  Advance(10'000);  // the timers reload the state before they act
  EXPECT_EQ(Bodies(Receive(url, {{"MaxNumberOfMessages", 10}})), json({"kept"}));
}

}  // namespace
}  // namespace wharf::sqs::testing
