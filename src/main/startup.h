// Start-up helpers of the wharf executable.
#pragma once

#include <map>
#include <string>

namespace wharf::app {

// The process environment (environ) as a map.
std::map<std::string, std::string> Environment();

}  // namespace wharf::app
