// ReceiveMessage (incl. long polling), DeleteMessage(Batch), ChangeMessageVisibility(Batch),
// message state transitions and their timers.
#include <algorithm>
#include <cstdio>

#include "services/sqs/sqs_batch.h"
#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_util.h"

namespace wharf::sqs {
namespace {

constexpr int64_t kMaxVisibilitySeconds = 43200;

void PutU64(std::string& s, uint64_t v) {
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>(v >> (i * 8)));
}
uint64_t GetU64(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

bool WantsAttribute(const ReceiveParams& p, const std::string& name) {
  if (p.all_attributes) return true;
  for (const auto& n : p.attribute_names) {
    if (n == name) return true;
    if (n.size() >= 2 && n.compare(n.size() - 2, 2, ".*") == 0 &&
        name.compare(0, n.size() - 2, n, 0, n.size() - 2) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string MakeReceiptHandle(const Queue& q, const Message& m) {
  std::string raw;
  PutU64(raw, q.uid);
  PutU64(raw, m.seq);
  PutU64(raw, m.nonce);
  raw += m.id;
  return Base64Encode(raw);
}

Result<HandleParts> ParseReceiptHandle(const std::string& handle) {
  auto raw = Base64Decode(handle);
  if (!raw || raw->size() < 24) {
    return Error("ReceiptHandleIsInvalid",
                 "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
  }
  return HandleParts{GetU64(*raw, 0), GetU64(*raw, 8), GetU64(*raw, 16)};
}

std::string SequenceNumber(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "1%019llu", static_cast<unsigned long long>(seq));
  return buf;
}

void SqsCore::SetStateLocked(Queue& q, Message& m, MsgState s) {
  auto counter = [&](MsgState st) -> size_t& {
    return st == MsgState::kVisible    ? q.n_visible
           : st == MsgState::kInFlight ? q.n_inflight
                                       : q.n_delayed;
  };
  --counter(m.state);
  ++counter(s);
  m.state = s;
}

void SqsCore::MakeVisibleLocked(Queue& q, Message& m, Deferred& d) {
  SetStateLocked(q, m, MsgState::kVisible);
  PutLastInLineLocked(q, m);
  WakeWaitersLocked(q, d);
}

void SqsCore::PutLastInLineLocked(Queue& q, Message& m) {
  if (q.fifo) {
    m.visible_order = q.next_visible_order++;
  } else {
    q.visible.push_back(m.seq);
  }
}

void SqsCore::ScheduleMessageTimerLocked(const QueuePtr& q, Message& m) {
  if (stopped_) return;
  std::weak_ptr<Queue> wq = q;
  const uint64_t seq = m.seq;
  m.timer = ScheduleGuarded(m.visible_at_ms, [this, wq, seq] { OnMessageTimer(wq, seq); });
}

void SqsCore::OnMessageTimer(std::weak_ptr<Queue> wq, uint64_t seq) {
  Deferred d;
  {
    std::lock_guard lock(mu_);
    // A reload drops the queue `wq` names (and schedules timers of its own).
    QueuePtr q = RefreshLocked(d).ok() ? wq.lock() : nullptr;
    if (q && !q->deleted) {
      auto it = q->messages.find(seq);
      // A later ChangeMessageVisibility moved visible_at on: this timer is stale.
      if (it != q->messages.end() && it->second.state != MsgState::kVisible &&
          it->second.visible_at_ms <= NowMs()) {
        MakeVisibleLocked(*q, it->second, d);
      }
    }
  }
  RunDeferred(d);
}

void SqsCore::EraseMessageLocked(Queue& q, std::map<uint64_t, Message>::iterator it) {
  Message& m = it->second;
  SetStateLocked(q, m, MsgState::kDelayed);  // keeps the counters right
  --q.n_delayed;
  if (q.fifo) {
    auto g = q.groups.find(m.group_id);
    g->second.seqs.erase(m.seq);
    if (g->second.seqs.empty()) q.groups.erase(g);
  }
  q.messages.erase(it);
}

json SqsCore::RenderLocked(const Queue& q, const Message& m, const ReceiveParams& p) const {
  json out{{"MessageId", m.id},
           {"ReceiptHandle", MakeReceiptHandle(q, m)},
           {"MD5OfBody", Md5Hex(m.body)},
           {"Body", m.body}};
  json attrs = json::object();
  auto want = [&](const char* n) { return p.all_system || p.system_names.count(n) > 0; };
  if (want("SenderId")) attrs["SenderId"] = m.sender_id;
  if (want("SentTimestamp")) attrs["SentTimestamp"] = std::to_string(m.sent_ms);
  if (want("ApproximateReceiveCount"))
    attrs["ApproximateReceiveCount"] = std::to_string(m.receive_count);
  if (want("ApproximateFirstReceiveTimestamp")) {
    attrs["ApproximateFirstReceiveTimestamp"] = std::to_string(m.first_receive_ms);
  }
  if (!m.trace_header.empty() && want("AWSTraceHeader")) attrs["AWSTraceHeader"] = m.trace_header;
  if (!m.dlq_source_arn.empty() && want("DeadLetterQueueSourceArn")) {
    attrs["DeadLetterQueueSourceArn"] = m.dlq_source_arn;
  }
  if (q.fifo) {
    if (want("SequenceNumber")) attrs["SequenceNumber"] = SequenceNumber(m.seq);
    if (want("MessageDeduplicationId")) attrs["MessageDeduplicationId"] = m.dedup_id;
  }
  if (!m.group_id.empty() && want("MessageGroupId")) attrs["MessageGroupId"] = m.group_id;
  if (!attrs.empty()) out["Attributes"] = std::move(attrs);
  if (m.attrs.is_object()) {
    json picked = json::object();
    for (const auto& [name, v] : m.attrs.items()) {
      if (WantsAttribute(p, name)) picked[name] = v;
    }
    if (!picked.empty()) {
      out["MD5OfMessageAttributes"] = MessageAttributesMd5(picked);
      out["MessageAttributes"] = std::move(picked);
    }
  }
  return out;
}

json SqsCore::TakeLocked(Queue& q, const ReceiveParams& p, Sql& writes, Deferred& d) {
  json out = json::array();
  const int64_t now = NowMs();
  const int visibility = p.visibility >= 0 ? p.visibility : q.visibility_timeout;
  // Taken with visibility 0, a message is visible again at once, but only after the take:
  // within it, it would be taken twice, and making it visible here would wake the waiters,
  // re-entering this function for the waiter being served, without end (a stack overflow).
  std::vector<uint64_t> released;
  const auto release = [&] {
    for (uint64_t seq : released) {
      auto it = q.messages.find(seq);
      if (it == q.messages.end()) continue;
      SetStateLocked(q, it->second, MsgState::kVisible);
      PutLastInLineLocked(q, it->second);
    }
  };
  QueuePtr dlq = q.dlq_arn.empty() ? nullptr : FindByArnLocked(q.dlq_arn);
  if (dlq.get() == &q) dlq = nullptr;  // its own DLQ: moving would only requeue it, forever
  QueuePtr self = by_uid_[q.uid];
  // Below both the request's maximum and the queue's in-flight limit.
  const size_t max_inflight = env_.config.sqs_max_inflight;
  auto room = [&] { return static_cast<int>(out.size()) < p.max && q.n_inflight < max_inflight; };
  // Receives or dead-letters one visible message; false when it went to the DLQ.
  auto take = [&](std::map<uint64_t, Message>::iterator it) {
    Message& m = it->second;
    if (dlq && q.max_receive_count > 0 && m.receive_count >= q.max_receive_count) {
      MoveToQueueLocked(q, it, *dlq, true, writes, d);
      return false;
    }
    ++m.receive_count;
    if (m.first_receive_ms == 0) m.first_receive_ms = now;
    m.last_receive_ms = now;
    m.nonce = next_nonce_++;
    m.visible_at_ms = now + int64_t{visibility} * 1000;
    SetStateLocked(q, m, MsgState::kInFlight);
    writes.push_back(UpdateReceiveSql(q, m));
    out.push_back(RenderLocked(q, m, p));
    if (visibility == 0) {
      released.push_back(m.seq);
    } else {
      ScheduleMessageTimerLocked(self, m);
    }
    return true;
  };
  if (!q.fifo) {
    while (room() && !q.visible.empty()) {
      const uint64_t seq = q.visible.front();
      q.visible.pop_front();
      auto it = q.messages.find(seq);
      if (it == q.messages.end() || it->second.state != MsgState::kVisible) continue;
      take(it);
    }
    release();
    return out;
  }
  // FIFO: the group whose oldest message became visible first goes first, so one back from in
  // flight waits behind the others (as AWS does, validated). A group gives the visible messages
  // at its head, up to its first one in flight: none while its oldest is in flight, but those
  // before a message whose visibility was extended once they are visible again (recorded).
  std::vector<std::pair<uint64_t, std::string>> ready;
  for (const auto& [gid, g] : q.groups) {
    if (g.seqs.empty()) continue;
    const Message& head = q.messages.find(*g.seqs.begin())->second;
    if (head.state == MsgState::kVisible) ready.emplace_back(head.visible_order, gid);
  }
  std::sort(ready.begin(), ready.end());
  for (const auto& [head, gid] : ready) {
    if (!room()) break;
    auto git = q.groups.find(gid);
    if (git == q.groups.end()) continue;
    std::vector<uint64_t> seqs(git->second.seqs.begin(), git->second.seqs.end());
    for (uint64_t seq : seqs) {
      if (!room()) break;
      auto it = q.messages.find(seq);
      if (it->second.state != MsgState::kVisible) break;
      take(it);
    }
  }
  release();
  return out;
}

void SqsCore::WakeWaitersLocked(Queue& q, Deferred& d) {
  while (!q.waiters.empty() && (q.fifo || !q.visible.empty())) {
    std::shared_ptr<Waiter> w = q.waiters.front();
    if (w->done) {
      q.waiters.pop_front();
      continue;
    }
    Sql writes;
    json messages = TakeLocked(q, w->params, writes, d);
    if (messages.empty()) {
      if (!writes.empty()) QueueWritesLocked(std::move(writes), nullptr, d);
      break;
    }
    q.waiters.pop_front();
    w->done = true;
    env_.scheduler.Cancel(w->timer);
    Outcome o;
    o.writes = std::move(writes);
    o.output["Messages"] = std::move(messages);
    CommitLocked(std::move(o), w->reply, d);
  }
}

void SqsCore::OnWaiterTimeout(std::shared_ptr<Waiter> w) {
  {
    std::lock_guard lock(mu_);
    if (w->done) return;
    w->done = true;
  }
  w->reply(json::object());
}

SqsCore::OpResult SqsCore::ReceiveMessage(const RequestContext& ctx, json& in, Deferred& d) {
  auto r = ResolveLocked(ctx, in, "ReceiveMessage");
  if (!r.ok()) return std::move(r).error();
  QueuePtr q = *r;
  ReceiveParams p;
  if (in.contains("MaxNumberOfMessages")) {
    const int64_t v = in["MaxNumberOfMessages"].get<int64_t>();
    if (v < 1 || v > 10) {
      return InvalidValue(std::to_string(v), "MaxNumberOfMessages",
                          "Must be between 1 and 10, if provided.");
    }
    p.max = static_cast<int>(v);
  }
  int64_t wait = q->wait_seconds;
  if (in.contains("WaitTimeSeconds")) {
    wait = in["WaitTimeSeconds"].get<int64_t>();
    if (wait < 0 || wait > 20) {
      return InvalidValue(std::to_string(wait), "WaitTimeSeconds",
                          "Must be >= 0 and <= 20, if provided.");
    }
  }
  if (in.contains("VisibilityTimeout")) {
    const int64_t v = in["VisibilityTimeout"].get<int64_t>();
    if (v < 0 || v > kMaxVisibilitySeconds) {
      return InvalidValue(std::to_string(v), "VisibilityTimeout",
                          "Must be >= 0 and <= 43200, if provided.");
    }
    p.visibility = static_cast<int>(v);
  }
  for (const char* key : {"AttributeNames", "MessageSystemAttributeNames"}) {
    for (const auto& n : in.value(key, json::array())) {
      const std::string name = n.get<std::string>();
      if (name == "All") p.all_system = true;
      p.system_names.insert(name);
    }
  }
  for (const auto& n : in.value("MessageAttributeNames", json::array())) {
    const std::string name = n.get<std::string>();
    if (name == "All" || name == ".*" || name == "*") p.all_attributes = true;
    p.attribute_names.push_back(name);
  }
  p.attempt_id = in.value("ReceiveRequestAttemptId", "");
  // A FIFO queue at the limit just returns nothing more; a standard queue refuses.
  if (!q->fifo && q->n_inflight >= env_.config.sqs_max_inflight) {
    return Error("OverLimit",
                 "Too many messages have been received without being deleted.\nPlease delete "
                 "your received messages or let them timeout before receiving more.");
  }
  const int64_t now = NowMs();
  Outcome o;
  if (q->fifo && !p.attempt_id.empty()) {
    auto a = q->attempts.find(p.attempt_id);
    if (a != q->attempts.end() && a->second.expire_ms > now) {
      bool same = true;
      for (auto [seq, nonce] : a->second.handles) {
        auto it = q->messages.find(seq);
        same = same && it != q->messages.end() && it->second.nonce == nonce &&
               it->second.state == MsgState::kInFlight;
      }
      if (same) {
        o.output = a->second.response;
        return o;
      }
    }
  }
  json messages = TakeLocked(*q, p, o.writes, d);
  if (!messages.empty()) {
    o.output["Messages"] = std::move(messages);
    if (q->fifo && !p.attempt_id.empty()) {
      Queue::Attempt a{now + kAttemptWindowMs, {}, o.output};
      for (const auto& m : o.output["Messages"]) {
        auto h = ParseReceiptHandle(m["ReceiptHandle"].get<std::string>());
        if (h.ok()) a.handles.emplace_back(h->seq, h->nonce);
      }
      o.writes.push_back(InsertAttemptSql(*q, p.attempt_id, a));
      q->attempts[p.attempt_id] = std::move(a);
    }
    return o;
  }
  if (wait == 0 || stopped_) return o;  // with any DLQ moves' writes
  auto w = std::make_shared<Waiter>();
  w->queue = q;
  w->params = std::move(p);
  w->timer = ScheduleGuarded(now + wait * 1000, [this, w] { OnWaiterTimeout(w); });
  q->waiters.push_back(w);
  if (!o.writes.empty()) QueueWritesLocked(std::move(o.writes), nullptr, d);
  Outcome parked;
  parked.park = w;
  return parked;
}

Status SqsCore::DeleteOneLocked(Queue& q, const std::string& handle, Sql& writes) {
  auto h = ParseReceiptHandle(handle);
  if (!h.ok()) return std::move(h).error();
  if (h->uid != q.uid) {
    return Error("ReceiptHandleIsInvalid",
                 "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
  }
  auto it = q.messages.find(h->seq);
  if (it == q.messages.end()) return OkStatus();  // already deleted: AWS succeeds
  if (q.fifo && (it->second.nonce != h->nonce || it->second.state != MsgState::kInFlight)) {
    return InvalidValue(handle, "ReceiptHandle", "The receipt handle has expired.");
  }
  EraseMessageLocked(q, it);
  writes.push_back(DeleteMessageSql(q, h->seq));
  return OkStatus();
}

SqsCore::OpResult SqsCore::DeleteMessage(const RequestContext& ctx, json& in, Deferred& d) {
  auto r = ResolveLocked(ctx, in, "DeleteMessage");
  if (!r.ok()) return std::move(r).error();
  Outcome o;
  WHARF_RETURN_IF_ERROR(DeleteOneLocked(**r, in.value("ReceiptHandle", ""), o.writes));
  if ((*r)->fifo) WakeWaitersLocked(**r, d);  // the group may be unblocked
  return o;
}

SqsCore::OpResult SqsCore::DeleteMessageBatch(const RequestContext& ctx, json& in, Deferred& d) {
  auto r = ResolveLocked(ctx, in, "DeleteMessage");
  if (!r.ok()) return std::move(r).error();
  const json entries = in.value("Entries", json::array());
  WHARF_RETURN_IF_ERROR(CheckBatchEntries(entries, "DeleteMessageBatchRequestEntry"));
  Outcome o;
  o.output = {{"Successful", json::array()}, {"Failed", json::array()}};
  for (const auto& e : entries) {
    Status s = DeleteOneLocked(**r, e.value("ReceiptHandle", ""), o.writes);
    if (s.ok()) {
      o.output["Successful"].push_back({{"Id", e.value("Id", "")}});
    } else {
      o.output["Failed"].push_back(FailedEntry(e.value("Id", ""), s.error()));
    }
  }
  DropEmptyBatchLists(o.output);
  if ((*r)->fifo) WakeWaitersLocked(**r, d);
  return o;
}

Status SqsCore::ChangeVisibilityOneLocked(Queue& q, const std::string& handle, int64_t timeout,
                                          Sql& writes, Deferred& d) {
  auto h = ParseReceiptHandle(handle);
  if (!h.ok()) return std::move(h).error();
  auto it = q.messages.find(h->seq);
  const bool matches = h->uid == q.uid && it != q.messages.end() && it->second.nonce == h->nonce;
  if (!matches || (q.fifo && it->second.state != MsgState::kInFlight) ||
      it->second.state == MsgState::kDelayed) {
    return Error("MessageNotInflight",
                 "Message does not exist or is not available for visibility timeout change.");
  }
  Message& m = it->second;
  const int64_t now = NowMs();
  if (timeout < 0 || (now - m.last_receive_ms) / 1000 + timeout > kMaxVisibilitySeconds) {
    return InvalidValue(std::to_string(timeout), "VisibilityTimeout",
                        "Total VisibilityTimeout for the message is beyond the limit [43200 "
                        "seconds].");
  }
  m.visible_at_ms = now + timeout * 1000;
  writes.push_back(UpdateVisibilitySql(q, m));
  if (timeout == 0) {
    if (m.state != MsgState::kVisible) MakeVisibleLocked(q, m, d);
    return OkStatus();
  }
  if (m.state == MsgState::kVisible) SetStateLocked(q, m, MsgState::kInFlight);
  ScheduleMessageTimerLocked(by_uid_[q.uid], m);
  return OkStatus();
}

SqsCore::OpResult SqsCore::ChangeMessageVisibility(const RequestContext& ctx, json& in,
                                                   Deferred& d) {
  auto r = ResolveLocked(ctx, in, "ChangeMessageVisibility");
  if (!r.ok()) return std::move(r).error();
  Outcome o;
  WHARF_RETURN_IF_ERROR(ChangeVisibilityOneLocked(
      **r, in.value("ReceiptHandle", ""), in.value("VisibilityTimeout", int64_t{0}), o.writes, d));
  return o;
}

SqsCore::OpResult SqsCore::ChangeMessageVisibilityBatch(const RequestContext& ctx, json& in,
                                                        Deferred& d) {
  auto r = ResolveLocked(ctx, in, "ChangeMessageVisibility");
  if (!r.ok()) return std::move(r).error();
  const json entries = in.value("Entries", json::array());
  WHARF_RETURN_IF_ERROR(CheckBatchEntries(entries, "ChangeMessageVisibilityBatchRequestEntry"));
  Outcome o;
  o.output = {{"Successful", json::array()}, {"Failed", json::array()}};
  for (const auto& e : entries) {
    Status s = ChangeVisibilityOneLocked(**r, e.value("ReceiptHandle", ""),
                                         e.value("VisibilityTimeout", int64_t{0}), o.writes, d);
    if (s.ok()) {
      o.output["Successful"].push_back({{"Id", e.value("Id", "")}});
    } else {
      o.output["Failed"].push_back(FailedEntry(e.value("Id", ""), s.error()));
    }
  }
  DropEmptyBatchLists(o.output);
  return o;
}

void SqsCore::ScheduleRetentionLocked(const QueuePtr& q) {
  if (stopped_ || q->messages.empty()) return;
  const int64_t due =
      q->messages.begin()->second.enqueued_ms + int64_t{q->retention_seconds} * 1000;
  std::weak_ptr<Queue> wq = q;
  q->retention_timer = ScheduleGuarded(due, [this, wq] { OnRetentionTimer(wq); });
}

void SqsCore::OnRetentionTimer(std::weak_ptr<Queue> wq) {
  Deferred d;
  {
    std::lock_guard lock(mu_);
    // A reload drops the queue `wq` names (and schedules timers of its own).
    QueuePtr q = RefreshLocked(d).ok() ? wq.lock() : nullptr;
    if (q && !q->deleted) {
      q->retention_timer = 0;
      const int64_t cutoff = NowMs() - int64_t{q->retention_seconds} * 1000;
      uint64_t last = 0;
      while (!q->messages.empty() && q->messages.begin()->second.enqueued_ms <= cutoff) {
        last = q->messages.begin()->first;
        EraseMessageLocked(*q, q->messages.begin());
      }
      if (last) {
        QueueWritesLocked({{"DELETE FROM sqs_messages WHERE queue_uid=?1 AND seq<=?2",
                            {static_cast<int64_t>(q->uid), static_cast<int64_t>(last)}}},
                          nullptr, d);
      }
      ScheduleRetentionLocked(q);
    }
  }
  RunDeferred(d);
}

}  // namespace wharf::sqs
