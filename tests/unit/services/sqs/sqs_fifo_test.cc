#include "sqs_test_util.h"

namespace wharf::sqs::testing {
namespace {

class SqsFifo : public SqsFixture {
 protected:
  // The bodies one receive of up to 10 messages gives, in its order.
  json ReceivedBodies(const std::string& url) {
    json bodies = json::array();
    for (const auto& m : Receive(url, {{"MaxNumberOfMessages", 10}})) bodies.push_back(m["Body"]);
    return bodies;
  }
};

// A SendMessage input for a FIFO queue.
json Send(const std::string& url, const std::string& body, const std::string& group,
          const std::string& dedup = "") {
  json in{{"QueueUrl", url}, {"MessageBody", body}, {"MessageGroupId", group}};
  if (!dedup.empty()) in["MessageDeduplicationId"] = dedup;
  return in;
}

TEST_F(SqsFifo, RequiresGroupAndDedupAndRejectsDelay) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}});
  AwsError e = Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", "b"}},
                   "MissingRequiredParameterException");
  EXPECT_EQ(e.message, "The request must contain the parameter MessageGroupId.");
  e = Err("SendMessage", {{"QueueUrl", url}, {"MessageBody", "b"}, {"MessageGroupId", "g"}},
          "InvalidParameterValueException");
  EXPECT_EQ(e.message,
            "The queue should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly");
  e = Err("SendMessage",
          {{"QueueUrl", url},
           {"MessageBody", "b"},
           {"MessageGroupId", "g"},
           {"MessageDeduplicationId", "d"},
           {"DelaySeconds", 2}},
          "InvalidParameterValueException");
  EXPECT_EQ(e.message,
            "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter "
            "that is not valid for this queue type.");
}

TEST_F(SqsFifo, DedupWindowAndSequenceNumbers) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}});
  json in = Send(url, "b", "g", "d1");
  json a = Ok("SendMessage", in);
  json b = Ok("SendMessage", in);
  EXPECT_EQ(a["MessageId"], b["MessageId"]);
  EXPECT_EQ(a["SequenceNumber"], b["SequenceNumber"]);
  EXPECT_EQ(a["SequenceNumber"].get<std::string>().size(), 20u);
  json c = Ok("SendMessage", Send(url, "b", "g", "d2"));
  EXPECT_GT(c["SequenceNumber"].get<std::string>(), a["SequenceNumber"].get<std::string>());
  Advance(5 * 60 * 1000);
  json d = Ok("SendMessage", in);
  EXPECT_NE(d["MessageId"], a["MessageId"]);
  json msgs = Receive(url, {{"MaxNumberOfMessages", 10}});
  EXPECT_EQ(msgs.size(), 3u);
}

TEST_F(SqsFifo, ContentBasedDeduplication) {
  std::string url =
      CreateQueue("q.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  json a = Ok("SendMessage", Send(url, "same", "g"));
  json b = Ok("SendMessage", Send(url, "same", "g"));
  EXPECT_EQ(a["MessageId"], b["MessageId"]);
  json m = Receive(url, {{"AttributeNames", {"All"}}})[0];
  EXPECT_EQ(m["Attributes"]["MessageDeduplicationId"].get<std::string>().size(), 64u);
  EXPECT_EQ(m["Attributes"]["MessageGroupId"], "g");
}

TEST_F(SqsFifo, DedupScopePerGroup) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"},
                                           {"DeduplicationScope", "messageGroup"},
                                           {"FifoThroughputLimit", "perMessageGroupId"}});
  json a = Ok("SendMessage", Send(url, "x", "g1", "d"));
  json b = Ok("SendMessage", Send(url, "x", "g2", "d"));
  EXPECT_NE(a["MessageId"], b["MessageId"]);
  Err("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"DeduplicationScope", "queue"}}}},
      "InvalidAttributeValue");
}

TEST_F(SqsFifo, GroupBlockedWhileInFlightOtherGroupsProceed) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}, {"VisibilityTimeout", "30"}});
  Ok("SendMessage", Send(url, "a1", "A", "1"));
  Ok("SendMessage", Send(url, "a2", "A", "2"));
  Ok("SendMessage", Send(url, "b1", "B", "3"));
  json first = Receive(url);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["Body"], "a1");
  json second = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["Body"], "b1");
  EXPECT_TRUE(Receive(url).empty());
  Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", first[0]["ReceiptHandle"]}});
  json third = Receive(url);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0]["Body"], "a2");
}

// Recorded (test_fifo_group_visibility_extends_with_change_message_visibility): once the others
// are visible again, a group gives the messages before one whose visibility was extended, and
// none from it on; nothing at all while its oldest message is in flight.
TEST_F(SqsFifo, GroupGivesItsVisibleHeadUpToTheFirstMessageInFlight) {
  for (int extended = 0; extended < 3; ++extended) {
    std::string url = CreateQueue(Named("q", extended) + ".fifo",
                                  {{"FifoQueue", "true"}, {"VisibilityTimeout", "1"}});
    for (const char* body : {"foo", "bar", "baz"}) Ok("SendMessage", Send(url, body, "1", body));
    json all = Receive(url, {{"MaxNumberOfMessages", 5}});
    ASSERT_EQ(all.size(), 3u);
    Ok("ChangeMessageVisibility", {{"QueueUrl", url},
                                   {"ReceiptHandle", all[extended]["ReceiptHandle"]},
                                   {"VisibilityTimeout", 4}});
    Advance(2'500);
    json bodies = json::array();
    for (const auto& m : Receive(url, {{"MaxNumberOfMessages", 5}})) bodies.push_back(m["Body"]);
    const json expected[] = {json::array(), {"foo"}, {"foo", "bar"}};
    EXPECT_EQ(bodies, expected[extended]) << "extended message " << extended;
  }
}

// Validated against AWS (LocalStack's test_fifo_message_group_visibility_after_change_message_
// visibility and ..._after_terminate_visibility_timeout): a group whose oldest message comes back
// from in flight is served after the groups that were waiting, even when ChangeMessageVisibility 0
// brings it back in the same millisecond.
TEST_F(SqsFifo, GroupBackFromInFlightIsServedAfterTheWaitingGroups) {
  for (int timeout : {0, 1}) {
    std::string url =
        CreateQueue(Named("q", timeout) + ".fifo", {{"FifoQueue", "true"},
                                                    {"VisibilityTimeout", "30"},
                                                    {"ContentBasedDeduplication", "true"}});
    for (const char* body : {"g1-m1", "g1-m2"}) Ok("SendMessage", Send(url, body, "group-1"));
    Ok("SendMessage", Send(url, "g2-m1", "group-2"));
    json first = Receive(url, {{"MaxNumberOfMessages", 2}});
    ASSERT_EQ(first.size(), 2u);
    Ok("ChangeMessageVisibility", {{"QueueUrl", url},
                                   {"ReceiptHandle", first[0]["ReceiptHandle"]},
                                   {"VisibilityTimeout", timeout}});
    Advance(timeout * 1'000);
    EXPECT_EQ(ReceivedBodies(url), json({"g2-m1", "g1-m1"})) << "timeout " << timeout;
  }
}

// ... but a group whose received messages were deleted keeps its place by its next message (AWS's
// order in LocalStack's test_fifo_message_group_visibility_after_delete).
TEST_F(SqsFifo, GroupWithItsReceivedMessagesDeletedKeepsItsPlace) {
  std::string url =
      CreateQueue("q.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  const std::pair<const char*, const char*> sends[] = {
      {"g1-m1", "group-1"}, {"g2-m1", "group-2"}, {"g1-m2", "group-1"}, {"g2-m2", "group-2"},
      {"g1-m3", "group-1"}, {"g1-m4", "group-1"}, {"g3-m1", "group-3"}};
  for (const auto& [body, group] : sends) Ok("SendMessage", Send(url, body, group));
  json first = Receive(url, {{"MaxNumberOfMessages", 2}});
  ASSERT_EQ(first.size(), 2u);
  for (const auto& m : first) {
    Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", m["ReceiptHandle"]}});
  }
  EXPECT_EQ(ReceivedBodies(url), json({"g2-m1", "g2-m2", "g1-m3", "g1-m4", "g3-m1"}));
}

TEST_F(SqsFifo, OrderKeptAfterVisibilityExpiry) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}, {"VisibilityTimeout", "5"}});
  for (int i = 0; i < 3; ++i) {
    Ok("SendMessage", Send(url, Named("m", i), "G", std::to_string(i)));
  }
  json got = Receive(url, {{"MaxNumberOfMessages", 2}});
  ASSERT_EQ(got.size(), 2u);
  Advance(5'000);
  got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]["Body"], "m0");
  EXPECT_EQ(got[2]["Body"], "m2");
}

TEST_F(SqsFifo, ExpiredHandleCannotDelete) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}, {"VisibilityTimeout", "1"}});
  Ok("SendMessage", Send(url, "foobar", "g", "d"));
  json m = Receive(url)[0];
  Advance(1'000);
  std::string handle = m["ReceiptHandle"];
  AwsError e = Err("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", handle}},
                   "InvalidParameterValueException");
  EXPECT_EQ(e.message, "Value " + handle +
                           " for parameter ReceiptHandle is invalid. Reason: The receipt handle "
                           "has expired.");
}

TEST_F(SqsFifo, ReceiveRequestAttemptIdReturnsSameBatch) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}});
  Ok("SendMessage", Send(url, "m", "g", "d"));
  json a = Receive(url, {{"ReceiveRequestAttemptId", "try-1"}});
  json b = Receive(url, {{"ReceiveRequestAttemptId", "try-1"}});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(Receive(url, {{"ReceiveRequestAttemptId", "try-2"}}).empty());
}

TEST_F(SqsFifo, InFlightLimitReturnsNothingMore) {
  config_.sqs_max_inflight = 2;
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}});
  for (int i = 0; i < 4; ++i) Ok("SendMessage", Send(url, "m", Named("g", i), Named("d", i)));
  json got = Receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(Receive(url).empty());  // no OverLimit for FIFO queues
  Ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", got[0]["ReceiptHandle"]}});
  EXPECT_EQ(Receive(url, {{"MaxNumberOfMessages", 10}}).size(), 1u);
}

TEST_F(SqsFifo, HighThroughputAttributesRoundTripAndPair) {
  std::string url = CreateQueue("q.fifo", {{"FifoQueue", "true"}});
  auto attrs = [&] {
    return Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}})["Attributes"];
  };
  EXPECT_EQ(attrs()["DeduplicationScope"], "queue");
  EXPECT_EQ(attrs()["FifoThroughputLimit"], "perQueue");
  // perMessageGroupId needs DeduplicationScope messageGroup, in the same call or already set.
  AwsError e =
      Err("SetQueueAttributes",
          {{"QueueUrl", url}, {"Attributes", {{"FifoThroughputLimit", "perMessageGroupId"}}}},
          "InvalidAttributeValue");
  EXPECT_EQ(e.message,
            "Invalid value for the parameter FifoThroughputLimit. Reason: The perMessageGroupId "
            "value is allowed only when the value for DeduplicationScope is messageGroup.");
  Ok("SetQueueAttributes",
     {{"QueueUrl", url}, {"Attributes", {{"DeduplicationScope", "messageGroup"}}}});
  Ok("SetQueueAttributes",
     {{"QueueUrl", url}, {"Attributes", {{"FifoThroughputLimit", "perMessageGroupId"}}}});
  EXPECT_EQ(attrs()["DeduplicationScope"], "messageGroup");
  EXPECT_EQ(attrs()["FifoThroughputLimit"], "perMessageGroupId");
  Err("SetQueueAttributes",
      {{"QueueUrl", url}, {"Attributes", {{"FifoThroughputLimit", "perGroup"}}}},
      "InvalidAttributeValue");
  Err("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"DeduplicationScope", "group"}}}},
      "InvalidAttributeValue");
  // Back to normal throughput: both at once (the recorded AWS sequence).
  Ok("SetQueueAttributes",
     {{"QueueUrl", url},
      {"Attributes", {{"DeduplicationScope", "queue"}, {"FifoThroughputLimit", "perQueue"}}}});
  EXPECT_EQ(attrs()["FifoThroughputLimit"], "perQueue");
}

TEST_F(SqsFifo, CreateRules) {
  Err("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"DeduplicationScope", "queue"}}}},
      "InvalidAttributeName");
  CreateQueue("f.fifo", {{"FifoQueue", "true"}});
  AwsError e = Err("CreateQueue",
                   {{"QueueName", "f.fifo"},
                    {"Attributes", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}}}},
                   "QueueNameExists");
  EXPECT_EQ(e.message,
            "A queue already exists with the same name and a different value for attribute "
            "ContentBasedDeduplication");
}

// Recorded: AWS takes booleans in any case and returns them in lower case; FifoQueue "false"
// is no attribute it knows; FifoQueue "true" on a FIFO queue changes nothing and is accepted.
TEST_F(SqsFifo, BooleanAttributesInAnyCase) {
  std::string url =
      CreateQueue("c.fifo", {{"FifoQueue", "True"}, {"ContentBasedDeduplication", "False"}});
  json attrs = Ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(attrs["Attributes"]["FifoQueue"], "true");
  EXPECT_EQ(attrs["Attributes"]["ContentBasedDeduplication"], "false");
  EXPECT_EQ(CreateQueue("c.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "false"}}),
            url);  // the same attributes: idempotent
  Ok("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"FifoQueue", "true"}}}});
  AwsError e =
      Err("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"FifoQueue", "false"}}}},
          "InvalidAttributeValue");
  EXPECT_EQ(e.message,
            "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not "
            "supported.");
  e = Err("CreateQueue", {{"QueueName", "standard"}, {"Attributes", {{"FifoQueue", "false"}}}},
          "InvalidAttributeName");
  EXPECT_EQ(e.message, "Unknown Attribute FifoQueue.");
  e = Err("CreateQueue", {{"QueueName", "x.fifo"}, {"Attributes", {{"FifoQueue", "yes"}}}},
          "InvalidAttributeValue");
  EXPECT_EQ(e.message, "Invalid value for the parameter FifoQueue.");
}

}  // namespace
}  // namespace wharf::sqs::testing
