// Test fixture: an SnsEngine wired to a real SqsEngine on one store and a virtual clock, plus a
// local HTTP endpoint (wharf HttpServer on port 0) that records what SNS POSTs to it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/sns/sns_engine.h"
#include "services/sqs/sqs_engine.h"
#include "wharf/clock/clock.h"
#include "wharf/clock/scheduler.h"
#include "wharf/config/config.h"
#include "wharf/http/server.h"
#include "wharf/storage/store.h"

namespace wharf::sns::testing {

using json = nlohmann::json;

// Records requests; answers with the next queued status (200 when none is queued).
class Endpoint {
 public:
  Endpoint();
  ~Endpoint();
  std::string Url(const std::string& path = "/hook") const;
  void QueueStatuses(std::vector<int> statuses);
  // Waits (up to 10 s) until at least `n` requests arrived; returns all received so far.
  std::vector<HttpRequest> WaitFor(size_t n);
  size_t Count();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<HttpRequest> seen_;
  std::vector<int> statuses_;
  std::unique_ptr<HttpServer> server_;
};

class SnsFixture : public ::testing::Test {
 public:
  void SetUp() override;
  void TearDown() override;

 public:
  // Ok() for helper functions outside the fixture.
  json OkPublic(const std::string& op, json input) { return Ok(op, std::move(input)); }
  // Waits (up to 10 s) until the delivery log of `sub` has `n` entries with `status`.
  bool WaitForLog(const std::string& sub, const std::string& status, size_t n);
  // Waits (up to 10 s) until the outbox holds `n` entries; returns them.
  json WaitForOutbox(size_t n);

  // (Re)creates both engines on `store_` and starts them.
  void StartEngines();
  void StopEngines();

  Result<json> Call(const std::string& op, json input);
  json Ok(const std::string& op, json input);
  AwsError Err(const std::string& op, json input, const std::string& code);
  json Sqs(const std::string& op, json input);
  Result<json> AdminGet(const std::string& path, std::map<std::string, std::string> query = {});

  std::string CreateTopic(const std::string& name, json attributes = json::object());
  // Creates a queue; returns its ARN.
  std::string CreateQueue(const std::string& name, json attributes = json::object());
  std::string QueueUrl(const std::string& name) const;
  std::string SubscribeQueue(const std::string& topic, const std::string& queue_arn,
                             json attributes = json::object());
  // Waits (up to 10 s) until SNS has no pending deliveries: they run on its delivery thread.
  void WaitIdle();
  // ReceiveMessage after WaitIdle().
  json Receive(const std::string& queue_name, int max = 10);
  // Receive, retried (up to 10 s) until a message arrives: with SQLite, deliveries start after
  // the Publish reply.
  json ReceiveWait(const std::string& queue_name);
  void Advance(int64_t ms) { clock_->AdvanceMs(ms); }

  RequestContext ctx_{"req-1", "000000000000", "us-east-1", "localhost:4566", "query"};
  Config config_;
  std::shared_ptr<VirtualClock> clock_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<sqs::SqsEngine> sqs_;
  std::unique_ptr<SnsEngine> sns_;
};

// SnsFixture on a SQLite store in a new temporary directory, removed after the test.
class SnsOnDiskFixture : public SnsFixture {
 public:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("wharf-sns-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = OpenSqliteStore(dir_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
    SnsFixture::SetUp();
  }
  void TearDown() override {
    SnsFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

}  // namespace wharf::sns::testing
