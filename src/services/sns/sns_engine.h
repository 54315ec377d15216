// The SNS service engine: topics, subscriptions, publishing and delivery (SQS via the SQS
// engine, http/https via real POSTs with AWS's signatures and DeliveryPolicy retries, other
// protocols captured in an outbox), platform applications, SMS settings, persistence.
// Thread-safe: Invoke may be called from any thread; replies run on the caller's thread, the
// store's writer thread, the scheduler's thread or the HTTP client's thread.
#pragma once

#include <memory>

#include "services/sqs/sqs_engine.h"
#include "wharf/dispatch/engine.h"

namespace wharf::sns {

class SnsCore;

class SnsEngine final : public ServiceEngine {
 public:
  // `sqs` receives the sends for sqs subscriptions and redrive DLQs, as the SNS service acting
  // for the topic (so queue policies apply); may be null: such deliveries then fail.
  // REQUIRES: env's Store, Scheduler and Config and `sqs` outlive this.
  SnsEngine(EngineEnv env, sqs::SqsEngine* sqs);
  ~SnsEngine() override;

  std::string_view Name() const override { return "sns"; }
  // Migrates the "sns" tables, loads or makes the signing key, loads topics, subscriptions,
  // platform objects and SMS settings, and resumes pending deliveries.
  Status Start() override;
  void Invoke(const RequestContext& ctx, const std::string& operation, nlohmann::json input,
              OperationReply reply) override;
  // Cancels retry timers and stops the HTTP client; pending deliveries stay stored.
  void Stop() override;
  void Reset(std::function<void(Status)> done) override;
  // {"topics": n, "subscriptions": n, "pending_deliveries": n}
  nlohmann::json Summary() override;
  // {"topics":[{"name", "attributes", "tags", "account"?, "region"?,
  //             "subscriptions":[{"protocol", "endpoint", "attributes"}]}]}
  Status ApplyInit(const nlohmann::json& section) override;
  // GET /outbox[?subscription=ARN|endpoint=E], DELETE /outbox, GET /deliveries[?subscription=],
  // GET /sms-sandbox (verification codes), POST /opted-out {"phoneNumber"},
  // GET /SimpleNotificationService-<id>.pem (the signing certificate, as {"pem": ...}).
  void Admin(const AdminRequest& request, OperationReply reply) override;

 private:
  std::unique_ptr<SnsCore> core_;
};

}  // namespace wharf::sns
