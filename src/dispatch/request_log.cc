#include "dispatch/request_log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "wharf/core/json_text.h"

namespace wharf::dispatch {
namespace {

constexpr const char* kRequestLogger = "request";
constexpr const char* kTimePattern = "%Y-%m-%dT%H:%M:%S.%eZ";

// The "%j" pattern flag: the message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string escaped = JsonEscape(std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(escaped.data(), escaped.data() + escaped.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// Appends lines to stderr without flushing each one: a flush (a write system call) per request
// line costs more than the request. Lines are flushed by spdlog's periodic flusher, by any
// line at warn or above, by any line of the main logger, and at shutdown.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

constexpr auto kFlushInterval = std::chrono::seconds(1);  // spdlog counts in whole seconds

std::shared_ptr<spdlog::logger> MakeLogger(const char* name, const std::string& pattern) {
  auto sink = std::make_shared<BufferedStderrSink>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('j').set_pattern(pattern);
  sink->set_formatter(std::move(formatter));
  return std::make_shared<spdlog::logger>(name, std::move(sink));
}

struct RequestLogState {
  std::shared_ptr<spdlog::logger> logger;
  bool json = false;
};

// Written once by InitLogging before serving; read by every request afterwards.
RequestLogState& State() {
  static RequestLogState state;
  return state;
}

}  // namespace

std::string JsonEscape(std::string_view text) {
  std::string quoted;
  WriteJsonString(text, quoted);
  return quoted.substr(1, quoted.size() - 2);
}

void InitLogging(const Config& config) {
  std::string time = kTimePattern;
  std::string main_pattern = config.log_json
                                 ? "{\"time\":\"" + time + "\",\"level\":\"%l\",\"msg\":\"%j\"}"
                                 : "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
  // Request lines are pre-formatted: JSON fields (without braces) or text.
  std::string request_pattern =
      config.log_json ? "{\"time\":\"" + time + "\",\"level\":\"%l\",%v}" : main_pattern;
  auto main_logger = MakeLogger("wharf", main_pattern);
  auto request_logger = MakeLogger(kRequestLogger, request_pattern);
  spdlog::level::level_enum level = spdlog::level::from_str(config.log_level);
  main_logger->set_level(level);
  request_logger->set_level(level);
  main_logger->flush_on(spdlog::level::trace);
  request_logger->flush_on(spdlog::level::warn);
  // stderr is unbuffered by default; give it a buffer so request lines are written in batches.
  static char stderr_buffer[1 << 16];
  std::setvbuf(stderr, stderr_buffer, _IOFBF, sizeof(stderr_buffer));
  spdlog::set_default_logger(main_logger);
  spdlog::flush_every(kFlushInterval);
  State() = {request_logger, config.log_json};
}

void LogRequest(const RequestLogEntry& entry) {
  const RequestLogState& state = State();
  if (!state.logger) return;
  spdlog::level::level_enum level = entry.status >= 500 ? spdlog::level::warn : spdlog::level::info;
  if (!state.logger->should_log(level)) return;
  std::string_view operation = entry.operation.empty() ? "-" : entry.operation;
  if (state.json) {
    state.logger->log(level,
                      "\"msg\":\"request\",\"method\":\"{}\",\"path\":\"{}\",\"service\":\"{}\","
                      "\"operation\":\"{}\",\"status\":{},\"ms\":{:.3f},\"request_id\":\"{}\"",
                      JsonEscape(entry.method), JsonEscape(entry.path), JsonEscape(entry.service),
                      JsonEscape(operation), entry.status, entry.ms, entry.request_id);
  } else {
    state.logger->log(level, "{} {} {} {} {} {:.3f}ms {}", entry.method, entry.path, entry.service,
                      operation, entry.status, entry.ms, entry.request_id);
  }
}

}  // namespace wharf::dispatch
