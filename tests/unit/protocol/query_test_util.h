// Helpers shared by the query/rest codec tests (room proto2).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "protocol/base64.h"

namespace wharf::testing {

// tests/golden/<sub>/<name> (WHARF_GOLDEN_DIR: an absolute path, unlike __FILE__ when ccache
// rewrites paths relative to CCACHE_BASEDIR).
inline std::string ReadGolden(const std::string& sub, const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(WHARF_GOLDEN_DIR) / sub;
  std::ifstream in(dir / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces json binary values by "base64:<b64>" strings, as the golden files write them.
inline nlohmann::json NormaliseBinary(const nlohmann::json& v) {
  if (v.is_binary()) {
    const auto& b = v.get_binary();
    return "base64:" + Base64Encode(std::string(b.begin(), b.end()));
  }
  if (v.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, x] : v.items()) out[k] = NormaliseBinary(x);
    return out;
  }
  if (v.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& x : v) out.push_back(NormaliseBinary(x));
    return out;
  }
  return v;
}

// The inverse: "base64:<b64>" strings become json binary values.
inline nlohmann::json DenormaliseBinary(const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.rfind("base64:", 0) == 0) {
      std::string bytes = Base64Decode(s.substr(7)).value_or("");
      return nlohmann::json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }
    return v;
  }
  if (v.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, x] : v.items()) out[k] = DenormaliseBinary(x);
    return out;
  }
  if (v.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& x : v) out.push_back(DenormaliseBinary(x));
    return out;
  }
  return v;
}

}  // namespace wharf::testing
