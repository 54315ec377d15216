// SendMessage / SendMessageBatch: validation, FIFO deduplication, enqueueing.
#include <cctype>
#include <cstdlib>

#include "services/sqs/sqs_batch.h"
#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_util.h"

namespace wharf::sqs {
namespace {

constexpr int64_t kDedupWindowMs = 5 * 60 * 1000;
constexpr size_t kMaxBatchBytes = 1048576;

bool ValidAttributeName(const std::string& n) {
  if (n.empty() || n.size() > 256 || n.front() == '.' || n.back() == '.') return false;
  if (n.find("..") != std::string::npos) return false;
  std::string lower;
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return lower.rfind("aws.", 0) != 0 && lower.rfind("amazon.", 0) != 0;
}

bool IsNumber(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Checks a MessageAttributes map and returns it normalized, adding its size to `size`.
Result<json> CheckMessageAttributes(const json& attrs, size_t& size) {
  if (!attrs.is_object() || attrs.empty()) return json();
  if (attrs.size() > 10) {
    return InvalidParameterValue("Number of message attributes [" + std::to_string(attrs.size()) +
                                 "] exceeds the allowed maximum [10].");
  }
  json out = json::object();
  for (const auto& [name, v] : attrs.items()) {
    if (!ValidAttributeName(name)) {
      return InvalidParameterValue("Message (user) attribute name '" + name + "' is invalid.");
    }
    const std::string type = v.value("DataType", "");
    if (type.empty()) {
      return InvalidParameterValue("The message (user) attribute '" + name +
                                   "' must contain a non-empty message attribute type.");
    }
    const std::string base = type.substr(0, type.find('.'));
    if (base != "String" && base != "Number" && base != "Binary") {
      return InvalidParameterValue(
          "The type of message (user) attribute '" + name +
          "' is invalid. You must use only the following supported type prefixes: Binary, "
          "Number, String.");
    }
    json value{{"DataType", type}};
    size += name.size() + type.size();
    if (base == "Binary") {
      const json& b = v.contains("BinaryValue") ? v["BinaryValue"] : json();
      if (!b.is_binary() || b.get_binary().empty()) {
        return InvalidParameterValue("Message (user) attribute '" + name +
                                     "' must contain a non-empty value of type 'Binary'.");
      }
      size += b.get_binary().size();
      value["BinaryValue"] = b;
    } else {
      const std::string s = v.value("StringValue", "");
      if (s.empty()) {
        return InvalidParameterValue("Message (user) attribute '" + name +
                                     "' must contain a non-empty value of type 'String'.");
      }
      if (base == "Number" && !IsNumber(s)) {
        return InvalidParameterValue("Can't cast the value of message (user) attribute '" + name +
                                     "' to a number.");
      }
      if (!ValidMessageCharacters(s)) {
        return Error("InvalidMessageContents",
                     "Message (user) attribute '" + name + "' contains invalid characters.");
      }
      size += s.size();
      value["StringValue"] = s;
    }
    out[name] = std::move(value);
  }
  return out;
}

// The FIFO fields every entry needs, checked before anything is enqueued.
Status CheckFifoFields(const Queue& q, const json& entry) {
  if (q.fifo) {
    if (!entry.contains("MessageGroupId")) return MissingParameter("MessageGroupId");
    if (!entry.contains("MessageDeduplicationId") && !q.content_dedup) {
      return InvalidParameterValue(
          "The queue should either have ContentBasedDeduplication enabled or "
          "MessageDeduplicationId provided explicitly");
    }
  }
  for (const char* field : {"MessageGroupId", "MessageDeduplicationId"}) {
    if (!entry.contains(field)) continue;
    const std::string v = entry.value(field, "");
    if (!ValidFifoToken(v)) {
      return InvalidValue(v, field,
                          std::string(field) +
                              " can only include alphanumeric and punctuation "
                              "characters. 1 to 128 in length.");
    }
  }
  if (!q.fifo && entry.contains("MessageDeduplicationId")) {
    return InvalidValue(entry.value("MessageDeduplicationId", ""), "MessageDeduplicationId",
                        "The request include parameter that is not valid for this queue type.");
  }
  return OkStatus();
}

}  // namespace

Message& SqsCore::EnqueueLocked(Queue& q, Message m, int delay_seconds, Deferred& d) {
  const int64_t now = NowMs();
  m.seq = q.next_seq++;
  m.enqueued_ms = now;
  m.visible_at_ms = now + int64_t{delay_seconds} * 1000;
  m.state = MsgState::kDelayed;
  auto [it, inserted] = q.messages.emplace(m.seq, std::move(m));
  Message& msg = it->second;
  ++q.n_delayed;
  if (q.fifo) q.groups[msg.group_id].seqs.insert(msg.seq);
  QueuePtr self = by_uid_[q.uid];
  if (delay_seconds > 0) {
    ScheduleMessageTimerLocked(self, msg);
  } else {
    MakeVisibleLocked(q, msg, d);
  }
  if (!q.retention_timer) ScheduleRetentionLocked(self);
  return msg;
}

Result<json> SqsCore::SendOneLocked(const RequestContext& ctx, Queue& q, json& entry,
                                    bool batch_entry, Sql& writes, Deferred& d) {
  const std::string& body = StringMemberOf(entry, "MessageBody");
  if (body.empty()) return MissingParameter("MessageBody");
  if (!ValidMessageCharacters(body)) {
    return Error("InvalidMessageContents",
                 "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 "
                 "to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
  }
  int delay = q.delay_seconds;
  if (entry.contains("DelaySeconds") && !entry["DelaySeconds"].is_null()) {
    const int64_t v = entry["DelaySeconds"].get<int64_t>();
    if (q.fifo && v != 0) {
      return InvalidValue(std::to_string(v), "DelaySeconds",
                          "The request include parameter that is not valid for this queue type.");
    }
    if (v < 0 || v > 900) {
      return InvalidValue(std::to_string(v), "DelaySeconds",
                          "DelaySeconds must be >= 0 and <= 900.");
    }
    if (!q.fifo) delay = static_cast<int>(v);
  }
  size_t size = body.size();
  auto attrs = CheckMessageAttributes(MemberOf(entry, "MessageAttributes"), size);
  if (!attrs.ok()) return std::move(attrs).error();
  std::string trace;
  const json& system = MemberOf(entry, "MessageSystemAttributes");
  for (const auto& [name, v] : system.items()) {
    if (name != "AWSTraceHeader" || v.value("DataType", "") != "String") {
      return InvalidParameterValue("Message system attribute name '" + name + "' is invalid.");
    }
    trace = v.value("StringValue", "");
  }
  if (size > static_cast<size_t>(q.max_message_size)) {
    // AWS words the same limit differently for a batch entry (both recorded).
    return InvalidParameterValue(std::string("One or more parameters ") +
                                 (batch_entry ? "cannot be validated" : "are invalid") +
                                 ". Reason: Message must be shorter than " +
                                 std::to_string(q.max_message_size) + " bytes.");
  }
  WHARF_RETURN_IF_ERROR(CheckFifoFields(q, entry));

  json out;
  out["MD5OfMessageBody"] = Md5Hex(body);
  if (!attrs->is_null()) out["MD5OfMessageAttributes"] = MessageAttributesMd5(*attrs);
  // Without an AWSTraceHeader system attribute the request's X-Ray header becomes the message's
  // (as on AWS); the client sent no system attributes then, so it gets no MD5 of them.
  if (trace.empty()) {
    trace = ctx.trace_header;
  } else {
    out["MD5OfMessageSystemAttributes"] = MessageAttributesMd5(
        json{{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", trace}}}});
  }
  Message m;
  m.group_id = entry.value("MessageGroupId", "");
  const int64_t now = NowMs();
  std::string dedup_key;
  if (q.fifo) {
    m.dedup_id = entry.contains("MessageDeduplicationId")
                     ? entry.value("MessageDeduplicationId", "")
                     : Sha256Hex(body);
    dedup_key = (q.dedup_per_group ? m.group_id + '\n' : std::string()) + m.dedup_id;
    auto dup = q.dedup.find(dedup_key);
    if (dup != q.dedup.end() && dup->second.expire_ms > now) {
      out["MessageId"] = dup->second.message_id;
      out["SequenceNumber"] = SequenceNumber(dup->second.seq);
      return out;
    }
  }
  m.id = NewUuid();
  m.body = std::move(entry["MessageBody"].get_ref<std::string&>());  // `body` is not used below
  m.attrs = std::move(*attrs);
  m.trace_header = std::move(trace);
  m.sender_id = ctx.account;
  m.sent_ms = now;
  Message& stored = EnqueueLocked(q, std::move(m), delay, d);
  writes.push_back(InsertMessageSql(q, stored));
  out["MessageId"] = stored.id;
  if (q.fifo) {
    out["SequenceNumber"] = SequenceNumber(stored.seq);
    Queue::Dedup e{now + kDedupWindowMs, stored.id, stored.seq};
    writes.push_back(InsertDedupSql(q, dedup_key, e));
    q.dedup[dedup_key] = std::move(e);
  }
  return out;
}

SqsCore::OpResult SqsCore::SendMessage(const RequestContext& ctx, json& in, Deferred& d) {
  auto r = ResolveLocked(ctx, in, "SendMessage");
  if (!r.ok()) return std::move(r).error();
  Outcome o;
  auto out = SendOneLocked(ctx, **r, in, /*batch_entry=*/false, o.writes, d);
  if (!out.ok()) return std::move(out).error();
  o.output = std::move(*out);
  return o;
}

SqsCore::OpResult SqsCore::SendMessageBatch(const RequestContext& ctx, json& in, Deferred& d) {
  auto r = ResolveLocked(ctx, in, "SendMessage");
  if (!r.ok()) return std::move(r).error();
  Queue& q = **r;
  json no_entries = json::array();
  json& entries = in.contains("Entries") ? in["Entries"] : no_entries;
  WHARF_RETURN_IF_ERROR(CheckBatchEntries(entries, "SendMessageBatchRequestEntry"));
  size_t total = 0;
  for (const auto& e : entries) {
    total += StringMemberOf(e, "MessageBody").size();
    const json& attrs = MemberOf(e, "MessageAttributes");
    for (const auto& [name, v] : attrs.items()) {
      total += name.size() + v.value("DataType", "").size() + v.value("StringValue", "").size();
      if (v.contains("BinaryValue") && v["BinaryValue"].is_binary()) {
        total += v["BinaryValue"].get_binary().size();
      }
    }
  }
  if (total > kMaxBatchBytes) {
    return Error("BatchRequestTooLong",
                 "Batch requests cannot be longer than " + std::to_string(kMaxBatchBytes) +
                     " bytes. You have sent " + std::to_string(total) + " bytes.");
  }
  for (const auto& e : entries) {
    if (q.fifo && !e.contains("MessageGroupId")) {
      return InvalidParameterValue("The request must contain the parameter MessageGroupId.");
    }
    if (q.fifo && !e.contains("MessageDeduplicationId") && !q.content_dedup) {
      return InvalidParameterValue(
          "The queue should either have ContentBasedDeduplication enabled or "
          "MessageDeduplicationId provided explicitly");
    }
  }
  Outcome o;
  o.output = {{"Successful", json::array()}, {"Failed", json::array()}};
  for (auto& e : entries) {
    auto res = SendOneLocked(ctx, q, e, /*batch_entry=*/true, o.writes, d);
    if (res.ok()) {
      json ok = std::move(*res);
      ok["Id"] = e.value("Id", "");
      o.output["Successful"].push_back(std::move(ok));
    } else {
      o.output["Failed"].push_back(FailedEntry(e.value("Id", ""), res.error()));
    }
  }
  DropEmptyBatchLists(o.output);
  return o;
}

}  // namespace wharf::sqs
