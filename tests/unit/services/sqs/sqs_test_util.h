// Test fixture: an SqsEngine on a virtual clock and a memory (or SQLite) store, with helpers
// that call Invoke and capture the reply.
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

#include "services/sqs/sqs_engine.h"
#include "wharf/clock/clock.h"
#include "wharf/clock/scheduler.h"
#include "wharf/config/config.h"
#include "wharf/storage/store.h"

namespace wharf::sqs::testing {

using json = nlohmann::json;

// prefix followed by the decimal i (built without operator+, which trips GCC 12's -Wrestrict
// false positive at -O3).
inline std::string Named(std::string prefix, long i) {
  prefix += std::to_string(i);
  return prefix;
}

// A reply that may arrive later (long polls).
// `result` is set under `mu` (a commit's reply runs on the store's writer thread).
struct Pending {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<json>> result;
  bool Ready() {
    std::lock_guard lock(mu);
    return result.has_value();
  }
};

class SqsFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // (Re)creates the engine on `store_` and starts it.
  void StartEngine();

  Result<json> Call(const std::string& op, json input);
  std::shared_ptr<Pending> CallAsync(const std::string& op, json input);
  // Calls and asserts success; returns the output.
  json Ok(const std::string& op, json input);
  // Calls and asserts failure with shape `code`; returns the error.
  AwsError Err(const std::string& op, json input, const std::string& code);

  std::string CreateQueue(const std::string& name, json attributes = json::object());
  json Receive(const std::string& url, json extra = json::object());
  void Advance(int64_t ms) { clock_->AdvanceMs(ms); }

  RequestContext ctx_{"req-1", "000000000000", "us-east-1", "localhost:4566", "json"};
  Config config_;
  std::shared_ptr<VirtualClock> clock_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SqsEngine> engine_;
};

// SqsFixture on a SQLite store in a new temporary directory, removed after the test.
class SqsOnDiskFixture : public SqsFixture {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           Named("wharf-sqs-test-", ::getpid())
               .append(::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    OpenStore();
    SqsFixture::SetUp();
  }
  void TearDown() override {
    SqsFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }
  // A new engine (and store) on the same directory, as after kill -9 and restart.
  void Restart() {
    engine_->Stop();
    engine_.reset();
    store_->Close();
    store_.reset();
    OpenStore();
    StartEngine();
  }
  std::filesystem::path dir_;

 private:
  void OpenStore() {
    auto s = OpenSqliteStore(dir_.string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }
};

}  // namespace wharf::sqs::testing
