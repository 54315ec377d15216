// The sns-fanout-latency scenario: how long a published message takes to be received from every
// SQS queue subscribed to its topic. Wire protocol only, so it runs against any emulator.
//  - setup: CreateTopic and `--subscribers` queues (default 10) subscribed with Protocol=sqs and
//    no RawMessageDelivery: each queue gets the SNS JSON envelope, as real users do;
//  - receivers: `--receivers` keep-alive connections per queue (default 2) on a thread of their
//    own, each doing ReceiveMessage (MaxNumberOfMessages 10, WaitTimeSeconds 20) and then
//    DeleteMessageBatch of what came back;
//  - warm-up: one publish, received from every queue before the clock starts;
//  - publisher: Publish at `--rate` (open loop, required) for `-d` seconds on `-c` connections;
//    the message is "<sequence number> <filler>" (`--body-size` bytes in all).
// A publish's latency runs from just before its Publish request is written to the moment the
// last of its queues' ReceiveMessage answers carrying it has been read. After the publishing,
// up to `drain` (10 s) is given to deliveries still on their way.
// The report: the latency histogram holds one value per publish received from every queue;
// req/s and errors are the Publish requests'; msg/s counts deliveries received; the counts are
// publishes answered 2xx, complete (received from all queues) and missing_deliveries (a
// 2xx publish not received from a queue, once per queue). The Publish requests' own latencies
// (answer - scheduled time) go to the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "options.h"
#include "report.h"
#include "wharf/core/result.h"

namespace wharf::bench {

// Runs the whole scenario (setup included). REQUIRES: options.setup.workload.scenario is
// "sns-fanout-latency" and options.load.rate > 0. Progress lines go to `log`.
Result<RunReport> RunSnsFanout(const Options& options, std::ostream& log,
                               std::chrono::milliseconds drain = std::chrono::seconds(10));

// The sequence number carried by an SQS message body that holds an SNS envelope whose
// "Message" starts with decimal digits; nullopt for anything else.
std::optional<uint64_t> FanoutSequence(std::string_view sqs_body);

}  // namespace wharf::bench
