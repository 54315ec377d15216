// The SNS engine on a SQLite store whose writes fail on demand (fault_vfs.h, as on a full disk):
// a request answered 503 leaves nothing behind, neither in the engine's memory nor on disk, and
// the engine carries on once the fault is gone.

#include "fault_fixture.h"
#include "sns_test_util.h"

namespace wharf::sns::testing {
namespace {

using SnsFaultTest = wharf::testing::FaultFixture<SnsOnDiskFixture>;

TEST_F(SnsFaultTest, CreateTopicAnswered503LeavesNoTopic) {
  const std::string arn = "arn:aws:sns:us-east-1:000000000000:t";
  CallOnFullDisk("CreateTopic", {{"Name", "t"}});
  EXPECT_EQ(sns_->Summary()["topics"], 0);  // first: nothing has reloaded the engine yet
  Err("GetTopicAttributes", {{"TopicArn", arn}}, "NotFound");
  EXPECT_EQ(Ok("ListTopics", json::object())["Topics"].size(), 0u);
  EXPECT_EQ(CreateTopic("t"), arn);
  StartEngines();  // a restart on the same store
  EXPECT_EQ(Ok("ListTopics", json::object())["Topics"].size(), 1u);
}

TEST_F(SnsFaultTest, SubscribeAnswered503DeliversNothing) {
  const std::string topic = CreateTopic("t");
  const std::string queue = CreateQueue("q");
  CallOnFullDisk("Subscribe", {{"TopicArn", topic}, {"Protocol", "sqs"}, {"Endpoint", queue}});
  EXPECT_EQ(Ok("ListSubscriptionsByTopic", {{"TopicArn", topic}})["Subscriptions"].size(), 0u);
  Ok("Publish", {{"TopicArn", topic}, {"Message", "m"}});
  EXPECT_EQ(Receive("q").size(), 0u);
  StartEngines();
  EXPECT_EQ(Ok("ListSubscriptionsByTopic", {{"TopicArn", topic}})["Subscriptions"].size(), 0u);
  SubscribeQueue(topic, queue, {{"RawMessageDelivery", "true"}});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "after"}});
  EXPECT_EQ(ReceiveWait("q")[0]["Body"], "after");
}

}  // namespace
}  // namespace wharf::sns::testing
