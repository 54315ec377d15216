#include "options.h"

#include <gtest/gtest.h>

namespace wharf::bench {
namespace {

Result<Options> Parse(std::vector<std::string> args) { return ParseOptions(args); }

TEST(OptionsTest, Defaults) {
  auto o = Parse({"sqs-send"});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->load.connections, 16);
  EXPECT_EQ(o->load.threads, 1);
  EXPECT_EQ(o->load.duration, std::chrono::seconds(10));
  EXPECT_EQ(o->load.requests, 0u);
  EXPECT_EQ(o->load.endpoint.address, "127.0.0.1");
  EXPECT_EQ(o->load.endpoint.port, 4566);
  EXPECT_EQ(o->setup.workload.region, "us-east-1");
  EXPECT_EQ(o->setup.prefill, 0u);
  EXPECT_FALSE(o->json);
  EXPECT_FALSE(o->setup.raw);
}

TEST(OptionsTest, RawSubscriptions) {
  auto o = Parse({"sns-publish", "--raw", "--subscribers", "10"});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_TRUE(o->setup.raw);
  EXPECT_EQ(o->setup.subscribers, 10);
}

TEST(OptionsTest, FlagsBothForms) {
  auto o = Parse({"-c", "64", "--threads=2", "kinesis-put", "-d", "30", "--rate", "500.5", "--json",
                  "--endpoint", "http://localhost:9000/", "--label", "peer"});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->setup.workload.scenario, "kinesis-put");
  EXPECT_EQ(o->load.connections, 64);
  EXPECT_EQ(o->load.threads, 2);
  EXPECT_EQ(o->load.duration, std::chrono::seconds(30));
  EXPECT_DOUBLE_EQ(o->load.rate, 500.5);
  EXPECT_TRUE(o->json);
  EXPECT_EQ(o->load.endpoint.host, "localhost:9000");
  EXPECT_EQ(o->load.endpoint.address, "127.0.0.1");
  EXPECT_EQ(o->label, "peer");
}

TEST(OptionsTest, RequestCountIsBoundedBy600Seconds) {
  auto o = Parse({"health", "-n", "1000"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->load.requests, 1000u);
  EXPECT_EQ(o->load.duration, std::chrono::seconds(600));
}

TEST(OptionsTest, RefusesLongRuns) {
  auto o = Parse({"health", "-d", "601"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, "BenchUsage");
  EXPECT_NE(o.error().message.find("600"), std::string::npos);
  EXPECT_TRUE(Parse({"health", "-d", "600"}).ok());
}

TEST(OptionsTest, RefusesNonLoopbackHosts) {
  for (const char* url :
       {"http://10.0.0.1:4566", "http://example.com", "http://0.0.0.0:1", "http://127.0.0.2:4566",
        "https://localhost:4566", "http://localhost.evil:1"}) {
    auto o = Parse({"health", "--endpoint", url});
    EXPECT_FALSE(o.ok()) << url;
  }
}

TEST(OptionsTest, AcceptsIpv6Loopback) {
  auto e = ParseEndpoint("http://[::1]:4566");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->address, "::1");
  EXPECT_EQ(e->host, "[::1]:4566");
}

TEST(OptionsTest, RejectsBadInput) {
  EXPECT_FALSE(Parse({}).ok());
  EXPECT_FALSE(Parse({"nope"}).ok());
  EXPECT_FALSE(Parse({"health", "-c", "0"}).ok());
  EXPECT_FALSE(Parse({"health", "-c", "abc"}).ok());
  EXPECT_FALSE(Parse({"health", "--bogus", "1"}).ok());
  EXPECT_FALSE(Parse({"health", "-c"}).ok());
  EXPECT_FALSE(Parse({"health", "sqs-send"}).ok());
}

TEST(OptionsTest, SqsCyclePrefillsNewQueuesByDefault) {
  auto o = Parse({"sqs-cycle"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->setup.prefill, 20000u);
  auto reuse = Parse({"sqs-cycle", "--queue-url", "http://localhost:4566/000000000000/q"});
  ASSERT_TRUE(reuse.ok());
  EXPECT_EQ(reuse->setup.prefill, 0u);
  auto explicit_zero = Parse({"sqs-cycle", "--prefill", "0"});
  ASSERT_TRUE(explicit_zero.ok());
  EXPECT_EQ(explicit_zero->setup.prefill, 0u);
}

TEST(OptionsTest, ThreadsNeverExceedConnections) {
  auto o = Parse({"health", "-c", "2", "-t", "8"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->load.threads, 2);
}

}  // namespace
}  // namespace wharf::bench
