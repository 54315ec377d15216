// Delivery: SQS via the SQS engine, http/https POSTs with DeliveryPolicy retries, the outbox for
// the other protocols, redrive to a DLQ, the per-subscription delivery log.
#include <cmath>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {

// What AWS sends as User-Agent on every HTTP/S delivery.
constexpr const char* kSnsUserAgent = "Amazon Simple Notification Service Agent";
namespace {

constexpr size_t kMaxLogPerSubscription = 100;
constexpr size_t kMaxOutbox = 10000;

json AttributesToText(const json& attrs) {
  json out = json::object();
  for (auto& [k, v] : attrs.items()) {
    json a = v;
    if (v.contains("BinaryValue") && v["BinaryValue"].is_binary()) {
      const auto& b = v["BinaryValue"].get_binary();
      a.erase("BinaryValue");
      a["BinaryValue64"] = Base64Encode(std::string(b.begin(), b.end()));
    }
    out[k] = a;
  }
  return out;
}

json AttributesFromText(const json& attrs) {
  json out = json::object();
  for (auto& [k, v] : attrs.items()) {
    json a = v;
    if (v.contains("BinaryValue64")) {
      auto bytes = Base64Decode(v.value("BinaryValue64", "")).value_or("");
      a.erase("BinaryValue64");
      a["BinaryValue"] = json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }
    out[k] = a;
  }
  return out;
}

bool IsTrue(const std::map<std::string, std::string>& attrs, const char* name) {
  auto it = attrs.find(name);
  return it != attrs.end() && it->second == "true";
}

void ReadRetry(const json& j, RetryPolicy& p) {
  if (!j.is_object()) return;
  p.min_delay = j.value("minDelayTarget", p.min_delay);
  p.max_delay = j.value("maxDelayTarget", p.max_delay);
  p.num_retries = j.value("numRetries", p.num_retries);
  p.num_no_delay = j.value("numNoDelayRetries", p.num_no_delay);
  p.num_min_delay = j.value("numMinDelayRetries", p.num_min_delay);
  p.num_max_delay = j.value("numMaxDelayRetries", p.num_max_delay);
  p.backoff = j.value("backoffFunction", p.backoff);
}

}  // namespace

json Published::ToJson() const {
  return {{"id", message_id},
          {"topic", topic_arn},
          {"subject", subject},
          {"message", message},
          {"structure", structure},
          {"group", group_id},
          {"dedup", dedup_id},
          {"seq", sequence},
          {"host", host},
          {"ts", timestamp_ms},
          {"attrs", AttributesToText(attributes)}};
}

Published Published::FromJson(const json& j) {
  Published m;
  m.message_id = j.value("id", "");
  m.topic_arn = j.value("topic", "");
  m.subject = j.value("subject", "");
  m.message = j.value("message", "");
  m.structure = j.value("structure", "");
  m.group_id = j.value("group", "");
  m.dedup_id = j.value("dedup", "");
  m.sequence = j.value("seq", "");
  m.host = j.value("host", "");
  m.timestamp_ms = j.value("ts", int64_t{0});
  m.attributes = AttributesFromText(j.value("attrs", json::object()));
  if (m.structure == "json") m.per_protocol = json::parse(m.message, nullptr, false);
  return m;
}

std::string Published::MessageFor(const std::string& protocol) const {
  if (!per_protocol.is_object()) return message;
  auto it = per_protocol.find(protocol);
  if (it != per_protocol.end() && it->is_string()) return it->get<std::string>();
  return per_protocol.value("default", "");
}

int64_t RetryPolicy::DelayMs(int retry) const {
  if (retry < 1 || retry > num_retries) return -1;
  if (retry <= num_no_delay) return 0;
  int r = retry - num_no_delay;
  if (r <= num_min_delay) return int64_t{min_delay} * 1000;
  r -= num_min_delay;
  const int backoff_n = num_retries - num_no_delay - num_min_delay - num_max_delay;
  if (r > backoff_n) return int64_t{max_delay} * 1000;
  const double x = static_cast<double>(r) / backoff_n;
  double f = x;  // linear
  if (backoff == "arithmetic") f = x * x;
  if (backoff == "geometric") f = std::sqrt(x);
  if (backoff == "exponential") f = (std::pow(2.0, 10 * x) - 1) / 1023.0;
  return static_cast<int64_t>(std::llround((min_delay + (max_delay - min_delay) * f) * 1000));
}

RetryPolicy SnsCore::PolicyFor(const Subscription& s) const {
  RetryPolicy p;
  bool overrides = true;
  if (auto t = topics_.find(s.topic_arn); t != topics_.end()) {
    if (auto dp = t->second->attributes.find("DeliveryPolicy"); dp != t->second->attributes.end()) {
      json j = json::parse(dp->second, nullptr, false);
      if (j.is_object() && j.contains("http") && j["http"].is_object()) {
        const json& h = j["http"];
        ReadRetry(h.value("defaultHealthyRetryPolicy", json()), p);
        p.max_per_second =
            h.value("defaultThrottlePolicy", json::object()).value("maxReceivesPerSecond", 0);
        p.content_type = h.value("defaultRequestPolicy", json::object())
                             .value("headerContentType", p.content_type);
        overrides = !h.value("disableSubscriptionOverrides", false);
      }
    }
  }
  if (auto dp = s.attributes.find("DeliveryPolicy"); overrides && dp != s.attributes.end()) {
    json j = json::parse(dp->second, nullptr, false);
    if (j.is_object()) {
      ReadRetry(j.value("healthyRetryPolicy", json()), p);
      if (j.contains("throttlePolicy") && j["throttlePolicy"].is_object()) {
        p.max_per_second = j["throttlePolicy"].value("maxReceivesPerSecond", p.max_per_second);
      }
      if (j.contains("requestPolicy") && j["requestPolicy"].is_object()) {
        p.content_type = j["requestPolicy"].value("headerContentType", p.content_type);
      }
    }
  }
  return p;
}

std::string SnsCore::SignatureVersionLocked(const std::string& topic_arn) const {
  auto t = topics_.find(topic_arn);
  if (t == topics_.end()) return "1";
  auto v = t->second->attributes.find("SignatureVersion");
  return v == t->second->attributes.end() ? "1" : v->second;
}

void SnsCore::SignLocked(json& env, const std::string& topic_arn, const std::string& host) const {
  const std::string version = SignatureVersionLocked(topic_arn);
  env["SignatureVersion"] = version;
  env["Signature"] = signer_->Sign(CanonicalString(env), version == "2" ? 2 : 1);
  env["SigningCertURL"] =
      "http://" + host + "/_wharf/sns/SimpleNotificationService-" + signer_->cert_id() + ".pem";
}

json SnsCore::Envelope(const Subscription& s, const Published& m) const {
  json env = {{"Type", "Notification"},
              {"MessageId", m.message_id},
              {"TopicArn", m.topic_arn},
              {"Message", m.MessageFor(s.protocol)},
              {"Timestamp", IsoMillis(m.timestamp_ms)}};
  if (!m.subject.empty()) env["Subject"] = m.subject;
  if (!m.sequence.empty()) env["SequenceNumber"] = m.sequence;
  SignLocked(env, m.topic_arn, m.host);
  env["UnsubscribeURL"] =
      "http://" + m.host + "/?Action=Unsubscribe&SubscriptionArn=" + UrlEncode(s.arn);
  if (!m.attributes.empty()) {
    json attrs = json::object();
    for (auto& [k, v] : m.attributes.items()) {
      std::string type = v.value("DataType", "String");
      if (v.contains("BinaryValue") && v["BinaryValue"].is_binary()) {
        const auto& b = v["BinaryValue"].get_binary();
        attrs[k] = {{"Type", type}, {"Value", Base64Encode(std::string(b.begin(), b.end()))}};
      } else {
        attrs[k] = {{"Type", type}, {"Value", v.value("StringValue", "")}};
      }
    }
    env["MessageAttributes"] = attrs;
  }
  return env;
}

json SnsCore::SqsRequest(const Subscription& s, const Published& m) const {
  const bool raw = IsTrue(s.attributes, "RawMessageDelivery");
  json req = {{"MessageBody", raw ? m.MessageFor("sqs") : Envelope(s, m).dump()}};
  if (raw && !m.attributes.empty()) req["MessageAttributes"] = m.attributes;
  // SendToSqs drops these for standard queues.
  if (!m.group_id.empty()) req["MessageGroupId"] = m.group_id;
  if (!m.dedup_id.empty()) req["MessageDeduplicationId"] = m.dedup_id;
  return req;
}

void SnsCore::SendToSqs(const std::string& queue_arn, json request,
                        std::function<void(Status)> done) {
  auto arn = ParseArn(queue_arn, "Endpoint");
  if (!arn.ok() || sqs_ == nullptr) {
    return done(AwsError::Client("NotFound", "no SQS engine or bad queue ARN " + queue_arn));
  }
  if (!queue_arn.ends_with(".fifo")) {
    request.erase("MessageGroupId");
    request.erase("MessageDeduplicationId");
  }
  request["QueueUrl"] = "http://sns.internal/" + arn->account + "/" + arn->resource;
  RequestContext ctx{NewUuid(), arn->account, arn->region, "sns.internal", "internal"};
  sqs_->Invoke(ctx, "SendMessage", std::move(request), [done = std::move(done)](Result<json> r) {
    if (r.ok()) return done(OkStatus());
    done(std::move(r).error());
  });
}

void SnsCore::StartDeliveries(const std::vector<std::shared_ptr<Delivery>>& ds) {
  for (const auto& dv : ds) Attempt(dv);
}

void SnsCore::Attempt(std::shared_ptr<Delivery> dv) {
  std::unique_lock lock(mu_);
  if (stopped_ || !deliveries_.count(dv->id)) return;
  dv->timer = 0;
  auto it = subscriptions_.find(dv->subscription_arn);
  if (it == subscriptions_.end()) {
    lock.unlock();
    return Finish(dv, "dropped", 0, "subscription deleted");
  }
  Subscription& s = *it->second;
  const Published& m = *dv->msg;
  if (s.protocol == "sqs") {
    dv->attempt++;
    json req = SqsRequest(s, m);
    std::string queue = s.endpoint;
    lock.unlock();
    return SendToSqs(queue, std::move(req), [this, dv](Status st) {
      if (st.ok()) return Finish(dv, "delivered", 0, "");
      Failed(dv, 0, st.error().code + ": " + st.error().message);
    });
  }
  if (s.protocol == "http" || s.protocol == "https") {
    const RetryPolicy policy = PolicyFor(s);
    const int64_t now = NowMs();
    if (policy.max_per_second > 0) {
      if (s.next_slot_ms > now) {
        const int64_t due = s.next_slot_ms;
        s.next_slot_ms += 1000 / policy.max_per_second;
        lock.unlock();
        TimerId id = env_.scheduler.ScheduleAt(due, [this, dv] { Attempt(dv); });
        std::lock_guard relock(mu_);
        dv->timer = id;
        return;
      }
      s.next_slot_ms = now + 1000 / policy.max_per_second;
    }
    dv->attempt++;
    const bool raw = IsTrue(s.attributes, "RawMessageDelivery");
    HttpClientRequest req;
    req.url = s.endpoint;
    req.body = raw ? m.MessageFor(s.protocol) : Envelope(s, m).dump(2);
    req.headers = {
        {"User-Agent", kSnsUserAgent},          {"x-amz-sns-message-type", "Notification"},
        {"x-amz-sns-message-id", m.message_id}, {"x-amz-sns-topic-arn", m.topic_arn},
        {"x-amz-sns-subscription-arn", s.arn},  {"Content-Type", policy.content_type}};
    if (raw) req.headers.emplace_back("x-amz-sns-rawdelivery", "true");
    lock.unlock();
    return http_->Send(std::move(req), [this, dv, policy](Result<HttpResponse> r) {
      if (r.ok() && r->status >= 200 && r->status < 300)
        return Finish(dv, "delivered", r->status, "");
      const int http_status = r.ok() ? r->status : 0;
      const std::string error = r.ok() ? "HTTP " + std::to_string(r->status) : r.error().message;
      const int64_t delay = policy.DelayMs(dv->attempt);
      if (delay < 0) return Failed(dv, http_status, error);
      {
        std::lock_guard relock(mu_);
        if (stopped_) return;
        LogLocked(dv->subscription_arn, {{"message_id", dv->msg->message_id},
                                         {"attempt", dv->attempt},
                                         {"status", "retrying"},
                                         {"http_status", http_status},
                                         {"error", error},
                                         {"retry_in_ms", delay}});
      }
      TimerId id = env_.scheduler.ScheduleAt(NowMs() + delay, [this, dv] { Attempt(dv); });
      std::lock_guard relock(mu_);
      dv->timer = id;
    });
  }
  dv->attempt++;
  json entry = {{"subscription", s.arn},      {"protocol", s.protocol},
                {"endpoint", s.endpoint},     {"type", "Notification"},
                {"message_id", m.message_id}, {"timestamp", IsoMillis(m.timestamp_ms)}};
  const bool raw = IsTrue(s.attributes, "RawMessageDelivery");
  if (s.protocol == "email" || s.protocol == "sms" || s.protocol == "application" || raw) {
    entry["message"] = m.MessageFor(s.protocol);
  } else if (s.protocol == "lambda") {
    json sns = Envelope(s, m);
    entry["message"] = json{
        {"Records",
         {{{"EventSource", "aws:sns"},
           {"EventVersion", "1.0"},
           {"EventSubscriptionArn", s.arn},
           {"Sns", sns}}}}}.dump();
  } else {
    entry["message"] = Envelope(s, m).dump();
  }
  OutboxLocked(std::move(entry));
  lock.unlock();
  Finish(dv, "delivered", 0, "");
}

void SnsCore::Finish(const std::shared_ptr<Delivery>& dv, const std::string& status,
                     int http_status, const std::string& error) {
  {
    std::lock_guard lock(mu_);
    if (!deliveries_.erase(dv->id)) return;
    json entry = {
        {"message_id", dv->msg->message_id}, {"attempt", dv->attempt}, {"status", status}};
    if (http_status != 0) entry["http_status"] = http_status;
    if (!error.empty()) entry["error"] = error;
    LogLocked(dv->subscription_arn, std::move(entry));
  }
  EraseDelivery(dv->id);
}

void SnsCore::Failed(const std::shared_ptr<Delivery>& dv, int http_status,
                     const std::string& error) {
  std::unique_lock lock(mu_);
  auto it = subscriptions_.find(dv->subscription_arn);
  std::string dlq;
  json req;
  if (it != subscriptions_.end()) {
    if (auto rp = it->second->attributes.find("RedrivePolicy");
        rp != it->second->attributes.end()) {
      json j = json::parse(rp->second, nullptr, false);
      if (j.is_object()) dlq = Str(j, "deadLetterTargetArn");
    }
    if (!dlq.empty()) req = SqsRequest(*it->second, *dv->msg);
  }
  lock.unlock();
  if (dlq.empty()) return Finish(dv, "failed", http_status, error);
  SendToSqs(dlq, std::move(req), [this, dv, http_status, error](Status st) {
    Finish(dv, st.ok() ? "dead-lettered" : "failed", http_status,
           st.ok() ? error : error + "; DLQ: " + st.error().message);
  });
}

void SnsCore::SendConfirmation(const Subscription& s, const std::string& host,
                               const std::string& type, Deferred& d) {
  const std::string verb = type == "SubscriptionConfirmation" ? "ConfirmSubscription" : "Subscribe";
  json env = {{"Type", type},
              {"MessageId", NewUuid()},
              {"Token", s.token},
              {"TopicArn", s.topic_arn},
              {"Message", type == "SubscriptionConfirmation"
                              ? "You have chosen to subscribe to the topic " + s.topic_arn +
                                    ".\nTo confirm the subscription, visit the SubscribeURL "
                                    "included in this message."
                              : "You have chosen to deactivate subscription " + s.arn +
                                    ".\nTo cancel this operation and restore the subscription, "
                                    "visit the SubscribeURL included in this message."},
              {"SubscribeURL", "http://" + host + "/?Action=" + verb +
                                   "&TopicArn=" + UrlEncode(s.topic_arn) + "&Token=" + s.token},
              {"Timestamp", IsoMillis(NowMs())}};
  SignLocked(env, s.topic_arn, host);
  if (s.protocol != "http" && s.protocol != "https") {
    OutboxLocked({{"subscription", s.arn},
                  {"protocol", s.protocol},
                  {"endpoint", s.endpoint},
                  {"type", type},
                  {"token", s.token},
                  {"message", env.dump()},
                  {"timestamp", env["Timestamp"]}});
    return;
  }
  HttpClientRequest req;
  req.url = s.endpoint;
  req.body = env.dump(2);
  req.headers = {{"User-Agent", kSnsUserAgent},
                 {"x-amz-sns-message-type", type},
                 {"x-amz-sns-message-id", env["MessageId"].get<std::string>()},
                 {"x-amz-sns-topic-arn", s.topic_arn},
                 {"Content-Type", "text/plain; charset=UTF-8"}};
  d.push_back([this, req = std::move(req), arn = s.arn, type]() mutable {
    http_->Send(std::move(req), [this, arn, type](Result<HttpResponse> r) {
      std::lock_guard lock(mu_);
      json entry = {{"type", type}, {"status", r.ok() && r->status < 300 ? "delivered" : "failed"}};
      if (r.ok()) entry["http_status"] = r->status;
      if (!r.ok()) entry["error"] = r.error().message;
      LogLocked(arn, std::move(entry));
    });
  });
}

void SnsCore::LogLocked(const std::string& sub, json entry) {
  if (!subscriptions_.count(sub)) return;
  entry["subscription"] = sub;
  entry["time"] = IsoMillis(NowMs());
  auto& log = delivery_log_[sub];
  log.push_back(std::move(entry));
  while (log.size() > kMaxLogPerSubscription) log.pop_front();
}

void SnsCore::OutboxLocked(json entry) {
  outbox_.push_back(std::move(entry));
  while (outbox_.size() > kMaxOutbox) outbox_.pop_front();
}

}  // namespace wharf::sns
