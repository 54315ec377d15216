// libFuzzer target: the SQS engine driven by generated operation sequences. Each input builds a
// fresh SqsEngine on a memory store and a virtual-clock scheduler, then decodes the bytes into
// up to 48 steps: an operation with structured input (queue names and URLs, receipt handles and
// task handles from earlier replies, attributes, batches, FIFO ids, fuzzed strings and numbers)
// or a clock move. Inputs are validated against the SQS model first, as the codecs do before an
// engine sees them. Invariants: no crash or sanitizer report; every reply is called exactly once
// (checked as replies arrive and after Stop); a success is an object, a failure has a code and a
// 4xx/5xx status.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "protocol/validate.h"
#include "services/sqs/sqs_engine.h"
#include "wharf/clock/clock.h"
#include "wharf/clock/scheduler.h"
#include "wharf/config/config.h"
#include "wharf/protocol/model.h"
#include "wharf/storage/store.h"

namespace wharf::fuzz {
namespace {

using nlohmann::json;

constexpr const char* kOps[] = {"CreateQueue",
                                "GetQueueUrl",
                                "ListQueues",
                                "DeleteQueue",
                                "GetQueueAttributes",
                                "SetQueueAttributes",
                                "PurgeQueue",
                                "TagQueue",
                                "UntagQueue",
                                "ListQueueTags",
                                "AddPermission",
                                "RemovePermission",
                                "SendMessage",
                                "SendMessageBatch",
                                "ReceiveMessage",
                                "DeleteMessage",
                                "DeleteMessageBatch",
                                "ChangeMessageVisibility",
                                "ChangeMessageVisibilityBatch",
                                "ListDeadLetterSourceQueues",
                                "StartMessageMoveTask",
                                "ListMessageMoveTasks",
                                "CancelMessageMoveTask",
                                "NoSuchOperation"};
constexpr const char* kNames[] = {"q1", "q2", "dlq", "f1.fifo", "dlq.fifo"};
constexpr const char* kAttributes[] = {"VisibilityTimeout",
                                       "DelaySeconds",
                                       "MessageRetentionPeriod",
                                       "MaximumMessageSize",
                                       "ReceiveMessageWaitTimeSeconds",
                                       "FifoQueue",
                                       "ContentBasedDeduplication",
                                       "RedrivePolicy",
                                       "RedriveAllowPolicy",
                                       "DeduplicationScope",
                                       "FifoThroughputLimit",
                                       "Policy",
                                       "KmsMasterKeyId",
                                       "SqsManagedSseEnabled",
                                       "All",
                                       "ApproximateNumberOfMessages",
                                       "QueueArn"};

// One call's bookkeeping; replies may arrive on the scheduler thread.
struct Call {
  std::atomic<int> replies{0};
};

class Session {
 public:
  Session() : clock_(std::make_shared<VirtualClock>(1'700'000'000'000)) {
    scheduler_ = MakeScheduler(clock_);
    store_ = MakeMemoryStore();
    config_.sqs_purge_cooldown_seconds = 60;
    engine_ = std::make_unique<sqs::SqsEngine>(EngineEnv{*store_, *scheduler_, config_});
    Check(engine_->Start().ok(), "SqsEngine::Start failed");
  }

  ~Session() {
    engine_->Stop();
    scheduler_->Stop();
    for (const auto& c : calls_) Check(c->replies.load() == 1, "a call was never answered");
    engine_.reset();
    store_->Close();
  }

  void Run(FuzzInput& in) {
    for (int step = 0; step < 48 && !in.empty(); ++step) {
      size_t choice = in.Pick(std::size(kOps) + 1);
      if (choice == std::size(kOps)) {
        clock_->AdvanceMs(in.Range(0, 3) == 0 ? in.Range(0, 400'000'000) : in.Range(0, 40'000));
        continue;
      }
      std::string op = kOps[choice];
      json input = Input(op, in);
      if (!ValidateInput(*model_, op, input).ok()) continue;
      Invoke(op, std::move(input));
    }
  }

 private:
  void Invoke(const std::string& op, json input) {
    auto call = std::make_shared<Call>();
    calls_.push_back(call);
    engine_->Invoke(ctx_, op, std::move(input), [this, op, call](Result<json> r) {
      Check(call->replies.fetch_add(1) == 0, "a call was answered twice");
      if (!r.ok()) {
        Check(!r.error().code.empty(), "error without a code");
        Check(r.error().http_status >= 400 && r.error().http_status <= 599, "error status");
        return;
      }
      Check(r->is_object(), "output is not an object");
      Remember(op, *r);
    });
  }

  void Remember(const std::string& op, const json& out) {
    std::lock_guard lock(mu_);
    if (op == "CreateQueue" || op == "GetQueueUrl") {
      if (out.contains("QueueUrl") && out["QueueUrl"].is_string()) urls_.push_back(out["QueueUrl"]);
    } else if (op == "ReceiveMessage" && out.contains("Messages")) {
      for (const auto& m : out["Messages"]) {
        if (m.contains("ReceiptHandle")) handles_.push_back(m["ReceiptHandle"]);
      }
    } else if (op == "StartMessageMoveTask" && out.contains("TaskHandle")) {
      tasks_.push_back(out["TaskHandle"]);
    }
  }

  std::string FromPool(const std::vector<std::string>& pool, FuzzInput& in, const char* other) {
    std::lock_guard lock(mu_);
    if (pool.empty() || in.Range(0, 7) == 0) return in.Bool() ? std::string(other) : in.String();
    return pool[in.Pick(pool.size())];
  }
  std::string Url(FuzzInput& in) {
    return FromPool(urls_, in, "http://localhost:4566/000000000000/nope");
  }
  std::string Handle(FuzzInput& in) { return FromPool(handles_, in, "AQEBbogus"); }
  std::string Name(FuzzInput& in) {
    return in.Range(0, 7) == 0 ? in.String(90) : kNames[in.Pick(std::size(kNames))];
  }
  std::string Arn(FuzzInput& in) { return "arn:aws:sqs:us-east-1:000000000000:" + Name(in); }
  std::string Number(FuzzInput& in) {
    return in.Range(0, 7) == 0 ? in.String(12) : std::to_string(in.Range(-1, 1'300'000));
  }

  std::string AttributeValue(const std::string& name, FuzzInput& in) {
    if (name == "FifoQueue" || name == "ContentBasedDeduplication" ||
        name == "SqsManagedSseEnabled") {
      return in.Range(0, 7) == 0 ? in.String(8) : (in.Bool() ? "true" : "false");
    }
    if (name == "RedrivePolicy") {
      if (in.Range(0, 7) == 0) return in.String(200);
      return json{{"deadLetterTargetArn", Arn(in)}, {"maxReceiveCount", in.Range(0, 1001)}}.dump(
          -1, ' ', false, json::error_handler_t::replace);  // the ARN may be bad UTF-8
    }
    if (name == "RedriveAllowPolicy") {
      const char* kPermissions[] = {"allowAll", "denyAll", "byQueue", "bogus"};
      json p{{"redrivePermission", kPermissions[in.Pick(4)]}};
      if (in.Bool()) p["sourceQueueArns"] = json::array({Arn(in)});
      return p.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    if (name == "DeduplicationScope") return in.Bool() ? "messageGroup" : "queue";
    if (name == "FifoThroughputLimit") return in.Bool() ? "perMessageGroupId" : "perQueue";
    if (name == "Policy" || name == "KmsMasterKeyId") return in.String(100);
    return Number(in);
  }

  json Attributes(FuzzInput& in) {
    json a = json::object();
    for (int64_t n = in.Range(0, 4); n > 0; --n) {
      std::string name = kAttributes[in.Pick(std::size(kAttributes))];
      a[name] = AttributeValue(name, in);
    }
    return a;
  }

  json MessageAttributes(FuzzInput& in) {
    json a = json::object();
    const char* kTypes[] = {"String", "Number", "Binary", "String.custom", "Bogus"};
    for (int64_t n = in.Range(0, 3); n > 0; --n) {
      std::string type = kTypes[in.Pick(5)];
      json v{{"DataType", type}};
      std::string value =
          type == "Number" && in.Bool() ? std::to_string(in.Range(-9, 99)) : in.String();
      if (type == "Binary") {
        v["BinaryValue"] = json::binary(std::vector<uint8_t>(value.begin(), value.end()));
      } else {
        v["StringValue"] = value;
      }
      a[in.Range(0, 3) == 0 ? in.String(300) : "a" + std::to_string(in.Range(0, 3))] = v;
    }
    return a;
  }

  void SendFields(json& m, FuzzInput& in) {
    m["MessageBody"] = in.Range(0, 15) == 0 ? std::string(in.Range(0, 270'000), 'x') : in.String();
    if (in.Bool()) m["DelaySeconds"] = in.Edgy(-1, 901);
    if (in.Bool()) m["MessageAttributes"] = MessageAttributes(in);
    if (in.Bool())
      m["MessageGroupId"] = in.Bool() ? "g" + std::to_string(in.Range(0, 2)) : in.String();
    if (in.Bool()) m["MessageDeduplicationId"] = "d" + std::to_string(in.Range(0, 5));
    if (in.Range(0, 7) == 0) {
      m["MessageSystemAttributes"] = {
          {"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", in.String()}}}};
    }
  }

  json Entries(FuzzInput& in, const std::string& op) {
    json entries = json::array();
    for (int64_t n = in.Range(0, 11); n > 0; --n) {
      json e{{"Id", in.Range(0, 5) == 0 ? in.String(90) : "e" + std::to_string(in.Range(0, 9))}};
      if (op == "SendMessageBatch") {
        SendFields(e, in);
      } else {
        e["ReceiptHandle"] = Handle(in);
        if (op == "ChangeMessageVisibilityBatch") e["VisibilityTimeout"] = in.Edgy(-1, 43201);
      }
      entries.push_back(std::move(e));
    }
    return entries;
  }

  json Input(const std::string& op, FuzzInput& in) {
    json i = json::object();
    if (op == "CreateQueue" || op == "GetQueueUrl") {
      i["QueueName"] = Name(in);
      if (op == "CreateQueue" && in.Bool()) i["Attributes"] = Attributes(in);
      if (op == "CreateQueue" && in.Range(0, 3) == 0) i["tags"] = {{in.String(16), in.String(16)}};
      return i;
    }
    if (op == "ListQueues") {
      if (in.Bool()) i["QueueNamePrefix"] = Name(in).substr(0, in.Range(0, 3));
      if (in.Bool()) i["MaxResults"] = in.Range(0, 1001);
      if (in.Range(0, 3) == 0) i["NextToken"] = in.String();
      return i;
    }
    if (op == "StartMessageMoveTask" || op == "ListMessageMoveTasks") {
      i["SourceArn"] = Arn(in);
      if (op == "StartMessageMoveTask" && in.Bool()) i["DestinationArn"] = Arn(in);
      if (in.Bool())
        i[op == "ListMessageMoveTasks" ? "MaxResults" : "MaxNumberOfMessagesPerSecond"] =
            in.Range(0, 600);
      return i;
    }
    if (op == "CancelMessageMoveTask") {
      i["TaskHandle"] = FromPool(tasks_, in, "bogus-task");
      return i;
    }
    if (op == "NoSuchOperation") return i;
    i["QueueUrl"] = Url(in);
    if (op == "GetQueueAttributes") {
      json names = json::array();
      for (int64_t n = in.Range(0, 3); n > 0; --n)
        names.push_back(kAttributes[in.Pick(std::size(kAttributes))]);
      i["AttributeNames"] = names;
    } else if (op == "SetQueueAttributes") {
      i["Attributes"] = Attributes(in);
    } else if (op == "TagQueue") {
      i["Tags"] = {{in.String(16), in.String(16)}};
    } else if (op == "UntagQueue") {
      i["TagKeys"] = json::array({in.String(16)});
    } else if (op == "AddPermission" || op == "RemovePermission") {
      i["Label"] = in.String(16);
      if (op == "AddPermission") {
        i["AWSAccountIds"] = json::array({"000000000000"});
        i["Actions"] = json::array({in.Bool() ? "SendMessage" : in.String(16)});
      }
    } else if (op == "SendMessage") {
      SendFields(i, in);
    } else if (op == "SendMessageBatch" || op == "DeleteMessageBatch" ||
               op == "ChangeMessageVisibilityBatch") {
      i["Entries"] = Entries(in, op);
    } else if (op == "ReceiveMessage") {
      if (in.Bool()) i["MaxNumberOfMessages"] = in.Edgy(0, 11);
      if (in.Bool()) i["WaitTimeSeconds"] = in.Edgy(-1, 21);
      if (in.Bool()) i["VisibilityTimeout"] = in.Edgy(-1, 43201);
      if (in.Bool()) i["AttributeNames"] = json::array({"All"});
      if (in.Bool()) i["MessageAttributeNames"] = json::array({in.Bool() ? "All" : "a.*"});
      if (in.Bool()) i["ReceiveRequestAttemptId"] = "r" + std::to_string(in.Range(0, 2));
    } else if (op == "DeleteMessage" || op == "ChangeMessageVisibility") {
      i["ReceiptHandle"] = Handle(in);
      if (op == "ChangeMessageVisibility") i["VisibilityTimeout"] = in.Edgy(-1, 43201);
    }
    return i;
  }

  const ServiceModel* model_ = ServiceModel::Get("sqs");
  RequestContext ctx_{"req-1", "000000000000", "us-east-1", "localhost:4566", "json"};
  Config config_;
  std::shared_ptr<VirtualClock> clock_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<sqs::SqsEngine> engine_;
  std::vector<std::shared_ptr<Call>> calls_;
  std::mutex mu_;
  std::vector<std::string> urls_;
  std::vector<std::string> handles_;
  std::vector<std::string> tasks_;
};

}  // namespace
}  // namespace wharf::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wharf::fuzz::FuzzInput in(data, size);
  wharf::fuzz::Session session;
  session.Run(in);
  return 0;
}
