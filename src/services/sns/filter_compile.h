// The filter-policy rule compiler: walks the compact JSON of a policy the way AWS's rule engine
// does and builds its branches, or reports the first problem with AWS's message and the Jackson
// column it is reported at. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "services/sns/filter_types.h"

namespace wharf::sns::filter {

struct CompileError {
  std::string message;
  std::size_t column = 0;  // 0: AWS reports this one without a source location
};

// REQUIRES: `compact` is valid JSON as written by WriteCompact. Returns false and fills `error`
// when the policy is not a valid rule set; otherwise fills `branches` (at least one).
bool CompileRules(std::string_view compact, std::vector<Branch>& branches, CompileError& error);

// Checks an AWS wildcard pattern ("*" any run, "\\*" and "\\\\" escapes). Returns "" or AWS's
// message ("Consecutive wildcard characters at pos N", "Invalid escape character at pos N").
std::string CheckWildcard(std::string_view pattern);

}  // namespace wharf::sns::filter
