// Queue registry operations: create/get/list/delete, attributes, purge, tags, permissions.
#include <algorithm>
#include <array>

#include "services/sqs/sqs_attributes.h"
#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_util.h"

namespace wharf::sqs {
namespace {

std::string StringOf(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::string SqsCore::Key(std::string_view region, std::string_view account, std::string_view name) {
  std::string key;
  key.reserve(region.size() + account.size() + name.size() + 2);
  key.append(region).append(1, '\x1f').append(account).append(1, '\x1f').append(name);
  return key;
}

std::string SqsCore::QueueUrl(const RequestContext& ctx, const Queue& q) const {
  const std::string& host =
      env_.config.sqs_queue_url_host.empty() ? ctx.host : env_.config.sqs_queue_url_host;
  return "http://" + host + "/" + q.account + "/" + q.name;
}

Result<SqsCore::QueuePtr> SqsCore::ResolveLocked(const RequestContext& ctx, const json& input,
                                                 std::string_view action) {
  // The last path segment is the name, the one before it the account (any scheme and host).
  std::string_view url = StringMemberOf(input, "QueueUrl");
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const size_t slash = url.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  std::string_view account = ctx.account;
  if (slash != std::string_view::npos) {
    const std::string_view before = url.substr(0, slash);
    const size_t previous = before.rfind('/');
    account = previous == std::string_view::npos ? before : before.substr(previous + 1);
  }
  if (account.empty() || account.find(':') != std::string_view::npos) account = ctx.account;
  auto it = queues_.find(Key(ctx.region, account, name));
  if (it == queues_.end()) return QueueDoesNotExist();
  WHARF_RETURN_IF_ERROR(AuthorizeLocked(Caller{ctx.account, {}, {}}, *it->second, action));
  return it->second;
}

SqsCore::QueuePtr SqsCore::FindByArnLocked(const std::string& arn) {
  // arn:partition:sqs:region:account:name, read without copies (every SNS delivery asks).
  std::string_view name = arn;
  std::array<std::string_view, 5> head;
  for (std::string_view& part : head) {
    const size_t colon = name.find(':');
    if (colon == std::string_view::npos) return nullptr;
    part = name.substr(0, colon);
    name.remove_prefix(colon + 1);
  }
  if (head[0] != "arn" || head[2] != "sqs" || name.find(':') != std::string_view::npos) {
    return nullptr;
  }
  auto it = queues_.find(Key(head[3], head[4], name));
  return it == queues_.end() ? nullptr : it->second;
}

void SqsCore::ApplyCachedAttributes(Queue& q) {
  auto num = [&](const char* name, int def) {
    auto it = q.attributes.find(name);
    if (it == q.attributes.end()) return def;
    return static_cast<int>(ParseInt(it->second).value_or(def));
  };
  q.visibility_timeout = num("VisibilityTimeout", 30);
  q.delay_seconds = num("DelaySeconds", 0);
  q.max_message_size = num("MaximumMessageSize", 1048576);
  q.retention_seconds = num("MessageRetentionPeriod", 345600);
  q.wait_seconds = num("ReceiveMessageWaitTimeSeconds", 0);
  q.content_dedup = q.attributes["ContentBasedDeduplication"] == "true";
  q.dedup_per_group = q.attributes["DeduplicationScope"] == "messageGroup";
  if (!q.fifo) {
    q.attributes.erase("ContentBasedDeduplication");
    q.attributes.erase("DeduplicationScope");
  }
  q.dlq_arn.clear();
  q.max_receive_count = 0;
  auto it = q.attributes.find("RedrivePolicy");
  if (it != q.attributes.end()) {
    json p = json::parse(it->second, nullptr, false);
    if (p.is_object()) {
      q.dlq_arn = p.value("deadLetterTargetArn", "");
      const json& c = p["maxReceiveCount"];
      q.max_receive_count =
          static_cast<int>(c.is_number() ? c.get<int64_t>() : ParseInt(StringOf(c)).value_or(10));
    }
  }
}

Status SqsCore::CheckRedriveLocked(const Queue& source,
                                   const std::map<std::string, std::string>& attrs) {
  auto it = attrs.find("RedrivePolicy");
  if (it == attrs.end()) return OkStatus();
  json p = json::parse(it->second, nullptr, false);
  const std::string arn = p.value("deadLetterTargetArn", "");
  const std::string prefix =
      "Value " + it->second + " for parameter RedrivePolicy is invalid. Reason: ";
  QueuePtr dlq = FindByArnLocked(arn);
  if (!dlq || dlq->account != source.account || dlq->region != source.region) {
    return InvalidParameterValue(prefix + "Dead letter target does not exist.");
  }
  if (dlq->fifo != source.fifo) {
    return InvalidParameterValue(prefix +
                                 "Dead-letter queue must be same type of queue as the source.");
  }
  auto allow = dlq->attributes.find("RedriveAllowPolicy");
  if (allow != dlq->attributes.end()) {
    json a = json::parse(allow->second, nullptr, false);
    const std::string perm = a.value("redrivePermission", "allowAll");
    bool ok = perm == "allowAll";
    if (perm == "byQueue") {
      for (const auto& s : a.value("sourceQueueArns", json::array())) {
        if (s.is_string() && s.get<std::string>() == source.arn) ok = true;
      }
    }
    if (!ok) {
      return InvalidParameterValue(prefix + "Queue " + source.arn + " is not allowed to use " +
                                   arn + " as a dead-letter queue.");
    }
  }
  return OkStatus();
}

Result<SqsCore::QueuePtr> SqsCore::CreateQueueLocked(const std::string& account,
                                                     const std::string& region,
                                                     const std::string& name,
                                                     const json& attributes, const json& tags,
                                                     Sql& writes, bool* existed) {
  *existed = false;
  auto requested = FifoQueueRequested(attributes);
  if (!requested.ok()) return std::move(requested).error();
  const bool fifo = *requested;
  WHARF_RETURN_IF_ERROR(CheckQueueName(name, fifo));
  auto attrs = DefaultQueueAttributes(fifo);
  WHARF_RETURN_IF_ERROR(MergeQueueAttributes(attributes, fifo, true, attrs));
  const std::string key = Key(region, account, name);
  auto found = queues_.find(key);
  if (found != queues_.end()) {
    const Queue& q = *found->second;
    if (attributes.is_object()) {
      for (const auto& [n, v] : attributes.items()) {
        (void)v;
        const auto& attr = n;  // clang < 16 cannot capture a structured binding
        const bool same = n == "FifoQueue" ? q.fifo == fifo : [&] {
          auto a = attrs.find(attr);
          auto b = q.attributes.find(attr);
          return (a == attrs.end()) == (b == q.attributes.end()) &&
                 (a == attrs.end() || a->second == b->second);
        }();
        if (!same) {
          return Error("QueueNameExists",
                       "A queue already exists with the same name and a different value for "
                       "attribute " +
                           n);
        }
      }
    }
    *existed = true;
    return found->second;
  }
  auto del = deleted_at_ms_.find(key);
  if (del != deleted_at_ms_.end() &&
      NowMs() < del->second + int64_t{env_.config.sqs_delete_recreate_seconds} * 1000) {
    // AWS's wording, without "queue" after "another" (recorded).
    return Error("QueueDeletedRecently",
                 "You must wait 60 seconds after deleting a queue before you can create "
                 "another with the same name.");
  }
  auto q = std::make_shared<Queue>();
  q->uid = next_uid_++;
  q->account = account;
  q->region = region;
  q->name = name;
  q->arn = "arn:aws:sqs:" + region + ":" + account + ":" + name;
  q->fifo = fifo;
  WHARF_RETURN_IF_ERROR(CheckRedriveLocked(*q, attrs));
  q->attributes = std::move(attrs);
  if (tags.is_object()) {
    for (const auto& [k, v] : tags.items()) q->tags[k] = StringOf(v);
  }
  q->created_s = q->modified_s = NowMs() / 1000;
  ApplyCachedAttributes(*q);
  queues_[key] = q;
  by_uid_[q->uid] = q;
  deleted_at_ms_.erase(key);
  writes.push_back(UpsertQueueSql(*q));
  return q;
}

SqsCore::OpResult SqsCore::CreateQueue(const RequestContext& ctx, json& in, Deferred&) {
  Outcome o;
  bool existed = false;
  auto q = CreateQueueLocked(ctx.account, ctx.region, in.value("QueueName", ""),
                             in.value("Attributes", json::object()),
                             in.value("tags", json::object()), o.writes, &existed);
  if (!q.ok()) return std::move(q).error();
  o.output["QueueUrl"] = QueueUrl(ctx, **q);
  return o;
}

SqsCore::OpResult SqsCore::GetQueueUrl(const RequestContext& ctx, json& in, Deferred&) {
  std::string account = in.value("QueueOwnerAWSAccountId", ctx.account);
  auto it = queues_.find(Key(ctx.region, account, in.value("QueueName", "")));
  if (it == queues_.end()) return QueueDoesNotExist();
  WHARF_RETURN_IF_ERROR(AuthorizeLocked(Caller{ctx.account, {}, {}}, *it->second, "GetQueueUrl"));
  Outcome o;
  o.output["QueueUrl"] = QueueUrl(ctx, *it->second);
  return o;
}

SqsCore::OpResult SqsCore::ListQueues(const RequestContext& ctx, json& in, Deferred&) {
  const std::string prefix = in.value("QueueNamePrefix", "");
  int64_t max = 1000;
  const bool paged = in.contains("MaxResults");
  if (paged) {
    max = in["MaxResults"].get<int64_t>();
    if (max < 1 || max > 1000) {
      return InvalidValue(std::to_string(max), "MaxResults",
                          "MaxResults must be an integer between 1 and 1000.");
    }
  }
  const std::string base = Key(ctx.region, ctx.account, "");
  std::string start = base + prefix;
  if (in.contains("NextToken")) {
    auto token = Base64Decode(in.value("NextToken", ""));
    if (!token) return InvalidParameterValue("Invalid NextToken value.");
    start = std::max(start, base + *token + '\x01');
  }
  Outcome o;
  json urls = json::array();
  auto it = queues_.lower_bound(start);
  for (;
       it != queues_.end() && it->first.compare(0, base.size() + prefix.size(), base + prefix) == 0;
       ++it) {
    if (static_cast<int64_t>(urls.size()) == max) {
      if (paged) o.output["NextToken"] = Base64Encode(urls.empty() ? "" : it->second->name);
      break;
    }
    urls.push_back(QueueUrl(ctx, *it->second));
  }
  if (o.output.contains("NextToken")) {
    // The token names the last queue returned; listing resumes after it.
    auto last = std::prev(it);
    o.output["NextToken"] = Base64Encode(last->second->name);
  }
  if (!urls.empty()) o.output["QueueUrls"] = std::move(urls);
  return o;
}

void SqsCore::RemoveAllMessagesLocked(Queue& q) {
  q.messages.clear();
  q.visible.clear();
  q.groups.clear();
  q.n_visible = q.n_inflight = q.n_delayed = 0;
  q.attempts.clear();
}

SqsCore::OpResult SqsCore::DeleteQueue(const RequestContext& ctx, json& in, Deferred& d) {
  auto r = ResolveLocked(ctx, in, "DeleteQueue");
  if (!r.ok()) return std::move(r).error();
  QueuePtr q = *r;
  const std::string key = Key(q->region, q->account, q->name);
  queues_.erase(key);
  by_uid_.erase(q->uid);
  deleted_at_ms_[key] = NowMs();
  q->deleted = true;
  if (q->retention_timer) env_.scheduler.Cancel(q->retention_timer);
  for (auto& w : q->waiters) {
    if (w->done) continue;
    w->done = true;
    env_.scheduler.Cancel(w->timer);
    d.push_back([w] { w->reply(json::object()); });
  }
  q->waiters.clear();
  Outcome o;
  o.writes = DeleteQueueSql(*q, deleted_at_ms_[key]);
  RemoveAllMessagesLocked(*q);
  return o;
}

SqsCore::OpResult SqsCore::GetQueueAttributes(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "GetQueueAttributes");
  if (!r.ok()) return std::move(r).error();
  const Queue& q = **r;
  std::set<std::string> names;
  for (const auto& n : in.value("AttributeNames", json::array())) {
    const std::string name = StringOf(n);
    if (!IsQueueAttributeName(name)) {
      return InvalidAttributeName("Unknown Attribute " + name + ".");
    }
    names.insert(name);
  }
  const bool all = names.count("All") > 0;
  json attrs = json::object();
  auto want = [&](const char* n) { return all || names.count(n) > 0; };
  for (const auto& [k, v] : q.attributes) {
    if (want(k.c_str())) attrs[k] = v;
  }
  if (want("ApproximateNumberOfMessages"))
    attrs["ApproximateNumberOfMessages"] = std::to_string(q.n_visible);
  if (want("ApproximateNumberOfMessagesNotVisible")) {
    attrs["ApproximateNumberOfMessagesNotVisible"] = std::to_string(q.n_inflight);
  }
  if (want("ApproximateNumberOfMessagesDelayed")) {
    attrs["ApproximateNumberOfMessagesDelayed"] = std::to_string(q.n_delayed);
  }
  if (want("CreatedTimestamp")) attrs["CreatedTimestamp"] = std::to_string(q.created_s);
  if (want("LastModifiedTimestamp")) attrs["LastModifiedTimestamp"] = std::to_string(q.modified_s);
  if (want("QueueArn")) attrs["QueueArn"] = q.arn;
  Outcome o;
  if (!attrs.empty()) o.output["Attributes"] = std::move(attrs);
  return o;
}

SqsCore::OpResult SqsCore::SetQueueAttributes(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "SetQueueAttributes");
  if (!r.ok()) return std::move(r).error();
  QueuePtr q = *r;
  auto attrs = q->attributes;
  WHARF_RETURN_IF_ERROR(
      MergeQueueAttributes(in.value("Attributes", json::object()), q->fifo, false, attrs));
  WHARF_RETURN_IF_ERROR(CheckRedriveLocked(*q, attrs));
  const int old_retention = q->retention_seconds;
  q->attributes = std::move(attrs);
  q->modified_s = NowMs() / 1000;
  ApplyCachedAttributes(*q);
  if (old_retention != q->retention_seconds && q->retention_timer) {
    env_.scheduler.Cancel(q->retention_timer);
    q->retention_timer = 0;
    ScheduleRetentionLocked(q);
  }
  Outcome o;
  o.writes.push_back(UpsertQueueSql(*q));
  return o;
}

SqsCore::OpResult SqsCore::PurgeQueue(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "PurgeQueue");
  if (!r.ok()) return std::move(r).error();
  Queue& q = **r;
  const int64_t now = NowMs();
  if (now < q.last_purge_ms + int64_t{env_.config.sqs_purge_cooldown_seconds} * 1000) {
    return Error("PurgeQueueInProgress",
                 "Only one PurgeQueue operation on " + q.name + " is allowed every " +
                     std::to_string(env_.config.sqs_purge_cooldown_seconds) + " seconds.");
  }
  q.last_purge_ms = now;
  RemoveAllMessagesLocked(q);
  Outcome o;
  o.writes = RemoveAllMessagesSql(q);
  o.writes.push_back(UpsertQueueSql(q));
  return o;
}

SqsCore::OpResult SqsCore::TagQueue(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "TagQueue");
  if (!r.ok()) return std::move(r).error();
  Queue& q = **r;
  const json tags = in.value("Tags", json::object());
  for (const auto& [k, v] : tags.items()) q.tags[k] = StringOf(v);
  Outcome o;
  o.writes.push_back(UpsertQueueSql(q));
  return o;
}

SqsCore::OpResult SqsCore::UntagQueue(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "UntagQueue");
  if (!r.ok()) return std::move(r).error();
  Queue& q = **r;
  for (const auto& k : in.value("TagKeys", json::array())) q.tags.erase(StringOf(k));
  Outcome o;
  o.writes.push_back(UpsertQueueSql(q));
  return o;
}

SqsCore::OpResult SqsCore::ListQueueTags(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "ListQueueTags");
  if (!r.ok()) return std::move(r).error();
  Outcome o;
  if (!(*r)->tags.empty()) o.output["Tags"] = (*r)->tags;
  return o;
}

SqsCore::OpResult SqsCore::AddPermission(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "AddPermission");
  if (!r.ok()) return std::move(r).error();
  Queue& q = **r;
  const std::string label = in.value("Label", "");
  json policy = json::object();
  if (q.attributes.count("Policy")) policy = json::parse(q.attributes["Policy"], nullptr, false);
  if (!policy.is_object() || !policy.contains("Statement")) {
    policy = json{{"Version", "2008-10-17"},
                  {"Id", q.arn + "/SQSDefaultPolicy"},
                  {"Statement", json::array()}};
  }
  for (const auto& s : policy["Statement"]) {
    if (s.value("Sid", "") == label) return InvalidValue(label, "Label", "Already exists.");
  }
  json principals = json::array();
  for (const auto& a : in.value("AWSAccountIds", json::array())) {
    principals.push_back("arn:aws:iam::" + StringOf(a) + ":root");
  }
  json actions = json::array();
  for (const auto& a : in.value("Actions", json::array())) actions.push_back("SQS:" + StringOf(a));
  policy["Statement"].push_back(
      json{{"Sid", label},
           {"Effect", "Allow"},
           {"Principal", {{"AWS", principals.size() == 1 ? principals[0] : principals}}},
           {"Action", actions.size() == 1 ? actions[0] : actions},
           {"Resource", q.arn}});
  q.attributes["Policy"] = policy.dump();
  Outcome o;
  o.writes.push_back(UpsertQueueSql(q));
  return o;
}

SqsCore::OpResult SqsCore::RemovePermission(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "RemovePermission");
  if (!r.ok()) return std::move(r).error();
  Queue& q = **r;
  const std::string label = in.value("Label", "");
  json policy = json::object();
  if (q.attributes.count("Policy")) policy = json::parse(q.attributes["Policy"], nullptr, false);
  json& statements =
      policy.is_object() && policy.contains("Statement") ? policy["Statement"] : policy;
  bool found = false;
  if (statements.is_array()) {
    for (auto it = statements.begin(); it != statements.end(); ++it) {
      if (it->value("Sid", "") == label) {
        statements.erase(it);
        found = true;
        break;
      }
    }
  }
  if (!found) return InvalidValue(label, "Label", "can't find label.");
  if (statements.empty()) {
    q.attributes.erase("Policy");
  } else {
    q.attributes["Policy"] = policy.dump();
  }
  Outcome o;
  o.writes.push_back(UpsertQueueSql(q));
  return o;
}

}  // namespace wharf::sqs
