// Queue attribute rules: defaults, names, value ranges, FIFO-only attributes, AWS's messages.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "wharf/core/result.h"

namespace wharf::sqs {

// The settable attributes a new queue has before any are given.
std::map<std::string, std::string> DefaultQueueAttributes(bool fifo);

// Checks `attributes` (a JSON object of strings, as in CreateQueue/SetQueueAttributes) for a
// queue of type `fifo` and merges them into `merged`. `creating` allows FifoQueue. Does not
// look at other queues (RedrivePolicy targets are checked by the engine).
Status MergeQueueAttributes(const nlohmann::json& attributes, bool fifo, bool creating,
                            std::map<std::string, std::string>& merged);

// Whether CreateQueue's `attributes` make a FIFO queue: FifoQueue "true" (any case) does;
// InvalidAttributeValue for a FifoQueue that is no boolean, and InvalidAttributeName for
// "false", which AWS does not take ("Unknown Attribute FifoQueue.").
Result<bool> FifoQueueRequested(const nlohmann::json& attributes);

// True for every name GetQueueAttributes accepts (settable, computed and "All").
bool IsQueueAttributeName(std::string_view name);

// Queue names: 1-80 of [A-Za-z0-9_-], FIFO names end in ".fifo" (counted).
Status CheckQueueName(const std::string& name, bool fifo);

}  // namespace wharf::sqs
