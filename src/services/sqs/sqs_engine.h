// The SQS service engine: queues, messages, FIFO, dead-letter queues, persistence.
// Thread-safe: Invoke may be called from any thread; replies run on the caller's thread, the
// store's writer thread or the scheduler's thread (never while the engine lock is held).
#pragma once

#include <memory>

#include "services/sqs/sqs_policy.h"
#include "wharf/dispatch/engine.h"

namespace wharf::sqs {

class SqsCore;

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
  // SendMessage or SendMessageBatch (`operation`) on behalf of an AWS service (SNS fan-out:
  // caller {topic owner, "sns.amazonaws.com", topic ARN}) to the queue `queue_arn`; `input` is
  // the request without QueueUrl. Across accounts the queue's Policy must allow the service to
  // sqs:SendMessage; in the owner's account only an explicit Deny in the Policy stops it
  // (AccessDenied either way). QueueDoesNotExist if there is no such queue.
  void SendAsService(const Caller& caller, const std::string& queue_arn,
                     const std::string& operation, nlohmann::json input, OperationReply reply);

 private:
  std::unique_ptr<SqsCore> core_;
};

}  // namespace wharf::sqs
