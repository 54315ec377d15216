#include "sns_test_util.h"

#include <chrono>
#include <thread>

namespace wharf::sns::testing {

Endpoint::Endpoint() {
  HttpServerOptions o;
  o.threads = 1;
  auto s = HttpServer::Start(o, [this](HttpRequest req, Respond respond) {
    int status = 200;
    {
      std::lock_guard lock(mu_);
      seen_.push_back(std::move(req));
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.erase(statuses_.begin());
      }
    }
    cv_.notify_all();
    HttpResponse res;
    res.status = status;
    respond(std::move(res));
  });
  EXPECT_TRUE(s.ok());
  if (s.ok()) server_ = std::move(s).value();
}

Endpoint::~Endpoint() {
  if (server_) server_->Stop();
}

std::string Endpoint::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
}

void Endpoint::QueueStatuses(std::vector<int> statuses) {
  std::lock_guard lock(mu_);
  statuses_ = std::move(statuses);
}

std::vector<HttpRequest> Endpoint::WaitFor(size_t n) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(10), [&] { return seen_.size() >= n; });
  return seen_;
}

size_t Endpoint::Count() {
  std::lock_guard lock(mu_);
  return seen_.size();
}

void SnsFixture::SetUp() {
  clock_ = std::make_shared<VirtualClock>(1'700'000'000'000);
  scheduler_ = MakeScheduler(clock_);
  if (!store_) store_ = MakeMemoryStore();
  StartEngines();
}

void SnsFixture::StartEngines() {
  StopEngines();
  sqs_ = std::make_unique<sqs::SqsEngine>(EngineEnv{*store_, *scheduler_, config_});
  Status a = sqs_->Start();
  ASSERT_TRUE(a.ok()) << a.error().message;
  sns_ = std::make_unique<SnsEngine>(EngineEnv{*store_, *scheduler_, config_}, sqs_.get());
  Status b = sns_->Start();
  ASSERT_TRUE(b.ok()) << b.error().message;
}

void SnsFixture::StopEngines() {
  if (sns_) sns_->Stop();
  if (sqs_) sqs_->Stop();
  store_->Flush();  // as at exit: queued writes commit while the engines still exist
  sns_.reset();
  sqs_.reset();
}

void SnsFixture::TearDown() {
  StopEngines();
  scheduler_->Stop();
  if (store_) store_->Close();
}

namespace {

// A reply slot shared with the callback, so that a late (or repeated) reply never touches a
// finished caller's stack.
struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<json>> out;
  int replies = 0;
};

OperationReply Fill(const std::shared_ptr<Slot>& slot) {
  return [slot](Result<json> r) {
    std::lock_guard lock(slot->mu);
    if (slot->replies++ == 0) slot->out = std::move(r);
    slot->cv.notify_all();
  };
}

std::optional<Result<json>> Wait(const std::shared_ptr<Slot>& slot) {
  std::unique_lock lock(slot->mu);
  slot->cv.wait_for(lock, std::chrono::seconds(10), [&] { return slot->out.has_value(); });
  return slot->out;
}

}  // namespace

Result<json> SnsFixture::Call(const std::string& op, json input) {
  auto slot = std::make_shared<Slot>();
  sns_->Invoke(ctx_, op, std::move(input), Fill(slot));
  auto out = Wait(slot);
  if (!out) return AwsError::Internal("no reply");
  return std::move(*out);
}

json SnsFixture::Ok(const std::string& op, json input) {
  auto r = Call(op, std::move(input));
  EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
  return r.ok() ? r.value() : json();
}

AwsError SnsFixture::Err(const std::string& op, json input, const std::string& code) {
  auto r = Call(op, std::move(input));
  EXPECT_FALSE(r.ok()) << op << " unexpectedly succeeded: " << (r.ok() ? r.value().dump() : "");
  if (r.ok()) return AwsError{};
  EXPECT_EQ(r.error().code, code) << r.error().message;
  return r.error();
}

json SnsFixture::Sqs(const std::string& op, json input) {
  auto slot = std::make_shared<Slot>();
  sqs_->Invoke(ctx_, op, std::move(input), Fill(slot));
  auto out = Wait(slot);
  EXPECT_TRUE(out && out->ok()) << op << ": "
                                << (out && !out->ok() ? out->error().message : "no reply");
  return out && out->ok() ? out->value() : json();
}

Result<json> SnsFixture::AdminGet(const std::string& path,
                                  std::map<std::string, std::string> query) {
  std::optional<Result<json>> out;
  AdminRequest req{"GET", path, std::move(query), nullptr};
  sns_->Admin(req, [&](Result<json> r) { out = std::move(r); });
  if (!out) return AwsError::Internal("no reply");
  return std::move(*out);
}

bool SnsFixture::WaitForLog(const std::string& sub, const std::string& status, size_t n) {
  for (int i = 0; i < 1000; ++i) {
    auto r = AdminGet("/deliveries", {{"subscription", sub}});
    size_t count = 0;
    if (r.ok()) {
      for (const json& e : (*r)["deliveries"]) count += e.value("status", "") == status;
    }
    if (count >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

json SnsFixture::WaitForOutbox(size_t n) {
  json box = json::array();
  for (int i = 0; i < 1000 && box.size() < n; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    box = AdminGet("/outbox").value()["messages"];
  }
  return box;
}

std::string SnsFixture::CreateTopic(const std::string& name, json attributes) {
  json in = {{"Name", name}};
  if (!attributes.empty()) in["Attributes"] = attributes;
  return Ok("CreateTopic", in).value("TopicArn", "");
}

std::string SnsFixture::CreateQueue(const std::string& name, json attributes) {
  json in = {{"QueueName", name}};
  if (!attributes.empty()) in["Attributes"] = attributes;
  Sqs("CreateQueue", in);
  return "arn:aws:sqs:us-east-1:000000000000:" + name;
}

std::string SnsFixture::QueueUrl(const std::string& name) const {
  return "http://sns.internal/000000000000/" + name;
}

std::string SnsFixture::SubscribeQueue(const std::string& topic, const std::string& queue_arn,
                                       json attributes) {
  json in = {{"TopicArn", topic}, {"Protocol", "sqs"}, {"Endpoint", queue_arn}};
  if (!attributes.empty()) in["Attributes"] = attributes;
  return Ok("Subscribe", in).value("SubscriptionArn", "");
}

void SnsFixture::WaitIdle() {
  for (int i = 0; i < 5000 && AdminGet("/deliveries").value()["pending"] != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

json SnsFixture::Receive(const std::string& queue_name, int max) {
  WaitIdle();
  json out = Sqs("ReceiveMessage", {{"QueueUrl", QueueUrl(queue_name)},
                                    {"MaxNumberOfMessages", max},
                                    {"MessageAttributeNames", {"All"}}});
  return out.value("Messages", json::array());
}

}  // namespace wharf::sns::testing

namespace wharf::sns::testing {

json SnsFixture::ReceiveWait(const std::string& queue_name) {
  for (int i = 0; i < 1000; ++i) {
    json msgs = Receive(queue_name);
    if (!msgs.empty()) return msgs;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return json::array();
}

}  // namespace wharf::sns::testing
