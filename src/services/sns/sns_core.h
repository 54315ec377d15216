// Internal state and operations of the SNS engine (public face: sns_engine.h).
// Locking: one mutex mu_. Functions named *Locked require it held. Work that must run without
// it (store writes, replies, calls into the SQS engine, HTTP sends) goes into a Deferred list
// that the caller runs after unlocking.
//
// The state in memory is what the store holds plus the writes queued on it. When one of those
// writes fails to commit, the state has run ahead of the store: it is marked stale, and every
// entry point (operations, admin routes, the delivery thread) first calls RefreshLocked, which
// reloads it from the store as Start does.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "services/sns/filter_policy.h"
#include "services/sns/sns_signer.h"
#include "services/sns/sns_worker.h"
#include "services/sqs/sqs_engine.h"
#include "wharf/clock/scheduler.h"
#include "wharf/config/config.h"
#include "wharf/dispatch/engine.h"
#include "wharf/http/client.h"
#include "wharf/storage/store.h"

namespace wharf::sns {

using json = nlohmann::json;
using Deferred = std::vector<std::function<void()>>;
using Sql = std::vector<SqlStatement>;

struct Topic {
  std::string arn, account, region, name;
  bool fifo = false;
  std::map<std::string, std::string> attributes;  // as set (Policy/DeliveryPolicy as JSON text)
  std::map<std::string, std::string> tags;
  std::string data_protection_policy;
  std::set<std::string> subscriptions;  // arns
  int64_t deleted_subscriptions = 0;
  uint64_t next_sequence = 1;
  struct Dedup {
    int64_t expire_ms;
    std::string message_id, sequence;
  };
  std::map<std::string, Dedup> dedup;  // FIFO: dedup id -> first message (5 minutes, stored)
  std::deque<std::pair<int64_t, std::string>> dedup_expiry;  // (expire_ms, dedup id), oldest first
  json ToJson() const;
  static Topic FromJson(const json& j);
};

struct Subscription {
  std::string arn, topic_arn, protocol, endpoint, account, region;
  bool pending = false;
  std::string token;                              // confirmation token while pending
  std::map<std::string, std::string> attributes;  // RawMessageDelivery, FilterPolicy, ...
  int64_t next_slot_ms = 0;                       // throttle (maxReceivesPerSecond)
  std::shared_ptr<const FilterPolicy> filter;     // compiled FilterPolicy (+scope), or null
  json ToJson() const;
  static Subscription FromJson(const json& j);
};

// A signed envelope without its UnsubscribeURL (the one per-subscription field), encoded once
// for all its subscribers.
struct CachedEnvelope {
  json doc;  // null until signed
  // Encodings, made by the delivery thread (the only one to touch them) when first needed.
  mutable std::string compact, pretty;
};

// A message published to a topic, shared by its deliveries.
struct Published {
  std::string message_id, topic_arn, subject, message, structure, group_id, dedup_id, sequence;
  std::string host;          // Host the publisher used: base of SigningCertURL / UnsubscribeURL
  std::string trace_header;  // the publisher's X-Ray header: the SQS messages' AWSTraceHeader
  json attributes = json::object();  // MessageAttributes as given (blobs as json binary)
  json per_protocol;                 // MessageStructure=json: the parsed message, else null
  int64_t timestamp_ms = 0;
  // Signed envelopes by protocol text key ("" when every protocol gets the same text) and
  // signature version: keys set by the fan-out, signed on the signing threads before the
  // deliveries start, read-only after. None for a FIFO topic: its envelopes are not signed,
  // so the delivery thread builds them.
  std::map<std::pair<std::string, std::string>, CachedEnvelope> envelopes;
  json ToJson() const;
  static Published FromJson(const json& j);
  // The key of `envelopes` for `protocol`'s text.
  std::string TextKey(const std::string& protocol) const {
    return per_protocol.is_object() ? protocol : "";
  }
  // The text for `protocol` (the protocol's entry or "default" when structured).
  std::string MessageFor(const std::string& protocol) const;
  bool Fifo() const { return topic_arn.ends_with(".fifo"); }
};

// One message on its way to one subscription. Stored as part of its publish's row (kind
// "publish": the message and the subscriptions it goes to), plus a "retry" row with the attempt
// count and the next attempt's time once an http/https retry is scheduled.
struct Delivery {
  std::string id;          // publish_id + '\n' + subscription_arn
  std::string publish_id;  // id of the "publish" row
  std::string subscription_arn;
  std::shared_ptr<const Published> msg;
  std::string lane;           // delivery thread: the scheme://host:port of its POST
  int attempt = 0;            // attempts made so far
  int64_t next_ms = 0;        // when the next attempt is due (0: at once)
  bool retry_stored = false;  // a "retry" row exists
  TimerId timer = 0;
};

// Work for the delivery thread: an attempt to make, or what an attempt (or a dead-letter send)
// came back with.
struct DeliveryEvent {
  enum class Kind { kAttempt, kSqsResult, kHttpResult, kDlqResult };
  Kind kind = Kind::kAttempt;
  std::shared_ptr<Delivery> dv;
  int http_status = 0;
  std::string error;      // empty: success
  std::string dlq_error;  // kDlqResult: why the dead-letter send failed ("" when it worked)
};

// One line of a subscription's delivery log (GET /_wharf/sns/deliveries): a delivery attempt's
// outcome, or a confirmation message's (`type` set, no message id or attempt).
struct DeliveryLogEntry {
  std::string type;        // "SubscriptionConfirmation", ...; empty for a notification
  std::string message_id;  // empty for a confirmation
  int attempt = 0;         // 0 for a confirmation
  std::string status;      // delivered, dropped, failed, dead-lettered, retrying
  int http_status = 0;     // 0: no HTTP answer
  std::string error;
  int64_t retry_in_ms = -1;  // retrying: when the next attempt starts; else -1
  int64_t time_ms = 0;
};

// A delivery that is over, for the delivery log.
struct Finished {
  std::shared_ptr<Delivery> dv;
  std::string status;  // delivered, dropped, failed, dead-lettered
  int http_status = 0;
  std::string error;
};

// Retry settings for http/https (AWS DeliveryPolicy healthyRetryPolicy + throttle).
struct RetryPolicy {
  int min_delay = 20, max_delay = 20, num_retries = 3;
  int num_no_delay = 0, num_min_delay = 0, num_max_delay = 0;
  std::string backoff = "linear";
  int max_per_second = 0;  // 0: unthrottled
  std::string content_type = "text/plain; charset=UTF-8";
  // Delay in ms before retry number `retry` (1-based), or -1 when retries are exhausted.
  int64_t DelayMs(int retry) const;
};

// A delivery attempt prepared under mu_ and carried out without it.
struct DeliveryJob {
  std::shared_ptr<Delivery> dv;
  std::string protocol, endpoint, subscription_arn, signature_version;
  bool raw = false;
  RetryPolicy policy;  // http/https
};

// Envelopes a delivery batch had to make itself (retries, resumed deliveries), by message,
// protocol text key and signature version.
using EnvelopeCache =
    std::map<std::tuple<const Published*, std::string, std::string>, CachedEnvelope>;

struct PlatformApp {
  std::string arn, name, platform, account, region;
  std::map<std::string, std::string> attributes;
};
struct PlatformEndpoint {
  std::string arn, app_arn, token;
  std::map<std::string, std::string> attributes;  // Enabled, Token, CustomUserData
};

class SnsCore {
 public:
  SnsCore(EngineEnv env, sqs::SqsEngine* sqs);
  ~SnsCore();

  Status Start();
  void Invoke(const RequestContext& ctx, const std::string& op, json input, OperationReply reply);
  void Stop();
  void Reset(std::function<void(Status)> done);
  json Summary();
  Status ApplyInit(const json& section);
  void Admin(const AdminRequest& request, OperationReply reply);

  // What an operation produced under the lock: writes to commit, then the output.
  struct Outcome {
    Sql writes;
    json output = json::object();
    std::vector<std::shared_ptr<Delivery>> deliveries;  // started after the commit
    std::vector<std::shared_ptr<Published>> to_sign;    // envelopes to sign before that
  };
  using OpResult = Result<Outcome>;
  // A publish whose envelopes signing_ signs (if any), then commits.
  struct SignJob {
    Outcome outcome;
    uint64_t generation;  // generation_ when the outcome was made
    OperationReply reply;
  };
  using OpFn = OpResult (SnsCore::*)(const RequestContext&, json&, Deferred&);
  // Every SNS action, by name (Invoke's table; AddPermission takes only these).
  static const std::unordered_map<std::string, OpFn>& Operations();

 private:
  int64_t NowMs() const { return env_.scheduler.clock().NowMs(); }
  // Queues the writes while mu_ is held, so they commit in the order the changes were made;
  // replies and starts the deliveries after the commit (through `d` for the memory store).
  void CommitLocked(Outcome o, OperationReply reply, Deferred& d);
  // Starts the deliveries of the commit that got `ticket` once those of every earlier ticket
  // have started (a failed commit passes none). Not with mu_ held.
  void StartInCommitOrder(uint64_t ticket, std::vector<std::shared_ptr<Delivery>> ds);
  // The same for a job from signing_ (its envelopes signed outside the lock, its changes made
  // on the state of `job.generation`). Fails it (ServiceUnavailable) if that state has been
  // dropped, or is stale, since.
  void CommitSigned(SignJob job);
  // How every write is queued: `writes` in order (as above), then `done` (may be empty) with
  // the commit's status, never under mu_. A failed commit marks the state stale, and fails the
  // writes queued before that, untried: they were made on the state the failed one changed.
  void QueueWritesLocked(Sql writes, std::function<void(Status)> done, Deferred& d);
  // Reloads the state from the store if it is stale: drops it (DropStateLocked) and loads it as
  // Start does. A pending delivery the store still holds goes on as it was (in flight, or
  // waiting for its retry); one only the store holds is started (through `d`), as at start-up.
  // The outbox and delivery log (never stored) are kept. Fails (ServiceUnavailable) when the
  // store cannot be read: the state is then empty and still stale, and the next call tries
  // again. A no-op when the state is not stale.
  Status RefreshLocked(Deferred& d);
  // Forgets the stored state (topics, subscriptions, platform objects, SMS settings, pending
  // deliveries, whose retry timers are cancelled) and starts a new generation.
  void DropStateLocked();
  // Whether `dv` is the pending delivery of its id (not one of a dropped state).
  bool PendingLocked(const Delivery& dv) const;
  static void RunDeferred(Deferred& d);

  // sns_topics.cc
  Result<std::shared_ptr<Topic>> TopicLocked(const std::string& arn,
                                             const char* param = "TopicArn");
  // TopicLocked, then AuthorizationError (403) unless the caller owns the topic or its Policy
  // lets the caller's account perform `action` ("SNS:Publish").
  Result<std::shared_ptr<Topic>> AccessTopicLocked(const RequestContext& ctx,
                                                   const std::string& arn, std::string_view action,
                                                   const char* param = "TopicArn");
  Result<std::shared_ptr<Topic>> CreateTopicLocked(const std::string& account,
                                                   const std::string& region, const json& in,
                                                   Sql& writes);
  json TopicAttributesLocked(const Topic& t) const;
  void WriteTopic(const Topic& t, Sql& writes) const;
  // FIFO deduplication: the first message `t` took with `dedup_id` in the last 5 minutes, or
  // null, after dropping the expired entries (and their rows).
  const Topic::Dedup* DedupLocked(Topic& t, const std::string& dedup_id, Sql& writes);
  // Makes `m` (its sequence number set) the first message with its dedup id for 5 minutes.
  void RememberDedupLocked(Topic& t, const Published& m, Sql& writes);
  void DeleteTopicLocked(Topic& t, Sql& writes);
  OpResult CreateTopic(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeleteTopic(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListTopics(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetTopicAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SetTopicAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult AddPermission(const RequestContext& ctx, json& in, Deferred& d);
  OpResult RemovePermission(const RequestContext& ctx, json& in, Deferred& d);
  OpResult TagResource(const RequestContext& ctx, json& in, Deferred& d);
  OpResult UntagResource(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListTagsForResource(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetDataProtectionPolicy(const RequestContext& ctx, json& in, Deferred& d);
  OpResult PutDataProtectionPolicy(const RequestContext& ctx, json& in, Deferred& d);

  // sns_subscriptions.cc
  Result<std::shared_ptr<Subscription>> SubscriptionLocked(const std::string& arn);
  // SubscriptionLocked, then AuthorizationError (403) unless the caller's account owns the
  // subscription or its topic.
  Result<std::shared_ptr<Subscription>> AccessSubscriptionLocked(const RequestContext& ctx,
                                                                 const std::string& arn,
                                                                 std::string_view action);
  // Checks (and normalizes) one attribute of a subscription of `protocol` to `endpoint`.
  Status CheckSubscriptionAttribute(const std::string& name, std::string& value, const Topic& topic,
                                    const std::string& protocol, const std::string& endpoint,
                                    bool on_subscribe) const;
  // `owner`: the subscriber's account (Owner; it may read and change the subscription).
  Result<std::shared_ptr<Subscription>> SubscribeLocked(
      const std::string& host, const std::string& owner, Topic& t, const std::string& protocol,
      const std::string& endpoint, const json& attributes, Sql& writes, Deferred& d);
  void WriteSubscription(const Subscription& s, Sql& writes) const;
  void RemoveSubscriptionLocked(const std::string& arn, Sql& writes);
  json SubscriptionSummary(const Subscription& s) const;
  OpResult Subscribe(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ConfirmSubscription(const RequestContext& ctx, json& in, Deferred& d);
  OpResult Unsubscribe(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListSubscriptions(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListSubscriptionsByTopic(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetSubscriptionAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SetSubscriptionAttributes(const RequestContext& ctx, json& in, Deferred& d);

  // sns_publish.cc
  Result<std::shared_ptr<Published>> BuildMessageLocked(const Topic* t, const json& entry,
                                                        std::string_view prefix);
  Status FanOutLocked(Topic& t, const std::shared_ptr<Published>& msg, Outcome& o);
  OpResult Publish(const RequestContext& ctx, json& in, Deferred& d);
  OpResult PublishBatch(const RequestContext& ctx, json& in, Deferred& d);

  // sns_delivery.cc. Attempts run on the delivery thread (worker_): mu_ is held only to read
  // subscriptions and record outcomes; signing, JSON encoding and sends happen without it.
  // Hands `ds` to the delivery thread: due ones at once, the others at their next_ms.
  void StartDeliveries(const std::vector<std::shared_ptr<Delivery>>& ds);
  void ScheduleAttempt(const std::shared_ptr<Delivery>& dv);
  void RunEvents(std::vector<DeliveryEvent> events);  // the delivery thread's batch
  void RunAttempts(const std::vector<std::shared_ptr<Delivery>>& dvs);
  // Failed sends: schedules http/https retries, else sends to the RedrivePolicy DLQ or fails.
  void HandleFailures(const std::vector<DeliveryEvent>& failures, std::vector<Finished>& finished);
  void FinishAll(const std::vector<Finished>& finished);
  // Sends to queues through the SQS engine in one call; done(errors) once they are committed,
  // errors[i] "Code: message" for sends[i] or empty when it was sent. Not when `sends` is empty.
  void SendToQueues(std::vector<sqs::ServiceSend> sends,
                    std::function<void(std::vector<std::string>)> done);
  void SendHttp(const std::shared_ptr<Delivery>& dv, HttpClientRequest req);  // per-endpoint cap
  void PostHttp(const std::shared_ptr<Delivery>& dv, HttpClientRequest req);
  DeliveryJob JobLocked(const std::shared_ptr<Delivery>& dv, const Subscription& s) const;
  // The SendMessage for `job` to queue `queue_arn`, SNS acting for the message's topic.
  sqs::ServiceSend SqsSend(const DeliveryJob& job, const std::string& queue_arn,
                           EnvelopeCache& cache) const;
  // The signed notification as `protocol` sees it, without the per-subscription UnsubscribeURL.
  const CachedEnvelope& EnvelopeFor(const Published& m, const std::string& protocol,
                                    const std::string& version, EnvelopeCache& cache) const;
  json SignedEnvelope(const Published& m, const std::string& protocol,
                      const std::string& version) const;
  // Signs the envelopes FanOutLocked asked for (without mu_).
  void SignEnvelopes(const std::vector<std::shared_ptr<Published>>& msgs) const;
  // Whether a subscription gets the JSON envelope (else the bare message).
  static bool WantsEnvelope(const std::string& protocol, bool raw);
  std::string SignatureVersionLocked(const std::string& topic_arn) const;
  void Sign(json& envelope, const std::string& version, const std::string& host) const;
  void SendConfirmation(const Subscription& s, const std::string& host, const std::string& type,
                        Deferred& d);
  RetryPolicy PolicyFor(const Subscription& s) const;
  std::string DeadLetterQueueLocked(const Subscription& s) const;
  void LogLocked(const std::string& sub, DeliveryLogEntry entry);
  void OutboxLocked(json entry);

  // sns_platform.cc (platform applications, endpoints, SMS)
  OpResult CreatePlatformApplication(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeletePlatformApplication(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetPlatformApplicationAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SetPlatformApplicationAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListPlatformApplications(const RequestContext& ctx, json& in, Deferred& d);
  OpResult CreatePlatformEndpoint(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeleteEndpoint(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetEndpointAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SetEndpointAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListEndpointsByPlatformApplication(const RequestContext& ctx, json& in, Deferred& d);
  Result<std::shared_ptr<PlatformEndpoint>> EndpointLocked(const std::string& arn);
  void WritePlatform(const std::string& kind, const std::string& id, const json& doc, Sql& w) const;

  // sns_sms.cc
  static Status CheckPhoneNumber(const std::string& number, bool publish);
  // An sms subscription's endpoint: "+" and up to 15 digits, which single '-', '.' or '/' may
  // group.
  static bool ValidSmsEndpoint(std::string_view endpoint);
  static std::string SmsScope(const RequestContext& ctx);  // "<account>:<region>"
  OpResult GetSMSAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SetSMSAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult CheckIfPhoneNumberIsOptedOut(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListPhoneNumbersOptedOut(const RequestContext& ctx, json& in, Deferred& d);
  OpResult OptInPhoneNumber(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetSMSSandboxAccountStatus(const RequestContext& ctx, json& in, Deferred& d);
  OpResult CreateSMSSandboxPhoneNumber(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeleteSMSSandboxPhoneNumber(const RequestContext& ctx, json& in, Deferred& d);
  OpResult VerifySMSSandboxPhoneNumber(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListSMSSandboxPhoneNumbers(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListOriginationNumbers(const RequestContext& ctx, json& in, Deferred& d);
  void WriteKv(const std::string& id, const json& doc, Sql& w) const;

  // sns_persistence.cc
  Status LoadLocked();
  // The "publish" row of `msg` going to `subscriptions`, its removal; a delivery's "retry" row.
  static SqlStatement PublishRow(const std::string& id, const Published& msg,
                                 const std::vector<std::string>& subscriptions);
  static SqlStatement DeletePublishRow(const std::string& id);
  static SqlStatement RetryRow(const Delivery& dv);
  static SqlStatement DeleteRetryRow(const Delivery& dv);
  // A FIFO topic's "dedup" row for its entry `dedup_id` (the 5-minute deduplication window
  // outlives a restart), its removal.
  static SqlStatement DedupRow(const Topic& t, const std::string& dedup_id);
  static SqlStatement DeleteDedupRow(const Topic& t, const std::string& dedup_id);

  EngineEnv env_;
  sqs::SqsEngine* sqs_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<BackgroundSigner> signer_;  // made in Start

  mutable std::mutex mu_;
  bool stopped_ = false;
  uint64_t generation_ = 0;         // how many times the state was dropped
  int signing_pending_ = 0;         // jobs posted to signing_ and not committed yet
  uint64_t last_start_ticket_ = 0;  // the last commit with deliveries (see StartInCommitOrder)
  std::mutex start_mu_;             // never taken while mu_ is held (StartDeliveries may take mu_)
  uint64_t last_started_ticket_ = 0;                                        // start_mu_
  std::map<uint64_t, std::vector<std::shared_ptr<Delivery>>> held_starts_;  // start_mu_
  EngineCommitState commit_state_;  // stale after a failed commit (see WriteMarkingStale)
  std::map<std::string, std::shared_ptr<Topic>> topics_;                   // by arn
  std::map<std::string, std::shared_ptr<Subscription>> subscriptions_;     // by arn
  std::map<std::string, std::shared_ptr<PlatformApp>> apps_;               // by arn
  std::map<std::string, std::shared_ptr<PlatformEndpoint>> endpoints_;     // by arn
  std::unordered_map<std::string, std::shared_ptr<Delivery>> deliveries_;  // pending, by id
  std::unordered_map<std::string, int> publish_pending_;  // publish row id -> deliveries left
  json sms_attributes_ = json::object();                  // SmsScope -> the attributes set there
  std::set<std::string> opted_out_;
  std::map<std::string, json> sandbox_;  // phone -> {"status", "code", "language"}
  std::deque<json> outbox_;
  std::map<std::string, std::deque<DeliveryLogEntry>> delivery_log_;  // by subscription arn
  // Delivery thread only: POSTs in flight and waiting, by scheme://host:port.
  struct HttpLane {
    int in_flight = 0;
    std::deque<std::pair<std::shared_ptr<Delivery>, HttpClientRequest>> waiting;
  };
  std::unordered_map<std::string, HttpLane> lanes_;
  // Last: stopped (joined) first, before the state its batches use goes away.
  std::unique_ptr<BatchWorker<DeliveryEvent>> worker_;
  // Signs envelopes (one thread per core) and commits the publishes in posting order; joined
  // before worker_, which the commits post to.
  std::unique_ptr<OrderedWorkers<SignJob>> signing_;
};

}  // namespace wharf::sns
