// Schema, loading (at start-up and after a failed commit) and the SQL statements every mutation
// submits.
#include <array>

#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"
#include "wharf/core/json_text.h"

namespace wharf::sqs {
namespace {

constexpr std::array<std::string_view, 3> kMigrations{
    "CREATE TABLE sqs_queues(uid INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,"
    " name TEXT NOT NULL, attributes TEXT NOT NULL, tags TEXT NOT NULL, created_s INTEGER,"
    " modified_s INTEGER);"
    "CREATE TABLE sqs_messages(queue_uid INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,"
    " body BLOB NOT NULL, attrs BLOB, sys TEXT, sent_ms INTEGER, enqueued_ms INTEGER,"
    " visible_at_ms INTEGER, receive_count INTEGER, first_receive_ms INTEGER, nonce INTEGER,"
    " PRIMARY KEY(queue_uid, seq)) WITHOUT ROWID;"
    "CREATE TABLE sqs_dedup(queue_uid INTEGER NOT NULL, key TEXT NOT NULL, message_id TEXT,"
    " seq INTEGER, expire_ms INTEGER, PRIMARY KEY(queue_uid, key)) WITHOUT ROWID;",
    // 2: the timed state that must outlive a restart.
    "ALTER TABLE sqs_queues ADD COLUMN last_purge_ms INTEGER;"
    "CREATE TABLE sqs_deleted(region TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL,"
    " deleted_ms INTEGER NOT NULL, PRIMARY KEY(region, account, name)) WITHOUT ROWID;"
    "CREATE TABLE sqs_attempts(queue_uid INTEGER NOT NULL, id TEXT NOT NULL,"
    " expire_ms INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(queue_uid, id)) WITHOUT ROWID;"
    "CREATE TABLE sqs_move_tasks(handle TEXT PRIMARY KEY, task_id TEXT NOT NULL,"
    " source_arn TEXT NOT NULL, dest_arn TEXT NOT NULL, rate INTEGER, started_ms INTEGER,"
    " moved INTEGER, to_move INTEGER, status TEXT NOT NULL) WITHOUT ROWID;",
    // 3: why a move task failed.
    "ALTER TABLE sqs_move_tasks ADD COLUMN failure_reason TEXT;"};

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace

Status SqsCore::Start() {
  WHARF_RETURN_IF_ERROR(env_.store.Migrate("sqs", kMigrations));
  Deferred d;
  {
    std::lock_guard lock(mu_);
    WHARF_RETURN_IF_ERROR(LoadLocked());
    ResumeMoveTasksLocked();
    // Records that can no longer matter.
    const int64_t now = NowMs();
    QueueWritesLocked({{"DELETE FROM sqs_attempts WHERE expire_ms <= ?1", {now}},
                       {"DELETE FROM sqs_dedup WHERE expire_ms <= ?1", {now}},
                       {"DELETE FROM sqs_deleted WHERE deleted_ms <= ?1",
                        {now - int64_t{env_.config.sqs_delete_recreate_seconds} * 1000}}},
                      nullptr, d);
  }
  RunDeferred(d);
  return OkStatus();
}

Status SqsCore::RefreshLocked(Deferred& d) {
  if (!commit_state_.stale) return OkStatus();
  auto waiters = DropStateLocked();
  Status loaded = LoadLocked();
  if (loaded.ok()) {
    commit_state_.stale = false;
    ResumeMoveTasksLocked();
  } else {
    DropStateLocked();  // what was loaded before the read failed
  }
  for (auto& [key, waiter] : waiters) {
    auto it = queues_.find(key);
    if (it == queues_.end()) {
      waiter->done = true;
      env_.scheduler.Cancel(waiter->timer);
      d.push_back([w = waiter] { w->reply(json::object()); });
      continue;
    }
    waiter->queue = it->second;
    it->second->waiters.push_back(waiter);
  }
  for (auto& [key, q] : queues_) {
    if (!q->waiters.empty()) WakeWaitersLocked(*q, d);
  }
  return loaded;
}

std::vector<std::pair<std::string, std::shared_ptr<Waiter>>> SqsCore::DropStateLocked() {
  std::vector<std::pair<std::string, std::shared_ptr<Waiter>>> waiters;
  for (auto& [key, q] : queues_) {
    q->deleted = true;
    if (q->retention_timer) env_.scheduler.Cancel(q->retention_timer);
    for (auto& [seq, m] : q->messages) {
      if (m.timer) env_.scheduler.Cancel(m.timer);
    }
    for (auto& w : q->waiters) {
      if (!w->done) waiters.emplace_back(key, w);
    }
    q->waiters.clear();
  }
  for (auto& [handle, task] : move_tasks_) {
    task->status = "CANCELLED";
    env_.scheduler.Cancel(task->timer);
  }
  queues_.clear();
  by_uid_.clear();
  deleted_at_ms_.clear();
  move_tasks_.clear();
  return waiters;
}

Status SqsCore::LoadLocked() {
  const int64_t now = NowMs();
  WHARF_RETURN_IF_ERROR(env_.store.Read(
      "SELECT uid, account, region, name, attributes, tags, created_s, modified_s, last_purge_ms"
      " FROM sqs_queues",
      {}, [&](const SqlRow& row) {
        auto q = std::make_shared<Queue>();
        q->uid = static_cast<uint64_t>(row.Int(0));
        q->account = row.Text(1);
        q->region = row.Text(2);
        q->name = row.Text(3);
        q->arn = "arn:aws:sqs:" + q->region + ":" + q->account + ":" + q->name;
        json attrs = json::parse(row.Text(4), nullptr, false);
        if (attrs.is_object()) q->attributes = attrs.get<std::map<std::string, std::string>>();
        json tags = json::parse(row.Text(5), nullptr, false);
        if (tags.is_object()) q->tags = tags.get<std::map<std::string, std::string>>();
        q->fifo = q->attributes["FifoQueue"] == "true";
        if (!q->fifo) q->attributes.erase("FifoQueue");
        q->created_s = row.Int(6);
        q->modified_s = row.Int(7);
        if (!row.IsNull(8)) q->last_purge_ms = row.Int(8);
        ApplyCachedAttributes(*q);
        next_uid_ = std::max(next_uid_, q->uid + 1);
        by_uid_[q->uid] = q;
        queues_[Key(q->region, q->account, q->name)] = q;
      }));
  WHARF_RETURN_IF_ERROR(env_.store.Read(
      "SELECT queue_uid, seq, id, body, attrs, sys, sent_ms, enqueued_ms, visible_at_ms,"
      " receive_count, first_receive_ms, nonce FROM sqs_messages ORDER BY queue_uid, seq",
      {}, [&](const SqlRow& row) {
        auto qit = by_uid_.find(static_cast<uint64_t>(row.Int(0)));
        if (qit == by_uid_.end()) return;
        QueuePtr q = qit->second;
        Message m;
        m.seq = static_cast<uint64_t>(row.Int(1));
        m.id = row.Text(2);
        m.body = row.Blob(3);
        if (!row.IsNull(4)) m.attrs = json::from_cbor(row.Blob(4), true, false);
        if (m.attrs.is_discarded()) m.attrs = json();
        if (!row.IsNull(5)) {
          json sys = json::parse(row.Text(5), nullptr, false);
          if (sys.is_object()) {
            m.trace_header = sys.value("t", "");
            m.group_id = sys.value("g", "");
            m.dedup_id = sys.value("d", "");
            m.sender_id = sys.value("s", "");
            m.dlq_source_arn = sys.value("a", "");
          }
        }
        m.sent_ms = row.Int(6);
        m.enqueued_ms = row.Int(7);
        m.visible_at_ms = row.Int(8);
        m.receive_count = static_cast<int32_t>(row.Int(9));
        m.first_receive_ms = row.Int(10);
        m.nonce = static_cast<uint64_t>(row.Int(11));
        m.last_receive_ms = now;
        m.state = MsgState::kDelayed;
        next_nonce_ = std::max(next_nonce_, m.nonce + 1);
        q->next_seq = std::max(q->next_seq, m.seq + 1);
        auto [it, ok] = q->messages.emplace(m.seq, std::move(m));
        Message& msg = it->second;
        ++q->n_delayed;
        if (q->fifo) q->groups[msg.group_id].seqs.insert(msg.seq);
        if (msg.visible_at_ms <= now) {
          SetStateLocked(*q, msg, MsgState::kVisible);
          PutLastInLineLocked(*q, msg);
        } else {
          if (msg.nonce != 0) SetStateLocked(*q, msg, MsgState::kInFlight);
          ScheduleMessageTimerLocked(q, msg);
        }
      }));
  WHARF_RETURN_IF_ERROR(env_.store.Read(
      "SELECT queue_uid, key, message_id, seq, expire_ms FROM sqs_dedup WHERE expire_ms > ?1",
      {now}, [&](const SqlRow& row) {
        auto qit = by_uid_.find(static_cast<uint64_t>(row.Int(0)));
        if (qit == by_uid_.end()) return;
        qit->second->dedup[row.Text(1)] =
            Queue::Dedup{row.Int(4), row.Text(2), static_cast<uint64_t>(row.Int(3))};
      }));
  WHARF_RETURN_IF_ERROR(env_.store.Read(
      "SELECT queue_uid, id, expire_ms, data FROM sqs_attempts WHERE expire_ms > ?1", {now},
      [&](const SqlRow& row) {
        auto qit = by_uid_.find(static_cast<uint64_t>(row.Int(0)));
        json data = json::from_cbor(row.Blob(3), true, false);
        if (qit == by_uid_.end() || !data.is_object()) return;
        Queue::Attempt a{row.Int(2), {}, data["r"]};
        for (const auto& h : data["h"]) {
          if (h.is_array() && h.size() == 2) {
            a.handles.emplace_back(h[0].get<uint64_t>(), h[1].get<uint64_t>());
          }
        }
        qit->second->attempts[row.Text(1)] = std::move(a);
      }));
  WHARF_RETURN_IF_ERROR(env_.store.Read(
      "SELECT region, account, name, deleted_ms FROM sqs_deleted", {}, [&](const SqlRow& row) {
        deleted_at_ms_[Key(row.Text(0), row.Text(1), row.Text(2))] = row.Int(3);
      }));
  WHARF_RETURN_IF_ERROR(env_.store.Read(
      "SELECT handle, task_id, source_arn, dest_arn, rate, started_ms, moved, to_move, status,"
      " failure_reason FROM sqs_move_tasks",
      {}, [&](const SqlRow& row) {
        auto t = std::make_shared<MoveTask>();
        t->handle = row.Text(0);
        t->task_id = row.Text(1);
        t->source_arn = row.Text(2);
        t->dest_arn = row.Text(3);
        t->rate = row.Int(4);
        t->started_ms = row.Int(5);
        t->moved = row.Int(6);
        t->to_move = row.Int(7);
        t->status = row.Text(8);
        t->failure_reason = row.Text(9);
        move_tasks_[t->handle] = std::move(t);
      }));
  for (auto& [uid, q] : by_uid_) ScheduleRetentionLocked(q);
  return OkStatus();
}

SqlStatement SqsCore::UpsertQueueSql(const Queue& q) {
  json attrs(q.attributes);
  if (q.fifo) attrs["FifoQueue"] = "true";
  return {
      "INSERT OR REPLACE INTO sqs_queues(uid, account, region, name, attributes, tags,"
      " created_s, modified_s, last_purge_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      {I(q.uid), q.account, q.region, q.name, attrs.dump(), json(q.tags).dump(), q.created_s,
       q.modified_s, q.last_purge_ms}};
}

SqlStatement SqsCore::InsertMessageSql(const Queue& q, const Message& m) {
  SqlValue attrs;
  if (m.attrs.is_object()) {
    std::vector<uint8_t> cbor = json::to_cbor(m.attrs);
    attrs = SqlBlob{std::string(cbor.begin(), cbor.end())};
  }
  // The system attributes as a JSON object with one-letter keys (in key order, as a json
  // object would write them), written directly: this runs for every message stored.
  std::string sys_text;
  for (const auto& [key, value] :
       {std::pair{"a", &m.dlq_source_arn}, std::pair{"d", &m.dedup_id}, std::pair{"g", &m.group_id},
        std::pair{"s", &m.sender_id}, std::pair{"t", &m.trace_header}}) {
    if (value->empty()) continue;
    sys_text += sys_text.empty() ? "{\"" : ",\"";
    sys_text.append(key).append("\":");
    WriteJsonString(*value, sys_text);
  }
  SqlValue sys;
  if (!sys_text.empty()) sys = sys_text + "}";
  return {
      "INSERT OR REPLACE INTO sqs_messages(queue_uid, seq, id, body, attrs, sys, sent_ms,"
      " enqueued_ms, visible_at_ms, receive_count, first_receive_ms, nonce)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      {I(q.uid), I(m.seq), m.id, SqlBlob{m.body}, std::move(attrs), std::move(sys), m.sent_ms,
       m.enqueued_ms, m.visible_at_ms, int64_t{m.receive_count}, m.first_receive_ms, I(m.nonce)}};
}

SqlStatement SqsCore::UpdateReceiveSql(const Queue& q, const Message& m) {
  return {
      "UPDATE sqs_messages SET visible_at_ms=?3, receive_count=?4, first_receive_ms=?5,"
      " nonce=?6 WHERE queue_uid=?1 AND seq=?2",
      {I(q.uid), I(m.seq), m.visible_at_ms, int64_t{m.receive_count}, m.first_receive_ms,
       I(m.nonce)}};
}

SqlStatement SqsCore::UpdateVisibilitySql(const Queue& q, const Message& m) {
  return {"UPDATE sqs_messages SET visible_at_ms=?3 WHERE queue_uid=?1 AND seq=?2",
          {I(q.uid), I(m.seq), m.visible_at_ms}};
}

SqlStatement SqsCore::DeleteMessageSql(const Queue& q, uint64_t seq) {
  return {"DELETE FROM sqs_messages WHERE queue_uid=?1 AND seq=?2", {I(q.uid), I(seq)}};
}

SqsCore::Sql SqsCore::RemoveAllMessagesSql(const Queue& q) {
  return {{"DELETE FROM sqs_messages WHERE queue_uid=?1", {I(q.uid)}},
          {"DELETE FROM sqs_attempts WHERE queue_uid=?1", {I(q.uid)}}};
}

SqsCore::Sql SqsCore::DeleteQueueSql(const Queue& q, int64_t deleted_ms) {
  Sql sql = RemoveAllMessagesSql(q);
  sql.push_back({"DELETE FROM sqs_dedup WHERE queue_uid=?1", {I(q.uid)}});
  sql.push_back({"DELETE FROM sqs_queues WHERE uid=?1", {I(q.uid)}});
  sql.push_back(
      {"INSERT OR REPLACE INTO sqs_deleted(region, account, name, deleted_ms)"
       " VALUES(?1, ?2, ?3, ?4)",
       {q.region, q.account, q.name, deleted_ms}});
  return sql;
}

SqlStatement SqsCore::InsertDedupSql(const Queue& q, const std::string& key,
                                     const Queue::Dedup& e) {
  return {
      "INSERT OR REPLACE INTO sqs_dedup(queue_uid, key, message_id, seq, expire_ms)"
      " VALUES(?1, ?2, ?3, ?4, ?5)",
      {I(q.uid), key, e.message_id, I(e.seq), e.expire_ms}};
}

SqlStatement SqsCore::InsertAttemptSql(const Queue& q, const std::string& id,
                                       const Queue::Attempt& a) {
  json handles = json::array();
  for (const auto& [seq, nonce] : a.handles) handles.push_back(json::array({seq, nonce}));
  std::vector<uint8_t> cbor = json::to_cbor(json{{"h", std::move(handles)}, {"r", a.response}});
  return {
      "INSERT OR REPLACE INTO sqs_attempts(queue_uid, id, expire_ms, data) VALUES(?1, ?2, ?3, ?4)",
      {I(q.uid), id, a.expire_ms, SqlBlob{std::string(cbor.begin(), cbor.end())}}};
}

SqlStatement SqsCore::UpsertMoveTaskSql(const MoveTask& t) {
  return {
      "INSERT OR REPLACE INTO sqs_move_tasks(handle, task_id, source_arn, dest_arn, rate,"
      " started_ms, moved, to_move, status, failure_reason)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      {t.handle, t.task_id, t.source_arn, t.dest_arn, t.rate, t.started_ms, t.moved, t.to_move,
       t.status, t.failure_reason}};
}

}  // namespace wharf::sqs
