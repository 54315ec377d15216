// Queue attribute rules: defaults, names, value ranges, FIFO-only attributes, AWS's messages.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
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

// True for every name GetQueueAttributes accepts (settable, computed and "All").
bool IsQueueAttributeName(std::string_view name);

// Queue names: 1-80 of [A-Za-z0-9_-], FIFO names end in ".fifo" (counted).
Status CheckQueueName(const std::string& name, bool fifo);

}  // namespace wharf::sqs
