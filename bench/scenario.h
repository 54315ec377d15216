// Named load scenarios. Each connection owns one Workload, which produces the next request's
// bytes and digests the response (e.g. sqs-cycle turns a ReceiveMessage answer into a
// DeleteMessageBatch). Workloads are used from one thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws_client.h"
#include "http_wire.h"

namespace wharf::bench {

// What a scenario needs created before it runs.
enum class Resource { kNone, kQueue, kTopic, kStream };

struct ScenarioInfo {
  std::string_view name;
  Resource needs;
  std::string_view summary;
};

// Every scenario, in help order.
const std::vector<ScenarioInfo>& Scenarios();
// Returns nullptr for an unknown name.
const ScenarioInfo* FindScenario(std::string_view name);

// The resources a workload addresses (filled by setup or by --queue-url/--topic-arn/--stream).
struct Targets {
  std::string queue_url;
  std::string topic_arn;
  std::string stream;
  std::vector<std::string> subscriber_queue_urls;  // the SQS queues setup subscribed to the topic
};

struct WorkloadConfig {
  std::string scenario;
  Endpoint endpoint;
  Credentials credentials;
  std::string region = "us-east-1";
  size_t body_size = 128;
  Targets targets;
};

class Workload {
 public:
  virtual ~Workload() = default;
  // Bytes of the next request.
  virtual std::string NextRequest() = 0;
  // Digests the response to the last request; returns how many messages it completed (sent,
  // published, put or deleted), 0 for a failure.
  virtual uint64_t OnResponse(const HttpResponse& response) = 0;
};

// Returns a workload for connection number `index`.
// REQUIRES: FindScenario(config.scenario) != nullptr; not sns-fanout-latency, whose numbered
// publishes are made by RunSnsFanout (sns_fanout.h).
std::unique_ptr<Workload> MakeWorkload(const WorkloadConfig& config, int index);

// `size` printable ASCII bytes (deterministic).
std::string MakeBody(size_t size);
// Standard base64 with padding.
std::string Base64(std::string_view data);

}  // namespace wharf::bench
