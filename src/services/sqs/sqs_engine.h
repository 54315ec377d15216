// The SQS service engine: queues, messages, FIFO, dead-letter queues, persistence.
// Thread-safe: Invoke may be called from any thread; replies run on the caller's thread, the
// store's writer thread or the scheduler's thread (never while the engine lock is held).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "services/sqs/sqs_policy.h"
#include "wharf/dispatch/engine.h"

namespace wharf::sqs {

class SqsCore;

// One message an AWS service sends to a queue (SNS fan-out: caller {topic owner,
// "sns.amazonaws.com", topic ARN}); `input` is a SendMessage request without QueueUrl.
struct ServiceSend {
  Caller caller;
  std::string queue_arn;
  nlohmann::json input;
};
using ServiceSendsDone = std::function<void(std::vector<Result<nlohmann::json>>)>;

class SqsEngine final : public ServiceEngine {
 public:
  // REQUIRES: env's Store, Scheduler and Config outlive the engine.
  explicit SqsEngine(EngineEnv env);
  ~SqsEngine() override;

  std::string_view Name() const override { return "sqs"; }
  Status Start() override;
  void Invoke(const RequestContext& ctx, const std::string& operation, nlohmann::json input,
              OperationReply reply) override;
  void Stop() override;
  void Reset(std::function<void(Status)> done) override;
  nlohmann::json Summary() override;
  // {"queues":[{"name", "attributes", "tags", "account"?, "region"?}]}; DLQ chains in any order.
  Status ApplyInit(const nlohmann::json& section) override;
  // GET /queues, GET /queues/<account>/<name>/messages, DELETE /queues/<account>/<name>.
  void Admin(const AdminRequest& request, OperationReply reply) override;
  // Sends each of `sends` as a SendMessage on behalf of an AWS service, under one lock and one
  // commit, and then calls done(results), results[i] being sends[i]'s SendMessage output or
  // error. Across accounts the queue's Policy must allow the service to sqs:SendMessage; in the
  // owner's account only an explicit Deny in the Policy stops it (AccessDenied either way).
  // QueueDoesNotExist if there is no such queue. A failed commit fails every send.
  void SendAsService(std::vector<ServiceSend> sends, ServiceSendsDone done);

 private:
  std::unique_ptr<SqsCore> core_;
};

}  // namespace wharf::sqs
