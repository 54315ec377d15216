#include "services/sqs/sqs_engine.h"

#include <unordered_map>

#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"

namespace wharf::sqs {

SqsEngine::SqsEngine(EngineEnv env) : core_(std::make_unique<SqsCore>(env)) {}
SqsEngine::~SqsEngine() = default;
Status SqsEngine::Start() { return core_->Start(); }
void SqsEngine::Invoke(const RequestContext& ctx, const std::string& operation,
                       nlohmann::json input, OperationReply reply) {
  core_->Invoke(ctx, operation, std::move(input), std::move(reply));
}
void SqsEngine::Stop() { core_->Stop(); }
void SqsEngine::Reset(std::function<void(Status)> done) { core_->Reset(std::move(done)); }
nlohmann::json SqsEngine::Summary() { return core_->Summary(); }
Status SqsEngine::ApplyInit(const nlohmann::json& section) { return core_->ApplyInit(section); }
void SqsEngine::Admin(const AdminRequest& request, OperationReply reply) {
  core_->Admin(request, std::move(reply));
}

void SqsEngine::SendAsService(std::vector<ServiceSend> sends, ServiceSendsDone done) {
  core_->SendAsService(std::move(sends), std::move(done));
}

SqsCore::SqsCore(EngineEnv env) : env_(env) {}

SqsCore::~SqsCore() {
  Stop();
  {
    std::lock_guard lock(mu_);
    life_.reset();
  }
  env_.store.Flush();  // the `done` of a queued write refers to this engine
}

TimerId SqsCore::ScheduleGuarded(int64_t due_ms, std::function<void()> fn) {
  std::weak_ptr<int> life = life_;
  return env_.scheduler.ScheduleAt(due_ms, [life, fn = std::move(fn)] {
    if (!life.expired()) fn();
  });
}

void SqsCore::Invoke(const RequestContext& ctx, const std::string& op, json input,
                     OperationReply reply) {
  static const std::unordered_map<std::string, OpFn> kOps{
      {"CreateQueue", &SqsCore::CreateQueue},
      {"GetQueueUrl", &SqsCore::GetQueueUrl},
      {"ListQueues", &SqsCore::ListQueues},
      {"DeleteQueue", &SqsCore::DeleteQueue},
      {"GetQueueAttributes", &SqsCore::GetQueueAttributes},
      {"SetQueueAttributes", &SqsCore::SetQueueAttributes},
      {"PurgeQueue", &SqsCore::PurgeQueue},
      {"TagQueue", &SqsCore::TagQueue},
      {"UntagQueue", &SqsCore::UntagQueue},
      {"ListQueueTags", &SqsCore::ListQueueTags},
      {"AddPermission", &SqsCore::AddPermission},
      {"RemovePermission", &SqsCore::RemovePermission},
      {"SendMessage", &SqsCore::SendMessage},
      {"SendMessageBatch", &SqsCore::SendMessageBatch},
      {"ReceiveMessage", &SqsCore::ReceiveMessage},
      {"ListMessages", &SqsCore::ListMessages},
      {"DeleteMessage", &SqsCore::DeleteMessage},
      {"DeleteMessageBatch", &SqsCore::DeleteMessageBatch},
      {"ChangeMessageVisibility", &SqsCore::ChangeMessageVisibility},
      {"ChangeMessageVisibilityBatch", &SqsCore::ChangeMessageVisibilityBatch},
      {"ListDeadLetterSourceQueues", &SqsCore::ListDeadLetterSourceQueues},
      {"StartMessageMoveTask", &SqsCore::StartMessageMoveTask},
      {"ListMessageMoveTasks", &SqsCore::ListMessageMoveTasks},
      {"CancelMessageMoveTask", &SqsCore::CancelMessageMoveTask},
  };
  auto it = kOps.find(op);
  if (it == kOps.end()) {
    reply(Error("InvalidAction", "The action " + op + " is not valid for this endpoint."));
    return;
  }
  if (!input.is_object()) input = json::object();
  Deferred d;
  OpResult r = AwsError::Internal("unreachable");
  {
    std::lock_guard lock(mu_);
    try {
      Status fresh = RefreshLocked(d);
      r = fresh.ok() ? (this->*(it->second))(ctx, input, d) : OpResult(std::move(fresh).error());
    } catch (const std::exception& e) {  // nlohmann type errors on unexpected input shapes
      r = InvalidParameterValue(std::string("Invalid request: ") + e.what());
    }
    if (r.ok() && r->park) {
      r->park->reply = std::move(reply);  // a parked long poll: its waiter replies later
    } else if (r.ok()) {
      CommitLocked(std::move(r).value(), std::move(reply), d);
    }
  }
  if (!r.ok()) reply(std::move(r).error());
  RunDeferred(d);
}

void SqsCore::CommitLocked(Outcome o, OperationReply reply, Deferred& d) {
  // Even without writes the reply goes through the store's queue, so it is never sent before
  // the writes it may have observed (an earlier send, say) are committed.
  QueueWritesLocked(
      std::move(o.writes),
      [reply = std::move(reply), output = std::move(o.output)](Status s) mutable {
        if (s.ok()) {
          reply(std::move(output));
        } else {
          reply(std::move(s).error());
        }
      },
      d);
}

void SqsCore::QueueWritesLocked(Sql writes, std::function<void(Status)> done, Deferred& d) {
  WriteMarkingStale(env_.store, mu_, commit_state_, std::move(writes), std::move(done), d);
}

void SqsCore::RunDeferred(Deferred& d) {
  for (auto& fn : d) fn();
  d.clear();
}

void SqsCore::Stop() {
  std::vector<std::shared_ptr<Waiter>> waiters;
  std::vector<std::shared_ptr<MoveTask>> tasks;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    for (auto& [key, q] : queues_) {
      for (auto& w : q->waiters) {
        if (w->done) continue;
        w->done = true;
        env_.scheduler.Cancel(w->timer);
        waiters.push_back(w);
      }
      q->waiters.clear();
    }
  }
  for (auto& w : waiters) w->reply(json::object());
}

}  // namespace wharf::sqs
