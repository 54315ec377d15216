#include "driver.h"

#include <gtest/gtest.h>

#include <atomic>

#include "fake_server.h"
#include "setup.h"

namespace wharf::bench {
namespace {

using testing::FakeServer;
using testing::SeenRequest;

LoadConfig Load(const FakeServer& server, int connections, uint64_t requests) {
  LoadConfig c;
  c.endpoint = {"127.0.0.1", "127.0.0.1:" + std::to_string(server.port()), server.port()};
  c.connections = connections;
  c.requests = requests;
  c.duration = std::chrono::seconds(60);
  return c;
}

WorkloadConfig Workload(const LoadConfig& load, const std::string& scenario) {
  WorkloadConfig w;
  w.scenario = scenario;
  w.endpoint = load.endpoint;
  w.targets.queue_url = "http://127.0.0.1/000000000000/q";
  return w;
}

WorkloadFactory Factory(const WorkloadConfig& w) {
  return [w](int i) { return MakeWorkload(w, i); };
}

TEST(DriverTest, ClosedLoopRunsExactlyNRequests) {
  FakeServer server([](const SeenRequest&) { return FakeServer::Reply(200, "{}"); });
  LoadConfig load = Load(server, 4, 100);
  LoadStats s = RunLoad(load, Factory(Workload(load, "sqs-send")));
  EXPECT_EQ(s.requests, 100u);
  EXPECT_EQ(s.ok, 100u);
  EXPECT_EQ(s.messages, 100u);
  EXPECT_EQ(s.ErrorCount(), 0u);
  EXPECT_EQ(s.latency.count(), 100u);
  EXPECT_EQ(server.Seen().size(), 100u);
  EXPECT_NE(server.Seen()[0].head.find("X-Amz-Target: AmazonSQS.SendMessage"), std::string::npos);
}

TEST(DriverTest, ErrorsAreCountedByStatus) {
  std::atomic<int> n{0};
  FakeServer server([&n](const SeenRequest&) {
    return ++n % 4 == 0 ? FakeServer::Reply(503, "{}") : FakeServer::Reply(200, "{}");
  });
  LoadConfig load = Load(server, 1, 40);
  LoadStats s = RunLoad(load, Factory(Workload(load, "sqs-send")));
  EXPECT_EQ(s.requests, 40u);
  EXPECT_EQ(s.ok, 30u);
  EXPECT_EQ(s.errors["503"], 10u);
  EXPECT_EQ(s.messages, 30u);
}

TEST(DriverTest, ChunkedAndConnectionCloseAnswers) {
  FakeServer server([](const SeenRequest&) {
    return std::string(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "2\r\n{}\r\n0\r\n\r\n");
  });
  LoadConfig load = Load(server, 2, 10);
  LoadStats s = RunLoad(load, Factory(Workload(load, "health")));
  EXPECT_EQ(s.ok, 10u);
  EXPECT_EQ(s.ErrorCount(), 0u);
}

TEST(DriverTest, OpenLoopSendsTheRequestedCount) {
  FakeServer server([](const SeenRequest&) { return FakeServer::Reply(200, "{}"); });
  LoadConfig load = Load(server, 2, 20);
  load.rate = 2000;
  LoadStats s = RunLoad(load, Factory(Workload(load, "health")));
  EXPECT_EQ(s.requests, 20u);
  EXPECT_EQ(s.ok, 20u);
}

TEST(DriverTest, OpenLoopReportsWhatItCouldNotSend) {
  FakeServer server([](const SeenRequest&) { return std::string(); });
  LoadConfig load = Load(server, 1, 0);
  load.rate = 1000;
  load.duration = std::chrono::milliseconds(200);
  load.timeout = std::chrono::milliseconds(300);
  LoadStats s = RunLoad(load, Factory(Workload(load, "health")));
  EXPECT_EQ(s.requests, 1u);  // the only connection waits for an answer that never comes
  EXPECT_EQ(s.errors["timeout"], 1u);
  EXPECT_GT(s.unsent, 0u);
}

TEST(DriverTest, SilentServerTimesOut) {
  FakeServer server([](const SeenRequest&) { return std::string(); });
  LoadConfig load = Load(server, 2, 2);
  load.timeout = std::chrono::milliseconds(50);
  LoadStats s = RunLoad(load, Factory(Workload(load, "health")));
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.errors["timeout"], 2u);
  EXPECT_EQ(s.ok, 0u);
}

TEST(DriverTest, RefusedConnectionsAreErrorsNotHangs) {
  unsigned short port = 0;
  {
    FakeServer gone([](const SeenRequest&) { return std::string(); });
    port = gone.port();
  }
  LoadConfig load;
  load.endpoint = {"127.0.0.1", "127.0.0.1:" + std::to_string(port), port};
  load.connections = 1;
  load.requests = 3;
  LoadStats s = RunLoad(load, Factory(Workload(load, "health")));
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.errors["connect"], 3u);
}

TEST(DriverTest, SqsCycleCountsDeletedMessages) {
  FakeServer server([](const SeenRequest& r) {
    if (r.head.find("ReceiveMessage") != std::string::npos) {
      return FakeServer::Reply(200,
                               R"({"Messages":[{"ReceiptHandle":"a"},{"ReceiptHandle":"b"}]})");
    }
    return FakeServer::Reply(200, R"({"Successful":[{"Id":"0"},{"Id":"1"}],"Failed":[]})");
  });
  LoadConfig load = Load(server, 1, 10);
  LoadStats s = RunLoad(load, Factory(Workload(load, "sqs-cycle")));
  EXPECT_EQ(s.requests, 10u);
  EXPECT_EQ(s.messages, 10u);  // 5 receive + 5 delete calls, 2 messages each
}

TEST(SetupTest, CreatesQueueAndPrefills) {
  std::atomic<int> batches{0};
  FakeServer server([&batches](const SeenRequest& r) {
    if (r.head.find("AmazonSQS.CreateQueue") != std::string::npos) {
      return FakeServer::Reply(200, R"({"QueueUrl":"http://127.0.0.1/000000000000/made"})");
    }
    if (r.head.find("AmazonSQS.SendMessageBatch") != std::string::npos) ++batches;
    return FakeServer::Reply(200, "{}");
  });
  SetupConfig config;
  config.workload.scenario = "sqs-cycle";
  config.workload.endpoint = Load(server, 1, 1).endpoint;
  config.name = "made";
  config.prefill = 95;
  std::ostringstream log;
  auto targets = Prepare(config, log);
  ASSERT_TRUE(targets.ok()) << targets.error().message;
  EXPECT_EQ(targets->queue_url, "http://127.0.0.1/000000000000/made");
  EXPECT_EQ(batches.load(), 10);
  EXPECT_NE(server.Seen()[0].body.find(R"("QueueName":"made")"), std::string::npos);
}

TEST(SetupTest, TopicWithSubscribers) {
  FakeServer server([](const SeenRequest& r) {
    if (r.body.find("Action=CreateTopic") != std::string::npos) {
      return FakeServer::Reply(200,
                               "<CreateTopicResponse><CreateTopicResult><TopicArn>arn:t"
                               "</TopicArn></CreateTopicResult></CreateTopicResponse>");
    }
    if (r.head.find("CreateQueue") != std::string::npos) {
      return FakeServer::Reply(200, R"({"QueueUrl":"http://127.0.0.1/0/q"})");
    }
    if (r.head.find("GetQueueAttributes") != std::string::npos) {
      return FakeServer::Reply(200, R"({"Attributes":{"QueueArn":"arn:q"}})");
    }
    return FakeServer::Reply(200, "<SubscribeResponse/>");
  });
  SetupConfig config;
  config.workload.scenario = "sns-publish";
  config.workload.endpoint = Load(server, 1, 1).endpoint;
  config.name = "t";
  config.subscribers = 3;
  std::ostringstream log;
  auto targets = Prepare(config, log);
  ASSERT_TRUE(targets.ok()) << targets.error().message;
  EXPECT_EQ(targets->topic_arn, "arn:t");
  int subscribes = 0;
  for (const auto& r : server.Seen()) {
    if (r.body.find("Action=Subscribe") != std::string::npos) {
      ++subscribes;
      EXPECT_NE(r.body.find("Protocol=sqs&Endpoint=arn%3Aq"), std::string::npos);
    }
  }
  EXPECT_EQ(subscribes, 3);
}

TEST(SetupTest, FailedCreateIsReported) {
  FakeServer server([](const SeenRequest&) {
    return FakeServer::Reply(400, R"({"__type":"InvalidParameterValue"})");
  });
  SetupConfig config;
  config.workload.scenario = "sqs-send";
  config.workload.endpoint = Load(server, 1, 1).endpoint;
  config.name = "x";
  std::ostringstream log;
  auto targets = Prepare(config, log);
  ASSERT_FALSE(targets.ok());
  EXPECT_NE(targets.error().message.find("HTTP 400"), std::string::npos);
}

}  // namespace
}  // namespace wharf::bench
