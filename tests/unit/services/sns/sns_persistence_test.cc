// Durability: state and pending deliveries survive a restart on SQLite; ApplyInit; Reset.

#include "sns_test_util.h"

namespace wharf::sns::testing {
namespace {

class PersistenceTest : public SnsOnDiskFixture {};

TEST_F(PersistenceTest, StateSurvivesRestart) {
  std::string topic = CreateTopic("t", {{"DisplayName", "kept"}});
  std::string sub = SubscribeQueue(topic, CreateQueue("q"), {{"RawMessageDelivery", "true"}});
  Ok("TagResource", {{"ResourceArn", topic}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}});
  Ok("SetSMSAttributes", {{"attributes", {{"DefaultSMSType", "Promotional"}}}});
  StartEngines();
  json a = Ok("GetTopicAttributes", {{"TopicArn", topic}})["Attributes"];
  EXPECT_EQ(a["DisplayName"], "kept");
  EXPECT_EQ(a["SubscriptionsConfirmed"], "1");
  EXPECT_EQ(Ok("GetSubscriptionAttributes",
               {{"SubscriptionArn", sub}})["Attributes"]["RawMessageDelivery"],
            "true");
  EXPECT_EQ(Ok("ListTagsForResource", {{"ResourceArn", topic}})["Tags"].size(), 1u);
  EXPECT_EQ(Ok("GetSMSAttributes", json::object())["attributes"]["DefaultSMSType"], "Promotional");
  Ok("Publish", {{"TopicArn", topic}, {"Message", "after restart"}});
  EXPECT_EQ(ReceiveWait("q")[0]["Body"], "after restart");
}

TEST_F(PersistenceTest, FifoDeduplicationWindowSurvivesRestart) {
  std::string topic = CreateTopic("t.fifo", {{"FifoTopic", "true"}});
  const json publish = {{"TopicArn", topic},
                        {"Message", "m"},
                        {"MessageGroupId", "g"},
                        {"MessageDeduplicationId", "d1"}};
  json first = Ok("Publish", publish);
  StartEngines();
  json again = Ok("Publish", publish);
  EXPECT_EQ(again["MessageId"], first["MessageId"]);
  EXPECT_EQ(again["SequenceNumber"], first["SequenceNumber"]);
  Advance(5 * 60 * 1000);  // the window is over
  json later = Ok("Publish", publish);
  EXPECT_NE(later["MessageId"], first["MessageId"]);
  EXPECT_EQ(Ok("Publish", publish)["MessageId"], later["MessageId"]);  // a new window
  // A deleted topic takes its window with it: a new topic of the same name starts afresh.
  Ok("DeleteTopic", {{"TopicArn", topic}});
  EXPECT_EQ(CreateTopic("t.fifo", {{"FifoTopic", "true"}}), topic);
  StartEngines();
  EXPECT_NE(Ok("Publish", publish)["MessageId"], later["MessageId"]);
}

TEST_F(PersistenceTest, SigningKeyIsKept) {
  std::string topic = CreateTopic("t");
  SubscribeQueue(topic, CreateQueue("q"));
  Ok("Publish", {{"TopicArn", topic}, {"Message", "1"}});
  json first = ReceiveWait("q");
  ASSERT_EQ(first.size(), 1u);
  Sqs("DeleteMessage", {{"QueueUrl", QueueUrl("q")}, {"ReceiptHandle", first[0]["ReceiptHandle"]}});
  std::string url1 = json::parse(first[0]["Body"].get<std::string>())["SigningCertURL"];
  StartEngines();
  Ok("Publish", {{"TopicArn", topic}, {"Message", "2"}});
  std::string url2 = json::parse(ReceiveWait("q")[0]["Body"].get<std::string>())["SigningCertURL"];
  EXPECT_EQ(url1, url2);
}

TEST_F(PersistenceTest, PendingHttpDeliveryResumesAtStart) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  json r = Ok("Subscribe", {{"TopicArn", topic},
                            {"Protocol", "http"},
                            {"Endpoint", ep.Url()},
                            {"ReturnSubscriptionArn", true}});
  std::string sub = r["SubscriptionArn"];
  auto reqs = ep.WaitFor(1);
  ASSERT_EQ(reqs.size(), 1u);
  Ok("ConfirmSubscription", {{"TopicArn", topic}, {"Token", json::parse(reqs[0].body)["Token"]}});
  ep.QueueStatuses({500});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "durable"}});
  ASSERT_TRUE(WaitForLog(sub, "retrying", 1));
  StartEngines();  // the retry timer is gone; Start resumes the stored delivery at its time
  Advance(19'000);
  EXPECT_EQ(ep.Count(), 2u);
  Advance(1'000);
  reqs = ep.WaitFor(3);
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(json::parse(reqs[2].body)["Message"], "durable");
  ASSERT_TRUE(WaitForLog(sub, "delivered", 1));
  EXPECT_EQ(
      AdminGet("/deliveries", {{"subscription", sub}}).value()["deliveries"].back()["attempt"], 2);
}

TEST_F(PersistenceTest, RetryBudgetIsKeptAcrossRestarts) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  std::string sub = Ok("Subscribe", {{"TopicArn", topic},
                                     {"Protocol", "http"},
                                     {"Endpoint", ep.Url()},
                                     {"ReturnSubscriptionArn", true}})["SubscriptionArn"];
  Ok("ConfirmSubscription",
     {{"TopicArn", topic}, {"Token", json::parse(ep.WaitFor(1)[0].body)["Token"]}});
  ep.QueueStatuses({500, 500, 500, 500, 500, 500});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "twice restarted"}});
  ASSERT_TRUE(WaitForLog(sub, "retrying", 1));
  Advance(20'000);
  ASSERT_TRUE(WaitForLog(sub, "retrying", 2));
  StartEngines();  // attempts 1 and 2 were made: two retries are left, not three
  Advance(20'000);
  ASSERT_EQ(ep.WaitFor(4).size(), 4u);
  ASSERT_TRUE(WaitForLog(sub, "retrying", 1));
  Advance(20'000);
  ASSERT_EQ(ep.WaitFor(5).size(), 5u);
  ASSERT_TRUE(WaitForLog(sub, "failed", 1));
  EXPECT_EQ(
      AdminGet("/deliveries", {{"subscription", sub}}).value()["deliveries"].back()["attempt"], 4);
  Advance(60'000);
  EXPECT_EQ(ep.Count(), 5u);  // confirmation + 4 attempts
}

TEST_F(PersistenceTest, ApplyInitAndReset) {
  CreateQueue("q");
  Status s = sns_->ApplyInit(
      {{"topics",
        {{{"name", "init-topic"},
          {"attributes", {{"DisplayName", "I"}}},
          {"tags", {{"team", "x"}}},
          {"subscriptions",
           {{{"protocol", "sqs"}, {"endpoint", "arn:aws:sqs:us-east-1:000000000000:q"}}}}}}}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::string arn = "arn:aws:sns:us-east-1:000000000000:init-topic";
  EXPECT_EQ(Ok("GetTopicAttributes", {{"TopicArn", arn}})["Attributes"]["DisplayName"], "I");
  EXPECT_EQ(sns_->Summary()["subscriptions"], 1);
  Ok("Publish", {{"TopicArn", arn}, {"Message", "m"}});
  EXPECT_EQ(ReceiveWait("q").size(), 1u);
  std::optional<Status> done;
  sns_->Reset([&](Status st) { done = std::move(st); });
  store_->Flush();
  ASSERT_TRUE(done && done->ok());
  EXPECT_EQ(sns_->Summary()["topics"], 0);
  StartEngines();
  Err("GetTopicAttributes", {{"TopicArn", arn}}, "NotFound");
}

}  // namespace
}  // namespace wharf::sns::testing
