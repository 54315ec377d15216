#include "scenario.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace wharf::bench {
namespace {

using nlohmann::json;

WorkloadConfig Config(const std::string& scenario) {
  WorkloadConfig c;
  c.scenario = scenario;
  c.endpoint = {"127.0.0.1", "localhost:4566", 4566};
  c.body_size = 16;
  c.targets.queue_url = "http://localhost:4566/000000000000/q";
  c.targets.topic_arn = "arn:aws:sns:us-east-1:000000000000:t";
  c.targets.stream = "s";
  return c;
}

std::string Body(const std::string& request) {
  return request.substr(request.find("\r\n\r\n") + 4);
}

HttpResponse Answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(ScenarioTest, EveryScenarioIsKnown) {
  for (const auto& s : Scenarios()) {
    ASSERT_NE(FindScenario(s.name), nullptr);
    if (s.name == "sns-fanout-latency") continue;  // its publishes come from RunSnsFanout
    auto w = MakeWorkload(Config(std::string(s.name)), 0);
    EXPECT_FALSE(w->NextRequest().empty()) << s.name;
  }
  EXPECT_EQ(FindScenario("sqs-purge"), nullptr);
}

TEST(ScenarioTest, Base64) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
}

TEST(ScenarioTest, SqsSendIsJson10) {
  auto w = MakeWorkload(Config("sqs-send"), 0);
  std::string r = w->NextRequest();
  EXPECT_TRUE(r.starts_with("POST / HTTP/1.1\r\n"));
  EXPECT_NE(r.find("X-Amz-Target: AmazonSQS.SendMessage\r\n"), std::string::npos);
  json body = json::parse(Body(r));
  EXPECT_EQ(body["QueueUrl"], "http://localhost:4566/000000000000/q");
  EXPECT_EQ(body["MessageBody"].get<std::string>().size(), 16u);
  EXPECT_EQ(w->OnResponse(Answer(200, "{}")), 1u);
  EXPECT_EQ(w->OnResponse(Answer(400, "{}")), 0u);
}

TEST(ScenarioTest, SqsSendBatchHasTenEntries) {
  auto w = MakeWorkload(Config("sqs-send-batch"), 0);
  json body = json::parse(Body(w->NextRequest()));
  EXPECT_EQ(body["Entries"].size(), 10u);
  EXPECT_EQ(w->OnResponse(Answer(200, "{}")), 10u);
}

TEST(ScenarioTest, SqsCreateQueueUsesNewNames) {
  auto w = MakeWorkload(Config("sqs-create-queue"), 3);
  std::string first = Body(w->NextRequest());
  EXPECT_EQ(json::parse(first)["QueueName"], "bench-3-0");
  EXPECT_EQ(json::parse(Body(w->NextRequest()))["QueueName"], "bench-3-1");
  EXPECT_EQ(w->OnResponse(Answer(200, "{}")), 1u);
}

TEST(ScenarioTest, SqsListQueuesFollowsNextToken) {
  auto w = MakeWorkload(Config("sqs-list-queues"), 0);
  json first = json::parse(Body(w->NextRequest()));
  EXPECT_EQ(first, json({{"MaxResults", 1000}}));
  EXPECT_EQ(w->OnResponse(Answer(200, R"({"QueueUrls":["a","b"],"NextToken":"t1"})")), 2u);
  EXPECT_EQ(json::parse(Body(w->NextRequest()))["NextToken"], "t1");
  EXPECT_EQ(w->OnResponse(Answer(200, R"({"QueueUrls":["c"]})")), 1u);
  EXPECT_FALSE(json::parse(Body(w->NextRequest())).contains("NextToken"));
  EXPECT_EQ(w->OnResponse(Answer(500, "{}")), 0u);
}

TEST(ScenarioTest, QueryScenarios) {
  std::string sqs = MakeWorkload(Config("sqs-send-query"), 0)->NextRequest();
  EXPECT_NE(sqs.find("Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost"),
            std::string::npos);
  EXPECT_NE(sqs.find("/sqs/aws4_request"), std::string::npos);
  std::string sns = MakeWorkload(Config("sns-publish"), 0)->NextRequest();
  EXPECT_NE(sns.find("Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns"),
            std::string::npos);
  EXPECT_NE(sns.find("/sns/aws4_request"), std::string::npos);
}

TEST(ScenarioTest, KinesisPutRotatesPartitionKeys) {
  auto w = MakeWorkload(Config("kinesis-put"), 0);
  std::string first = w->NextRequest();
  EXPECT_NE(first.find("X-Amz-Target: Kinesis_20131202.PutRecord\r\n"), std::string::npos);
  EXPECT_NE(first.find("application/x-amz-json-1.1"), std::string::npos);
  json a = json::parse(Body(first));
  json b = json::parse(Body(w->NextRequest()));
  EXPECT_EQ(a["StreamName"], "s");
  EXPECT_EQ(a["Data"], Base64(MakeBody(16)));
  EXPECT_NE(a["PartitionKey"], b["PartitionKey"]);
}

TEST(ScenarioTest, SqsCycleDeletesWhatItReceived) {
  auto w = MakeWorkload(Config("sqs-cycle"), 0);
  std::string receive = w->NextRequest();
  EXPECT_NE(receive.find("AmazonSQS.ReceiveMessage"), std::string::npos);
  EXPECT_EQ(json::parse(Body(receive))["MaxNumberOfMessages"], 10);
  EXPECT_EQ(w->OnResponse(Answer(200, R"({"Messages":[{"ReceiptHandle":"h1"},)"
                                      R"({"ReceiptHandle":"h\"2"}]})")),
            0u);
  std::string del = w->NextRequest();
  EXPECT_NE(del.find("AmazonSQS.DeleteMessageBatch"), std::string::npos);
  json entries = json::parse(Body(del))["Entries"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["ReceiptHandle"], "h\"2");
  EXPECT_EQ(w->OnResponse(Answer(200, R"({"Successful":[{"Id":"0"},{"Id":"1"}],"Failed":[]})")),
            2u);
  // Back to receiving; an empty queue keeps it receiving.
  EXPECT_NE(w->NextRequest().find("AmazonSQS.ReceiveMessage"), std::string::npos);
  EXPECT_EQ(w->OnResponse(Answer(200, "{}")), 0u);
  EXPECT_NE(w->NextRequest().find("AmazonSQS.ReceiveMessage"), std::string::npos);
}

TEST(ScenarioTest, SqsCycleFailedDeleteResets) {
  auto w = MakeWorkload(Config("sqs-cycle"), 0);
  w->NextRequest();
  w->OnResponse(Answer(200, R"({"Messages":[{"ReceiptHandle":"h1"}]})"));
  EXPECT_NE(w->NextRequest().find("DeleteMessageBatch"), std::string::npos);
  EXPECT_EQ(w->OnResponse(Answer(0, "")), 0u);
  EXPECT_NE(w->NextRequest().find("AmazonSQS.ReceiveMessage"), std::string::npos);
}

}  // namespace
}  // namespace wharf::bench
