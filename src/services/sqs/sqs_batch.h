// Batch request rules shared by the *Batch operations. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "wharf/core/result.h"

namespace wharf::sqs {

// Checks count (1-10), entry id format and distinctness, with AWS's errors.
// `entry_name` is e.g. "SendMessageBatchRequestEntry" (used in the empty-batch message).
Status CheckBatchEntries(const nlohmann::json& entries, std::string_view entry_name);

// A BatchResultErrorEntry for `id` failing with `error`.
nlohmann::json FailedEntry(const std::string& id, const AwsError& error);

// Removes a batch result's "Successful" or "Failed" list when it is empty: AWS leaves them out.
void DropEmptyBatchLists(nlohmann::json& output);

}  // namespace wharf::sqs
