#include "wharf/config/config.h"

#include <string>
#include <string_view>

#include "config/config_flags.h"

#ifndef WHARF_VERSION
#define WHARF_VERSION "0.0.0"
#endif

namespace wharf {
namespace {

using config_internal::Concat;
using config_internal::ConfigError;
using config_internal::Flags;
using config_internal::FlagSpec;

const FlagSpec* FindFlag(std::string_view name) {
  for (const FlagSpec& flag : Flags()) {
    if (name == flag.name) return &flag;
  }
  return nullptr;
}

std::string HelpText() {
  const Config defaults;
  std::string text =
      "wharf " WHARF_VERSION
      " - an emulator of AWS messaging services (SQS, SNS, Kinesis, ...) on one port\n\n"
      "Usage: wharf [FLAGS]\n\n"
      "Each flag can also be set by its environment variable; flags win over the environment.\n"
      "Flags take their value as --flag VALUE or --flag=VALUE; switches take none\n"
      "(their variables accept 1/0 or true/false).\n\nFlags:\n";
  for (const FlagSpec& flag : Flags()) {
    std::string left = std::string("  --") + flag.name;
    if (flag.value_name != nullptr) left += std::string(" ") + flag.value_name;
    if (left.size() < 34) left.resize(34, ' ');
    text += left + flag.help + "\n" + std::string(34, ' ') + "env " + flag.env +
            ", default: " + flag.show(defaults) + "\n";
  }
  text +=
      "  --help                          print this text and exit\n"
      "  --version                       print the version and exit\n\n"
      "Admin API: GET /_wharf/health, POST /_wharf/reset[/<service>], GET|POST /_wharf/clock,\n"
      "GET /_wharf/config, /_wharf/<service>/...; with --admin-token they need header\n"
      "x-wharf-admin-token (health excepted); beyond loopback without a token, only reads.\n";
  return text;
}

Status Apply(const FlagSpec& flag, Config& config, std::string_view value, std::string_view from) {
  Status status = flag.apply(config, value);
  if (!status.ok()) {
    return ConfigError(Concat({"invalid value for ", from, ": ", status.error().message}));
  }
  return OkStatus();
}

}  // namespace

nlohmann::json Config::ToJson() const {
  nlohmann::json masked_credentials = nlohmann::json::object();
  for (const auto& [key, secret] : credentials) masked_credentials[key] = "****";
  return {
      {"host", host},
      {"port", port},
      {"threads", threads},
      {"data_dir", data_dir},
      {"in_memory", in_memory},
      {"clock", virtual_clock ? "virtual" : "system"},
      {"default_account", default_account},
      {"default_region", default_region},
      {"auth", auth_verify ? "verify" : "off"},
      {"credentials", masked_credentials},
      {"admin_token", admin_token.empty() ? "" : "****"},
      {"max_body_bytes", max_body_bytes},
      {"max_header_bytes", max_header_bytes},
      {"idle_timeout_seconds", idle_timeout_seconds},
      {"max_connections", max_connections},
      {"log_level", log_level},
      {"log_json", log_json},
      {"init_file", init_file},
      {"sqs_queue_url_host", sqs_queue_url_host},
      {"sqs_purge_cooldown_seconds", sqs_purge_cooldown_seconds},
      {"sqs_delete_recreate_seconds", sqs_delete_recreate_seconds},
      {"sqs_max_inflight", sqs_max_inflight},
      {"sns_https_ca_file", sns_https_ca_file},
      {"sns_https_insecure", sns_https_insecure},
  };
}

Result<Config> ParseConfig(int argc, const char* const* argv,
                           const std::map<std::string, std::string>& env) {
  Config config;
  for (const FlagSpec& flag : Flags()) {
    auto it = env.find(flag.env);
    if (it == env.end()) continue;
    WHARF_RETURN_IF_ERROR(Apply(flag, config, it->second, flag.env));
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return AwsError::Client("Help", HelpText());
    if (arg == "--version") return AwsError::Client("Help", "wharf " WHARF_VERSION "\n");
    if (arg.substr(0, 2) != "--") {
      return ConfigError(Concat({"unexpected argument '", arg, "' (see --help)"}));
    }
    std::string_view name = arg.substr(2);
    std::string_view value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const FlagSpec* flag = FindFlag(name);
    if (flag == nullptr) {
      return ConfigError(Concat({"unknown flag --", name, " (see --help)"}));
    }
    if (!has_value) {
      if (flag->value_name == nullptr) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return ConfigError(Concat({"flag --", name, " needs a value (", flag->value_name, ")"}));
      }
    }
    WHARF_RETURN_IF_ERROR(Apply(*flag, config, value, Concat({"--", name})));
  }
  if (config.auth_verify && config.credentials.empty()) {
    return ConfigError("--auth verify needs --credentials FILE with at least one access key");
  }
  return config;
}

}  // namespace wharf
