#include "services/sns/sns_engine.h"

#include <algorithm>
#include <future>
#include <thread>
#include <unordered_map>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {

SnsEngine::SnsEngine(EngineEnv env, sqs::SqsEngine* sqs)
    : core_(std::make_unique<SnsCore>(env, sqs)) {}
SnsEngine::~SnsEngine() = default;
Status SnsEngine::Start() { return core_->Start(); }
void SnsEngine::Invoke(const RequestContext& ctx, const std::string& operation,
                       nlohmann::json input, OperationReply reply) {
  core_->Invoke(ctx, operation, std::move(input), std::move(reply));
}
void SnsEngine::Stop() { core_->Stop(); }
void SnsEngine::Reset(std::function<void(Status)> done) { core_->Reset(std::move(done)); }
nlohmann::json SnsEngine::Summary() { return core_->Summary(); }
Status SnsEngine::ApplyInit(const nlohmann::json& section) { return core_->ApplyInit(section); }
void SnsEngine::Admin(const AdminRequest& request, OperationReply reply) {
  core_->Admin(request, std::move(reply));
}

SnsCore::SnsCore(EngineEnv env, sqs::SqsEngine* sqs)
    : env_(env),
      sqs_(sqs),
      http_(HttpClient::Create(
          {.ca_file = env.config.sns_https_ca_file, .insecure = env.config.sns_https_insecure})),
      // Both kinds of thread commit their own writes, as the event loops do (Store::CommitOnIdle):
      // waking the writer thread would add a hand-off to every publish and every fan-out.
      worker_(std::make_unique<BatchWorker<DeliveryEvent>>(
          "sns-delivery",
          [this](std::vector<DeliveryEvent> events) {
            RunEvents(std::move(events));
            env_.store.CommitQueued();
          },
          [this] { env_.store.CommitOnIdle(); })),
      signing_(std::make_unique<OrderedWorkers<SignJob>>(
          "sns-sign-",
          // One per core, at most 4: they are made at start, and a local emulator rarely
          // signs more than 4,000 envelopes a second.
          std::min(static_cast<int>(std::thread::hardware_concurrency()), 4),
          [this](SignJob& job) { SignEnvelopes(job.outcome.to_sign); },
          [this](SignJob job) {
            CommitSigned(std::move(job));
            env_.store.CommitQueued();
          },
          [this] { env_.store.CommitOnIdle(); })) {}

SnsCore::~SnsCore() {
  Stop();
  env_.store.Flush();  // the `done` of a queued write refers to this engine
}

const std::unordered_map<std::string, SnsCore::OpFn>& SnsCore::Operations() {
  static const std::unordered_map<std::string, OpFn> kOps = {
      {"CreateTopic", &SnsCore::CreateTopic},
      {"DeleteTopic", &SnsCore::DeleteTopic},
      {"ListTopics", &SnsCore::ListTopics},
      {"GetTopicAttributes", &SnsCore::GetTopicAttributes},
      {"SetTopicAttributes", &SnsCore::SetTopicAttributes},
      {"AddPermission", &SnsCore::AddPermission},
      {"RemovePermission", &SnsCore::RemovePermission},
      {"TagResource", &SnsCore::TagResource},
      {"UntagResource", &SnsCore::UntagResource},
      {"ListTagsForResource", &SnsCore::ListTagsForResource},
      {"GetDataProtectionPolicy", &SnsCore::GetDataProtectionPolicy},
      {"PutDataProtectionPolicy", &SnsCore::PutDataProtectionPolicy},
      {"Subscribe", &SnsCore::Subscribe},
      {"ConfirmSubscription", &SnsCore::ConfirmSubscription},
      {"Unsubscribe", &SnsCore::Unsubscribe},
      {"ListSubscriptions", &SnsCore::ListSubscriptions},
      {"ListSubscriptionsByTopic", &SnsCore::ListSubscriptionsByTopic},
      {"GetSubscriptionAttributes", &SnsCore::GetSubscriptionAttributes},
      {"SetSubscriptionAttributes", &SnsCore::SetSubscriptionAttributes},
      {"Publish", &SnsCore::Publish},
      {"PublishBatch", &SnsCore::PublishBatch},
      {"CreatePlatformApplication", &SnsCore::CreatePlatformApplication},
      {"DeletePlatformApplication", &SnsCore::DeletePlatformApplication},
      {"GetPlatformApplicationAttributes", &SnsCore::GetPlatformApplicationAttributes},
      {"SetPlatformApplicationAttributes", &SnsCore::SetPlatformApplicationAttributes},
      {"ListPlatformApplications", &SnsCore::ListPlatformApplications},
      {"CreatePlatformEndpoint", &SnsCore::CreatePlatformEndpoint},
      {"DeleteEndpoint", &SnsCore::DeleteEndpoint},
      {"GetEndpointAttributes", &SnsCore::GetEndpointAttributes},
      {"SetEndpointAttributes", &SnsCore::SetEndpointAttributes},
      {"ListEndpointsByPlatformApplication", &SnsCore::ListEndpointsByPlatformApplication},
      {"GetSMSAttributes", &SnsCore::GetSMSAttributes},
      {"SetSMSAttributes", &SnsCore::SetSMSAttributes},
      {"CheckIfPhoneNumberIsOptedOut", &SnsCore::CheckIfPhoneNumberIsOptedOut},
      {"ListPhoneNumbersOptedOut", &SnsCore::ListPhoneNumbersOptedOut},
      {"OptInPhoneNumber", &SnsCore::OptInPhoneNumber},
      {"GetSMSSandboxAccountStatus", &SnsCore::GetSMSSandboxAccountStatus},
      {"CreateSMSSandboxPhoneNumber", &SnsCore::CreateSMSSandboxPhoneNumber},
      {"DeleteSMSSandboxPhoneNumber", &SnsCore::DeleteSMSSandboxPhoneNumber},
      {"VerifySMSSandboxPhoneNumber", &SnsCore::VerifySMSSandboxPhoneNumber},
      {"ListSMSSandboxPhoneNumbers", &SnsCore::ListSMSSandboxPhoneNumbers},
      {"ListOriginationNumbers", &SnsCore::ListOriginationNumbers},
  };
  return kOps;
}

void SnsCore::Invoke(const RequestContext& ctx, const std::string& op, json input,
                     OperationReply reply) {
  // The first SNS request starts loading (or making) the signing key, so it is usually ready
  // by the first delivery that signs.
  signer_->Prepare();
  auto it = Operations().find(op);
  if (it == Operations().end()) {
    return reply(AwsError::Client("InvalidAction",
                                  "The action " + op + " is not valid for this web service."));
  }
  if (!input.is_object()) input = json::object();
  Deferred d;
  Result<Outcome> r = AwsError::Internal("unset");
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      r = AwsError::ServiceUnavailable("SNS is shutting down");
    } else if (Status fresh = RefreshLocked(d); !fresh.ok()) {
      r = std::move(fresh).error();
    } else {
      r = (this->*(it->second))(ctx, input, d);
    }
    // An RSA signature costs about a millisecond: signing threads do it, so this event loop's
    // other connections do not wait. Posting under mu_ keeps the commits in the order the
    // publishes were made (a FIFO topic's sequence numbers), and while any is posted, a
    // publish that needs no signature queues behind it.
    if (r.ok() && r->to_sign.empty() && (r->deliveries.empty() || signing_pending_ == 0)) {
      CommitLocked(std::move(r).value(), std::move(reply), d);
    } else if (r.ok()) {
      ++signing_pending_;
      signing_->Post(SignJob{std::move(r).value(), generation_, std::move(reply)});
    }
  }
  RunDeferred(d);
  if (!r.ok()) reply(std::move(r).error());
}

void SnsCore::CommitLocked(Outcome o, OperationReply reply, Deferred& d) {
  // With the memory store the callback runs after mu_ is released, on whichever thread
  // committed, so the deliveries are started in commit order by ticket.
  const uint64_t ticket = o.deliveries.empty() ? 0 : ++last_start_ticket_;
  QueueWritesLocked(
      std::move(o.writes),
      [this, reply = std::move(reply), out = std::move(o.output), ds = std::move(o.deliveries),
       ticket](Status s) mutable {
        if (s.ok()) {
          reply(std::move(out));
        } else {
          reply(std::move(s).error());
          ds.clear();
        }
        if (ticket != 0) StartInCommitOrder(ticket, std::move(ds));
      },
      d);
}

void SnsCore::StartInCommitOrder(uint64_t ticket, std::vector<std::shared_ptr<Delivery>> ds) {
  std::lock_guard lock(start_mu_);
  held_starts_.emplace(ticket, std::move(ds));
  for (auto it = held_starts_.begin();
       it != held_starts_.end() && it->first == last_started_ticket_ + 1;
       it = held_starts_.begin()) {
    StartDeliveries(it->second);
    held_starts_.erase(it);
    ++last_started_ticket_;
  }
}

void SnsCore::CommitSigned(SignJob job) {
  Deferred d;
  {
    std::lock_guard lock(mu_);
    --signing_pending_;
    if (!commit_state_.stale && job.generation == generation_) {
      CommitLocked(std::move(job.outcome), std::move(job.reply), d);
    } else {
      d.push_back([reply = std::move(job.reply)] {
        reply(AwsError::ServiceUnavailable(
            "SNS reloaded its state after a failed commit while this request ran; retry it"));
      });
    }
  }
  RunDeferred(d);
}

void SnsCore::QueueWritesLocked(Sql writes, std::function<void(Status)> done, Deferred& d) {
  WriteMarkingStale(env_.store, mu_, commit_state_, std::move(writes), std::move(done), d);
}

void SnsCore::RunDeferred(Deferred& d) {
  for (auto& fn : d) fn();
  d.clear();
}

void SnsCore::Stop() {
  std::vector<TimerId> timers;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [id, dv] : deliveries_) {
      if (dv->timer != 0) timers.push_back(dv->timer);
    }
  }
  for (TimerId t : timers) env_.scheduler.Cancel(t);
  signing_->Stop();              // publishes not yet signed are dropped unanswered
  if (signer_) signer_->Wait();  // a key still being stored must be written before the store closes
  worker_->Stop();
  http_->Stop();
}

json SnsCore::Summary() {
  Deferred d;
  json summary;
  {
    std::lock_guard lock(mu_);
    if (Status loaded = RefreshLocked(d); !loaded.ok()) {
      summary = {{"error", loaded.error().message}};
    } else {
      summary = {{"topics", topics_.size()},
                 {"subscriptions", subscriptions_.size()},
                 {"pending_deliveries", deliveries_.size()}};
    }
  }
  RunDeferred(d);
  return summary;
}

void SnsCore::Reset(std::function<void(Status)> done) {
  Deferred d;
  {
    std::lock_guard lock(mu_);
    DropStateLocked();
    outbox_.clear();
    delivery_log_.clear();
    QueueWritesLocked({SqlStatement{"DELETE FROM sns_objects WHERE kind <> 'signing'", {}}},
                      std::move(done), d);
  }
  RunDeferred(d);
}

Status SnsCore::ApplyInit(const json& section) {
  if (!section.is_object()) return OkStatus();
  auto topics = section.find("topics");
  if (topics == section.end() || !topics->is_array()) return OkStatus();
  for (const json& t : *topics) {
    if (!t.is_object()) return InvalidParameterRaw("sns init: each topic must be an object");
    RequestContext ctx{"init", t.value("account", env_.config.default_account),
                       t.value("region", env_.config.default_region), "localhost", "init"};
    json in = {{"Name", t.value("name", "")}};
    if (t.contains("attributes")) in["Attributes"] = t["attributes"];
    if (t.contains("tags") && t["tags"].is_object()) {
      in["Tags"] = json::array();
      for (auto& [k, v] : t["tags"].items()) in["Tags"].push_back({{"Key", k}, {"Value", v}});
    }
    Sql writes;
    Deferred d;
    Status st = OkStatus();
    std::promise<Status> committed;
    {
      std::lock_guard lock(mu_);
      st = RefreshLocked(d);
      Result<std::shared_ptr<Topic>> topic = AwsError::Internal("unset");
      if (st.ok()) topic = CreateTopicLocked(ctx.account, ctx.region, in, writes);
      if (st.ok() && !topic.ok()) st = topic.error();
      const json subscriptions = t.value("subscriptions", json::array());
      for (auto s = subscriptions.begin(); st.ok() && s != subscriptions.end(); ++s) {
        auto sub = SubscribeLocked(ctx.host, ctx.account, **topic, s->value("protocol", ""),
                                   s->value("endpoint", ""), s->value("attributes", json::object()),
                                   writes, d);
        if (!sub.ok()) st = std::move(sub).error();
      }
      if (!st.ok()) {
        commit_state_.stale = true;  // what this entry made before the failure is not kept
      } else {
        QueueWritesLocked(
            std::move(writes), [&committed](Status s) { committed.set_value(std::move(s)); }, d);
      }
    }
    RunDeferred(d);
    WHARF_RETURN_IF_ERROR(st);
    WHARF_RETURN_IF_ERROR(committed.get_future().get());
  }
  return OkStatus();
}

}  // namespace wharf::sns
