// Topics: create/delete/list, attributes, permissions, tags, data protection policies.
#include <algorithm>

#include "services/sns/sns_core.h"
#include "services/sns/sns_policy.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

bool ValidTopicName(std::string_view name, bool fifo) {
  if (fifo) {
    if (!name.ends_with(".fifo")) return false;
    name.remove_suffix(5);
  }
  if (name.empty() || name.size() > 256) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

bool IsSettableTopicAttribute(const std::string& name) {
  static const std::set<std::string> kNames = {"DeliveryPolicy",
                                               "DisplayName",
                                               "Policy",
                                               "KmsMasterKeyId",
                                               "SignatureVersion",
                                               "TracingConfig",
                                               "ContentBasedDeduplication",
                                               "ArchivePolicy",
                                               "FifoThroughputScope",
                                               "DataProtectionPolicy"};
  if (kNames.count(name)) return true;
  for (const char* p : {"HTTP", "Application", "Firehose", "Lambda", "SQS"}) {
    for (const char* s :
         {"SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn"}) {
      if (name == std::string(p) + s) return true;
    }
  }
  return false;
}

std::string DefaultPolicy(const Topic& t) {
  json policy = {{"Version", "2008-10-17"},
                 {"Id", "__default_policy_ID"},
                 {"Statement",
                  {{{"Sid", "__default_statement_ID"},
                    {"Effect", "Allow"},
                    {"Principal", {{"AWS", "*"}}},
                    {"Action",
                     {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                      "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                      "SNS:ListSubscriptionsByTopic", "SNS:Publish"}},
                    {"Resource", t.arn},
                    {"Condition", {{"StringEquals", {{"AWS:SourceOwner", t.account}}}}}}}}};
  return policy.dump();
}

// A topic DeliveryPolicy as AWS stores it (recorded): members set to null dropped (so the
// defaults apply again), and http.disableSubscriptionOverrides false unless given.
json NormalizedDeliveryPolicy(json policy) {
  const auto drop_nulls = [](json& object) {
    for (auto it = object.begin(); it != object.end();) {
      it = it->is_null() ? object.erase(it) : std::next(it);
    }
  };
  drop_nulls(policy);
  if (auto http = policy.find("http"); http != policy.end() && http->is_object()) {
    drop_nulls(*http);
    if (!http->contains("disableSubscriptionOverrides")) {
      (*http)["disableSubscriptionOverrides"] = false;
    }
  }
  return policy;
}

// Validates one settable attribute value; may normalise it.
Status CheckTopicAttribute(const std::string& name, std::string& value, bool fifo) {
  if (name == "ContentBasedDeduplication" || name == "FifoTopic") {
    auto b = ParseBool(value);
    if (!b)
      return InvalidParameter("Attributes Reason: " + name + ": Invalid value [" + value + "]");
    if (name == "ContentBasedDeduplication" && !fifo && *b) {
      return InvalidParameter(
          "Attributes Reason: Content based deduplication can only be set for FIFO topics");
    }
    value = *b ? "true" : "false";
  } else if (name == "SignatureVersion") {
    if (value != "1" && value != "2") {
      return InvalidParameter("Attributes Reason: SignatureVersion: Invalid value [" + value +
                              "]. Must be 1 or 2.");
    }
  } else if (name == "TracingConfig") {
    if (value != "Active" && value != "PassThrough") {
      return InvalidParameter("Attributes Reason: TracingConfig: Invalid value [" + value +
                              "]. Must be Active or PassThrough.");
    }
  } else if (name == "Policy" || name == "DeliveryPolicy" || name == "ArchivePolicy" ||
             name == "DataProtectionPolicy") {
    if (!value.empty()) {
      auto j = ParseJsonText(value, name);
      if (!j.ok()) return std::move(j).error();
      if (!j->is_object()) return InvalidParameter(name + ": must be a JSON object");
      if (name == "DeliveryPolicy") value = NormalizedDeliveryPolicy(std::move(*j)).dump();
    }
  } else if (name == "DisplayName" && value.size() > 100) {
    return InvalidParameter("DisplayName");
  }
  return OkStatus();
}

json TagList(const std::map<std::string, std::string>& tags) {
  json out = json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

Result<std::map<std::string, std::string>> ParseTags(const json& tags) {
  std::map<std::string, std::string> out;
  if (!tags.is_array()) return out;
  for (const json& t : tags) {
    std::string k = Str(t, "Key"), v = Str(t, "Value");
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return InvalidParameter("Tags Reason: tag key must be 1-128 and value 0-256 characters");
    }
    if (!out.emplace(k, v).second) return InvalidParameter("Duplicated keys are not allowed.");
  }
  return out;
}

}  // namespace

json Topic::ToJson() const {
  return {{"arn", arn},
          {"account", account},
          {"region", region},
          {"name", name},
          {"fifo", fifo},
          {"attributes", attributes},
          {"tags", tags},
          {"dpp", data_protection_policy},
          {"deleted", deleted_subscriptions},
          {"seq", next_sequence}};
}

Topic Topic::FromJson(const json& j) {
  Topic t;
  t.arn = j.value("arn", "");
  t.account = j.value("account", "");
  t.region = j.value("region", "");
  t.name = j.value("name", "");
  t.fifo = j.value("fifo", false);
  t.attributes = j.value("attributes", std::map<std::string, std::string>{});
  t.tags = j.value("tags", std::map<std::string, std::string>{});
  t.data_protection_policy = j.value("dpp", "");
  t.deleted_subscriptions = j.value("deleted", int64_t{0});
  t.next_sequence = j.value("seq", uint64_t{1});
  return t;
}

void SnsCore::WriteTopic(const Topic& t, Sql& writes) const {
  writes.push_back({kUpsertObject, {std::string("topic"), t.arn, t.ToJson().dump()}});
}

Result<std::shared_ptr<Topic>> SnsCore::TopicLocked(const std::string& arn, const char* param) {
  auto parsed = ParseArn(arn, param);
  if (!parsed.ok()) return std::move(parsed).error();
  auto it = topics_.find(arn);
  if (it == topics_.end()) return NotFound("Topic does not exist");
  return it->second;
}

Result<std::shared_ptr<Topic>> SnsCore::AccessTopicLocked(const RequestContext& ctx,
                                                          const std::string& arn,
                                                          std::string_view action,
                                                          const char* param) {
  // A topic of another region is out of reach, whether it exists or not (recorded).
  if (auto parsed = ParseArn(arn, param); parsed.ok() && parsed->region != ctx.region) {
    return InvalidParameter(param);
  }
  auto t = TopicLocked(arn, param);
  if (!t.ok() || (*t)->account == ctx.account) return t;
  auto policy = (*t)->attributes.find("Policy");
  if (policy != (*t)->attributes.end() && PolicyAllows(policy->second, ctx.account, action)) {
    return t;
  }
  const std::string act(action);
  return AwsError::Client("AuthorizationError",
                          "User: arn:aws:iam::" + ctx.account + ":root is not authorized to " +
                              "perform: " + act + " on resource: " + (*t)->arn +
                              " because no resource-based policy allows the " + act + " action",
                          403);
}

Result<std::shared_ptr<Topic>> SnsCore::CreateTopicLocked(const std::string& account,
                                                          const std::string& region, const json& in,
                                                          Sql& writes) {
  const std::string name = Str(in, "Name");
  std::map<std::string, std::string> attrs;
  if (auto a = in.find("Attributes"); a != in.end() && a->is_object()) {
    for (auto& [k, v] : a->items()) attrs[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  bool fifo = false;
  if (auto f = attrs.find("FifoTopic"); f != attrs.end())
    fifo = ParseBool(f->second).value_or(false);
  if (!ValidTopicName(name, fifo)) return InvalidParameter("Topic Name");
  for (auto& [k, v] : attrs) {
    if (k != "FifoTopic" && !IsSettableTopicAttribute(k)) {
      return InvalidParameter("Attributes Reason: Unknown attribute " + k);
    }
    WHARF_RETURN_IF_ERROR(CheckTopicAttribute(k, v, fifo));
  }
  if (!fifo) attrs.erase("FifoTopic");
  auto tags = ParseTags(in.value("Tags", json::array()));
  if (!tags.ok()) return std::move(tags).error();
  const std::string arn = "arn:aws:sns:" + region + ":" + account + ":" + name;
  if (auto it = topics_.find(arn); it != topics_.end()) {
    Topic& t = *it->second;
    for (const auto& [k, v] : attrs) {
      auto cur = t.attributes.find(k);
      if (k == "FifoTopic") continue;
      if (cur == t.attributes.end() || cur->second != v) {
        return InvalidParameter(
            "Attributes Reason: Topic already exists with different attributes");
      }
    }
    for (const auto& [k, v] : *tags) {
      auto cur = t.tags.find(k);
      if (cur == t.tags.end() || cur->second != v) {
        return InvalidParameter("Tags Reason: Topic already exists with different tags");
      }
    }
    return it->second;
  }
  auto t = std::make_shared<Topic>();
  t->arn = arn;
  t->account = account;
  t->region = region;
  t->name = name;
  t->fifo = fifo;
  t->attributes = std::move(attrs);
  if (fifo) t->attributes["FifoTopic"] = "true";
  if (fifo && !t->attributes.count("ContentBasedDeduplication")) {
    t->attributes["ContentBasedDeduplication"] = "false";
  }
  t->tags = std::move(*tags);
  if (auto dpp = in.find("DataProtectionPolicy"); dpp != in.end() && dpp->is_string()) {
    t->data_protection_policy = dpp->get<std::string>();
  }
  topics_[arn] = t;
  WriteTopic(*t, writes);
  return t;
}

SnsCore::OpResult SnsCore::CreateTopic(const RequestContext& ctx, json& in, Deferred&) {
  Outcome o;
  auto t = CreateTopicLocked(ctx.account, ctx.region, in, o.writes);
  if (!t.ok()) return std::move(t).error();
  o.output = {{"TopicArn", (*t)->arn}};
  return o;
}

void SnsCore::DeleteTopicLocked(Topic& t, Sql& writes) {
  for (const std::string& sub :
       std::vector<std::string>(t.subscriptions.begin(), t.subscriptions.end())) {
    RemoveSubscriptionLocked(sub, writes);
  }
  for (const auto& [dedup_id, entry] : t.dedup) writes.push_back(DeleteDedupRow(t, dedup_id));
  writes.push_back({kDeleteObject, {std::string("topic"), t.arn}});
  topics_.erase(t.arn);
}

SnsCore::OpResult SnsCore::DeleteTopic(const RequestContext& ctx, json& in, Deferred&) {
  Outcome o;
  const std::string arn = Str(in, "TopicArn");
  WHARF_RETURN_IF_ERROR(ParseArn(arn, "TopicArn"));
  if (!topics_.count(arn)) return o;  // deleting a missing topic succeeds
  auto t = AccessTopicLocked(ctx, arn, "SNS:DeleteTopic");
  if (!t.ok()) return std::move(t).error();
  DeleteTopicLocked(**t, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::ListTopics(const RequestContext& ctx, json& in, Deferred&) {
  Outcome o;
  std::string next;
  json topics = json::array();
  auto page = Page(
      topics_, Str(in, "NextToken"), 100,
      [&](const auto& t) { return t->account == ctx.account && t->region == ctx.region; }, &next);
  for (auto it : page) topics.push_back({{"TopicArn", it->first}});
  o.output = {{"Topics", topics}};
  if (!next.empty()) o.output["NextToken"] = next;
  return o;
}

json SnsCore::TopicAttributesLocked(const Topic& t) const {
  json a = json::object();
  for (const auto& [k, v] : t.attributes) a[k] = v;
  a["TopicArn"] = t.arn;
  a["Owner"] = t.account;
  if (!a.contains("Policy")) a["Policy"] = DefaultPolicy(t);
  if (!a.contains("DisplayName")) a["DisplayName"] = "";
  int64_t confirmed = 0, pending = 0;
  for (const std::string& arn : t.subscriptions) {
    auto s = subscriptions_.find(arn);
    if (s == subscriptions_.end()) continue;
    (s->second->pending ? pending : confirmed)++;
  }
  a["SubscriptionsConfirmed"] = std::to_string(confirmed);
  a["SubscriptionsPending"] = std::to_string(pending);
  a["SubscriptionsDeleted"] = std::to_string(t.deleted_subscriptions);
  json effective = {
      {"http",
       {{"defaultHealthyRetryPolicy",
         {{"minDelayTarget", 20},
          {"maxDelayTarget", 20},
          {"numRetries", 3},
          {"numMaxDelayRetries", 0},
          {"numNoDelayRetries", 0},
          {"numMinDelayRetries", 0},
          {"backoffFunction", "linear"}}},
        {"disableSubscriptionOverrides", false},
        {"defaultRequestPolicy", {{"headerContentType", "text/plain; charset=UTF-8"}}}}}};
  if (auto dp = t.attributes.find("DeliveryPolicy"); dp != t.attributes.end()) {
    json set = json::parse(dp->second, nullptr, false);
    if (set.is_object()) effective.merge_patch(set);
  }
  a["EffectiveDeliveryPolicy"] = effective.dump();
  return a;
}

SnsCore::OpResult SnsCore::GetTopicAttributes(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:GetTopicAttributes");
  if (!t.ok()) return std::move(t).error();
  Outcome o;
  o.output = {{"Attributes", TopicAttributesLocked(**t)}};
  return o;
}

SnsCore::OpResult SnsCore::SetTopicAttributes(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:SetTopicAttributes");
  if (!t.ok()) return std::move(t).error();
  std::string name = Str(in, "AttributeName"), value = Str(in, "AttributeValue");
  if (!IsSettableTopicAttribute(name)) return InvalidParameter("AttributeName");
  if ((name == "ContentBasedDeduplication" || name == "ArchivePolicy") && !(*t)->fifo) {
    return InvalidParameter("AttributeName");
  }
  WHARF_RETURN_IF_ERROR(CheckTopicAttribute(name, value, (*t)->fifo));
  Outcome o;
  if (name == "DataProtectionPolicy") {
    (*t)->data_protection_policy = value;
  } else if (value.empty() && name != "DisplayName") {
    (*t)->attributes.erase(name);
  } else {
    (*t)->attributes[name] = value;
  }
  WriteTopic(**t, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::AddPermission(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:AddPermission");
  if (!t.ok()) return std::move(t).error();
  const std::string label = Str(in, "Label");
  json policy = json::parse(
      (*t)->attributes.count("Policy") ? (*t)->attributes["Policy"] : DefaultPolicy(**t), nullptr,
      false);
  if (!policy.is_object()) policy = json::parse(DefaultPolicy(**t));
  json& statements = policy["Statement"];
  if (!statements.is_array()) statements = json::array();
  for (const json& s : statements) {
    if (s.value("Sid", "") == label) return InvalidParameter("Statement already exists");
  }
  json actions = json::array(), principals = json::array();
  for (const json& a : in.value("ActionName", json::array())) {
    std::string name = a.is_string() ? a.get<std::string>() : "";
    if (!Operations().count(name)) {  // recorded: "InvalidAction"
      return InvalidParameter("Policy statement action out of service scope!");
    }
    actions.push_back("SNS:" + name);
  }
  for (const json& acc : in.value("AWSAccountId", json::array())) {
    if (acc.is_string()) principals.push_back("arn:aws:iam::" + acc.get<std::string>() + ":root");
  }
  statements.push_back(
      {{"Sid", label},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", principals.size() == 1 ? principals[0] : principals}}},
       {"Action", actions.size() == 1 ? actions[0] : actions},
       {"Resource", (*t)->arn}});
  (*t)->attributes["Policy"] = policy.dump();
  Outcome o;
  WriteTopic(**t, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::RemovePermission(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:RemovePermission");
  if (!t.ok()) return std::move(t).error();
  Outcome o;
  auto p = (*t)->attributes.find("Policy");
  if (p == (*t)->attributes.end()) return o;
  json policy = json::parse(p->second, nullptr, false);
  if (!policy.is_object() || !policy["Statement"].is_array()) return o;
  json kept = json::array();
  for (const json& s : policy["Statement"]) {
    if (s.value("Sid", "") != Str(in, "Label")) kept.push_back(s);
  }
  policy["Statement"] = kept;
  p->second = policy.dump();
  WriteTopic(**t, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::TagResource(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "ResourceArn"), "SNS:TagResource", "ResourceArn");
  if (!t.ok()) {
    if (t.error().code == "NotFound")
      return AwsError::Client("ResourceNotFound", "Resource does not exist", 404);
    return std::move(t).error();
  }
  auto tags = ParseTags(in.value("Tags", json::array()));
  if (!tags.ok()) return std::move(tags).error();
  auto merged = (*t)->tags;
  for (auto& [k, v] : *tags) merged[k] = v;
  if (merged.size() > 50) {
    return AwsError::Client("TagLimitExceeded",
                            "Could not complete request: tag quota of per resource exceeded");
  }
  (*t)->tags = std::move(merged);
  Outcome o;
  WriteTopic(**t, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::UntagResource(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "ResourceArn"), "SNS:UntagResource", "ResourceArn");
  if (!t.ok()) {
    if (t.error().code == "NotFound")
      return AwsError::Client("ResourceNotFound", "Resource does not exist", 404);
    return std::move(t).error();
  }
  for (const json& k : in.value("TagKeys", json::array())) {
    if (k.is_string()) (*t)->tags.erase(k.get<std::string>());
  }
  Outcome o;
  WriteTopic(**t, o.writes);
  return o;
}

SnsCore::OpResult SnsCore::ListTagsForResource(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "ResourceArn"), "SNS:ListTagsForResource", "ResourceArn");
  if (!t.ok()) {
    if (t.error().code == "NotFound")
      return AwsError::Client("ResourceNotFound", "Resource does not exist", 404);
    return std::move(t).error();
  }
  Outcome o;
  o.output = {{"Tags", TagList((*t)->tags)}};
  return o;
}

SnsCore::OpResult SnsCore::GetDataProtectionPolicy(const RequestContext& ctx, json& in, Deferred&) {
  auto t =
      AccessTopicLocked(ctx, Str(in, "ResourceArn"), "SNS:GetDataProtectionPolicy", "ResourceArn");
  if (!t.ok()) return std::move(t).error();
  Outcome o;
  if (!(*t)->data_protection_policy.empty()) {
    o.output = {{"DataProtectionPolicy", (*t)->data_protection_policy}};
  }
  return o;
}

SnsCore::OpResult SnsCore::PutDataProtectionPolicy(const RequestContext& ctx, json& in, Deferred&) {
  auto t =
      AccessTopicLocked(ctx, Str(in, "ResourceArn"), "SNS:PutDataProtectionPolicy", "ResourceArn");
  if (!t.ok()) return std::move(t).error();
  std::string policy = Str(in, "DataProtectionPolicy");
  WHARF_RETURN_IF_ERROR(CheckTopicAttribute("DataProtectionPolicy", policy, (*t)->fifo));
  (*t)->data_protection_policy = policy;
  Outcome o;
  WriteTopic(**t, o.writes);
  return o;
}

}  // namespace wharf::sns
