// http/https subscriptions: confirmation POST, notifications with AWS headers, DeliveryPolicy
// retries driven by the virtual clock, redrive to a DLQ after the last retry.
#include "services/sns/sns_core.h"
#include "sns_test_util.h"

namespace wharf::sns::testing {
namespace {

using HttpDeliveryTest = SnsFixture;

// Query parameter `key` of a URL (values here need no percent-decoding beyond ':' '/').
std::string QueryParam(const std::string& url, const std::string& key) {
  auto pos = url.find(key + "=");
  if (pos == std::string::npos) return "";
  pos += key.size() + 1;
  return url.substr(pos, url.find('&', pos) - pos);
}

std::string ConfirmedSubscription(SnsFixture& f, Endpoint& ep, const std::string& topic) {
  json r = f.OkPublic("Subscribe", {{"TopicArn", topic},
                                    {"Protocol", "http"},
                                    {"Endpoint", ep.Url()},
                                    {"ReturnSubscriptionArn", true}});
  auto reqs = ep.WaitFor(1);
  EXPECT_EQ(reqs.size(), 1u);
  if (reqs.empty()) return "";
  json body = json::parse(reqs[0].body);
  f.OkPublic("ConfirmSubscription", {{"TopicArn", topic}, {"Token", body["Token"]}});
  return r["SubscriptionArn"];
}

TEST_F(HttpDeliveryTest, ConfirmationThenNotification) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  json r = Ok("Subscribe", {{"TopicArn", topic}, {"Protocol", "http"}, {"Endpoint", ep.Url()}});
  EXPECT_EQ(r["SubscriptionArn"], "pending confirmation");
  auto reqs = ep.WaitFor(1);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].Header("x-amz-sns-message-type"), "SubscriptionConfirmation");
  EXPECT_EQ(reqs[0].Header("x-amz-sns-topic-arn"), topic);
  EXPECT_EQ(reqs[0].Header("content-type"), "text/plain; charset=UTF-8");
  json conf = json::parse(reqs[0].body);
  EXPECT_EQ(conf["Type"], "SubscriptionConfirmation");
  std::string url = conf["SubscribeURL"];
  EXPECT_EQ(url.find("http://localhost:4566/?Action=ConfirmSubscription&TopicArn="), 0u);
  EXPECT_EQ(QueryParam(url, "Token"), conf["Token"]);
  Ok("Publish", {{"TopicArn", topic}, {"Message", "before confirm"}});
  std::string sub =
      Ok("ConfirmSubscription", {{"TopicArn", topic}, {"Token", conf["Token"]}})["SubscriptionArn"];
  json msg = Ok("Publish", {{"TopicArn", topic}, {"Message", "hi"}});
  reqs = ep.WaitFor(2);
  ASSERT_EQ(reqs.size(), 2u);  // nothing was sent while pending
  EXPECT_EQ(reqs[1].Header("x-amz-sns-message-type"), "Notification");
  EXPECT_EQ(reqs[1].Header("x-amz-sns-message-id"), msg["MessageId"]);
  EXPECT_EQ(reqs[1].Header("x-amz-sns-subscription-arn"), sub);
  json env = json::parse(reqs[1].body);
  EXPECT_EQ(env["Message"], "hi");
  EXPECT_FALSE(env["Signature"].get<std::string>().empty());
}

TEST_F(HttpDeliveryTest, UnsubscribePostsUnsubscribeConfirmation) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  std::string sub = ConfirmedSubscription(*this, ep, topic);
  Ok("Unsubscribe", {{"SubscriptionArn", sub}});
  auto reqs = ep.WaitFor(2);
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].Header("x-amz-sns-message-type"), "UnsubscribeConfirmation");
  EXPECT_EQ(reqs[1].Header("x-amz-sns-subscription-arn"), sub);
  EXPECT_EQ(reqs[1].Header("x-amz-sns-topic-arn"), topic);
  json body = json::parse(reqs[1].body);
  EXPECT_EQ(body["Type"], "UnsubscribeConfirmation");
  EXPECT_EQ(body["Message"], "You have chosen to deactivate subscription " + sub +
                                 ".\nTo cancel this operation and restore the subscription, "
                                 "visit the SubscribeURL included in this message.");
  const std::string token = body["Token"];
  EXPECT_EQ(token.size(), 128u);
  EXPECT_EQ(QueryParam(body["SubscribeURL"], "Token"), token);
  EXPECT_EQ(body["SubscribeURL"].get<std::string>().find(
                "http://localhost:4566/?Action=ConfirmSubscription&TopicArn="),
            0u);
  EXPECT_FALSE(body["Signature"].get<std::string>().empty());
  EXPECT_EQ(body["SignatureVersion"], "1");
  Ok("Publish", {{"TopicArn", topic}, {"Message", "after unsubscribe"}});
  Ok("Unsubscribe", {{"SubscriptionArn", sub}});  // already gone: no second POST
  Ok("ListTopics", json::object());
  EXPECT_EQ(ep.Count(), 2u);
}

TEST_F(HttpDeliveryTest, RetriesOnTheVirtualClockThenDlq) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  std::string dlq = CreateQueue("dlq");
  std::string sub = ConfirmedSubscription(*this, ep, topic);
  Ok("SetSubscriptionAttributes", {{"SubscriptionArn", sub},
                                   {"AttributeName", "RedrivePolicy"},
                                   {"AttributeValue", json{{"deadLetterTargetArn", dlq}}.dump()}});
  ep.QueueStatuses({500, 500, 500, 500});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "flaky"}});
  ASSERT_EQ(ep.WaitFor(2).size(), 2u);  // confirmation + first attempt
  for (size_t n = 3; n <= 5; ++n) {
    ASSERT_TRUE(WaitForLog(sub, "retrying", n - 2));
    // Default policy: 3 retries, 20 s apart. Nothing is sent before the delay passes.
    Advance(19'000);
    EXPECT_EQ(ep.Count(), n - 1);
    Advance(1'000);
    ASSERT_EQ(ep.WaitFor(n).size(), n);
  }
  // After the last retry fails the message goes to the DLQ.
  ASSERT_TRUE(WaitForLog(sub, "dead-lettered", 1));
  json msgs = Receive("dlq");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0]["Body"].get<std::string>())["Message"], "flaky");
  json log = AdminGet("/deliveries", {{"subscription", sub}}).value()["deliveries"];
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back()["status"], "dead-lettered");
  EXPECT_EQ(log.back()["attempt"], 4);
}

TEST_F(HttpDeliveryTest, SucceedsOnRetry) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  std::string sub = ConfirmedSubscription(*this, ep, topic);
  ep.QueueStatuses({503});
  Ok("Publish", {{"TopicArn", topic}, {"Message", "second time lucky"}});
  ASSERT_EQ(ep.WaitFor(2).size(), 2u);
  ASSERT_TRUE(WaitForLog(sub, "retrying", 1));
  Advance(20'000);
  auto reqs = ep.WaitFor(3);
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(json::parse(reqs[2].body)["Message"], "second time lucky");
}

// Recorded (test_subscribe_external_http_endpoint_content_type): a subscription's DeliveryPolicy
// is stored with every policy (null when not given) and guaranteed false; the effective one has
// the requestPolicy the POSTs use, the subscription's or else the topic's default.
TEST_F(HttpDeliveryTest, DeliveryPolicyStoredAndEffectiveAsAwsShowsThem) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  std::string sub = ConfirmedSubscription(*this, ep, topic);
  const auto set_policy = [&](const char* attribute, const std::string& arn, const json& policy) {
    Ok(std::string("Set") + attribute + "Attributes", {{std::string(attribute) + "Arn", arn},
                                                       {"AttributeName", "DeliveryPolicy"},
                                                       {"AttributeValue", policy.dump()}});
  };
  const auto policies = [&] {
    json a = Ok("GetSubscriptionAttributes", {{"SubscriptionArn", sub}})["Attributes"];
    return std::pair{json::parse(a["DeliveryPolicy"].get<std::string>()),
                     json::parse(a["EffectiveDeliveryPolicy"].get<std::string>())};
  };
  const json csv = {{"headerContentType", "text/csv"}};
  set_policy("Subscription", sub, {{"requestPolicy", csv}});
  auto [stored, effective] = policies();
  EXPECT_EQ(stored, json({{"healthyRetryPolicy", nullptr},
                          {"sicklyRetryPolicy", nullptr},
                          {"throttlePolicy", nullptr},
                          {"requestPolicy", csv},
                          {"guaranteed", false}}));
  EXPECT_EQ(effective["requestPolicy"], csv);
  EXPECT_EQ(effective["healthyRetryPolicy"]["numRetries"], 3);

  const json by_topic = {{"headerContentType", "application/json"}};
  set_policy("Topic", topic, {{"http", {{"defaultRequestPolicy", by_topic}}}});
  set_policy("Subscription", sub, {{"throttlePolicy", {{"maxReceivesPerSecond", 1000}}}});
  std::tie(stored, effective) = policies();
  EXPECT_EQ(stored["requestPolicy"], nullptr);
  EXPECT_EQ(effective["requestPolicy"], by_topic);
  EXPECT_EQ(effective["throttlePolicy"]["maxReceivesPerSecond"], 1000);
}

TEST_F(HttpDeliveryTest, ThrottlePolicySpacesDeliveries) {
  Endpoint ep;
  std::string topic = CreateTopic("t");
  std::string sub = ConfirmedSubscription(*this, ep, topic);
  Ok("SetSubscriptionAttributes",
     {{"SubscriptionArn", sub},
      {"AttributeName", "DeliveryPolicy"},
      {"AttributeValue", json{{"throttlePolicy", {{"maxReceivesPerSecond", 1}}}}.dump()}});
  for (const char* m : {"1", "2", "3"}) Ok("Publish", {{"TopicArn", topic}, {"Message", m}});
  ASSERT_EQ(ep.WaitFor(2).size(), 2u);  // confirmation + the first message at once
  for (size_t n = 3; n <= 4; ++n) {
    ASSERT_TRUE(WaitForLog(sub, "delivered", n - 2));
    Advance(999);
    EXPECT_EQ(ep.Count(), n - 1);  // one per second
    Advance(1);
    ASSERT_EQ(ep.WaitFor(n).size(), n);
  }
  ASSERT_TRUE(WaitForLog(sub, "delivered", 3));
}

TEST(RetryPolicyTest, Phases) {
  RetryPolicy p;
  EXPECT_EQ(p.DelayMs(1), 20'000);
  EXPECT_EQ(p.DelayMs(3), 20'000);
  EXPECT_EQ(p.DelayMs(4), -1);
  p.num_retries = 10;
  p.num_no_delay = 2;
  p.num_min_delay = 2;
  p.num_max_delay = 2;
  p.min_delay = 1;
  p.max_delay = 9;
  EXPECT_EQ(p.DelayMs(1), 0);
  EXPECT_EQ(p.DelayMs(2), 0);
  EXPECT_EQ(p.DelayMs(3), 1'000);
  EXPECT_EQ(p.DelayMs(4), 1'000);
  EXPECT_EQ(p.DelayMs(5), 3'000);  // linear backoff over 4 steps: 1 + 8 * 1/4
  EXPECT_EQ(p.DelayMs(8), 9'000);
  EXPECT_EQ(p.DelayMs(10), 9'000);
  EXPECT_EQ(p.DelayMs(11), -1);
  p.backoff = "exponential";
  EXPECT_LT(p.DelayMs(5), 3'000);
  p.backoff = "geometric";
  EXPECT_GT(p.DelayMs(5), 3'000);
}

}  // namespace
}  // namespace wharf::sns::testing
