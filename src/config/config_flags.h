// The table of wharf's settings: each flag with its environment variable, default and parser.
// Internal to src/config; ParseConfig and --help are driven by it.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "wharf/config/config.h"
#include "wharf/core/result.h"

namespace wharf::config_internal {

struct FlagSpec {
  const char* name;        // flag without dashes, e.g. "port"
  const char* env;         // environment variable, e.g. "WHARF_PORT"
  const char* value_name;  // placeholder for --help, e.g. "N"; nullptr for a switch
  const char* help;        // one-line description
  // The setting's current value, as text (used for the default column of --help).
  std::string (*show)(const Config& config);
  // Parses `value` into `config`; an error names what was wrong (not the flag).
  Status (*apply)(Config& config, std::string_view value);
};

// Every setting, in --help order. Thread-safe (immutable).
const std::vector<FlagSpec>& Flags();

// The parts joined into one string.
std::string Concat(std::initializer_list<std::string_view> parts);

// A configuration error (code "InvalidConfig").
AwsError ConfigError(std::string message);

}  // namespace wharf::config_internal
