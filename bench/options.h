// Command line of wharf-bench. Refuses anything but a loopback target (127.0.0.1, localhost,
// ::1) and durations over 600 s.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver.h"
#include "scenario.h"
#include "setup.h"
#include "wharf/core/result.h"

namespace wharf::bench {

inline constexpr int kMaxDurationSeconds = 600;

struct Options {
  SetupConfig setup;  // setup.workload holds scenario, endpoint, credentials, targets
  LoadConfig load;
  int receivers = 2;  // sns-fanout-latency: receiving connections per queue
  std::string label;  // name printed with the results (e.g. "wharf", "fauxqs")
  bool json = false;
  bool help = false;
};

// Parses argv[1..]: the scenario name then flags ("--flag value" or "--flag=value").
// Returns an AwsError with code "BenchUsage" and a readable message on bad input.
Result<Options> ParseOptions(const std::vector<std::string>& args);

// Parses "http://HOST:PORT" (HOST: 127.0.0.1, localhost, [::1]); refuses other hosts.
Result<Endpoint> ParseEndpoint(const std::string& url);

// The usage text.
std::string Usage();

}  // namespace wharf::bench
