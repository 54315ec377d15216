#include "sqs_test_util.h"

namespace wharf::sqs::testing {

void SqsFixture::SetUp() {
  clock_ = std::make_shared<VirtualClock>(1'700'000'000'000);
  scheduler_ = MakeScheduler(clock_);
  if (!store_) store_ = MakeMemoryStore();
  StartEngine();
}

void SqsFixture::StartEngine() {
  if (engine_) engine_->Stop();
  engine_ = std::make_unique<SqsEngine>(EngineEnv{*store_, *scheduler_, config_});
  Status s = engine_->Start();
  ASSERT_TRUE(s.ok()) << s.error().message;
}

void SqsFixture::TearDown() {
  if (engine_) engine_->Stop();
  scheduler_->Stop();
  engine_.reset();
  if (store_) store_->Close();
}

std::shared_ptr<Pending> SqsFixture::CallAsync(const std::string& op, json input) {
  auto p = std::make_shared<Pending>();
  engine_->Invoke(ctx_, op, std::move(input), [p](Result<json> r) {
    std::lock_guard lock(p->mu);
    p->result = std::move(r);
    p->cv.notify_all();
  });
  return p;
}

Result<json> SqsFixture::Call(const std::string& op, json input) {
  auto p = CallAsync(op, std::move(input));
  if (!p->Ready()) {
    // A persistent store replies from its writer thread once the commit is done.
    store_->Flush();
    std::unique_lock lock(p->mu);
    p->cv.wait_for(lock, std::chrono::seconds(10), [&] { return p->result.has_value(); });
  }
  std::lock_guard lock(p->mu);
  if (!p->result) return AwsError::Internal("no reply");
  return std::move(*p->result);
}

json SqsFixture::Ok(const std::string& op, json input) {
  auto r = Call(op, std::move(input));
  EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
  return r.ok() ? r.value() : json();
}

AwsError SqsFixture::Err(const std::string& op, json input, const std::string& code) {
  auto r = Call(op, std::move(input));
  EXPECT_FALSE(r.ok()) << op << " unexpectedly succeeded: " << (r.ok() ? r.value().dump() : "");
  if (r.ok()) return AwsError{};
  EXPECT_EQ(r.error().code, code) << r.error().message;
  return r.error();
}

std::string SqsFixture::CreateQueue(const std::string& name, json attributes) {
  json in{{"QueueName", name}};
  if (!attributes.empty()) in["Attributes"] = attributes;
  return Ok("CreateQueue", in).value("QueueUrl", "");
}

json SqsFixture::Receive(const std::string& url, json extra) {
  extra["QueueUrl"] = url;
  json out = Ok("ReceiveMessage", extra);
  return out.value("Messages", json::array());
}

}  // namespace wharf::sqs::testing
