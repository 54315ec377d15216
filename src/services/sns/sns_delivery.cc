// Delivery: SQS via the SQS engine, http/https POSTs with DeliveryPolicy retries, the outbox for
// the other protocols, redrive to a DLQ, the per-subscription delivery log.
#include <cmath>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {

// What AWS sends as User-Agent on every HTTP/S delivery.
constexpr const char* kSnsUserAgent = "Amazon Simple Notification Service Agent";
constexpr const char* kSnsAcceptEncoding = "gzip,deflate";  // as AWS sends it (recorded)
namespace {

constexpr size_t kMaxLogPerSubscription = 100;
constexpr size_t kAttemptsPerSlice = 256;
constexpr size_t kMaxOutbox = 10000;
// POSTs in flight per scheme://host:port: as many as the HTTP client keeps idle connections
// for, so a steady stream of deliveries reuses its keep-alive connections.
constexpr int kMaxHttpInFlight = 4;

// ARNs go into the URLs as they are, as AWS writes them (recorded): their characters need no
// escaping in a query.
std::string UnsubscribeUrl(const std::string& host, const std::string& subscription_arn) {
  return "http://" + host + "/?Action=Unsubscribe&SubscriptionArn=" + subscription_arn;
}

// The envelope's text with its UnsubscribeURL: the last key in the sorted envelope, so it is
// appended before the closing brace instead of encoding the whole document again.
std::string WithUnsubscribeUrl(const CachedEnvelope& env, const std::string& url,
                               bool pretty = false) {
  std::string& base = pretty ? env.pretty : env.compact;
  if (base.empty()) base = pretty ? env.doc.dump(2) : env.doc.dump();
  std::string out(base, 0, base.size() - (pretty ? 2 : 1));
  out += pretty ? ",\n  \"UnsubscribeURL\": " : ",\"UnsubscribeURL\":";
  out += json(url).dump();
  out += pretty ? "\n}" : "}";
  return out;
}

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
  return {
      {"id", message_id},      {"topic", topic_arn},     {"subject", subject},
      {"message", message},    {"structure", structure}, {"group", group_id},
      {"dedup", dedup_id},     {"seq", sequence},        {"host", host},
      {"trace", trace_header}, {"ts", timestamp_ms},     {"attrs", AttributesToText(attributes)}};
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
  m.trace_header = j.value("trace", "");
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

void SnsCore::Sign(json& env, const std::string& version, const std::string& host) const {
  const Signer* signer = signer_->Get();
  env["SignatureVersion"] = version;
  if (signer == nullptr) return;  // OpenSSL could not make a key (logged at start)
  env["Signature"] = signer->Sign(CanonicalString(env), version == "2" ? 2 : 1);
  env["SigningCertURL"] =
      "http://" + host + "/_wharf/sns/SimpleNotificationService-" + signer->cert_id() + ".pem";
}

json SnsCore::SignedEnvelope(const Published& m, const std::string& protocol,
                             const std::string& version) const {
  json env = {{"Type", "Notification"},
              {"MessageId", m.message_id},
              {"TopicArn", m.topic_arn},
              {"Message", m.MessageFor(protocol)},
              {"Timestamp", IsoMillis(m.timestamp_ms)}};
  if (!m.subject.empty()) env["Subject"] = m.subject;
  if (!m.sequence.empty()) env["SequenceNumber"] = m.sequence;
  // FIFO topics' notifications carry no signature (recorded from AWS).
  if (!m.Fifo()) Sign(env, version, m.host);
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

bool SnsCore::WantsEnvelope(const std::string& protocol, bool raw) {
  return !raw && protocol != "email" && protocol != "sms" && protocol != "application";
}

void SnsCore::SignEnvelopes(const std::vector<std::shared_ptr<Published>>& msgs) const {
  for (const auto& m : msgs) {
    for (auto& [key, env] : m->envelopes) {
      // The text key is the protocol itself when texts differ, else any protocol's text.
      env.doc = SignedEnvelope(*m, key.first.empty() ? "sqs" : key.first, key.second);
    }
  }
}

const CachedEnvelope& SnsCore::EnvelopeFor(const Published& m, const std::string& protocol,
                                           const std::string& version, EnvelopeCache& cache) const {
  const std::string text_key = m.TextKey(protocol);
  if (auto it = m.envelopes.find({text_key, version});
      it != m.envelopes.end() && !it->second.doc.is_null()) {
    return it->second;
  }
  auto [it, inserted] = cache.try_emplace({&m, text_key, version});
  if (inserted) it->second.doc = SignedEnvelope(m, protocol, version);
  return it->second;
}

DeliveryJob SnsCore::JobLocked(const std::shared_ptr<Delivery>& dv, const Subscription& s) const {
  DeliveryJob job{dv,
                  s.protocol,
                  s.endpoint,
                  s.arn,
                  SignatureVersionLocked(s.topic_arn),
                  IsTrue(s.attributes, "RawMessageDelivery")};
  if (s.protocol == "http" || s.protocol == "https") job.policy = PolicyFor(s);
  return job;
}

sqs::ServiceSend SnsCore::SqsSend(const DeliveryJob& job, const std::string& queue_arn,
                                  EnvelopeCache& cache) const {
  const Published& m = *job.dv->msg;
  json req;
  if (job.raw) {
    req["MessageBody"] = m.MessageFor("sqs");
    if (!m.attributes.empty()) req["MessageAttributes"] = m.attributes;
  } else {
    const CachedEnvelope& env = EnvelopeFor(m, "sqs", job.signature_version, cache);
    req["MessageBody"] = WithUnsubscribeUrl(env, UnsubscribeUrl(m.host, job.subscription_arn));
  }
  // A standard topic's MessageGroupId reaches a standard queue too, a FIFO topic's only FIFO
  // queues; only a FIFO queue takes the dedup id (all recorded).
  if (!m.group_id.empty() && (queue_arn.ends_with(".fifo") || !m.Fifo())) {
    req["MessageGroupId"] = m.group_id;
  }
  if (queue_arn.ends_with(".fifo") && !m.dedup_id.empty()) {
    req["MessageDeduplicationId"] = m.dedup_id;
  }
  // The Publish request's X-Ray header reaches the queue as AWSTraceHeader (recorded).
  if (!m.trace_header.empty()) {
    req["MessageSystemAttributes"] = {
        {"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", m.trace_header}}}};
  }
  // SNS acts for the topic's owner (aws:SourceAccount); the ARN was checked when the topic was
  // made.
  auto topic = ParseArn(m.topic_arn, "TopicArn");
  return {{topic.ok() ? topic->account : std::string(), "sns.amazonaws.com", m.topic_arn},
          queue_arn,
          std::move(req)};
}

void SnsCore::SendToQueues(std::vector<sqs::ServiceSend> sends,
                           std::function<void(std::vector<std::string>)> done) {
  if (sends.empty()) return;
  if (sqs_ == nullptr) {
    return done(std::vector<std::string>(sends.size(), "NotFound: no SQS engine"));
  }
  sqs_->SendAsService(std::move(sends), [done = std::move(done)](std::vector<Result<json>> rs) {
    std::vector<std::string> errors;
    errors.reserve(rs.size());
    for (const Result<json>& r : rs) {
      errors.push_back(r.ok() ? "" : r.error().code + ": " + r.error().message);
    }
    done(std::move(errors));
  });
}

void SnsCore::StartDeliveries(const std::vector<std::shared_ptr<Delivery>>& ds) {
  std::vector<DeliveryEvent> due;
  const int64_t now = NowMs();
  for (const auto& dv : ds) {
    if (dv->next_ms > now) {
      ScheduleAttempt(dv);
    } else {
      due.push_back({DeliveryEvent::Kind::kAttempt, dv});
    }
  }
  worker_->Post(std::move(due));
}

void SnsCore::ScheduleAttempt(const std::shared_ptr<Delivery>& dv) {
  TimerId id = env_.scheduler.ScheduleAt(dv->next_ms, [this, dv] {
    worker_->Post({DeliveryEvent::Kind::kAttempt, dv});
  });
  std::lock_guard lock(mu_);
  dv->timer = id;
}

void SnsCore::RunEvents(std::vector<DeliveryEvent> events) {
  std::vector<std::shared_ptr<Delivery>> attempts;
  std::vector<DeliveryEvent> failures;
  std::vector<Finished> finished;
  for (DeliveryEvent& e : events) {
    switch (e.kind) {
      case DeliveryEvent::Kind::kAttempt:
        attempts.push_back(std::move(e.dv));
        break;
      case DeliveryEvent::Kind::kHttpResult:
        if (auto lane = lanes_.find(e.dv->lane); lane != lanes_.end()) {
          if (!lane->second.waiting.empty()) {
            auto next = std::move(lane->second.waiting.front());
            lane->second.waiting.pop_front();
            lane->second.in_flight--;
            PostHttp(next.first, std::move(next.second));
          } else if (--lane->second.in_flight == 0) {
            lanes_.erase(lane);
          }
        }
        [[fallthrough]];
      case DeliveryEvent::Kind::kSqsResult:
        if (e.error.empty()) {
          finished.push_back({std::move(e.dv), "delivered", e.http_status, ""});
        } else {
          failures.push_back(std::move(e));
        }
        break;
      case DeliveryEvent::Kind::kDlqResult:
        finished.push_back({std::move(e.dv), e.dlq_error.empty() ? "dead-lettered" : "failed",
                            e.http_status,
                            e.dlq_error.empty() ? e.error : e.error + "; DLQ: " + e.dlq_error});
        break;
    }
  }
  HandleFailures(failures, finished);
  FinishAll(finished);
  // In slices, so that each slice's sends are one moderate store write and the first deliveries
  // of a backlog go out without waiting for all of it.
  for (size_t i = 0; i < attempts.size(); i += kAttemptsPerSlice) {
    const auto end = attempts.begin() + std::min(attempts.size(), i + kAttemptsPerSlice);
    RunAttempts({attempts.begin() + i, end});
  }
}

void SnsCore::RunAttempts(const std::vector<std::shared_ptr<Delivery>>& dvs) {
  std::vector<DeliveryJob> jobs;
  std::vector<Finished> finished;
  std::vector<std::shared_ptr<Delivery>> throttled;
  Deferred d;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    // After a failed reload nothing is pending (the next reload starts what the store holds).
    const bool loaded = RefreshLocked(d).ok();
    const int64_t now = NowMs();
    for (const auto& dv : dvs) {
      if (!loaded || !PendingLocked(*dv)) continue;
      dv->timer = 0;
      auto it = subscriptions_.find(dv->subscription_arn);
      if (it == subscriptions_.end()) {
        finished.push_back({dv, "dropped", 0, "subscription deleted"});
        continue;
      }
      Subscription& s = *it->second;
      DeliveryJob job = JobLocked(dv, s);
      // A delivery with a next_ms already holds its slot (throttled or retried): it goes now.
      if (const int per_second = job.policy.max_per_second; per_second > 0 && dv->next_ms == 0) {
        if (s.next_slot_ms > now) {
          dv->next_ms = s.next_slot_ms;
          s.next_slot_ms += 1000 / per_second;
          throttled.push_back(dv);
          continue;
        }
        s.next_slot_ms = now + 1000 / per_second;
      }
      dv->next_ms = 0;
      dv->attempt++;
      jobs.push_back(std::move(job));
    }
  }
  RunDeferred(d);
  for (const auto& dv : throttled) ScheduleAttempt(dv);
  EnvelopeCache cache;
  std::vector<sqs::ServiceSend> sends;
  std::vector<std::shared_ptr<Delivery>> sent;
  for (DeliveryJob& job : jobs) {
    const Published& m = *job.dv->msg;
    if (job.protocol == "sqs") {
      sends.push_back(SqsSend(job, job.endpoint, cache));
      sent.push_back(job.dv);
    } else if (job.protocol == "http" || job.protocol == "https") {
      HttpClientRequest req;
      req.url = job.endpoint;
      req.body = job.raw ? m.MessageFor(job.protocol)
                         : WithUnsubscribeUrl(
                               EnvelopeFor(m, job.protocol, job.signature_version, cache),
                               UnsubscribeUrl(m.host, job.subscription_arn), /*pretty=*/true);
      req.headers = {{"User-Agent", kSnsUserAgent},
                     {"Accept-Encoding", kSnsAcceptEncoding},
                     {"x-amz-sns-message-type", "Notification"},
                     {"x-amz-sns-message-id", m.message_id},
                     {"x-amz-sns-topic-arn", m.topic_arn},
                     {"x-amz-sns-subscription-arn", job.subscription_arn},
                     {"Content-Type", job.policy.content_type}};
      if (job.raw) req.headers.emplace_back("x-amz-sns-rawdelivery", "true");
      SendHttp(job.dv, std::move(req));
    } else {
      finished.push_back({job.dv, "delivered", 0, ""});
      json entry = {{"subscription", job.subscription_arn},
                    {"protocol", job.protocol},
                    {"endpoint", job.endpoint},
                    {"type", "Notification"},
                    {"message_id", m.message_id},
                    {"timestamp", IsoMillis(m.timestamp_ms)}};
      if (!WantsEnvelope(job.protocol, job.raw)) {
        entry["message"] = m.MessageFor(job.protocol);
      } else {
        json sns = EnvelopeFor(m, job.protocol, job.signature_version, cache).doc;
        sns["UnsubscribeURL"] = UnsubscribeUrl(m.host, job.subscription_arn);
        if (job.protocol == "lambda") {
          entry["message"] = json{
              {"Records",
               {{{"EventSource", "aws:sns"},
                 {"EventVersion", "1.0"},
                 {"EventSubscriptionArn", job.subscription_arn},
                 {"Sns", sns}}}}}.dump();
        } else {
          entry["message"] = sns.dump();
        }
      }
      std::lock_guard lock(mu_);
      OutboxLocked(std::move(entry));
    }
  }
  SendToQueues(std::move(sends), [this, sent = std::move(sent)](std::vector<std::string> errors) {
    std::vector<DeliveryEvent> events;
    events.reserve(sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      events.push_back({DeliveryEvent::Kind::kSqsResult, sent[i], 0, std::move(errors[i])});
    }
    worker_->Post(std::move(events));
  });
  FinishAll(finished);
}

void SnsCore::SendHttp(const std::shared_ptr<Delivery>& dv, HttpClientRequest req) {
  auto url = ParseHttpUrl(req.url);
  dv->lane = url.ok() ? (url->https ? "https://" : "http://") + url->HostHeader() : req.url;
  HttpLane& lane = lanes_[dv->lane];
  if (lane.in_flight >= kMaxHttpInFlight) {
    lane.waiting.emplace_back(dv, std::move(req));
    return;
  }
  PostHttp(dv, std::move(req));
}

void SnsCore::PostHttp(const std::shared_ptr<Delivery>& dv, HttpClientRequest req) {
  lanes_[dv->lane].in_flight++;
  http_->Send(std::move(req), [this, dv](Result<HttpResponse> r) {
    const bool ok = r.ok() && r->status >= 200 && r->status < 300;
    worker_->Post({DeliveryEvent::Kind::kHttpResult, dv, r.ok() ? r->status : 0,
                   ok ? "" : (r.ok() ? "HTTP " + std::to_string(r->status) : r.error().message)});
  });
}

std::string SnsCore::DeadLetterQueueLocked(const Subscription& s) const {
  auto rp = s.attributes.find("RedrivePolicy");
  if (rp == s.attributes.end()) return "";
  json j = json::parse(rp->second, nullptr, false);
  return j.is_object() ? Str(j, "deadLetterTargetArn") : "";
}

void SnsCore::HandleFailures(const std::vector<DeliveryEvent>& failures,
                             std::vector<Finished>& finished) {
  if (failures.empty()) return;
  Sql writes;
  std::vector<std::shared_ptr<Delivery>> retries;
  std::vector<std::tuple<std::string, DeliveryJob, const DeliveryEvent*>> dead_letters;
  Deferred d;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    const bool loaded = RefreshLocked(d).ok();
    const int64_t now = NowMs();
    for (const DeliveryEvent& e : failures) {
      const auto& dv = e.dv;
      if (!loaded || !PendingLocked(*dv)) continue;  // dropped with the state it belonged to
      auto it = subscriptions_.find(dv->subscription_arn);
      if (it == subscriptions_.end()) {
        finished.push_back({dv, "dropped", e.http_status, "subscription deleted"});
        continue;
      }
      const Subscription& s = *it->second;
      if (e.kind == DeliveryEvent::Kind::kHttpResult) {
        const int64_t delay = PolicyFor(s).DelayMs(dv->attempt);
        if (delay >= 0) {
          LogLocked(s.arn, {.message_id = dv->msg->message_id,
                            .attempt = dv->attempt,
                            .status = "retrying",
                            .http_status = e.http_status,
                            .error = e.error,
                            .retry_in_ms = delay});
          dv->next_ms = now + delay;
          dv->retry_stored = true;
          writes.push_back(RetryRow(*dv));
          retries.push_back(dv);
          continue;
        }
      }
      std::string dlq = DeadLetterQueueLocked(s);
      if (dlq.empty()) {
        finished.push_back({dv, "failed", e.http_status, e.error});
      } else {
        dead_letters.emplace_back(std::move(dlq), JobLocked(dv, s), &e);
      }
    }
    if (!writes.empty()) QueueWritesLocked(std::move(writes), nullptr, d);
  }
  RunDeferred(d);
  for (const auto& dv : retries) ScheduleAttempt(dv);
  EnvelopeCache cache;
  std::vector<sqs::ServiceSend> sends;
  std::vector<DeliveryEvent> events;
  for (auto& [dlq, job, e] : dead_letters) {
    sends.push_back(SqsSend(job, dlq, cache));
    events.push_back({DeliveryEvent::Kind::kDlqResult, job.dv, e->http_status, e->error});
  }
  SendToQueues(std::move(sends),
               [this, events = std::move(events)](std::vector<std::string> errors) mutable {
                 for (size_t i = 0; i < events.size(); ++i)
                   events[i].dlq_error = std::move(errors[i]);
                 worker_->Post(std::move(events));
               });
}

void SnsCore::FinishAll(const std::vector<Finished>& finished) {
  if (finished.empty()) return;
  Sql deletes;
  Deferred d;
  {
    std::lock_guard lock(mu_);
    const bool loaded = RefreshLocked(d).ok();
    for (const Finished& f : finished) {
      const Delivery& dv = *f.dv;
      if (!loaded || !PendingLocked(dv)) continue;  // dropped with the state it belonged to
      deliveries_.erase(dv.id);
      LogLocked(dv.subscription_arn, {.message_id = dv.msg->message_id,
                                      .attempt = dv.attempt,
                                      .status = f.status,
                                      .http_status = f.http_status,
                                      .error = f.error});
      if (dv.retry_stored) deletes.push_back(DeleteRetryRow(dv));
      auto p = publish_pending_.find(dv.publish_id);
      if (p != publish_pending_.end() && --p->second <= 0) {
        publish_pending_.erase(p);
        deletes.push_back(DeletePublishRow(dv.publish_id));
      }
    }
    if (!deletes.empty()) QueueWritesLocked(std::move(deletes), nullptr, d);
  }
  RunDeferred(d);
}

void SnsCore::SendConfirmation(const Subscription& s, const std::string& host,
                               const std::string& type, Deferred& d) {
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
              {"SubscribeURL", "http://" + host + "/?Action=ConfirmSubscription&TopicArn=" +
                                   s.topic_arn + "&Token=" + s.token},
              {"Timestamp", IsoMillis(NowMs())}};
  Sign(env, SignatureVersionLocked(s.topic_arn), host);
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
                 {"Accept-Encoding", kSnsAcceptEncoding},
                 {"x-amz-sns-message-type", type},
                 {"x-amz-sns-message-id", env["MessageId"].get<std::string>()},
                 {"x-amz-sns-topic-arn", s.topic_arn},
                 {"Content-Type", "text/plain; charset=UTF-8"}};
  if (type == "UnsubscribeConfirmation") {
    req.headers.emplace_back("x-amz-sns-subscription-arn", s.arn);
  }
  d.push_back([this, req = std::move(req), arn = s.arn, type]() mutable {
    http_->Send(std::move(req), [this, arn, type](Result<HttpResponse> r) {
      std::lock_guard lock(mu_);
      LogLocked(arn, {.type = type,
                      .status = r.ok() && r->status < 300 ? "delivered" : "failed",
                      .http_status = r.ok() ? r->status : 0,
                      .error = r.ok() ? "" : r.error().message});
    });
  });
}

void SnsCore::LogLocked(const std::string& sub, DeliveryLogEntry entry) {
  if (!subscriptions_.count(sub)) return;
  entry.time_ms = NowMs();
  auto& log = delivery_log_[sub];
  log.push_back(std::move(entry));
  while (log.size() > kMaxLogPerSubscription) log.pop_front();
}

void SnsCore::OutboxLocked(json entry) {
  outbox_.push_back(std::move(entry));
  while (outbox_.size() > kMaxOutbox) outbox_.pop_front();
}

}  // namespace wharf::sns
