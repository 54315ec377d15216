// Setup before a run, over the same wire protocols as the load: create the SQS queue, the SNS
// topic with N SQS subscribers, or the Kinesis stream (waiting until ACTIVE), and prefill a queue.
// Synchronous; every call is bounded by a timeout. Single-threaded.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "aws_client.h"
#include "http_wire.h"
#include "scenario.h"
#include "wharf/core/result.h"

namespace wharf::bench {

// One keep-alive connection for request/response exchanges.
class SyncClient {
 public:
  explicit SyncClient(Endpoint endpoint,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Sends `request` (raw bytes) and returns the answer, any status; an AwsError
  // ("BenchConnection") on connect/IO failure or timeout.
  Result<HttpResponse> Exchange(const std::string& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SetupConfig {
  WorkloadConfig workload;      // endpoint, credentials, region, scenario, body size
  std::string name;             // queue / topic / stream name
  int subscribers = 1;          // sns-publish: SQS queues subscribed to the topic
  bool raw = false;             // sns-publish: subscribe with RawMessageDelivery (no envelope)
  int shards = 1;               // kinesis-put
  uint64_t prefill = 0;         // messages sent to the queue before the run
  int prefill_connections = 8;  // connections used to prefill
};

// Creates what `config.workload.scenario` needs unless `config.workload.targets` already names it,
// prefills, and returns the targets to use. Progress lines go to `log`.
Result<Targets> Prepare(const SetupConfig& config, std::ostream& log);

}  // namespace wharf::bench
