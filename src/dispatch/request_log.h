// Logging set-up and the one log line per request. spdlog underneath; lines go to stderr as
// text or (--log-json) one JSON object per line. Request lines are buffered and written at
// least once a second (at once for warnings and errors); other lines are written at once.
// spdlog::shutdown() flushes everything. Thread-safe after InitLogging.
#pragma once

#include <string_view>

#include "wharf/config/config.h"

namespace wharf::dispatch {

// Configures spdlog's default logger and the request logger from `config` (level, JSON).
// Call once at start-up, before serving.
void InitLogging(const Config& config);

struct RequestLogEntry {
  std::string_view method;
  std::string_view path;
  std::string_view service;
  std::string_view operation;
  std::string_view request_id;
  int status = 0;
  double ms = 0;
};

// Logs one line for a finished request, at info level (warn for 5xx).
void LogRequest(const RequestLogEntry& entry);

// Text escaped for the inside of a JSON string (as WriteJsonString writes it, without quotes).
std::string JsonEscape(std::string_view text);

}  // namespace wharf::dispatch
