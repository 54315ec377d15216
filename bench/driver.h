// The load engine: `connections` keep-alive HTTP/1.1 connections spread over `threads` Asio
// event loops (epoll), one request in flight per connection (no pipelining).
//  - closed loop (rate == 0): each connection sends its next request as soon as the answer comes;
//    latency = answer time - send time.
//  - open loop (rate > 0): requests are scheduled at fixed intervals (rate req/s in total) and
//    sent on the next free connection; latency = answer time - scheduled time, so queueing delay
//    is counted (no coordinated omission).
// Stops after `requests` requests (when > 0) or at `duration`, whichever is first; requests in
// flight at the deadline are awaited (up to `timeout`).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "aws_client.h"
#include "histogram.h"
#include "scenario.h"

namespace wharf::bench {

struct LoadConfig {
  Endpoint endpoint;
  int connections = 16;
  int threads = 1;
  std::chrono::milliseconds duration{10'000};
  uint64_t requests = 0;  // 0: run for `duration`
  double rate = 0;        // requests/s over all connections; 0: closed loop
  std::chrono::milliseconds timeout{10'000};
};

struct LoadStats {
  uint64_t requests = 0;  // finished: answered or failed
  uint64_t ok = 0;        // 2xx answers
  uint64_t messages = 0;  // as counted by the workloads
  // Failures by kind: HTTP status ("400", "503") or "connect", "timeout", "io", "parse".
  std::map<std::string, uint64_t> errors;
  uint64_t unsent = 0;  // open loop: scheduled but never sent before the stop
  Histogram latency;    // every answered request, 2xx or not (ns)
  double elapsed_s = 0;

  uint64_t ErrorCount() const;
  void Merge(const LoadStats& other);
};

// Creates the workload of connection `index`; called on the calling thread before the run.
using WorkloadFactory = std::function<std::unique_ptr<Workload>(int index)>;

// Runs the load and returns the merged statistics. Blocks the calling thread.
// REQUIRES: connections >= threads >= 1; endpoint.address is a numeric IP.
LoadStats RunLoad(const LoadConfig& config, const WorkloadFactory& factory);

}  // namespace wharf::bench
