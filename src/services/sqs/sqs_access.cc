// Who may act on a queue: the owner always; another account or an AWS service what the queue's
// Policy allows (see sqs_policy.h).
#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_util.h"

namespace wharf::sqs {
namespace {

// "Cross-account permissions don't apply to" these (SQS Developer Guide, limitations of
// custom policies): only the owner may call them.
bool OwnerOnly(std::string_view action) {
  for (std::string_view a :
       {"AddPermission", "CancelMessageMoveTask", "CreateQueue", "DeleteQueue",
        "ListMessageMoveTasks", "ListQueues", "ListQueueTags", "RemovePermission",
        "SetQueueAttributes", "StartMessageMoveTask", "TagQueue", "UntagQueue"}) {
    if (a == action) return true;
  }
  return false;
}

}  // namespace

Status SqsCore::AuthorizeLocked(const Caller& caller, const Queue& q,
                                std::string_view action) const {
  const bool owner_account = caller.account == q.account;
  if (owner_account && caller.service.empty()) return OkStatus();
  PolicyDecision decision = PolicyDecision::kNone;
  auto policy = q.attributes.find("Policy");
  if (!OwnerOnly(action) && policy != q.attributes.end()) {
    decision = EvaluatePolicy(json::parse(policy->second, nullptr, false), caller, action, q.arn);
  }
  if (decision == PolicyDecision::kAllow) return OkStatus();
  // A service working for the queue's own account needs no grant, but a Deny stops it.
  if (owner_account && decision == PolicyDecision::kNone) return OkStatus();
  const std::string principal =
      caller.service.empty() ? "arn:aws:iam::" + caller.account + ":root" : caller.service;
  return AccessDenied(principal, action, q.arn, q.region, decision == PolicyDecision::kDeny);
}

Result<SqsCore::QueuePtr> SqsCore::ResolveArnLocked(const RequestContext& ctx,
                                                    const std::string& arn, std::string_view param,
                                                    std::string_view action) {
  QueuePtr q = FindByArnLocked(arn);
  if (!q) {
    return Error("ResourceNotFoundException", "The resource that you specified for the " +
                                                  std::string(param) + " parameter doesn't exist.");
  }
  WHARF_RETURN_IF_ERROR(AuthorizeLocked(Caller{ctx.account, {}, {}}, *q, action));
  return q;
}

void SqsCore::SendAsService(std::vector<ServiceSend> sends, ServiceSendsDone done) {
  std::vector<Result<json>> results;
  results.reserve(sends.size());
  Sql writes;
  Deferred d;
  {
    std::lock_guard lock(mu_);
    Status fresh = RefreshLocked(d);
    for (ServiceSend& send : sends) {
      if (!fresh.ok()) {
        results.emplace_back(fresh.error());
        continue;
      }
      QueuePtr q = FindByArnLocked(send.queue_arn);
      if (!q) {
        results.emplace_back(QueueDoesNotExist());
        continue;
      }
      if (Status allowed = AuthorizeLocked(send.caller, *q, "SendMessage"); !allowed.ok()) {
        results.emplace_back(std::move(allowed).error());
        continue;
      }
      // The send then runs as the owner's own, the policy having allowed it.
      RequestContext ctx;
      ctx.account = q->account;
      ctx.region = q->region;
      try {
        results.push_back(SendOneLocked(ctx, *q, send.input, /*batch_entry=*/false, writes, d));
      } catch (const std::exception& e) {  // nlohmann type errors on unexpected input shapes
        results.emplace_back(InvalidParameterValue(std::string("Invalid request: ") + e.what()));
      }
    }
    QueueWritesLocked(
        std::move(writes),
        [results = std::move(results), done = std::move(done)](Status s) mutable {
          if (!s.ok()) {
            for (auto& r : results) r = s.error();
          }
          done(std::move(results));
        },
        d);
  }
  RunDeferred(d);
}

}  // namespace wharf::sqs
