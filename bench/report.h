// Result lines of a run: one human line and one JSON line (nlohmann, single line).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "driver.h"

namespace wharf::bench {

struct RunReport {
  std::string label;     // e.g. "wharf", "fauxqs"
  std::string scenario;  // e.g. "sqs-send"
  LoadConfig config;
  LoadStats stats;
  // Scenario-specific counts, printed after the latencies in this order (e.g. sns-fanout-latency:
  // "missing_deliveries").
  std::vector<std::pair<std::string, uint64_t>> counts;
};

// "<label> <scenario> c=16 t=1: 1234 req in 10.00 s, 123.4 req/s, 123.4 msg/s, errors 0 |
//  latency ms p50 .. p90 .. p99 .. p99.9 .. max .. [| unsent N] [| name N ...]" (one line, no
//  newline).
std::string HumanLine(const RunReport& report);
// The same figures as a one-line JSON object (no newline); latencies in milliseconds.
std::string JsonLine(const RunReport& report);

}  // namespace wharf::bench
