#include "config/config_flags.h"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace wharf::config_internal {
namespace {

Result<uint64_t> ParseNumber(std::string_view text, uint64_t min, uint64_t max,
                             bool allow_suffix = false) {
  uint64_t multiplier = 1;
  if (allow_suffix && !text.empty()) {
    char last = text.back();
    if (last == 'k' || last == 'K') multiplier = 1024;
    if (last == 'm' || last == 'M') multiplier = 1024 * 1024;
    if (last == 'g' || last == 'G') multiplier = 1024 * 1024 * 1024;
    if (multiplier != 1) text.remove_suffix(1);
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return ConfigError(Concat({"'", text, "' is not a non-negative integer"}));
  }
  if (value > max / multiplier || value * multiplier < min || value * multiplier > max) {
    return ConfigError(
        Concat({"value must be between ", std::to_string(min), " and ", std::to_string(max)}));
  }
  return value * multiplier;
}

Result<bool> ParseBool(std::string_view text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off" || text.empty()) {
    return false;
  }
  return ConfigError(Concat({"'", text, "' is not a boolean (use 1/0, true/false)"}));
}

template <typename T>
Status SetInt(T& field, std::string_view text, uint64_t min, uint64_t max,
              bool allow_suffix = false) {
  auto value = ParseNumber(text, min, max, allow_suffix);
  if (!value.ok()) return std::move(value).error();
  field = static_cast<T>(*value);
  return OkStatus();
}

Status SetBool(bool& field, std::string_view text) {
  auto value = ParseBool(text);
  if (!value.ok()) return std::move(value).error();
  field = *value;
  return OkStatus();
}

Status SetNonEmpty(std::string& field, std::string_view text) {
  if (text.empty()) return ConfigError("value must not be empty");
  field = std::string(text);
  return OkStatus();
}

Status SetAccount(Config& c, std::string_view text) {
  bool digits = text.size() == 12;
  for (char ch : text) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) return ConfigError(Concat({"'", text, "' is not a 12-digit account id"}));
  c.default_account = std::string(text);
  return OkStatus();
}

Status SetCredentials(Config& c, std::string_view path) {
  std::ifstream in{std::string(path)};
  if (!in) return ConfigError(Concat({"cannot read credentials file '", path, "'"}));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return ConfigError(Concat(
        {"credentials file '", path, "' must be a JSON object {\"ACCESS_KEY_ID\": \"secret\"}"}));
  }
  c.credentials.clear();
  for (const auto& [key, secret] : doc.items()) {
    if (!secret.is_string() || key.empty()) {
      return ConfigError(
          Concat({"credentials file '", path, "': the secret of '", key, "' must be a string"}));
    }
    c.credentials[key] = secret.get<std::string>();
  }
  return OkStatus();
}

Status SetLogLevel(Config& c, std::string_view text) {
  for (std::string_view level : {"trace", "debug", "info", "warn", "error", "off"}) {
    if (text == level) {
      c.log_level = std::string(text);
      return OkStatus();
    }
  }
  return ConfigError(Concat({"'", text, "' is not one of trace|debug|info|warn|error|off"}));
}

std::string Quote(const std::string& s) { return s.empty() ? "(none)" : s; }
std::string Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out.append(part);
  return out;
}

AwsError ConfigError(std::string message) {
  return AwsError::Client("InvalidConfig", std::move(message));
}

const std::vector<FlagSpec>& Flags() {
  static const std::vector<FlagSpec> kFlags = {
      {"host", "WHARF_HOST", "ADDR", "address to listen on", [](const Config& c) { return c.host; },
       [](Config& c, std::string_view v) { return SetNonEmpty(c.host, v); }},
      {"port", "WHARF_PORT", "N", "TCP port; 0 picks a free one (printed at start-up)",
       [](const Config& c) { return std::to_string(c.port); },
       [](Config& c, std::string_view v) { return SetInt(c.port, v, 0, 65535); }},
      {"threads", "WHARF_THREADS", "N",
       "event-loop threads (each serves its connections); 0 = cores",
       [](const Config& c) { return std::to_string(c.threads); },
       [](Config& c, std::string_view v) { return SetInt(c.threads, v, 0, 1024); }},
      {"data-dir", "WHARF_DATA_DIR", "DIR", "directory of the SQLite database (wharf.db)",
       [](const Config& c) { return c.data_dir; },
       [](Config& c, std::string_view v) { return SetNonEmpty(c.data_dir, v); }},
      {"in-memory", "WHARF_IN_MEMORY", nullptr, "keep nothing on disk",
       [](const Config& c) { return Bool(c.in_memory); },
       [](Config& c, std::string_view v) { return SetBool(c.in_memory, v); }},
      {"clock", "WHARF_CLOCK", "system|virtual", "virtual: time moves only via POST /_wharf/clock",
       [](const Config& c) { return std::string(c.virtual_clock ? "virtual" : "system"); },
       [](Config& c, std::string_view v) -> Status {
         if (v != "system" && v != "virtual") {
           return ConfigError(Concat({"'", v, "' is not system|virtual"}));
         }
         c.virtual_clock = v == "virtual";
         return OkStatus();
       }},
      {"account", "WHARF_ACCOUNT", "ID", "account used when the access key id is not 12 digits",
       [](const Config& c) { return c.default_account; }, SetAccount},
      {"region", "WHARF_REGION", "REGION", "region used when a request has no SigV4 scope",
       [](const Config& c) { return c.default_region; },
       [](Config& c, std::string_view v) { return SetNonEmpty(c.default_region, v); }},
      {"auth", "WHARF_AUTH", "off|verify", "verify: check SigV4 signatures against --credentials",
       [](const Config& c) { return std::string(c.auth_verify ? "verify" : "off"); },
       [](Config& c, std::string_view v) -> Status {
         if (v != "off" && v != "verify") {
           return ConfigError(Concat({"'", v, "' is not off|verify"}));
         }
         c.auth_verify = v == "verify";
         return OkStatus();
       }},
      {"credentials", "WHARF_CREDENTIALS", "FILE",
       "JSON file {\"ACCESS_KEY_ID\": \"secret\"} for --auth verify",
       [](const Config& c) { return c.credentials.empty() ? std::string("(none)") : "(set)"; },
       SetCredentials},
      {"admin-token", "WHARF_ADMIN_TOKEN", "TOKEN",
       "admin token (header x-wharf-admin-token); needed beyond loopback to change state",
       [](const Config& c) { return c.admin_token.empty() ? std::string("(none)") : "(set)"; },
       [](Config& c, std::string_view v) {
         c.admin_token = std::string(v);
         return OkStatus();
       }},
      {"max-body", "WHARF_MAX_BODY", "BYTES", "largest request body (k/m/g suffixes); 413 beyond",
       [](const Config& c) { return std::to_string(c.max_body_bytes); },
       [](Config& c, std::string_view v) {
         return SetInt(c.max_body_bytes, v, 1, uint64_t{1} << 40, true);
       }},
      {"max-header", "WHARF_MAX_HEADER", "BYTES", "largest request header block; 431 beyond",
       [](const Config& c) { return std::to_string(c.max_header_bytes); },
       [](Config& c, std::string_view v) {
         return SetInt(c.max_header_bytes, v, 1024, uint64_t{64} * 1024 * 1024, true);
       }},
      {"idle-timeout", "WHARF_IDLE_TIMEOUT", "SECONDS", "close idle keep-alive connections after",
       [](const Config& c) { return std::to_string(c.idle_timeout_seconds); },
       [](Config& c, std::string_view v) { return SetInt(c.idle_timeout_seconds, v, 1, 86400); }},
      {"max-connections", "WHARF_MAX_CONNECTIONS", "N", "concurrent connections accepted",
       [](const Config& c) { return std::to_string(c.max_connections); },
       [](Config& c, std::string_view v) { return SetInt(c.max_connections, v, 1, 10000000); }},
      {"log-level", "WHARF_LOG_LEVEL", "LEVEL", "trace|debug|info|warn|error|off",
       [](const Config& c) { return c.log_level; }, SetLogLevel},
      {"log-json", "WHARF_LOG_JSON", nullptr, "log one JSON object per line",
       [](const Config& c) { return Bool(c.log_json); },
       [](Config& c, std::string_view v) { return SetBool(c.log_json, v); }},
      {"init", "WHARF_INIT", "FILE", "JSON {\"sqs\": {...}, ...}: resources to create at start-up",
       [](const Config& c) { return Quote(c.init_file); },
       [](Config& c, std::string_view v) { return SetNonEmpty(c.init_file, v); }},
      {"sqs-queue-url-host", "WHARF_SQS_QUEUE_URL_HOST", "HOST[:PORT]",
       "fixed host for SQS queue URLs (default: the request's Host)",
       [](const Config& c) { return Quote(c.sqs_queue_url_host); },
       [](Config& c, std::string_view v) { return SetNonEmpty(c.sqs_queue_url_host, v); }},
      {"sqs-purge-cooldown", "WHARF_SQS_PURGE_COOLDOWN", "SECONDS",
       "minimum time between two PurgeQueue calls",
       [](const Config& c) { return std::to_string(c.sqs_purge_cooldown_seconds); },
       [](Config& c, std::string_view v) {
         return SetInt(c.sqs_purge_cooldown_seconds, v, 0, 86400);
       }},
      {"sns-https-ca-file", "WHARF_SNS_HTTPS_CA_FILE", "FILE",
       "PEM CA bundle to verify https SNS endpoints with (default: the system's)",
       [](const Config& c) { return Quote(c.sns_https_ca_file); },
       [](Config& c, std::string_view v) { return SetNonEmpty(c.sns_https_ca_file, v); }},
      {"sns-https-insecure", "WHARF_SNS_HTTPS_INSECURE", nullptr,
       "deliver to https SNS endpoints without verifying their certificates",
       [](const Config& c) { return Bool(c.sns_https_insecure); },
       [](Config& c, std::string_view v) { return SetBool(c.sns_https_insecure, v); }},
      {"sqs-delete-cooldown", "WHARF_SQS_DELETE_COOLDOWN", "SECONDS",
       "time before a deleted queue's name can be reused",
       [](const Config& c) { return std::to_string(c.sqs_delete_recreate_seconds); },
       [](Config& c, std::string_view v) {
         return SetInt(c.sqs_delete_recreate_seconds, v, 0, 86400);
       }},
      {"sqs-max-inflight", "WHARF_SQS_MAX_INFLIGHT", "N",
       "in-flight messages per queue before ReceiveMessage answers OverLimit (FIFO: nothing)",
       [](const Config& c) { return std::to_string(c.sqs_max_inflight); },
       [](Config& c, std::string_view v) { return SetInt(c.sqs_max_inflight, v, 1, 100000000); }},
  };
  return kFlags;
}

}  // namespace wharf::config_internal
