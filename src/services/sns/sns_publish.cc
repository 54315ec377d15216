// Publish and PublishBatch: validation, FIFO rules, filtering and fan-out to deliveries.
#include <algorithm>

#include "services/sns/sns_core.h"
#include "services/sns/sns_util.h"

namespace wharf::sns {
namespace {

constexpr size_t kMaxMessageBytes = 262144;
constexpr int64_t kDedupWindowMs = 5 * 60 * 1000;

Status CheckAttributeName(const std::string& name) {
  if (name.size() >= 256) {
    return ParameterValueInvalid("Length of message attribute name must be less than 256 bytes.");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "#x%X", static_cast<unsigned char>(c));
      return ParameterValueInvalid("Invalid non-alphanumeric character '" + std::string(hex) +
                                   "' was found in the message attribute name. Can only include "
                                   "alphanumeric characters, hyphens, underscores, or dots.");
    }
  }
  if (name.starts_with(".")) {
    return ParameterValueInvalid(
        "Invalid message attribute name starting with character '.' was found.");
  }
  if (name.ends_with(".")) {
    return ParameterValueInvalid(
        "Invalid message attribute name ending with character '.' was found.");
  }
  if (name.find("..") != std::string::npos) {
    return ParameterValueInvalid("Message attribute name can not have successive '.' character.");
  }
  return OkStatus();
}

// Validates MessageAttributes.
Status CheckAttributes(const json& attrs, std::string_view prefix) {
  if (!attrs.is_object()) return OkStatus();
  for (auto& [name, v] : attrs.items()) {
    WHARF_RETURN_IF_ERROR(CheckAttributeName(name));
    if (!v.is_object() || !v.contains("DataType") || !v["DataType"].is_string()) {
      return NullMember(std::string(prefix) + "." + name + ".member.dataType");
    }
    const std::string type = v["DataType"].get<std::string>();
    const size_t dot = type.find('.');
    const std::string base = type.substr(0, dot);
    const std::string quoted = "The message attribute '" + name + "'";
    // A custom type label after the '.' may not be empty ("String." is refused, recorded).
    if ((base != "String" && base != "Number" && base != "Binary") || dot + 1 == type.size()) {
      return ParameterValueInvalid(quoted +
                                   " has an invalid message attribute type, the set of "
                                   "supported type prefixes is Binary, Number, and String.");
    }
    const bool has_string = v.contains("StringValue") && v["StringValue"].is_string();
    const bool has_binary = v.contains("BinaryValue") && v["BinaryValue"].is_binary();
    if (base == "Binary") {
      if (has_string && !has_binary) {
        return ParameterValueInvalid(quoted + " with type 'Binary' must use field 'Binary'.");
      }
      if (!has_binary || v["BinaryValue"].get_binary().empty()) {
        return ParameterValueInvalid(quoted +
                                     " must contain non-empty message attribute value "
                                     "for message attribute type 'Binary'.");
      }
    } else {
      if (has_binary && !has_string) {
        return ParameterValueInvalid(quoted + " with type '" + base + "' must use field 'String'.");
      }
      if (!has_string || v["StringValue"].get_ref<const std::string&>().empty()) {
        return ParameterValueInvalid(quoted +
                                     " must contain non-empty message attribute value "
                                     "for message attribute type '" +
                                     base + "'.");
      }
      const std::string& sv = v["StringValue"].get_ref<const std::string&>();
      if (base == "Number") {
        char* end = nullptr;
        std::strtod(sv.c_str(), &end);
        if (end == sv.c_str() || *end != '\0') {
          return ParameterValueInvalid(quoted +
                                       " with type 'Number' must contain a valid numeric value.");
        }
      }
    }
  }
  return OkStatus();
}

// The size AWS counts against the message limit for MessageAttributes: every name, DataType and
// value, in bytes.
size_t AttributesBytes(const json& attrs) {
  size_t size = 0;
  if (!attrs.is_object()) return size;
  for (auto& [name, v] : attrs.items()) {
    if (!v.is_object()) continue;
    size += name.size() + Str(v, "DataType").size() + Str(v, "StringValue").size();
    if (auto b = v.find("BinaryValue"); b != v.end() && b->is_binary()) {
      size += b->get_binary().size();
    }
  }
  return size;
}

bool ValidSubject(const std::string& s) {
  if (s.empty() || s.size() >= 100) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

MessageAttributes FilterAttributes(const json& attrs) {
  MessageAttributes out;
  for (auto& [name, v] : attrs.items()) {
    out[name] = MessageAttribute{v.value("DataType", ""),
                                 v.contains("StringValue") && v["StringValue"].is_string()
                                     ? v["StringValue"].get<std::string>()
                                     : ""};
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<Published>> SnsCore::BuildMessageLocked(const Topic* t, const json& entry,
                                                               std::string_view prefix) {
  auto m = std::make_shared<Published>();
  m->message = Str(entry, "Message");
  if (m->message.empty()) return InvalidParameter("Empty message");
  if (entry.contains("Subject")) {
    m->subject = Str(entry, "Subject");
    if (!ValidSubject(m->subject)) return InvalidParameter("Subject");
  }
  m->attributes = entry.value("MessageAttributes", json::object());
  WHARF_RETURN_IF_ERROR(CheckAttributes(m->attributes, prefix));
  if (m->message.size() + AttributesBytes(m->attributes) > kMaxMessageBytes)
    return InvalidParameter("Message too long");
  m->structure = Str(entry, "MessageStructure");
  if (m->structure == "json") {
    json parsed = json::parse(m->message, nullptr, false);
    if (parsed.is_discarded()) {
      return InvalidParameter("Message Structure - JSON message body failed to parse");
    }
    if (!parsed.is_object() || !parsed.contains("default") || !parsed["default"].is_string()) {
      return InvalidParameter("Message Structure - No default entry in JSON message body");
    }
    m->per_protocol = std::move(parsed);
  } else if (!m->structure.empty()) {
    return InvalidParameter("MessageStructure");
  }
  m->group_id = Str(entry, "MessageGroupId");
  m->dedup_id = Str(entry, "MessageDeduplicationId");
  if (m->group_id.size() > 128 || m->dedup_id.size() > 128) {
    return InvalidParameter(m->group_id.size() > 128 ? "MessageGroupId" : "MessageDeduplicationId");
  }
  if (t != nullptr && t->fifo) {
    if (m->group_id.empty()) {
      return InvalidParameter("The MessageGroupId parameter is required for FIFO topics");
    }
    auto cbd = t->attributes.find("ContentBasedDeduplication");
    if (m->dedup_id.empty()) {
      if (cbd == t->attributes.end() || cbd->second != "true") {
        return InvalidParameter(
            "The topic should either have ContentBasedDeduplication enabled or "
            "MessageDeduplicationId provided explicitly");
      }
      m->dedup_id = Sha256Hex(m->message);
    }
  } else if (!m->dedup_id.empty()) {
    return InvalidParameter(
        "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter "
        "that is not valid for this topic type");
  }
  m->message_id = NewUuid();
  m->timestamp_ms = NowMs();
  if (t != nullptr) m->topic_arn = t->arn;
  return m;
}

Status SnsCore::FanOutLocked(Topic& t, const std::shared_ptr<Published>& msg, Outcome& o) {
  std::optional<MessageAttributes> flat_attrs;
  std::vector<std::string> targets;
  for (const std::string& arn : t.subscriptions) {
    auto it = subscriptions_.find(arn);
    if (it == subscriptions_.end() || it->second->pending) continue;
    const Subscription& s = *it->second;
    if (s.filter) {
      bool match;
      if (s.filter->scope == FilterScope::kMessageBody) {
        match = MatchesBody(*s.filter, msg->message);
      } else {
        if (!flat_attrs) flat_attrs = FilterAttributes(msg->attributes);
        match = Matches(*s.filter, *flat_attrs);
      }
      if (!match) continue;
    }
    if (!msg->Fifo() &&
        SnsCore::WantsEnvelope(s.protocol, IsTrue(s.attributes, "RawMessageDelivery"))) {
      msg->envelopes[{msg->TextKey(s.protocol), SignatureVersionLocked(t.arn)}];
    }
    auto dv = std::make_shared<Delivery>();
    dv->publish_id = msg->message_id;
    dv->id = msg->message_id + '\n' + arn;
    dv->subscription_arn = arn;
    dv->msg = msg;
    deliveries_[dv->id] = dv;
    o.deliveries.push_back(std::move(dv));
    targets.push_back(arn);
  }
  if (targets.empty()) return OkStatus();
  publish_pending_[msg->message_id] = static_cast<int>(targets.size());
  if (!msg->envelopes.empty()) o.to_sign.push_back(msg);
  o.writes.push_back(PublishRow(msg->message_id, *msg, targets));
  return OkStatus();
}

SnsCore::OpResult SnsCore::Publish(const RequestContext& ctx, json& in, Deferred&) {
  std::string topic_arn = Str(in, "TopicArn"), target = Str(in, "TargetArn");
  const std::string phone = Str(in, "PhoneNumber");
  Outcome o;
  if (topic_arn.empty() && !target.empty()) {
    auto parsed = ParseArn(target, "TargetArn");
    if (!parsed.ok()) return std::move(parsed).error();
    if (parsed->resource.starts_with("endpoint/")) {
      auto ep = endpoints_.find(target);
      if (ep == endpoints_.end()) {
        return InvalidParameter("TargetArn Reason: No endpoint found for the target arn specified");
      }
      if (ep->second->attributes["Enabled"] != "true") {
        return AwsError::Client("EndpointDisabled", "Endpoint is disabled");
      }
      auto m = BuildMessageLocked(nullptr, in, "messageAttributes");
      if (!m.ok()) return std::move(m).error();
      OutboxLocked({{"protocol", "application"},
                    {"endpoint", target},
                    {"message_id", (*m)->message_id},
                    {"message", (*m)->MessageFor("application")},
                    {"timestamp", IsoMillis((*m)->timestamp_ms)}});
      o.output = {{"MessageId", (*m)->message_id}};
      return o;
    }
    topic_arn = target;
  }
  if (topic_arn.empty() && !phone.empty()) {
    WHARF_RETURN_IF_ERROR(CheckPhoneNumber(phone, true));
    if (opted_out_.count(phone)) {
      return AwsError::Client("OptedOut", "Phone number is opted out");
    }
    auto m = BuildMessageLocked(nullptr, in, "messageAttributes");
    if (!m.ok()) return std::move(m).error();
    OutboxLocked({{"protocol", "sms"},
                  {"endpoint", phone},
                  {"message_id", (*m)->message_id},
                  {"message", (*m)->MessageFor("sms")},
                  {"timestamp", IsoMillis((*m)->timestamp_ms)}});
    o.output = {{"MessageId", (*m)->message_id}};
    return o;
  }
  // Given but empty, TopicArn is a malformed ARN (recorded), not a missing parameter.
  if (topic_arn.empty() && !in.contains("TopicArn")) {
    return InvalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  }
  auto t =
      AccessTopicLocked(ctx, topic_arn, "SNS:Publish", target.empty() ? "TopicArn" : "TargetArn");
  if (!t.ok()) return std::move(t).error();
  auto m = BuildMessageLocked(t->get(), in, "messageAttributes");
  if (!m.ok()) return std::move(m).error();
  (*m)->host = ctx.host;
  (*m)->trace_header = ctx.trace_header;
  Topic& topic = **t;
  if (topic.fifo) {
    if (const Topic::Dedup* d = DedupLocked(topic, (*m)->dedup_id, o.writes)) {
      o.output = {{"MessageId", d->message_id}, {"SequenceNumber", d->sequence}};
      return o;
    }
    (*m)->sequence = std::to_string(10000000000000000000ULL + topic.next_sequence++);
    RememberDedupLocked(topic, **m, o.writes);
    WriteTopic(topic, o.writes);
  }
  WHARF_RETURN_IF_ERROR(FanOutLocked(topic, *m, o));
  o.output = {{"MessageId", (*m)->message_id}};
  if (topic.fifo) o.output["SequenceNumber"] = (*m)->sequence;
  return o;
}

const Topic::Dedup* SnsCore::DedupLocked(Topic& t, const std::string& dedup_id, Sql& writes) {
  // Only the entries due by now are visited: a busy topic holds five minutes of them.
  const int64_t now = NowMs();
  while (!t.dedup_expiry.empty() && t.dedup_expiry.front().first <= now) {
    auto it = t.dedup.find(t.dedup_expiry.front().second);
    if (it != t.dedup.end() && it->second.expire_ms <= now) {  // not taken again since
      writes.push_back(DeleteDedupRow(t, it->first));
      t.dedup.erase(it);
    }
    t.dedup_expiry.pop_front();
  }
  auto d = t.dedup.find(dedup_id);
  return d == t.dedup.end() || d->second.expire_ms <= now ? nullptr : &d->second;
}

void SnsCore::RememberDedupLocked(Topic& t, const Published& m, Sql& writes) {
  const int64_t expire_ms = NowMs() + kDedupWindowMs;
  t.dedup[m.dedup_id] = {expire_ms, m.message_id, m.sequence};
  t.dedup_expiry.emplace_back(expire_ms, m.dedup_id);
  writes.push_back(DedupRow(t, m.dedup_id));
}

SnsCore::OpResult SnsCore::PublishBatch(const RequestContext& ctx, json& in, Deferred&) {
  auto t = AccessTopicLocked(ctx, Str(in, "TopicArn"), "SNS:Publish");
  if (!t.ok()) return std::move(t).error();
  const json entries = in.value("PublishBatchRequestEntries", json::array());
  if (!entries.is_array() || entries.empty()) {
    return AwsError::Client("EmptyBatchRequest", "The batch request doesn't contain any entries.");
  }
  if (entries.size() > 10) {
    return AwsError::Client("TooManyEntriesInBatchRequest",
                            "The batch request contains more entries than permissible.");
  }
  std::set<std::string> ids;
  size_t total = 0;
  for (const json& e : entries) {
    const std::string id = Str(e, "Id");
    if (id.size() > 80) {
      return AwsError::Client("InvalidBatchEntryId",
                              "The Id of a batch entry in the batch request is too long: " + id);
    }
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        })) {
      return AwsError::Client(
          "InvalidBatchEntryId",
          "The Id of a batch entry in the batch request contains an impermissible character: " +
              id);
    }
    if (!ids.insert(id).second) {
      return AwsError::Client("BatchEntryIdsNotDistinct",
                              "Two or more batch entries in the request have the same Id.");
    }
    // Attributes count towards the batch's size too (recorded).
    total += Str(e, "Message").size() + AttributesBytes(e.value("MessageAttributes", json()));
  }
  if (total > kMaxMessageBytes) {
    return AwsError::Client("BatchRequestTooLong",
                            "The length of all the messages put together is more than the limit.");
  }
  std::vector<std::shared_ptr<Published>> msgs;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto m = BuildMessageLocked(
        t->get(), entries[i],
        "publishBatchRequestEntries." + std::to_string(i + 1) + ".member.messageAttributes");
    if (!m.ok()) return std::move(m).error();
    (*m)->host = ctx.host;
    (*m)->trace_header = ctx.trace_header;
    msgs.push_back(std::move(m).value());
  }
  Outcome o;
  Topic& topic = **t;
  json ok = json::array();
  for (size_t i = 0; i < msgs.size(); ++i) {
    auto& m = msgs[i];
    json row = {{"Id", Str(entries[i], "Id")}, {"MessageId", m->message_id}};
    if (topic.fifo) {
      if (const Topic::Dedup* d = DedupLocked(topic, m->dedup_id, o.writes)) {
        row["MessageId"] = d->message_id;
        row["SequenceNumber"] = d->sequence;
        ok.push_back(row);
        continue;
      }
      m->sequence = std::to_string(10000000000000000000ULL + topic.next_sequence++);
      RememberDedupLocked(topic, *m, o.writes);
      row["SequenceNumber"] = m->sequence;
    }
    WHARF_RETURN_IF_ERROR(FanOutLocked(topic, m, o));
    ok.push_back(row);
  }
  if (topic.fifo) WriteTopic(topic, o.writes);
  o.output = {{"Successful", ok}, {"Failed", json::array()}};
  return o;
}

}  // namespace wharf::sns
