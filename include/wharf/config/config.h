// wharf's effective settings: defaults here, then WHARF_* environment variables, then flags.
// Immutable after start-up.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wharf/core/result.h"

namespace wharf {

struct Config {
  // Network
  std::string host = "127.0.0.1";  // --host / WHARF_HOST (the docker image sets 0.0.0.0)
  uint16_t port = 4566;            // --port / WHARF_PORT; 0 picks a free port
  int threads = 0;                 // --threads; 0 = number of cores
  // Storage
  std::string data_dir = ".wharf";  // --data-dir / WHARF_DATA_DIR
  bool in_memory = false;           // --in-memory / WHARF_IN_MEMORY=1
  // Time
  bool virtual_clock = false;  // --clock virtual / WHARF_CLOCK=virtual
  // Identity and auth
  std::string default_account = "000000000000";  // --account / WHARF_ACCOUNT
  std::string default_region = "us-east-1";
  bool auth_verify = false;  // --auth verify / WHARF_AUTH=verify
  // access key id -> secret, for --auth verify (--credentials FILE, JSON {"AKID": "secret"})
  std::map<std::string, std::string> credentials;
  std::string admin_token;  // --admin-token: required on admin routes (admin/admin_access.h)
  // HTTP limits
  uint64_t max_body_bytes = 16 * 1024 * 1024;  // --max-body (413 beyond)
  uint32_t max_header_bytes = 64 * 1024;       // --max-header (431 beyond)
  int idle_timeout_seconds = 75;               // --idle-timeout
  int max_connections = 20000;                 // --max-connections
  // Logging
  std::string log_level = "info";  // --log-level trace|debug|info|warn|error|off
  bool log_json = false;           // --log-json
  // Start-up resources (--init FILE)
  std::string init_file;
  // Service quirks
  std::string sqs_queue_url_host;        // --sqs-queue-url-host: fixed host[:port] for queue URLs
  int sqs_purge_cooldown_seconds = 60;   // --sqs-purge-cooldown
  int sqs_delete_recreate_seconds = 60;  // --sqs-delete-cooldown
  uint32_t sqs_max_inflight = 120000;    // --sqs-max-inflight: AWS's in-flight limit per queue
  std::string sns_https_ca_file;         // --sns-https-ca-file: CA bundle for https endpoints
  bool sns_https_insecure = false;       // --sns-https-insecure: do not verify https endpoints

  // The settings as JSON, for /_wharf/config (secrets masked).
  nlohmann::json ToJson() const;
};

// Parses environment (`env`, as from environ) then `argv`. On --help or --version returns an
// error whose code is "Help" and whose message is the text to print.
Result<Config> ParseConfig(int argc, const char* const* argv,
                           const std::map<std::string, std::string>& env);

}  // namespace wharf
