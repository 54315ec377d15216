// Internal state and operations of the SNS engine (public face: sns_engine.h).
// Locking: one mutex mu_. Functions named *Locked require it held. Work that must run without
// it (store writes, replies, calls into the SQS engine, HTTP sends) goes into a Deferred list
// that the caller runs after unlocking.
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
#include <vector>

#include "services/sns/filter_policy.h"
#include "services/sns/sns_signer.h"
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
  std::map<std::string, Dedup> dedup;  // FIFO: dedup id -> first message (5 minutes)
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

// A message published to a topic, shared by its deliveries.
struct Published {
  std::string message_id, topic_arn, subject, message, structure, group_id, dedup_id, sequence;
  std::string host;  // Host the publisher used: base of SigningCertURL / UnsubscribeURL
  json attributes = json::object();  // MessageAttributes as given (blobs as json binary)
  json per_protocol;                 // MessageStructure=json: the parsed message, else null
  int64_t timestamp_ms = 0;
  json ToJson() const;
  static Published FromJson(const json& j);
  // The text for `protocol` (the protocol's entry or "default" when structured).
  std::string MessageFor(const std::string& protocol) const;
};

// One message on its way to one subscription.
struct Delivery {
  std::string id, subscription_arn;
  std::shared_ptr<const Published> msg;
  int attempt = 0;  // attempts made so far
  TimerId timer = 0;
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
  SnsCore(EngineEnv env, ServiceEngine* sqs);
  ~SnsCore();

  Status Start();
  void Invoke(const RequestContext& ctx, const std::string& op, json input, OperationReply reply);
  void Stop();
  void Reset(std::function<void(Status)> done);
  json Summary() const;
  Status ApplyInit(const json& section);
  void Admin(const AdminRequest& request, OperationReply reply);

  // What an operation produced under the lock: writes to commit, then the output.
  struct Outcome {
    Sql writes;
    json output = json::object();
    std::vector<std::shared_ptr<Delivery>> deliveries;  // started after the commit
  };
  using OpResult = Result<Outcome>;
  using OpFn = OpResult (SnsCore::*)(const RequestContext&, json&, Deferred&);

 private:
  int64_t NowMs() const { return env_.scheduler.clock().NowMs(); }
  void Commit(Outcome o, OperationReply reply);
  static void RunDeferred(Deferred& d);

  // sns_topics.cc
  Result<std::shared_ptr<Topic>> TopicLocked(const std::string& arn,
                                             const char* param = "TopicArn");
  Result<std::shared_ptr<Topic>> CreateTopicLocked(const std::string& account,
                                                   const std::string& region, const json& in,
                                                   Sql& writes);
  json TopicAttributesLocked(const Topic& t) const;
  void WriteTopic(const Topic& t, Sql& writes) const;
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
  Status CheckSubscriptionAttribute(const std::string& name, std::string& value, const Topic& topic,
                                    const std::string& protocol, bool on_subscribe) const;
  Result<std::shared_ptr<Subscription>> SubscribeLocked(const std::string& host, Topic& t,
                                                        const std::string& protocol,
                                                        const std::string& endpoint,
                                                        const json& attributes, Sql& writes,
                                                        Deferred& d);
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

  // sns_delivery.cc
  void StartDeliveries(const std::vector<std::shared_ptr<Delivery>>& ds);
  void Attempt(std::shared_ptr<Delivery> dv);
  void Finish(const std::shared_ptr<Delivery>& dv, const std::string& status, int http_status,
              const std::string& error);
  void Failed(const std::shared_ptr<Delivery>& dv, int http_status, const std::string& error);
  void SendToSqs(const std::string& queue_arn, json request, std::function<void(Status)> done);
  json SqsRequest(const Subscription& s, const Published& m) const;  // mu_ held
  json Envelope(const Subscription& s, const Published& m) const;    // mu_ held
  std::string SignatureVersionLocked(const std::string& topic_arn) const;
  void SignLocked(json& envelope, const std::string& topic_arn, const std::string& host) const;
  void SendConfirmation(const Subscription& s, const std::string& host, const std::string& type,
                        Deferred& d);
  RetryPolicy PolicyFor(const Subscription& s) const;
  void LogLocked(const std::string& sub, json entry);
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
  void WriteDelivery(const Delivery& dv, Sql& w) const;
  void EraseDelivery(const std::string& id);

  EngineEnv env_;
  ServiceEngine* sqs_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Signer> signer_;

  mutable std::mutex mu_;
  bool stopped_ = false;
  std::map<std::string, std::shared_ptr<Topic>> topics_;                // by arn
  std::map<std::string, std::shared_ptr<Subscription>> subscriptions_;  // by arn
  std::map<std::string, std::shared_ptr<PlatformApp>> apps_;            // by arn
  std::map<std::string, std::shared_ptr<PlatformEndpoint>> endpoints_;  // by arn
  std::map<std::string, std::shared_ptr<Delivery>> deliveries_;         // in flight, by id
  json sms_attributes_ = json::object();
  std::set<std::string> opted_out_;
  std::map<std::string, json> sandbox_;  // phone -> {"status", "code", "language"}
  std::deque<json> outbox_;
  std::map<std::string, std::deque<json>> delivery_log_;  // by subscription arn
};

}  // namespace wharf::sns
