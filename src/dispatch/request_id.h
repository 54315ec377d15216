// Request ids: random UUID v4 strings. Thread-safe (per-thread generator).
#pragma once

#include <string>

namespace wharf::dispatch {

// A fresh "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (lower-case hex, RFC 4122 version 4).
std::string NewRequestId();

}  // namespace wharf::dispatch
