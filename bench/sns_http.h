// The sns-http scenario: wharf-bench serves an HTTP endpoint on 127.0.0.1 itself, subscribes it
// to a new topic `--subscribers N` times (protocol http, paths /sns/0 .. /sns/N-1), confirms each
// subscription with the Token of the SubscriptionConfirmation it receives, then publishes like
// sns-publish (closed or open loop) and counts the notifications that arrive.
// msg/s = notifications received / seconds from the start of the load to the last notification
// (after the load, up to 10 s are given to deliveries still on their way).
#pragma once

#include <ostream>

#include "options.h"
#include "report.h"
#include "wharf/core/result.h"

namespace wharf::bench {

// Runs the whole scenario (setup included). REQUIRES: options.setup.workload.scenario is
// "sns-http". Progress lines go to `log`.
Result<RunReport> RunSnsHttp(const Options& options, std::ostream& log);

}  // namespace wharf::bench
