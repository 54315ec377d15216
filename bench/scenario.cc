#include "scenario.h"

#include <nlohmann/json.hpp>

namespace wharf::bench {
namespace {

using nlohmann::json;

constexpr std::string_view kSqsVersion = "2012-11-05";
constexpr std::string_view kSnsVersion = "2010-03-31";
constexpr int kReceiveBatch = 10;

std::string Quoted(std::string_view s) { return json(std::string(s)).dump(); }

class HealthWorkload : public Workload {
 public:
  explicit HealthWorkload(const WorkloadConfig& c)
      : client_(c.endpoint, c.credentials, c.region, "sqs") {}
  std::string NextRequest() override {
    if (bytes_.empty()) bytes_ = client_.Get("/_wharf/health");
    return bytes_;
  }
  uint64_t OnResponse(const HttpResponse&) override { return 0; }

 private:
  AwsClient client_;
  std::string bytes_;
};

// A request whose body never changes; `messages` per 2xx answer.
class FixedJsonWorkload : public Workload {
 public:
  FixedJsonWorkload(const WorkloadConfig& c, std::string service, std::string target,
                    std::string version, std::string body, uint64_t messages)
      : client_(c.endpoint, c.credentials, c.region, std::move(service)),
        target_(std::move(target)),
        version_(std::move(version)),
        body_(std::move(body)),
        messages_(messages) {}
  std::string NextRequest() override { return client_.Json(target_, version_, body_); }
  uint64_t OnResponse(const HttpResponse& r) override {
    return r.status / 100 == 2 ? messages_ : 0;
  }

 private:
  AwsClient client_;
  std::string target_;
  std::string version_;
  std::string body_;
  uint64_t messages_;
};

class QueryWorkload : public Workload {
 public:
  QueryWorkload(const WorkloadConfig& c, std::string service, FormParams params)
      : client_(c.endpoint, c.credentials, c.region, std::move(service)),
        params_(std::move(params)) {}
  std::string NextRequest() override { return client_.Query(params_); }
  uint64_t OnResponse(const HttpResponse& r) override { return r.status / 100 == 2 ? 1 : 0; }

 private:
  AwsClient client_;
  FormParams params_;
};

class KinesisPutWorkload : public Workload {
 public:
  KinesisPutWorkload(const WorkloadConfig& c, int index)
      : client_(c.endpoint, c.credentials, c.region, "kinesis"),
        prefix_("{\"StreamName\":" + Quoted(c.targets.stream) +
                ",\"Data\":" + Quoted(Base64(MakeBody(c.body_size))) + ",\"PartitionKey\":\"pk-"),
        counter_(static_cast<uint64_t>(index) * 7919) {}
  std::string NextRequest() override {
    std::string body = prefix_ + std::to_string(counter_++ % kPartitionKeys) + "\"}";
    return client_.Json("Kinesis_20131202.PutRecord", "1.1", std::move(body));
  }
  uint64_t OnResponse(const HttpResponse& r) override { return r.status / 100 == 2 ? 1 : 0; }

 private:
  static constexpr uint64_t kPartitionKeys = 1024;
  AwsClient client_;
  std::string prefix_;
  uint64_t counter_;
};

// ReceiveMessage (10), then DeleteMessageBatch of what came back; counts deleted messages.
class SqsCycleWorkload : public Workload {
 public:
  explicit SqsCycleWorkload(const WorkloadConfig& c)
      : client_(c.endpoint, c.credentials, c.region, "sqs"), queue_url_(c.targets.queue_url) {
    receive_body_ = json{
        {"QueueUrl", queue_url_},
        {"MaxNumberOfMessages", kReceiveBatch},
        {"WaitTimeSeconds",
         0}}.dump();
  }
  std::string NextRequest() override {
    deleting_ = !handles_.empty();
    if (!deleting_) return client_.Json("AmazonSQS.ReceiveMessage", "1.0", receive_body_);
    json entries = json::array();
    for (size_t i = 0; i < handles_.size(); ++i) {
      entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", handles_[i]}});
    }
    return client_.Json("AmazonSQS.DeleteMessageBatch", "1.0",
                        json{{"QueueUrl", queue_url_}, {"Entries", entries}}.dump());
  }
  uint64_t OnResponse(const HttpResponse& r) override {
    if (deleting_) {
      handles_.clear();  // retried receives will surface any message whose delete failed
      if (r.status / 100 != 2) return 0;
      json doc = json::parse(r.body, nullptr, false);
      if (doc.is_discarded() || !doc.contains("Successful")) return 0;
      return doc["Successful"].size();
    }
    if (r.status / 100 != 2) return 0;
    json doc = json::parse(r.body, nullptr, false);
    if (doc.is_discarded() || !doc.contains("Messages") || !doc["Messages"].is_array()) return 0;
    for (const auto& m : doc["Messages"]) {
      if (m.contains("ReceiptHandle") && m["ReceiptHandle"].is_string()) {
        handles_.push_back(m["ReceiptHandle"].get<std::string>());
      }
    }
    return 0;
  }

 private:
  AwsClient client_;
  std::string queue_url_;
  std::string receive_body_;
  std::vector<std::string> handles_;
  bool deleting_ = false;
};

// CreateQueue with a new name each time ("bench-<connection>-<n>"); counts created queues.
class SqsCreateQueueWorkload : public Workload {
 public:
  SqsCreateQueueWorkload(const WorkloadConfig& c, int index)
      : client_(c.endpoint, c.credentials, c.region, "sqs"),
        prefix_("bench-" + std::to_string(index) + "-") {}
  std::string NextRequest() override {
    return client_.Json("AmazonSQS.CreateQueue", "1.0",
                        json{{"QueueName", prefix_ + std::to_string(next_++)}}.dump());
  }
  uint64_t OnResponse(const HttpResponse& r) override { return r.status / 100 == 2 ? 1 : 0; }

 private:
  AwsClient client_;
  std::string prefix_;
  uint64_t next_ = 0;
};

// ListQueues 1000 per page, following NextToken to the last page, then again from the first;
// counts the queue URLs listed.
class SqsListQueuesWorkload : public Workload {
 public:
  explicit SqsListQueuesWorkload(const WorkloadConfig& c)
      : client_(c.endpoint, c.credentials, c.region, "sqs") {}
  std::string NextRequest() override {
    json body{{"MaxResults", 1000}};
    if (!token_.empty()) body["NextToken"] = token_;
    return client_.Json("AmazonSQS.ListQueues", "1.0", body.dump());
  }
  uint64_t OnResponse(const HttpResponse& r) override {
    token_.clear();
    if (r.status / 100 != 2) return 0;
    json doc = json::parse(r.body, nullptr, false);
    if (!doc.is_object()) return 0;
    if (doc.contains("NextToken") && doc["NextToken"].is_string())
      token_ = doc["NextToken"].get<std::string>();
    return doc.contains("QueueUrls") && doc["QueueUrls"].is_array() ? doc["QueueUrls"].size() : 0;
  }

 private:
  AwsClient client_;
  std::string token_;
};

}  // namespace

const std::vector<ScenarioInfo>& Scenarios() {
  static const std::vector<ScenarioInfo> kAll = {
      {"health", Resource::kNone, "GET /_wharf/health"},
      {"sqs-send", Resource::kQueue, "SQS JSON 1.0 SendMessage"},
      {"sqs-send-batch", Resource::kQueue, "SQS JSON 1.0 SendMessageBatch, 10 entries"},
      {"sqs-cycle", Resource::kQueue, "SQS ReceiveMessage 10 + DeleteMessageBatch (msg/s)"},
      {"sqs-send-query", Resource::kQueue, "SQS query-protocol SendMessage"},
      {"sqs-create-queue", Resource::kNone, "SQS CreateQueue, a new name each time (queues/s)"},
      {"sqs-list-queues", Resource::kNone, "SQS ListQueues pages of 1000 (queue URLs/s)"},
      {"sns-publish", Resource::kTopic, "SNS query Publish to a topic"},
      {"sns-http", Resource::kTopic,
       "SNS Publish to a topic with --subscribers http endpoints served by wharf-bench "
       "(msg/s = notifications received)"},
      {"sns-fanout-latency", Resource::kTopic,
       "SNS Publish at --rate to a topic with --subscribers SQS queues (10) read by long polls: "
       "latency = publish until received from every queue"},
      {"kinesis-put", Resource::kStream, "Kinesis JSON 1.1 PutRecord, rotating partition keys"},
  };
  return kAll;
}

const ScenarioInfo* FindScenario(std::string_view name) {
  for (const auto& s : Scenarios()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string MakeBody(size_t size) {
  static constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out(size, 'x');
  for (size_t i = 0; i < size; ++i) out[i] = kAlphabet[(i * 7 + i / 13) % kAlphabet.size()];
  return out;
}

std::string Base64(std::string_view data) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out.push_back(kChars[v >> 18]);
    out.push_back(kChars[(v >> 12) & 63]);
    out.push_back(kChars[(v >> 6) & 63]);
    out.push_back(kChars[v & 63]);
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    out.push_back(kChars[v >> 18]);
    out.push_back(kChars[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kChars[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::unique_ptr<Workload> MakeWorkload(const WorkloadConfig& c, int index) {
  const std::string& s = c.scenario;
  std::string body = MakeBody(c.body_size);
  if (s == "health") return std::make_unique<HealthWorkload>(c);
  if (s == "sqs-send") {
    return std::make_unique<FixedJsonWorkload>(
        c, "sqs", "AmazonSQS.SendMessage", "1.0",
        json{{"QueueUrl", c.targets.queue_url}, {"MessageBody", body}}.dump(), 1);
  }
  if (s == "sqs-send-batch") {
    json entries = json::array();
    for (char id = '0'; id <= '9'; ++id) {
      entries.push_back({{"Id", std::string("m") + id}, {"MessageBody", body}});
    }
    return std::make_unique<FixedJsonWorkload>(
        c, "sqs", "AmazonSQS.SendMessageBatch", "1.0",
        json{{"QueueUrl", c.targets.queue_url}, {"Entries", entries}}.dump(), 10);
  }
  if (s == "sqs-cycle") return std::make_unique<SqsCycleWorkload>(c);
  if (s == "sqs-create-queue") return std::make_unique<SqsCreateQueueWorkload>(c, index);
  if (s == "sqs-list-queues") return std::make_unique<SqsListQueuesWorkload>(c);
  if (s == "sqs-send-query") {
    return std::make_unique<QueryWorkload>(c, "sqs",
                                           FormParams{{"Action", "SendMessage"},
                                                      {"Version", std::string(kSqsVersion)},
                                                      {"QueueUrl", c.targets.queue_url},
                                                      {"MessageBody", body}});
  }
  if (s == "sns-publish" || s == "sns-http") {
    return std::make_unique<QueryWorkload>(c, "sns",
                                           FormParams{{"Action", "Publish"},
                                                      {"Version", std::string(kSnsVersion)},
                                                      {"TopicArn", c.targets.topic_arn},
                                                      {"Message", body}});
  }
  return std::make_unique<KinesisPutWorkload>(c, index);
}

}  // namespace wharf::bench
