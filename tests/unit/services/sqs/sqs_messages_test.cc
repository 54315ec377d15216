#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

using SqsMessages = SqsFixture;

TEST_F(SqsMessages, SendReceiveDeleteWithMd5s) {
  std::string url = CreateQueue("q");
  json sent = Ok("SendMessage",
                 {{"QueueUrl", url},
                  {"MessageBody", "hello"},
                  {"MessageAttributes", {{"a", {{"DataType", "String"}, {"StringValue", "x"}}}}},
                  {"MessageSystemAttributes",
                   {{"AWSTraceHeader",
                     {{"DataType", "String"},
                      {"StringValue",
                       "Root=1-5759e988-bd862e3fe1be46a994272793;Parent="
                       "53995c3f42cd8ad8;Sampled=1"}}}}}});
  EXPECT_EQ(sent["MD5OfMessageBody"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(sent["MD5OfMessageAttributes"], "a512aac9938034acb0b3c3d965944bf1");
  EXPECT_EQ(sent["MD5OfMessageSystemAttributes"], "5ae4d5d7636402d80f4eb6d213245a88");
  json msgs =
      Receive(url, {{"MessageAttributeNames", {"All"}}, {"MessageSystemAttributeNames", {"All"}}});
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["Body"], "hello");
  EXPECT_EQ(msgs[0]["MessageId"], sent["MessageId"]);
  EXPECT_EQ(msgs[0]["MD5OfBody"], "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(msgs[0]["MD5OfMessageAttributes"], "a512aac9938034acb0b3c3d965944bf1");
  EXPECT_EQ(msgs[0]["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_EQ(msgs[0]["Attributes"]["SentTimestamp"], "1700000000000");
  EXPECT_EQ(msgs[0]["Attributes"]["SenderId"], "000000000000");
  EXPECT_TRUE(msgs[0]["Attributes"].contains("AWSTraceHeader"));
  Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", msgs[0]["ReceiptHandle"]}});
  Advance(31'000);
  EXPECT_TRUE(Receive(url).empty());
}

TEST_F(SqsMessages, AttributeFilters) {
  std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url},
                     {"MessageBody", "b"},
                     {"MessageAttributes",
                      {{"foo.a", {{"DataType", "String"}, {"StringValue", "1"}}},
                       {"bar", {{"DataType", "Number"}, {"StringValue", "2"}}}}}});
  json m = Receive(url, {{"MessageAttributeNames", {"foo.*"}},
                         {"AttributeNames", {"SenderId"}},
                         {"VisibilityTimeout", 0}})[0];
  EXPECT_EQ(m["MessageAttributes"].size(), 1u);
  EXPECT_TRUE(m["MessageAttributes"].contains("foo.a"));
  EXPECT_EQ(m["Attributes"], json({{"SenderId", "000000000000"}}));
  m = Receive(url)[0];
  EXPECT_FALSE(m.contains("MessageAttributes"));
  EXPECT_FALSE(m.contains("MD5OfMessageAttributes"));
  EXPECT_FALSE(m.contains("Attributes"));
  // Recorded (all_wildcard_asterisk): "*" is "All".
  Advance(30'000);
  m = Receive(url, {{"MessageAttributeNames", {"*"}}, {"VisibilityTimeout", 0}})[0];
  EXPECT_EQ(m["MessageAttributes"].size(), 2u);
  EXPECT_TRUE(m.contains("MD5OfMessageAttributes"));
}

// Recorded (test_aws_trace_header_propagation): without an AWSTraceHeader system attribute the
// request's X-Amzn-Trace-Id becomes the message's; a system attribute given wins.
TEST_F(SqsMessages, TraceHeaderOfTheRequest) {
  std::string url = CreateQueue("q");
  const std::string header =
      "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
  ctx_.trace_header = header;
  json sent = Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "from-header"}});
  EXPECT_FALSE(sent.contains("MD5OfMessageSystemAttributes"));  // none were sent
  Ok("SendMessage",
     {{"QueueUrl", url},
      {"MessageBody", "own"},
      {"MessageSystemAttributes",
       {{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", "Root=own"}}}}}});
  ctx_.trace_header.clear();
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "none"}});
  json got = Receive(url, {{"MaxNumberOfMessages", 10}, {"AttributeNames", {"AWSTraceHeader"}}});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]["Attributes"]["AWSTraceHeader"], header);
  EXPECT_EQ(got[1]["Attributes"]["AWSTraceHeader"], "Root=own");
  EXPECT_FALSE(got[2].contains("Attributes"));
}

TEST_F(SqsMessages, SendValidation) {
  std::string url = CreateQueue("q", {{"MaximumMessageSize", "1024"}});
  AwsError e = Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", std::string(1025, 'a')}},
                   "InvalidParameterValueException");
  EXPECT_EQ(e.message,
            "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
  Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", ""}}, "MissingRequiredParameterException");
  Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", std::string("a\x01", 2)}},
      "InvalidMessageContents");
  e = Err(
      "SendMessage",
      {{"QueueUrl", url},
       {"MessageBody", "x"},
       {"MessageAttributes", {{"ErrorDetails", {{"DataType", "String"}, {"StringValue", ""}}}}}},
      "InvalidParameterValueException");
  EXPECT_EQ(e.message,
            "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type "
            "'String'.");
  json many = json::object();
  for (int i = 0; i < 11; ++i) {
    many[Named("a", i)] = {{"DataType", "String"}, {"StringValue", "v"}};
  }
  Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}, {"MessageAttributes", many}},
      "InvalidParameterValueException");
  Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}, {"MessageGroupId", "group 123"}},
      "InvalidParameterValueException");
}

TEST_F(SqsMessages, BatchRules) {
  // Recorded (test_send_batch_message_size): a batch entry words the size limit its own way.
  std::string small = CreateQueue("small", {{"MaximumMessageSize", "1024"}});
  json sizes =
      Ok("SendMessageBatch", {{"QueueUrl", small},
                              {"Entries",
                               {{{"Id", "fits"}, {"MessageBody", std::string(1024, 'a')}},
                                {{"Id", "over"}, {"MessageBody", std::string(1025, 'a')}}}}});
  ASSERT_EQ(sizes["Failed"].size(), 1u);
  EXPECT_EQ(sizes["Failed"][0]["Message"],
            "One or more parameters cannot be validated. Reason: Message must be shorter than "
            "1024 bytes.");
  AwsError single =
      Err("SendMessage", {{"QueueUrl", small}, {"MessageBody", std::string(1025, 'a')}},
          "InvalidParameterValueException");
  EXPECT_EQ(single.message,
            "One or more parameters are invalid. Reason: Message must be shorter than 1024 "
            "bytes.");
  std::string url = CreateQueue("q");
  Err("SendMessageBatch", {{"QueueUrl", url}, {"Entries", json::array()}}, "EmptyBatchRequest");
  json entries = json::array();
  for (int i = 0; i < 11; ++i) entries.push_back({{"Id", std::to_string(i)}, {"MessageBody", "b"}});
  AwsError e = Err("SendMessageBatch", {{"QueueUrl", url}, {"Entries", entries}},
                   "TooManyEntriesInBatchRequest");
  EXPECT_EQ(e.message, "Maximum number of entries per request are 10. You have sent 11.");
  Err("SendMessageBatch",
      {{"QueueUrl", url}, {"Entries", {{{"Id", "invalid:id"}, {"MessageBody", "b"}}}}},
      "InvalidBatchEntryId");
  Err("SendMessageBatch",
      {{"QueueUrl", url},
       {"Entries", {{{"Id", "a"}, {"MessageBody", "b"}}, {{"Id", "a"}, {"MessageBody", "b"}}}}},
      "BatchEntryIdsNotDistinct");
  e = Err("SendMessageBatch",
          {{"QueueUrl", url},
           {"Entries",
            {{{"Id", "a"}, {"MessageBody", std::string(1048576, 'a')}},
             {{"Id", "b"}, {"MessageBody", "b"}}}}},
          "BatchRequestTooLong");
  EXPECT_EQ(e.message,
            "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.");
  json out = Ok("SendMessageBatch", {{"QueueUrl", url},
                                     {"Entries",
                                      {{{"Id", "ok"}, {"MessageBody", "b"}},
                                       {{"Id", "bad"}, {"MessageBody", std::string("\x01", 1)}}}}});
  ASSERT_EQ(out["Successful"].size(), 1u);
  ASSERT_EQ(out["Failed"].size(), 1u);
  EXPECT_EQ(out["Failed"][0]["Id"], "bad");
  EXPECT_EQ(out["Failed"][0]["Code"], "InvalidMessageContents");
  json msgs = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(msgs.size(), 1u);
  json del = Ok("DeleteMessageBatch", {{"QueueUrl", url},
                                       {"Entries",
                                        {{{"Id", "1"}, {"ReceiptHandle", msgs[0]["ReceiptHandle"]}},
                                         {{"Id", "2"}, {"ReceiptHandle", "garbage"}}}}});
  EXPECT_EQ(del["Successful"].size(), 1u);
  ASSERT_EQ(del["Failed"].size(), 1u);
  EXPECT_EQ(del["Failed"][0]["Code"], "ReceiptHandleIsInvalid");
}

TEST_F(SqsMessages, ReceiveParameterRanges) {
  std::string url = CreateQueue("q");
  AwsError e = Err("ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 11}},
                   "InvalidParameterValueException");
  EXPECT_EQ(e.message,
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
            "10, if provided.");
  e = Err("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 21}},
          "InvalidParameterValueException");
  EXPECT_EQ(e.message,
            "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
            "if provided.");
}

TEST_F(SqsMessages, OverLimitAtTheInFlightLimit) {
  config_.sqs_max_inflight = 3;  // AWS: 120,000; the engine reads the setting on each receive
  std::string url = CreateQueue("q", {{"VisibilityTimeout", "10"}});
  for (int i = 0; i < 5; ++i) Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  EXPECT_EQ(Receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u);  // capped at the limit
  AwsError e = Err("ReceiveMessage", {{"QueueUrl", url}}, "OverLimit");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.QueryCode(), "OverLimit");
  EXPECT_EQ(e.message,
            "Too many messages have been received without being deleted.\nPlease delete your "
            "received messages or let them timeout before receiving more.");
  Advance(10'000);  // back in the queue, no longer in flight
  EXPECT_EQ(Receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u);
}

TEST_F(SqsMessages, VisibilityTimeoutExpiresWithTheClock) {
  std::string url = CreateQueue("q", {{"VisibilityTimeout", "10"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  json first = Receive(url);
  ASSERT_EQ(first.size(), 1u);
  json counts = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(counts["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "1");
  EXPECT_TRUE(Receive(url).empty());
  Advance(9'999);
  EXPECT_TRUE(Receive(url).empty());
  Advance(1);
  json second = Receive(url, {{"AttributeNames", {"ApproximateReceiveCount"}}});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["Attributes"]["ApproximateReceiveCount"], "2");
  EXPECT_NE(second[0]["ReceiptHandle"], first[0]["ReceiptHandle"]);
}

TEST_F(SqsMessages, ChangeVisibility) {
  std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  json m = Receive(url)[0];
  Ok("ChangeMessageVisibility",
     {{"QueueUrl", url}, {"ReceiptHandle", m["ReceiptHandle"]}, {"VisibilityTimeout", 0}});
  json again = Receive(url);
  ASSERT_EQ(again.size(), 1u);
  // The old handle no longer names the in-flight receive.
  Err("ChangeMessageVisibility",
      {{"QueueUrl", url}, {"ReceiptHandle", m["ReceiptHandle"]}, {"VisibilityTimeout", 5}},
      "MessageNotInflight");
  Ok("ChangeMessageVisibility",
     {{"QueueUrl", url}, {"ReceiptHandle", again[0]["ReceiptHandle"]}, {"VisibilityTimeout", 100}});
  Advance(99'000);
  EXPECT_TRUE(Receive(url).empty());
  Advance(1'000);
  EXPECT_EQ(Receive(url).size(), 1u);
  Err("ChangeMessageVisibility",
      {{"QueueUrl", url}, {"ReceiptHandle", "not-a-handle"}, {"VisibilityTimeout", 5}},
      "ReceiptHandleIsInvalid");
}

TEST_F(SqsMessages, VisibilityCapOf12Hours) {
  std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  json m = Receive(url)[0];
  Advance(1'000);
  Err("ChangeMessageVisibility",
      {{"QueueUrl", url}, {"ReceiptHandle", m["ReceiptHandle"]}, {"VisibilityTimeout", 43200}},
      "InvalidParameterValueException");
}

TEST_F(SqsMessages, DelaysQueueAndPerMessage) {
  std::string url = CreateQueue("q", {{"DelaySeconds", "5"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "queue-delay"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "no-delay"}, {"DelaySeconds", 0}});
  json counts = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(counts["Attributes"]["ApproximateNumberOfMessagesDelayed"], "1");
  json got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["Body"], "no-delay");
  Advance(5'000);
  got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["Body"], "queue-delay");
}

TEST_F(SqsMessages, LongPollWokenBySend) {
  std::string url = CreateQueue("q");
  auto p = CallAsync("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  EXPECT_FALSE(p->result.has_value());
  auto p2 = CallAsync("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "wake"}});
  ASSERT_TRUE(p->result.has_value());  // the first waiter is served first
  ASSERT_TRUE(p->result->ok());
  EXPECT_EQ(p->result->value()["Messages"][0]["Body"], "wake");
  EXPECT_FALSE(p2->result.has_value());
  Advance(20'000);
  ASSERT_TRUE(p2->result.has_value());
  EXPECT_FALSE(p2->result->value().contains("Messages"));
}

// Taken with VisibilityTimeout 0 a message is visible again, but not within the same receive.
TEST_F(SqsMessages, ZeroVisibilityReceiveGivesEachMessageOnce) {
  std::string url = CreateQueue("q");
  for (const char* body : {"a", "b", "c"})
    Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", body}});
  for (int round = 0; round < 2; ++round) {
    json bodies = json::array();
    for (const auto& m : Receive(url, {{"MaxNumberOfMessages", 10}, {"VisibilityTimeout", 0}})) {
      bodies.push_back(m["Body"]);
    }
    EXPECT_EQ(bodies, json({"a", "b", "c"})) << "round " << round;
  }
}

// A long poll with VisibilityTimeout 0 that a send wakes used to take the message, make it
// visible, wake itself again and recurse until the stack overflowed (seen on the SNS
// delivery thread). Each waiter gets the message once; a short receive after them does too.
TEST_F(SqsMessages, ZeroVisibilityLongPollsAreServedOnce) {
  std::string url = CreateQueue("q");
  json poll{{"QueueUrl", url}, {"WaitTimeSeconds", 20}, {"VisibilityTimeout", 0}};
  auto first = CallAsync("ReceiveMessage", poll);
  auto second = CallAsync("ReceiveMessage", poll);
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "wake"}});
  for (const auto& p : {first, second}) {
    ASSERT_TRUE(p->result.has_value());
    ASSERT_TRUE(p->result->ok());
    ASSERT_EQ(p->result->value()["Messages"].size(), 1u);
    EXPECT_EQ(p->result->value()["Messages"][0]["Body"], "wake");
  }
  EXPECT_EQ(Receive(url, {{"MaxNumberOfMessages", 10}}).size(), 1u);
}

TEST_F(SqsMessages, LongPollWokenByVisibilityExpiry) {
  std::string url = CreateQueue("q", {{"VisibilityTimeout", "5"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  ASSERT_EQ(Receive(url).size(), 1u);
  auto p = CallAsync("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  EXPECT_FALSE(p->result.has_value());
  Advance(5'000);
  ASSERT_TRUE(p->result.has_value());
  EXPECT_EQ(p->result->value()["Messages"].size(), 1u);
}

TEST_F(SqsMessages, StopAnswersWaiters) {
  std::string url = CreateQueue("q", {{"ReceiveMessageWaitTimeSeconds", "20"}});
  auto p = CallAsync("ReceiveMessage", {{"QueueUrl", url}});
  EXPECT_FALSE(p->result.has_value());
  engine_->Stop();
  ASSERT_TRUE(p->result.has_value());
  EXPECT_TRUE(p->result->ok());
}

TEST_F(SqsMessages, RetentionDeletesExpiredMessages) {
  std::string url = CreateQueue("q", {{"MessageRetentionPeriod", "60"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "old"}});
  Advance(30'000);
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "new"}});
  Advance(30'000);
  json counts = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(counts["Attributes"]["ApproximateNumberOfMessages"], "1");
  json got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["Body"], "new");
  Advance(30'000);
  counts = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(counts["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "0");
}

TEST_F(SqsMessages, StaleHandleStillDeletesOnStandardQueue) {
  std::string url = CreateQueue("q", {{"VisibilityTimeout", "1"}});
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  json m = Receive(url)[0];
  Advance(1'000);
  Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", m["ReceiptHandle"]}});
  EXPECT_TRUE(Receive(url).empty());
}

TEST_F(SqsMessages, AdminPeekAndReset) {
  std::string url = CreateQueue("q");
  Ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}});
  std::optional<Result<json>> got;
  engine_->Admin({"GET", "/queues/000000000000/q/messages", {}, nullptr},
                 [&](Result<json> r) { got = std::move(r); });
  ASSERT_TRUE(got && got->ok());
  EXPECT_EQ(got->value()["messages"][0]["Body"], "m");
  EXPECT_EQ(Receive(url).size(), 1u);  // the peek did not change visibility
  got.reset();
  engine_->Admin({"GET", "/queues", {}, nullptr}, [&](Result<json> r) { got = std::move(r); });
  EXPECT_EQ(got->value()["queues"][0]["in_flight"], 1);
  bool done = false;
  engine_->Reset([&](Status s) { done = s.ok(); });
  EXPECT_TRUE(done);
  EXPECT_EQ(engine_->Summary()["queues"], 0);
}

}  // namespace
}  // namespace wharf::sqs::testing
