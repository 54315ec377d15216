#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

using SqsDlq = SqsFixture;

std::string Redrive(const std::string& arn, int max) {
  return json{{"deadLetterTargetArn", arn}, {"maxReceiveCount", max}}.dump();
}

TEST_F(SqsDlq, MovesAfterMaxReceiveCount) {
  std::string dlq = CreateQueue("dlq");
  std::string src =
      CreateQueue("src", {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:dlq", 1)},
                          {"VisibilityTimeout", "1"}});
  Ok("SendMessage", {{"QueueUrl", src}, {"MessageBody", "m"}});
  ASSERT_EQ(Receive(src).size(), 1u);
  Advance(1'000);
  EXPECT_TRUE(Receive(src).empty());  // the second receive moves it instead
  json got = Receive(dlq, {{"AttributeNames", {"All"}}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["Attributes"]["DeadLetterQueueSourceArn"],
            "arn:aws:sqs:us-east-1:000000000000:src");
  EXPECT_EQ(got[0]["Attributes"]["ApproximateReceiveCount"], "2");
  json sources = Ok("ListDeadLetterSourceQueues", {{"QueueUrl", dlq}});
  EXPECT_EQ(sources["queueUrls"], json::array({src}));
}

TEST_F(SqsDlq, RedriveChecks) {
  AwsError e = Err(
      "CreateQueue",
      {{"QueueName", "src"},
       {"Attributes", {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:none", 1)}}}},
      "InvalidParameterValueException");
  EXPECT_NE(e.message.find("Dead letter target does not exist"), std::string::npos);
  CreateQueue("deny", {{"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}});
  Err("CreateQueue",
      {{"QueueName", "src"},
       {"Attributes", {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:deny", 1)}}}},
      "InvalidParameterValueException");
  CreateQueue("f.fifo", {{"FifoQueue", "true"}});
  Err("CreateQueue",
      {{"QueueName", "src"},
       {"Attributes",
        {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:f.fifo", 1)}}}},
      "InvalidParameterValueException");
  Err("CreateQueue", {{"QueueName", "x"}, {"Attributes", {{"RedriveAllowPolicy", "{}"}}}},
      "InvalidAttributeValue");
}

TEST_F(SqsDlq, MoveTaskRedrivesBackToSource) {
  std::string dlq = CreateQueue("dlq");
  std::string src =
      CreateQueue("src", {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:dlq", 1)},
                          {"VisibilityTimeout", "1"}});
  for (int i = 0; i < 3; ++i) {
    Ok("SendMessage", {{"QueueUrl", src}, {"MessageBody", Named("m", i)}});
  }
  ASSERT_EQ(Receive(src, {{"MaxNumberOfMessages", 10}}).size(), 3u);
  Advance(1'000);
  EXPECT_TRUE(Receive(src, {{"MaxNumberOfMessages", 10}}).empty());
  const std::string dlq_arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
  Err("StartMessageMoveTask", {{"SourceArn", "arn:aws:sqs:us-east-1:000000000000:src"}},
      "InvalidParameterValueException");
  json t =
      Ok("StartMessageMoveTask", {{"SourceArn", dlq_arn}, {"MaxNumberOfMessagesPerSecond", 2}});
  Err("StartMessageMoveTask", {{"SourceArn", dlq_arn}}, "InvalidParameterValueException");
  Advance(1'000);
  Advance(1'000);
  json list = Ok("ListMessageMoveTasks", {{"SourceArn", dlq_arn}});
  EXPECT_EQ(list["Results"][0]["Status"], "COMPLETED") << list.dump();
  EXPECT_EQ(list["Results"][0]["ApproximateNumberOfMessagesMoved"], 3) << list.dump();
  EXPECT_EQ(Receive(src, {{"MaxNumberOfMessages", 10}}).size(), 3u);
  Err("CancelMessageMoveTask", {{"TaskHandle", "junk"}}, "InvalidParameterValueException");
  Err("CancelMessageMoveTask", {{"TaskHandle", t["TaskHandle"]}}, "ResourceNotFoundException");
}

// Recorded (test_move_task_delete_destination_queue_while_running): the task fails.
TEST_F(SqsDlq, MoveTaskFailsWhenItsDestinationIsDeleted) {
  const std::string dlq_url = CreateQueue("dlq");
  CreateQueue("src", {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:dlq", 1)}});
  std::string dest = CreateQueue("dest");
  for (int i = 0; i < 5; ++i) Ok("SendMessage", {{"QueueUrl", dlq_url}, {"MessageBody", "m"}});
  const std::string dlq_arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
  Ok("StartMessageMoveTask", {{"SourceArn", dlq_arn},
                              {"DestinationArn", "arn:aws:sqs:us-east-1:000000000000:dest"},
                              {"MaxNumberOfMessagesPerSecond", 1}});
  Advance(1'000);
  Ok("DeleteQueue", {{"QueueUrl", dest}});
  Advance(1'000);
  json task = Ok("ListMessageMoveTasks", {{"SourceArn", dlq_arn}})["Results"][0];
  EXPECT_EQ(task["Status"], "FAILED") << task.dump();
  EXPECT_EQ(task["FailureReason"], "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(task["ApproximateNumberOfMessagesMoved"], 1);
  EXPECT_FALSE(task.contains("TaskHandle"));
}

// A queue that is its own dead-letter queue keeps an over-received message (moving it would
// only requeue it, and a waiting long poll would take it again, without end).
TEST_F(SqsDlq, OwnDeadLetterQueueDoesNotLoop) {
  std::string url = CreateQueue("self", {{"VisibilityTimeout", "1"}});
  Ok("SetQueueAttributes",
     {{"QueueUrl", url},
      {"Attributes", {{"RedrivePolicy", Redrive("arn:aws:sqs:us-east-1:000000000000:self", 1)}}}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  ASSERT_EQ(Receive(url).size(), 1u);
  auto waiter = CallAsync("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  Advance(1'000);
  ASSERT_TRUE(waiter->result.has_value());
  ASSERT_TRUE(waiter->result->ok());
  EXPECT_EQ(waiter->result->value()["Messages"].size(), 1u);
}

}  // namespace
}  // namespace wharf::sqs::testing
