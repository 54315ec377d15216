// The seam between the wire (http, protocol codecs, routing) and the service engines.
// Engines see decoded JSON documents shaped like the AWS model's input/output shapes, never
// HTTP or wire formats. Conventions inside those documents: blobs are json binary values,
// timestamps are epoch seconds (numbers), everything else as in the AWS JSON protocol.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "wharf/core/result.h"

namespace wharf {

class Store;
class Scheduler;
struct Config;

// Who is calling, decided by the router from the request.
struct RequestContext {
  std::string request_id;    // UUID, also sent back as x-amzn-RequestId / <RequestId>
  std::string account;       // 12 digits: the access key id if it is 12 digits, else the default
  std::string region;        // from the SigV4 credential scope, else us-east-1
  std::string host;          // Host header as received ("localhost:4566"), for URLs we hand out
  std::string protocol;      // "json", "query", "cbor", "rest-json", "rest-xml" (for logs only)
  std::string trace_header;  // the X-Amzn-Trace-Id header (AWS X-Ray) as received, or empty
};

using OperationReply = std::function<void(Result<nlohmann::json>)>;

// A request to a service's admin routes under /_wharf/<service>/...
struct AdminRequest {
  std::string method;  // GET, POST, DELETE
  std::string path;    // after "/_wharf/<service>", e.g. "/queues/q1/messages"
  std::map<std::string, std::string> query;  // decoded query parameters
  nlohmann::json body;                       // parsed JSON body, or null
};

// What every engine gets at construction.
struct EngineEnv {
  Store& store;
  Scheduler& scheduler;
  const Config& config;
};

class ServiceEngine {
 public:
  virtual ~ServiceEngine() = default;
  // The signing name, e.g. "sqs".
  virtual std::string_view Name() const = 0;
  // Creates or upgrades tables and loads persisted state. Called once, before any Invoke.
  virtual Status Start() = 0;
  // Runs `operation` on `input`. Calls `reply` exactly once, from any thread, possibly later
  // (long polls, storage commits). Unknown operations reply with an AWS error. A change is
  // answered only once its writes have committed; when a commit fails (503), the engine reloads
  // its state from the store before its next operation or timer acts on it, so nothing of a
  // change answered with an error is seen later.
  virtual void Invoke(const RequestContext& ctx, const std::string& operation, nlohmann::json input,
                      OperationReply reply) = 0;
  // Answers every pending long poll (as AWS does when its wait ends) and stops new timers.
  virtual void Stop() = 0;
  // Forgets all state of this service, in memory and in storage. Replies after it is durable.
  virtual void Reset(std::function<void(Status)> done) = 0;
  // A JSON summary for /_wharf/health (e.g. {"queues": 3}). After a failed commit it reloads
  // first, as an operation would, so it never counts what was answered with an error.
  virtual nlohmann::json Summary() = 0;
  // Creates the resources listed in the init file's section for this service.
  virtual Status ApplyInit(const nlohmann::json& section) = 0;
  // /_wharf/<service>/... admin routes; the default has none.
  virtual void Admin(const AdminRequest& request, OperationReply reply) {
    (void)request;
    reply(AwsError::Client("NotFound", "no such admin route", 404));
  }
};

}  // namespace wharf
