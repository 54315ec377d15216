// Subscriptions: subscribe/confirm/unsubscribe, listing, attributes.
#include <algorithm>
#include <cctype>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

bool NeedsConfirmation(const std::string& protocol) {
  return protocol == "http" || protocol == "https" || protocol == "email" ||
         protocol == "email-json";
}

const std::set<std::string>& Protocols() {
  static const std::set<std::string> kProtocols = {
      "http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"};
  return kProtocols;
}

// A subscription DeliveryPolicy as AWS stores it (recorded): each of its policies, null when not
// given, and guaranteed false unless given.
json NormalizedSubscriptionDeliveryPolicy(json policy) {
  if (!policy.is_object()) return policy;
  for (const char* member :
       {"healthyRetryPolicy", "sicklyRetryPolicy", "throttlePolicy", "requestPolicy"}) {
    if (!policy.contains(member)) policy[member] = nullptr;
  }
  if (!policy.contains("guaranteed")) policy["guaranteed"] = false;
  return policy;
}

bool IsSqsArn(const std::string& arn) {
  auto p = ParseArn(arn, "Endpoint");
  return p.ok() && p->service == "sqs" && !p->resource.empty() && !p->account.empty();
}

// Compiles s.attributes' FilterPolicy (with its scope) into s.filter.
Status CompileFilter(Subscription& s, FilterPolicyCaller caller) {
  auto fp = s.attributes.find("FilterPolicy");
  if (fp == s.attributes.end() || fp->second.empty()) {
    s.filter = nullptr;
    return OkStatus();
  }
  FilterScope scope = FilterScope::kMessageAttributes;
  if (auto sc = s.attributes.find("FilterPolicyScope"); sc != s.attributes.end()) {
    auto parsed = ParseFilterScope(sc->second, caller);
    if (!parsed.ok()) return std::move(parsed).error();
    scope = *parsed;
  }
  auto policy = ParseFilterPolicy(fp->second, scope, caller);
  if (!policy.ok()) return std::move(policy).error();
  s.filter = std::make_shared<const FilterPolicy>(std::move(policy).value());
  return OkStatus();
}

}  // namespace

json Subscription::ToJson() const {
  return {{"arn", arn},           {"topic", topic_arn}, {"protocol", protocol},
          {"endpoint", endpoint}, {"account", account}, {"region", region},
          {"pending", pending},   {"token", token},     {"attributes", attributes}};
}

Subscription Subscription::FromJson(const json& j) {
  Subscription s;
  s.arn = j.value("arn", "");
  s.topic_arn = j.value("topic", "");
  s.protocol = j.value("protocol", "");
  s.endpoint = j.value("endpoint", "");
  s.account = j.value("account", "");
  s.region = j.value("region", "");
  s.pending = j.value("pending", false);
  s.token = j.value("token", "");
  s.attributes = j.value("attributes", std::map<std::string, std::string>{});
  (void)CompileFilter(s, FilterPolicyCaller::kSubscribe);
  return s;
}

void SnsCore::WriteSubscription(const Subscription& s, Sql& writes) const {
  writes.push_back({kUpsertObject, {std::string("subscription"), s.arn, s.ToJson().dump()}});
}

Result<std::shared_ptr<Subscription>> SnsCore::SubscriptionLocked(const std::string& arn) {
  if (arn.empty())
    return InvalidParameter("SubscriptionArn Reason: no value for required parameter");
  auto parsed = ParseArn(arn, "SubscriptionArn");
  if (!parsed.ok()) return std::move(parsed).error();
  if (parsed->resource.find(':') == std::string::npos) return InvalidParameter("SubscriptionId");
  auto it = subscriptions_.find(arn);
  if (it == subscriptions_.end()) return NotFound("Subscription does not exist");
  return it->second;
}

Result<std::shared_ptr<Subscription>> SnsCore::AccessSubscriptionLocked(const RequestContext& ctx,
                                                                        const std::string& arn,
                                                                        std::string_view action) {
  auto s = SubscriptionLocked(arn);
  if (!s.ok() || (*s)->account == ctx.account) return s;
  auto topic = ParseArn((*s)->topic_arn, "TopicArn");
  if (topic.ok() && topic->account == ctx.account) return s;
  const std::string act(action);
  return AwsError::Client("AuthorizationError",
                          "User: arn:aws:iam::" + ctx.account +
                              ":root is not authorized to perform: " + act + " on resource: " + arn,
                          403);
}

Status SnsCore::CheckSubscriptionAttribute(const std::string& name, std::string& value,
                                           const Topic& topic, const std::string& protocol,
                                           const std::string& endpoint, bool on_subscribe) const {
  const std::string why = on_subscribe ? "Attributes Reason: " : "";
  const auto caller = on_subscribe ? FilterPolicyCaller::kSubscribe
                                   : FilterPolicyCaller::kSetSubscriptionAttributes;
  if (name == "RawMessageDelivery") {
    auto b = ParseBool(value);
    if (!b) {
      return InvalidParameter(why + "RawMessageDelivery: Invalid value [" + value +
                              "]. Must be true or false.");
    }
    value = *b ? "true" : "false";
  } else if (name == "FilterPolicyScope") {
    auto sc = ParseFilterScope(value, caller);
    if (!sc.ok()) return std::move(sc).error();
  } else if (name == "RedrivePolicy") {
    if (value.empty()) return OkStatus();
    auto j = ParseJsonText(value, why + "RedrivePolicy");
    if (!j.ok()) return std::move(j).error();
    std::string dlq = j->is_object() ? Str(*j, "deadLetterTargetArn") : "";
    if (!IsSqsArn(dlq)) {
      return InvalidParameter(why + "RedrivePolicy: deadLetterTargetArn is an invalid arn");
    }
    // Only a FIFO queue's subscription needs a FIFO DLQ (recorded: a standard queue on a FIFO
    // topic may have a standard one).
    if (topic.fifo && protocol == "sqs" && endpoint.ends_with(".fifo") && !dlq.ends_with(".fifo")) {
      return InvalidParameter(why +
                              "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO "
                              "Subscription to a FIFO Topic.");
    }
  } else if (name == "DeliveryPolicy") {
    if (value.empty()) return OkStatus();
    auto j = ParseJsonText(value, why + "DeliveryPolicy");
    if (!j.ok()) return std::move(j).error();
    value = NormalizedSubscriptionDeliveryPolicy(std::move(*j)).dump();
  } else if (name != "FilterPolicy" && name != "SubscriptionRoleArn") {
    return on_subscribe ? InvalidParameter("Attributes Reason: Unknown attribute " + name)
                        : InvalidParameter("AttributeName");
  }
  return OkStatus();
}

Result<std::shared_ptr<Subscription>> SnsCore::SubscribeLocked(
    const std::string& host, const std::string& owner, Topic& t, const std::string& protocol,
    const std::string& endpoint, const json& attributes, Sql& writes, Deferred& d) {
  if (!Protocols().count(protocol)) {
    return InvalidParameter("Amazon SNS does not support this protocol string: " + protocol);
  }
  if (protocol == "sqs") {
    if (!IsSqsArn(endpoint)) return InvalidParameter("SQS endpoint ARN");
    if (!t.fifo && endpoint.ends_with(".fifo")) {
      return InvalidParameter(
          "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to "
          "standard SNS topics");
    }
  } else if (protocol == "http" || protocol == "https") {
    if (!endpoint.starts_with(protocol + "://")) return InvalidParameter("Endpoint");
  } else if (protocol == "sms") {
    if (!ValidSmsEndpoint(endpoint))
      return InvalidParameterRaw("Invalid SMS endpoint: " + endpoint);
  } else if (protocol == "email" || protocol == "email-json") {
    if (endpoint.find('@') == std::string::npos) return InvalidParameter("Email address");
  } else if (protocol == "application") {
    if (!endpoints_.count(endpoint)) return InvalidParameter("Endpoint");
  } else {
    WHARF_RETURN_IF_ERROR(ParseArn(endpoint, "Endpoint"));
  }
  std::map<std::string, std::string> attrs;
  if (attributes.is_object()) {
    for (auto& [k, v] : attributes.items()) {
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      WHARF_RETURN_IF_ERROR(CheckSubscriptionAttribute(k, value, t, protocol, endpoint, true));
      attrs[k] = value;
    }
  }
  // An attribute not stored has its default (AWS takes a repeated Subscribe that names one).
  const auto stored = [](const Subscription& s,
                         const std::string& name) -> std::optional<std::string> {
    if (auto it = s.attributes.find(name); it != s.attributes.end()) return it->second;
    if (name == "RawMessageDelivery") return "false";
    if (name == "FilterPolicyScope") return "MessageAttributes";
    return std::nullopt;
  };
  for (const std::string& arn : t.subscriptions) {
    auto& s = *subscriptions_[arn];
    if (s.protocol != protocol || s.endpoint != endpoint) continue;
    for (const auto& [k, v] : attrs) {
      if (stored(s, k) != v) {
        return InvalidParameter(
            "Attributes Reason: Subscription already exists with different attributes");
      }
    }
    return subscriptions_[arn];
  }
  auto s = std::make_shared<Subscription>();
  s->arn = t.arn + ":" + NewUuid();
  s->topic_arn = t.arn;
  s->protocol = protocol;
  s->endpoint = endpoint;
  s->account = owner;
  s->region = t.region;
  s->attributes = std::move(attrs);
  WHARF_RETURN_IF_ERROR(CompileFilter(*s, FilterPolicyCaller::kSubscribe));
  if (NeedsConfirmation(protocol)) {
    s->pending = true;
    s->token = RandomHex(64);
    SendConfirmation(*s, host, "SubscriptionConfirmation", d);
  }
  subscriptions_[s->arn] = s;
  t.subscriptions.insert(s->arn);
  WriteSubscription(*s, writes);
  return s;
}

SnsCore::OpResult SnsCore::Subscribe(const RequestContext& ctx, json& in, Deferred& d) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:Subscribe");
  if (!t.ok()) return std::move(t).error();
  Outcome o;
  auto s = SubscribeLocked(ctx.host, ctx.account, **t, Str(in, "Protocol"), Str(in, "Endpoint"),
                           in.value("Attributes", json::object()), o.writes, d);
  if (!s.ok()) return std::move(s).error();
  bool return_arn = in.value("ReturnSubscriptionArn", false);
  o.output = {
      {"SubscriptionArn", (*s)->pending && !return_arn ? "pending confirmation" : (*s)->arn}};
  return o;
}

// As recorded from AWS: the token decides, the topic's name does not (a token sent with another
// topic's ARN still confirms its subscription). A TopicArn that is no ARN is an "Invalid
// parameter: Topic"; a token that cannot be one (not hex) is "Invalid token"; a token of no
// subscription in the ARN's region is "Invalid parameter: Token". (The SubscribeURL is fetched
// unsigned, so the ARN, not the request, gives the region.)
SnsCore::OpResult SnsCore::ConfirmSubscription(const RequestContext&, json& in, Deferred&) {
  auto topic = ParseArn(Str(in, "TopicArn"), "TopicArn");
  if (!topic.ok()) return InvalidParameter("Topic");
  const std::string token = Str(in, "Token");
  if (token.empty() || !std::all_of(token.begin(), token.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c));
      })) {
    return InvalidParameterRaw("Invalid token");
  }
  for (auto& [arn, s] : subscriptions_) {
    if (s->token != token) continue;
    // Its token confirms a subscription only with a topic ARN of the subscription's region,
    // whatever topic it names (both recorded).
    if (s->region != topic->region) return InvalidParameter("Topic");
    Outcome o;
    if (s->pending) {
      s->pending = false;
      WriteSubscription(*s, o.writes);
    }
    o.output = {{"SubscriptionArn", s->arn}};
    return o;
  }
  return InvalidParameter("Token");
}

void SnsCore::RemoveSubscriptionLocked(const std::string& arn, Sql& writes) {
  auto it = subscriptions_.find(arn);
  if (it == subscriptions_.end()) return;
  if (auto t = topics_.find(it->second->topic_arn); t != topics_.end()) {
    t->second->subscriptions.erase(arn);
    t->second->deleted_subscriptions++;
  }
  subscriptions_.erase(it);
  delivery_log_.erase(arn);
  writes.push_back({kDeleteObject, {std::string("subscription"), arn}});
}

SnsCore::OpResult SnsCore::Unsubscribe(const RequestContext& ctx, json& in, Deferred& d) {
  auto s = SubscriptionLocked(Str(in, "SubscriptionArn"));
  Outcome o;
  if (!s.ok()) {
    if (s.error().code == "NotFound") return o;
    return std::move(s).error();
  }
  if (((*s)->protocol == "http" || (*s)->protocol == "https") && !(*s)->pending) {
    Subscription gone = **s;  // AWS tells the endpoint, with a token to subscribe again
    gone.token = RandomHex(64);
    SendConfirmation(gone, ctx.host, "UnsubscribeConfirmation", d);
  }
  RemoveSubscriptionLocked((*s)->arn, o.writes);
  return o;
}

json SnsCore::SubscriptionSummary(const Subscription& s) const {
  return {{"SubscriptionArn", s.pending ? "PendingConfirmation" : s.arn},
          {"Owner", s.account},
          {"Protocol", s.protocol},
          {"Endpoint", s.endpoint},
          {"TopicArn", s.topic_arn}};
}

SnsCore::OpResult SnsCore::ListSubscriptions(const RequestContext& ctx, json& in, Deferred&) {
  Outcome o;
  std::string next;
  json subs = json::array();
  auto page = Page(
      subscriptions_, Str(in, "NextToken"), 100,
      [&](const auto& s) { return s->account == ctx.account && s->region == ctx.region; }, &next);
  for (auto it : page) subs.push_back(SubscriptionSummary(*it->second));
  o.output = {{"Subscriptions", subs}};
  if (!next.empty()) o.output["NextToken"] = next;
  return o;
}

SnsCore::OpResult SnsCore::ListSubscriptionsByTopic(const RequestContext& ctx, json& in,
                                                    Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:ListSubscriptionsByTopic");
  if (!t.ok()) return std::move(t).error();
  Outcome o;
  std::string next;
  json subs = json::array();
  const std::string& arn = (*t)->arn;
  auto page = Page(
      subscriptions_, Str(in, "NextToken"), 100, [&](const auto& s) { return s->topic_arn == arn; },
      &next);
  for (auto it : page) subs.push_back(SubscriptionSummary(*it->second));
  o.output = {{"Subscriptions", subs}};
  if (!next.empty()) o.output["NextToken"] = next;
  return o;
}

SnsCore::OpResult SnsCore::GetSubscriptionAttributes(const RequestContext& ctx, json& in,
                                                     Deferred&) {
  auto s =
      AccessSubscriptionLocked(ctx, Str(in, "SubscriptionArn"), "SNS:GetSubscriptionAttributes");
  if (!s.ok()) return std::move(s).error();
  const Subscription& sub = **s;
  json a = json::object();
  for (const auto& [k, v] : sub.attributes) a[k] = v;
  a["SubscriptionArn"] = sub.arn;
  a["TopicArn"] = sub.topic_arn;
  a["Protocol"] = sub.protocol;
  a["Endpoint"] = sub.endpoint;
  a["Owner"] = sub.account;
  a["PendingConfirmation"] = sub.pending ? "true" : "false";
  a["ConfirmationWasAuthenticated"] = sub.pending ? "false" : "true";
  a["SubscriptionPrincipal"] = "arn:aws:iam::" + sub.account + ":root";
  if (!a.contains("RawMessageDelivery")) a["RawMessageDelivery"] = "false";
  // The filter attributes show only with a filter policy (recorded).
  if (!sub.filter) {
    a.erase("FilterPolicy");
    a.erase("FilterPolicyScope");
  } else if (!a.contains("FilterPolicyScope")) {
    a["FilterPolicyScope"] = "MessageAttributes";
  }
  if (sub.protocol == "http" || sub.protocol == "https") {
    const RetryPolicy p = PolicyFor(sub);
    a["EffectiveDeliveryPolicy"] = json{
        {"healthyRetryPolicy",
         {{"minDelayTarget", p.min_delay},
          {"maxDelayTarget", p.max_delay},
          {"numRetries", p.num_retries},
          {"numMaxDelayRetries", p.num_max_delay},
          {"numNoDelayRetries", p.num_no_delay},
          {"numMinDelayRetries", p.num_min_delay},
          {"backoffFunction", p.backoff}}},
        {"sicklyRetryPolicy", nullptr},
        {"throttlePolicy",
         p.max_per_second > 0 ? json{{"maxReceivesPerSecond", p.max_per_second}} : json(nullptr)},
        {"requestPolicy", {{"headerContentType", p.content_type}}},
        {"guaranteed", false}}.dump();
  }
  Outcome o;
  o.output = {{"Attributes", a}};
  return o;
}

SnsCore::OpResult SnsCore::SetSubscriptionAttributes(const RequestContext& ctx, json& in,
                                                     Deferred&) {
  auto s =
      AccessSubscriptionLocked(ctx, Str(in, "SubscriptionArn"), "SNS:SetSubscriptionAttributes");
  if (!s.ok()) return std::move(s).error();
  std::string name = Str(in, "AttributeName"), value = Str(in, "AttributeValue");
  auto t = topics_.find((*s)->topic_arn);
  if (t == topics_.end()) return NotFound("Topic does not exist");
  WHARF_RETURN_IF_ERROR(
      CheckSubscriptionAttribute(name, value, *t->second, (*s)->protocol, (*s)->endpoint, false));
  Subscription updated = **s;
  if (value.empty() && name != "RawMessageDelivery") {
    updated.attributes.erase(name);
  } else {
    updated.attributes[name] = value;
  }
  WHARF_RETURN_IF_ERROR(CompileFilter(updated, FilterPolicyCaller::kSetSubscriptionAttributes));
  **s = std::move(updated);
  Outcome o;
  WriteSubscription(**s, o.writes);
  return o;
}

}  // namespace wharf::sns
