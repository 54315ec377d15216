// Dead-letter queues: moving messages, ListDeadLetterSourceQueues, message move tasks.
#include "services/sqs/sqs_core.h"
#include "services/sqs/sqs_errors.h"
#include "services/sqs/sqs_util.h"

namespace wharf::sqs {

namespace {
constexpr int64_t kDefaultMoveRate = 500;
}  // namespace

void SqsCore::MoveToQueueLocked(Queue& from, std::map<uint64_t, Message>::iterator it, Queue& to,
                                bool as_dead_letter, Sql& writes, Deferred& d) {
  Message m = std::move(it->second);
  it->second.state = m.state;  // moved-from message keeps its state for the bookkeeping below
  it->second.group_id = m.group_id;
  const uint64_t old_seq = m.seq;
  EraseMessageLocked(from, it);
  writes.push_back(DeleteMessageSql(from, old_seq));
  if (as_dead_letter) {
    m.dlq_source_arn = from.arn;
  } else {  // a redrive starts the message's life in the destination afresh
    m.dlq_source_arn.clear();
    m.receive_count = 0;
    m.first_receive_ms = 0;
  }
  m.nonce = 0;
  Message& stored = EnqueueLocked(to, std::move(m), 0, d);
  writes.push_back(InsertMessageSql(to, stored));
}

SqsCore::OpResult SqsCore::ListDeadLetterSourceQueues(const RequestContext& ctx, json& in,
                                                      Deferred&) {
  auto r = ResolveLocked(ctx, in, "ListDeadLetterSourceQueues");
  if (!r.ok()) return std::move(r).error();
  const std::string arn = (*r)->arn;
  int64_t max = in.value("MaxResults", int64_t{1000});
  if (max < 1 || max > 1000) {
    return InvalidValue(std::to_string(max), "MaxResults",
                        "MaxResults must be an integer between 1 and 1000.");
  }
  std::string after;
  if (in.contains("NextToken")) after = Base64Decode(in.value("NextToken", "")).value_or("");
  json urls = json::array();
  Outcome o;
  std::string last;
  for (const auto& [key, q] : queues_) {
    if (q->dlq_arn != arn || (!after.empty() && q->name <= after)) continue;
    if (static_cast<int64_t>(urls.size()) == max) {
      if (in.contains("MaxResults")) o.output["NextToken"] = Base64Encode(last);
      break;
    }
    urls.push_back(QueueUrl(ctx, *q));
    last = q->name;
  }
  o.output["queueUrls"] = std::move(urls);
  return o;
}

SqsCore::OpResult SqsCore::StartMessageMoveTask(const RequestContext& ctx, json& in, Deferred&) {
  const std::string source_arn = in.value("SourceArn", "");
  auto found = ResolveArnLocked(ctx, source_arn, "SourceArn", "StartMessageMoveTask");
  if (!found.ok()) return std::move(found).error();
  QueuePtr source = *found;
  bool is_dlq = false;
  for (const auto& [key, q] : queues_) is_dlq = is_dlq || q->dlq_arn == source_arn;
  if (!is_dlq)
    return InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.");
  const std::string dest_arn = in.value("DestinationArn", "");
  if (!dest_arn.empty()) {
    auto dest = ResolveArnLocked(ctx, dest_arn, "DestinationArn", "StartMessageMoveTask");
    if (!dest.ok()) return std::move(dest).error();
  }
  for (const auto& [h, t] : move_tasks_) {
    if (t->source_arn == source_arn && t->status == "RUNNING") {
      return InvalidParameterValue(
          "There is already a task running. Only one active task is allowed for a source queue "
          "arn at a given time.");
    }
  }
  auto task = std::make_shared<MoveTask>();
  task->task_id = NewUuid();
  task->source_arn = source_arn;
  task->dest_arn = dest_arn;
  task->rate = in.value("MaxNumberOfMessagesPerSecond", int64_t{0});
  if (task->rate < 0 || task->rate > 500) {
    return InvalidValue(std::to_string(task->rate), "MaxNumberOfMessagesPerSecond",
                        "Must be between 1 and 500, if provided.");
  }
  task->started_ms = NowMs();
  task->to_move = static_cast<int64_t>(source->n_visible);
  task->handle = Base64Encode(json{{"taskId", task->task_id}, {"sourceArn", source_arn}}.dump());
  move_tasks_[task->handle] = task;
  if (!stopped_) {
    // Moves run once a second, the first one second after the start.
    task->timer = ScheduleGuarded(task->started_ms + 1000, [this, task] { OnMoveTaskTick(task); });
  }
  Outcome o;
  o.writes.push_back(UpsertMoveTaskSql(*task));
  o.output["TaskHandle"] = task->handle;
  return o;
}

void SqsCore::OnMoveTaskTick(std::shared_ptr<MoveTask> task) {
  Deferred d;
  {
    std::lock_guard lock(mu_);
    // A reload cancels `task` (and resumes the task as stored, if it still runs).
    if (RefreshLocked(d).ok() && task->status == "RUNNING") MoveTaskStepLocked(task, d);
  }
  RunDeferred(d);
}

void SqsCore::MoveTaskStepLocked(const std::shared_ptr<MoveTask>& task, Deferred& d) {
  // A queue the task needs that is gone (deleted while it ran) fails it, as on AWS (recorded).
  const auto fail = [&] {
    task->status = "FAILED";
    task->failure_reason = "AWS.SimpleQueueService.NonExistentQueue";
  };
  QueuePtr source = FindByArnLocked(task->source_arn);
  if (!source) {
    fail();
    QueueWritesLocked({UpsertMoveTaskSql(*task)}, nullptr, d);
    return;
  }
  Sql writes;
  const int64_t budget = task->rate > 0 ? task->rate : kDefaultMoveRate;
  int64_t moved = 0;
  // Visible messages only, oldest first; each goes to DestinationArn or its original source.
  for (auto it = source->messages.begin();
       it != source->messages.end() && moved < budget && task->status == "RUNNING";) {
    auto next = std::next(it);
    if (it->second.state == MsgState::kVisible) {
      const std::string& target_arn =
          task->dest_arn.empty() ? it->second.dlq_source_arn : task->dest_arn;
      QueuePtr target = target_arn.empty() ? nullptr : FindByArnLocked(target_arn);
      if (!target_arn.empty() && !target) {
        fail();
      } else if (target && target != source) {
        MoveToQueueLocked(*source, it, *target, false, writes, d);
        ++moved;
      }
    }
    it = next;
  }
  task->moved += moved;
  const bool running = task->status == "RUNNING";
  if (running && (moved < budget || source->n_visible == 0)) {
    task->status = "COMPLETED";
  } else if (running && !stopped_) {
    task->timer = ScheduleGuarded(NowMs() + 1000, [this, task] { OnMoveTaskTick(task); });
  }
  writes.push_back(UpsertMoveTaskSql(*task));
  QueueWritesLocked(std::move(writes), nullptr, d);
}

void SqsCore::ResumeMoveTasksLocked() {
  if (stopped_) return;
  for (auto& [handle, task] : move_tasks_) {
    if (task->status != "RUNNING") continue;
    task->timer = ScheduleGuarded(NowMs() + 1000, [this, t = task] { OnMoveTaskTick(t); });
  }
}

SqsCore::OpResult SqsCore::ListMessageMoveTasks(const RequestContext& ctx, json& in, Deferred&) {
  const std::string source_arn = in.value("SourceArn", "");
  auto source = ResolveArnLocked(ctx, source_arn, "SourceArn", "ListMessageMoveTasks");
  if (!source.ok()) return std::move(source).error();
  const int64_t max = in.value("MaxResults", int64_t{1});
  json results = json::array();
  std::vector<std::shared_ptr<MoveTask>> tasks;
  for (const auto& [h, t] : move_tasks_) {
    if (t->source_arn == source_arn) tasks.push_back(t);
  }
  std::sort(tasks.begin(), tasks.end(),
            [](const auto& a, const auto& b) { return a->started_ms > b->started_ms; });
  for (const auto& t : tasks) {
    if (static_cast<int64_t>(results.size()) >= max) break;
    json e{{"Status", t->status},
           {"SourceArn", t->source_arn},
           {"ApproximateNumberOfMessagesMoved", t->moved},
           {"ApproximateNumberOfMessagesToMove", t->to_move},
           {"StartedTimestamp", t->started_ms}};
    if (t->status == "RUNNING") e["TaskHandle"] = t->handle;
    if (!t->dest_arn.empty()) e["DestinationArn"] = t->dest_arn;
    if (t->rate > 0) e["MaxNumberOfMessagesPerSecond"] = t->rate;
    if (!t->failure_reason.empty()) e["FailureReason"] = t->failure_reason;
    results.push_back(std::move(e));
  }
  Outcome o;
  o.output["Results"] = std::move(results);
  return o;
}

SqsCore::OpResult SqsCore::CancelMessageMoveTask(const RequestContext& ctx, json& in, Deferred&) {
  const std::string handle = in.value("TaskHandle", "");
  auto raw = Base64Decode(handle);
  json parsed = raw ? json::parse(*raw, nullptr, false) : json();
  if (!parsed.is_object() || !parsed.contains("taskId") || !parsed.contains("sourceArn")) {
    return InvalidParameterValue("Value for parameter TaskHandle is invalid.");
  }
  auto source =
      ResolveArnLocked(ctx, parsed.value("sourceArn", ""), "SourceArn", "CancelMessageMoveTask");
  if (!source.ok()) return std::move(source).error();
  auto it = move_tasks_.find(handle);
  if (it == move_tasks_.end() || it->second->status != "RUNNING") {
    return Error("ResourceNotFoundException", "Task does not exist.");
  }
  it->second->status = "CANCELLED";
  env_.scheduler.Cancel(it->second->timer);
  Outcome o;
  o.writes.push_back(UpsertMoveTaskSql(*it->second));
  o.output["ApproximateNumberOfMessagesMoved"] = it->second->moved;
  return o;
}

}  // namespace wharf::sqs
