// Reset, Summary, init files, the /_wharf/sqs admin routes and the message listing of
// /_aws/sqs/messages.
#include <set>
#include <string>

#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"

namespace wharf::sqs {

SqsCore::OpResult SqsCore::ListMessages(const RequestContext& ctx, json& in, Deferred&) {
  auto r = ResolveLocked(ctx, in, "ReceiveMessage");
  if (!r.ok()) return std::move(r).error();
  const Queue& q = **r;
  const bool show_invisible = in.value("ShowInvisible", false);
  const bool show_delayed = in.value("ShowDelayed", false);
  ReceiveParams everything;
  everything.all_system = true;
  everything.all_attributes = true;
  json messages = json::array();
  // FIFO: a visible message behind one of its group that is not (in flight, delayed) cannot
  // be received yet, so it is listed as invisible.
  std::set<std::string> held_groups;
  for (const auto& [seq, m] : q.messages) {
    const bool delayed = m.state == MsgState::kDelayed;
    bool visible = m.state == MsgState::kVisible;
    if (q.fifo) {
      if (held_groups.count(m.group_id)) visible = false;
      if (!visible) held_groups.insert(m.group_id);
    }
    if (delayed ? !show_delayed : !visible && !show_invisible) continue;
    json message = RenderLocked(q, m, everything);
    message["ReceiptHandle"] = "SQS/BACKDOOR/ACCESS";
    if (show_invisible) message["Attributes"]["IsVisible"] = visible ? "true" : "false";
    if (show_delayed) message["Attributes"]["IsDelayed"] = delayed ? "true" : "false";
    messages.push_back(std::move(message));
  }
  Outcome o;
  o.output = json::object();
  if (!messages.empty()) o.output["Messages"] = std::move(messages);
  return o;
}

void SqsCore::Reset(std::function<void(Status)> done) {
  Deferred d;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, waiter] : DropStateLocked()) {
      waiter->done = true;
      env_.scheduler.Cancel(waiter->timer);
      d.push_back([w = waiter] { w->reply(json::object()); });
    }
    QueueWritesLocked({{"DELETE FROM sqs_messages", {}},
                       {"DELETE FROM sqs_queues", {}},
                       {"DELETE FROM sqs_dedup", {}},
                       {"DELETE FROM sqs_attempts", {}},
                       {"DELETE FROM sqs_deleted", {}},
                       {"DELETE FROM sqs_move_tasks", {}}},
                      std::move(done), d);
  }
  RunDeferred(d);
}

json SqsCore::Summary() {
  Deferred d;
  json summary;
  {
    std::lock_guard lock(mu_);
    if (Status loaded = RefreshLocked(d); !loaded.ok()) {
      summary = {{"error", loaded.error().message}};
    } else {
      size_t messages = 0;
      for (const auto& [key, q] : queues_) messages += q->messages.size();
      summary = {{"queues", queues_.size()}, {"messages", messages}};
    }
  }
  RunDeferred(d);
  return summary;
}

Status SqsCore::ApplyInit(const json& section) {
  if (!section.is_object()) return OkStatus();
  std::vector<json> pending;
  for (const auto& q : section.value("queues", json::array())) pending.push_back(q);
  Status status = OkStatus();
  Deferred d;
  {
    std::lock_guard lock(mu_);
    status = RefreshLocked(d);
    Sql writes;
    // Dead-letter targets may come later in the list: retry until no more progress.
    while (status.ok() && !pending.empty()) {
      std::vector<json> retry;
      AwsError last_error;
      for (const auto& spec : pending) {
        bool existed = false;
        auto r = CreateQueueLocked(spec.value("account", env_.config.default_account),
                                   spec.value("region", env_.config.default_region),
                                   spec.value("name", ""), spec.value("attributes", json::object()),
                                   spec.value("tags", json::object()), writes, &existed);
        if (!r.ok()) {
          last_error = r.error();
          retry.push_back(spec);
        }
      }
      if (retry.size() == pending.size()) {
        last_error.message =
            "init queue '" + retry.front().value("name", "") + "': " + last_error.message;
        status = std::move(last_error);
      }
      pending = std::move(retry);
    }
    if (!status.ok()) {
      commit_state_.stale = true;  // the queues made before the failure are not kept
    } else if (!writes.empty()) {
      QueueWritesLocked(std::move(writes), nullptr, d);
    }
  }
  RunDeferred(d);
  env_.store.Flush();
  return status;
}

void SqsCore::Admin(const AdminRequest& request, OperationReply reply) {
  const std::string& path = request.path;
  std::vector<std::string> parts;
  for (size_t i = 0; i < path.size();) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  auto region_it = request.query.find("region");
  const std::string region =
      region_it == request.query.end() ? env_.config.default_region : region_it->second;
  Result<json> result = AwsError::Client("NotFound", "no such admin route", 404);
  Sql writes;
  Deferred d;
  {
    std::lock_guard lock(mu_);
    if (Status fresh = RefreshLocked(d); !fresh.ok()) {
      result = std::move(fresh).error();
    } else if (request.method == "GET" && parts.size() == 1 && parts[0] == "queues") {
      json list = json::array();
      for (const auto& [key, q] : queues_) {
        list.push_back({{"account", q->account},
                        {"region", q->region},
                        {"name", q->name},
                        {"arn", q->arn},
                        {"visible", q->n_visible},
                        {"in_flight", q->n_inflight},
                        {"delayed", q->n_delayed}});
      }
      result = json{{"queues", std::move(list)}};
    } else if (parts.size() >= 3 && parts[0] == "queues") {
      auto it = queues_.find(Key(region, parts[1], parts[2]));
      if (it == queues_.end()) {
        result = QueueDoesNotExist();
      } else if (request.method == "GET" && parts.size() == 4 && parts[3] == "messages") {
        json list = json::array();
        for (const auto& [seq, m] : it->second->messages) {
          json e{{"MessageId", m.id},
                 {"Body", m.body},
                 {"SentTimestamp", m.sent_ms},
                 {"ApproximateReceiveCount", m.receive_count},
                 {"State", m.state == MsgState::kVisible    ? "visible"
                           : m.state == MsgState::kInFlight ? "in_flight"
                                                            : "delayed"}};
          if (!m.group_id.empty()) e["MessageGroupId"] = m.group_id;
          list.push_back(std::move(e));
        }
        result = json{{"messages", std::move(list)}};
      } else if (request.method == "DELETE" && parts.size() == 3) {
        RemoveAllMessagesLocked(*it->second);
        writes = RemoveAllMessagesSql(*it->second);
        result = json{{"purged", true}};
      }
    }
    if (result.ok()) {
      Outcome o;
      o.writes = std::move(writes);
      o.output = std::move(result).value();
      CommitLocked(std::move(o), std::move(reply), d);
    }
  }
  if (!result.ok()) reply(std::move(result));
  RunDeferred(d);
}

}  // namespace wharf::sqs
