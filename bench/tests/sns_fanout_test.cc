#include "sns_fanout.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fake_server.h"

namespace wharf::bench {
namespace {

using nlohmann::json;
using testing::FakeServer;
using testing::SeenRequest;

// The percent-decoded value of `key` in a form body, or "".
std::string FormValue(const std::string& body, const std::string& key) {
  const std::string form = "&" + body;
  size_t at = form.find("&" + key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 2;
  const std::string raw = form.substr(at, form.find('&', at) - at);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

// SNS (query) and SQS (JSON) as far as the scenario uses them: every Publish puts an envelope in
// each subscribed queue, except that the queues named in `dropping` get only the first (the
// warm-up). ReceiveMessage answers at once.
// Used from the FakeServer's thread only.
class FakeSnsSqs {
 public:
  explicit FakeSnsSqs(std::set<std::string> dropping = {}) : dropping_(std::move(dropping)) {}

  std::string Handle(const SeenRequest& r) {
    const size_t t = r.head.find("X-Amz-Target: AmazonSQS.");
    if (t == std::string::npos) return Sns(r.body);
    const std::string op = r.head.substr(t + 24, r.head.find("\r\n", t) - t - 24);
    json in = json::parse(r.body);
    json out = json::object();
    if (op == "CreateQueue") {
      out["QueueUrl"] = "http://127.0.0.1/000000000000/" + in["QueueName"].get<std::string>();
    } else if (op == "GetQueueAttributes") {
      const std::string url = in["QueueUrl"];
      out["Attributes"]["QueueArn"] = "arn:aws:sqs:us-east-1:000000000000:" + Name(url);
    } else if (op == "ReceiveMessage") {
      EXPECT_EQ(in["WaitTimeSeconds"], 20);
      EXPECT_EQ(in["MaxNumberOfMessages"], 10);
      auto& q = queues_[Name(in["QueueUrl"])];
      for (int i = 0; i < 10 && !q.empty(); ++i) {
        out["Messages"].push_back(
            {{"ReceiptHandle", "h" + std::to_string(++handles_)}, {"Body", q.front()}});
        q.erase(q.begin());
      }
    } else if (op == "DeleteMessageBatch") {
      out["Successful"] = json::array();
      for (const json& e : in["Entries"]) out["Successful"].push_back({{"Id", e["Id"]}});
      out["Failed"] = json::array();
    }
    return FakeServer::Reply(200, out.dump());
  }

  const std::vector<std::string>& subscribe_bodies() const { return subscribe_bodies_; }

 private:
  static std::string Name(const std::string& url_or_arn) {
    return url_or_arn.substr(url_or_arn.find_last_of("/:") + 1);
  }

  std::string Sns(const std::string& body) {
    const std::string action = FormValue(body, "Action");
    std::string result;
    if (action == "CreateTopic") {
      result = "<TopicArn>arn:aws:sns:us-east-1:000000000000:t</TopicArn>";
    } else if (action == "Subscribe") {
      subscribe_bodies_.push_back(body);
      subscribers_.push_back(Name(FormValue(body, "Endpoint")));
      result = "<SubscriptionArn>arn:s</SubscriptionArn>";
    } else if (action == "Publish") {
      const json envelope = {{"Type", "Notification"},
                             {"MessageId", "m"},
                             {"TopicArn", FormValue(body, "TopicArn")},
                             {"Message", FormValue(body, "Message")}};
      for (const std::string& q : subscribers_) {
        if (publishes_ == 0 || !dropping_.count(q)) queues_[q].push_back(envelope.dump());
      }
      ++publishes_;
      result = "<MessageId>m</MessageId>";
    }
    const std::string xml = "<" + action + "Response><" + action + "Result>" + result + "</" +
                            action + "Result></" + action + "Response>";
    return "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " +
           std::to_string(xml.size()) + "\r\n\r\n" + xml;
  }

  std::set<std::string> dropping_;
  std::vector<std::string> subscribers_;
  std::map<std::string, std::vector<std::string>> queues_;
  std::vector<std::string> subscribe_bodies_;
  uint64_t handles_ = 0;
  uint64_t publishes_ = 0;
};

Options FanoutOptions(const FakeServer& server, int subscribers) {
  auto o =
      ParseOptions({"sns-fanout-latency", "--endpoint",
                    "http://127.0.0.1:" + std::to_string(server.port()), "--rate", "100", "-d", "1",
                    "-c", "2", "--subscribers", std::to_string(subscribers), "--receivers", "1"});
  EXPECT_TRUE(o.ok());
  return *o;
}

uint64_t Count(const RunReport& r, const std::string& name) {
  for (const auto& [n, count] : r.counts) {
    if (n == name) return count;
  }
  ADD_FAILURE() << "no count " << name;
  return 0;
}

TEST(SnsFanoutTest, SequenceComesFromTheEnvelopesMessage) {
  EXPECT_EQ(FanoutSequence(R"({"Type":"Notification","Message":"42 abc"})"), 42u);
  EXPECT_EQ(FanoutSequence(R"({"Message":"7"})"), 7u);
  EXPECT_EQ(FanoutSequence(R"({"Message":"x7 abc"})"), std::nullopt);
  EXPECT_EQ(FanoutSequence(R"({"Message":"7x"})"), std::nullopt);
  EXPECT_EQ(FanoutSequence(R"({"Message":7})"), std::nullopt);
  EXPECT_EQ(FanoutSequence("42 abc"), std::nullopt);  // a raw delivery is not what it expects
  EXPECT_EQ(FanoutSequence(R"({"Message":"99999999999999999999999 a"})"), std::nullopt);
}

TEST(SnsFanoutTest, NeedsARateAndDefaultsToTenQueues) {
  auto no_rate = ParseOptions({"sns-fanout-latency"});
  ASSERT_FALSE(no_rate.ok());
  EXPECT_EQ(no_rate.error().code, "BenchUsage");
  auto o = ParseOptions({"sns-fanout-latency", "--rate", "50"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->setup.subscribers, 10);
  EXPECT_EQ(o->receivers, 2);
}

TEST(SnsFanoutTest, EveryPublishIsSeenInEveryQueue) {
  FakeSnsSqs fake;
  FakeServer server([&fake](const SeenRequest& r) { return fake.Handle(r); });
  std::ostringstream log;
  auto report = RunSnsFanout(FanoutOptions(server, 3), log);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const uint64_t publishes = Count(*report, "publishes");
  EXPECT_GT(publishes, 0u);
  EXPECT_EQ(report->stats.ok, publishes);
  EXPECT_EQ(Count(*report, "complete"), publishes);
  EXPECT_EQ(Count(*report, "missing_deliveries"), 0u);
  EXPECT_EQ(Count(*report, "foreign_messages"), 0u);
  EXPECT_EQ(report->stats.latency.count(), publishes);
  EXPECT_EQ(report->stats.messages, 3 * publishes);
  ASSERT_EQ(fake.subscribe_bodies().size(), 3u);
  for (const std::string& body : fake.subscribe_bodies()) {
    EXPECT_EQ(FormValue(body, "Protocol"), "sqs");
    EXPECT_EQ(body.find("RawMessageDelivery"), std::string::npos);  // envelopes, as by default
  }
  EXPECT_NE(log.str().find("Publish requests"), std::string::npos);
}

TEST(SnsFanoutTest, DeliveriesThatNeverComeAreCountedMissing) {
  FakeSnsSqs fake({"bench-sns-fanout-latency-x-sub-1"});
  FakeServer server([&fake](const SeenRequest& r) { return fake.Handle(r); });
  Options options = FanoutOptions(server, 2);
  options.setup.name = "bench-sns-fanout-latency-x";
  std::ostringstream log;
  auto report = RunSnsFanout(options, log, std::chrono::milliseconds(200));
  ASSERT_TRUE(report.ok()) << report.error().message;
  const uint64_t publishes = Count(*report, "publishes");
  EXPECT_GT(publishes, 0u);
  EXPECT_EQ(Count(*report, "complete"), 0u);
  EXPECT_EQ(Count(*report, "missing_deliveries"), publishes);
  EXPECT_EQ(report->stats.latency.count(), 0u);
}

}  // namespace
}  // namespace wharf::bench
