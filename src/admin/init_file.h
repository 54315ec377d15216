// The --init file: JSON {"sqs": {...}, "sns": {...}} naming resources to create at start-up.
#pragma once

#include <string>

#include "dispatch/dispatcher.h"
#include "wharf/core/result.h"

namespace wharf::admin {

// Reads the file at `path` and calls each engine's ApplyInit with its section, in key order.
// Errors (code "InvalidInit", message naming the file): unreadable file, not a JSON object, a
// key that is no service ("unknown service") or a service without an engine ("not implemented
// yet"), or the engine's own ApplyInit error. Call after every engine's Start.
Status ApplyInitFile(const std::string& path, const dispatch::EngineMap& engines);

}  // namespace wharf::admin
