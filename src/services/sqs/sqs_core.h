// Internal state and operations of the SQS engine (see sqs_engine.h for the public face).
// Every member function named *Locked requires mu_ held; everything else takes it itself.
// Work that must run after the lock is released (store writes, replies) is collected in a
// Deferred list and run by the caller once it has unlocked.
//
// The state in memory is what the store holds plus the writes queued on it. When one of those
// writes fails to commit, the state has run ahead of the store: it is marked stale, and every
// entry point (operations, admin routes, timers) first calls RefreshLocked, which reloads it
// from the store as Start does.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/sqs/sqs_engine.h"
#include "services/sqs/sqs_policy.h"
#include "wharf/clock/scheduler.h"
#include "wharf/config/config.h"
#include "wharf/dispatch/engine.h"
#include "wharf/storage/store.h"

namespace wharf::sqs {

using json = nlohmann::json;
using Deferred = std::vector<std::function<void()>>;

enum class MsgState : uint8_t { kDelayed, kVisible, kInFlight };

// One message. About 340 bytes plus body and attributes (plus ~64 bytes of map node).
struct Message {
  uint64_t seq = 0;  // per-queue enqueue order; FIFO SequenceNumber derives from it
  std::string id;
  std::string body;
  json attrs;  // MessageAttributes map as sent, or null
  std::string trace_header, group_id, dedup_id, sender_id, dlq_source_arn;
  int64_t sent_ms = 0;
  int64_t enqueued_ms = 0;  // entered this queue (retention clock; DLQ moves reset it)
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;
  int64_t last_receive_ms = 0;
  uint64_t nonce = 0;  // receipt nonce of the latest receive; 0 = never received
  int32_t receive_count = 0;
  MsgState state = MsgState::kVisible;
  // FIFO: the queue's count of messages made visible when this one last was. Groups are served
  // in the order their oldest messages became visible (one back from in flight goes last).
  uint64_t visible_order = 0;
  // The latest timer scheduled for the message (earlier ones find visible_at moved on and do
  // nothing); cancelled when the engine drops its state.
  TimerId timer = 0;
};

struct ReceiveParams {
  int max = 1;
  int visibility = -1;  // -1: the queue's
  bool all_system = false;
  std::set<std::string> system_names;
  bool all_attributes = false;
  std::vector<std::string> attribute_names;  // exact names or "prefix.*"
  std::string attempt_id;
};

struct Queue;

struct Waiter {
  std::weak_ptr<Queue> queue;
  ReceiveParams params;
  OperationReply reply;
  TimerId timer = 0;
  bool done = false;
};

struct Queue {
  uint64_t uid = 0;
  std::string account, region, name, arn;
  bool fifo = false;
  bool deleted = false;
  std::map<std::string, std::string> attributes;  // settable attributes, defaults included
  std::map<std::string, std::string> tags;
  int64_t created_s = 0, modified_s = 0;
  int64_t last_purge_ms = INT64_MIN / 2;
  // Cached from attributes.
  int visibility_timeout = 30, delay_seconds = 0, max_message_size = 1048576;
  int retention_seconds = 345600, wait_seconds = 0, max_receive_count = 0;
  bool content_dedup = false, dedup_per_group = false;
  std::string dlq_arn;

  std::map<uint64_t, Message> messages;
  uint64_t next_seq = 1;
  std::deque<uint64_t> visible;  // standard queues: visible order (lazy: entries re-checked)
  struct Group {
    std::set<uint64_t> seqs;
  };
  std::map<std::string, Group> groups;  // FIFO queues
  uint64_t next_visible_order = 1;      // FIFO queues: see Message::visible_order
  size_t n_visible = 0, n_inflight = 0, n_delayed = 0;
  struct Dedup {
    int64_t expire_ms;
    std::string message_id;
    uint64_t seq;
  };
  std::unordered_map<std::string, Dedup> dedup;
  struct Attempt {
    int64_t expire_ms;
    std::vector<std::pair<uint64_t, uint64_t>> handles;  // seq, nonce
    json response;
  };
  std::unordered_map<std::string, Attempt> attempts;
  std::deque<std::shared_ptr<Waiter>> waiters;
  TimerId retention_timer = 0;
};

// A StartMessageMoveTask in progress or finished.
struct MoveTask {
  std::string handle, task_id, source_arn, dest_arn;
  int64_t rate = 0;  // MaxNumberOfMessagesPerSecond; 0 = the default (500)
  int64_t started_ms = 0;
  int64_t moved = 0, to_move = 0;
  std::string status = "RUNNING";
  std::string failure_reason;  // set with status FAILED
  TimerId timer = 0;
};

// ReceiveRequestAttemptId records are kept this long (FIFO).
inline constexpr int64_t kAttemptWindowMs = 5 * 60 * 1000;

class SqsCore {
 public:
  explicit SqsCore(EngineEnv env);
  ~SqsCore();

  Status Start();
  void Invoke(const RequestContext& ctx, const std::string& op, json input, OperationReply reply);
  void Stop();
  void Reset(std::function<void(Status)> done);
  json Summary();
  Status ApplyInit(const json& section);
  void Admin(const AdminRequest& request, OperationReply reply);
  // See SqsEngine::SendAsService.
  void SendAsService(std::vector<ServiceSend> sends, ServiceSendsDone done);

 private:
  using Sql = std::vector<SqlStatement>;
  using QueuePtr = std::shared_ptr<Queue>;

  // Result of an operation computed under the lock: writes to commit, then the reply.
  struct Outcome {
    Sql writes;
    json output = json::object();
    std::shared_ptr<Waiter> park;  // set by a long poll: Invoke hands it the reply, no output
  };
  using OpResult = Result<Outcome>;
  using OpFn = OpResult (SqsCore::*)(const RequestContext&, json&, Deferred&);

  // Queues `o.writes` on the store (in the order of the state changes they record: that is why
  // it must be called with mu_ held) and replies with `o.output` once they are committed. A
  // reply that would run at once is appended to `d`, to run after unlocking.
  void CommitLocked(Outcome o, OperationReply reply, Deferred& d);
  // How every write is queued: `writes` in order (as above), then `done` (may be empty) with
  // the commit's status, never under mu_. A failed commit marks the state stale, and fails the
  // writes queued before that, untried: they were made on the state the failed one changed.
  void QueueWritesLocked(Sql writes, std::function<void(Status)> done, Deferred& d);
  // Reloads the state from the store if it is stale: drops it (DropStateLocked) and loads it as
  // Start does. Long polls keep waiting, with their own deadlines, on the reloaded queue of the
  // same name (and get the messages it has); those whose queue is gone are answered empty.
  // Fails (ServiceUnavailable) when the store cannot be read: the state is then empty and still
  // stale, and the next call tries again. A no-op when the state is not stale.
  Status RefreshLocked(Deferred& d);
  // Forgets every queue, message and move task: their timers are cancelled and the queues
  // marked deleted, so callbacks that still hold one do nothing. Returns the long polls that
  // were waiting (not answered), each with the key of its queue.
  std::vector<std::pair<std::string, std::shared_ptr<Waiter>>> DropStateLocked();
  void RunDeferred(Deferred& d);
  // Schedules `fn` on env_.scheduler; it is skipped if this engine is gone by then (timers
  // outlive an engine that is replaced on the same scheduler, as in restart tests).
  TimerId ScheduleGuarded(int64_t due_ms, std::function<void()> fn);
  int64_t NowMs() const { return env_.scheduler.clock().NowMs(); }

  // sqs_queues.cc
  static std::string Key(std::string_view region, std::string_view account, std::string_view name);
  std::string QueueUrl(const RequestContext& ctx, const Queue& q) const;
  // The queue named by input's QueueUrl, if ctx's account may call `action` on it.
  Result<QueuePtr> ResolveLocked(const RequestContext& ctx, const json& input,
                                 std::string_view action);
  QueuePtr FindByArnLocked(const std::string& arn);
  // The queue `arn` for StartMessageMoveTask & co (ResourceNotFoundException naming `param`).
  Result<QueuePtr> ResolveArnLocked(const RequestContext& ctx, const std::string& arn,
                                    std::string_view param, std::string_view action);
  Result<QueuePtr> CreateQueueLocked(const std::string& account, const std::string& region,
                                     const std::string& name, const json& attributes,
                                     const json& tags, Sql& writes, bool* existed);
  void ApplyCachedAttributes(Queue& q);
  OpResult CreateQueue(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetQueueUrl(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListQueues(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeleteQueue(const RequestContext& ctx, json& in, Deferred& d);
  OpResult GetQueueAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SetQueueAttributes(const RequestContext& ctx, json& in, Deferred& d);
  OpResult PurgeQueue(const RequestContext& ctx, json& in, Deferred& d);
  OpResult TagQueue(const RequestContext& ctx, json& in, Deferred& d);
  OpResult UntagQueue(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListQueueTags(const RequestContext& ctx, json& in, Deferred& d);
  OpResult AddPermission(const RequestContext& ctx, json& in, Deferred& d);
  OpResult RemovePermission(const RequestContext& ctx, json& in, Deferred& d);
  Status CheckRedriveLocked(const Queue& source, const std::map<std::string, std::string>& attrs);
  void RemoveAllMessagesLocked(Queue& q);

  // sqs_access.cc: the owner may do anything; another caller what the queue's Policy allows,
  // except the actions AWS keeps to the owner. AccessDenied otherwise.
  Status AuthorizeLocked(const Caller& caller, const Queue& q, std::string_view action) const;

  // sqs_send.cc
  OpResult SendMessage(const RequestContext& ctx, json& in, Deferred& d);
  OpResult SendMessageBatch(const RequestContext& ctx, json& in, Deferred& d);
  // Validates and enqueues one message (shape of SendMessageRequest / batch entry, which
  // `batch_entry` says). On success the entry's MessageBody has been moved into the stored
  // message.
  Result<json> SendOneLocked(const RequestContext& ctx, Queue& q, json& entry, bool batch_entry,
                             Sql& writes, Deferred& d);
  // Puts `m` (seq unset) into `q`, scheduling its delay; returns the stored message.
  Message& EnqueueLocked(Queue& q, Message m, int delay_seconds, Deferred& d);

  // sqs_receive.cc
  OpResult ReceiveMessage(const RequestContext& ctx, json& in, Deferred& d);
  // sqs_admin.cc: LocalStack's /_aws/sqs/messages (the dispatcher turns a ReceiveMessage sent
  // there into this operation, which no client can name): the queue's visible messages, plus
  // the in-flight or group-held ones with ShowInvisible and the delayed ones with ShowDelayed,
  // in ReceiveMessage's shape with every attribute, changing nothing.
  OpResult ListMessages(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeleteMessage(const RequestContext& ctx, json& in, Deferred& d);
  OpResult DeleteMessageBatch(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ChangeMessageVisibility(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ChangeMessageVisibilityBatch(const RequestContext& ctx, json& in, Deferred& d);
  Status DeleteOneLocked(Queue& q, const std::string& handle, Sql& writes);
  Status ChangeVisibilityOneLocked(Queue& q, const std::string& handle, int64_t timeout,
                                   Sql& writes, Deferred& d);
  // Takes up to params.max available messages (moving over-received ones to the DLQ). Wakes no
  // waiter, so it may run for one: those taken with visibility 0 are visible again when it
  // returns (WakeWaitersLocked's loop then serves the next waiter; a plain receive finds no
  // waiter parked while messages are visible).
  json TakeLocked(Queue& q, const ReceiveParams& params, Sql& writes, Deferred& d);
  json RenderLocked(const Queue& q, const Message& m, const ReceiveParams& p) const;
  void SetStateLocked(Queue& q, Message& m, MsgState s);
  void MakeVisibleLocked(Queue& q, Message& m, Deferred& d);
  void PutLastInLineLocked(Queue& q, Message& m);
  void ScheduleMessageTimerLocked(const QueuePtr& q, Message& m);
  void OnMessageTimer(std::weak_ptr<Queue> wq, uint64_t seq);
  void EraseMessageLocked(Queue& q, std::map<uint64_t, Message>::iterator it);
  void WakeWaitersLocked(Queue& q, Deferred& d);
  void OnWaiterTimeout(std::shared_ptr<Waiter> w);
  void ScheduleRetentionLocked(const QueuePtr& q);
  void OnRetentionTimer(std::weak_ptr<Queue> wq);

  // sqs_dlq.cc
  void MoveToQueueLocked(Queue& from, std::map<uint64_t, Message>::iterator it, Queue& to,
                         bool as_dead_letter, Sql& writes, Deferred& d);
  OpResult ListDeadLetterSourceQueues(const RequestContext& ctx, json& in, Deferred& d);
  OpResult StartMessageMoveTask(const RequestContext& ctx, json& in, Deferred& d);
  OpResult ListMessageMoveTasks(const RequestContext& ctx, json& in, Deferred& d);
  OpResult CancelMessageMoveTask(const RequestContext& ctx, json& in, Deferred& d);
  void OnMoveTaskTick(std::shared_ptr<MoveTask> task);
  // Moves up to a tick's worth of `task`'s messages, then schedules the next tick or ends it.
  void MoveTaskStepLocked(const std::shared_ptr<MoveTask>& task, Deferred& d);

  // sqs_persistence.cc
  Status LoadLocked();
  static SqlStatement UpsertQueueSql(const Queue& q);
  static SqlStatement InsertMessageSql(const Queue& q, const Message& m);
  static SqlStatement UpdateReceiveSql(const Queue& q, const Message& m);
  static SqlStatement UpdateVisibilitySql(const Queue& q, const Message& m);
  static SqlStatement DeleteMessageSql(const Queue& q, uint64_t seq);
  // A purge: the queue's messages and ReceiveRequestAttemptId records.
  static Sql RemoveAllMessagesSql(const Queue& q);
  // DeleteQueue: everything of `q`, and when it was deleted (for the name's reuse cooldown).
  static Sql DeleteQueueSql(const Queue& q, int64_t deleted_ms);
  static SqlStatement InsertDedupSql(const Queue& q, const std::string& key, const Queue::Dedup& e);
  static SqlStatement InsertAttemptSql(const Queue& q, const std::string& id,
                                       const Queue::Attempt& a);
  static SqlStatement UpsertMoveTaskSql(const MoveTask& t);
  // Restarts the ticks of move tasks still RUNNING after LoadLocked.
  void ResumeMoveTasksLocked();

  EngineEnv env_;
  mutable std::mutex mu_;
  std::map<std::string, QueuePtr> queues_;  // Key(region, account, name)
  std::unordered_map<uint64_t, QueuePtr> by_uid_;
  std::map<std::string, int64_t> deleted_at_ms_;                 // Key -> DeleteQueue time
  std::map<std::string, std::shared_ptr<MoveTask>> move_tasks_;  // task handle -> task
  uint64_t next_uid_ = 1;
  uint64_t next_nonce_ = 1;
  bool stopped_ = false;
  EngineCommitState commit_state_;  // stale after a failed commit (see WriteMarkingStale)
  std::shared_ptr<int> life_ = std::make_shared<int>(0);  // expires when the engine dies
};

// Receipt handles: base64 of queue uid, seq and nonce (big-endian) plus the message id.
std::string MakeReceiptHandle(const Queue& q, const Message& m);
struct HandleParts {
  uint64_t uid, seq, nonce;
};
Result<HandleParts> ParseReceiptHandle(const std::string& handle);

// "1" + 19-digit zero-padded seq: a large, increasing decimal string.
std::string SequenceNumber(uint64_t seq);

}  // namespace wharf::sqs
