#include "services/sns/sns_util.h"

#include <ctime>

#include "services/sns/filter_json.h"

namespace wharf::sns {

AwsError InvalidParameter(std::string message) {
  return AwsError::Client("InvalidParameter", "Invalid parameter: " + message);
}
AwsError InvalidParameterRaw(std::string message) {
  return AwsError::Client("InvalidParameter", std::move(message));
}
AwsError ParameterValueInvalid(std::string message) {
  return AwsError::Client("ParameterValueInvalid", std::move(message));
}
AwsError NotFound(std::string message) {
  return AwsError::Client("NotFound", std::move(message), 404);
}
AwsError NullMember(std::string_view path) {
  return AwsError::Client("ValidationError", "1 validation error detected: Value null at '" +
                                                 std::string(path) +
                                                 "' failed to satisfy constraint: Member must "
                                                 "not be null");
}

Result<Arn> ParseArn(std::string_view arn, std::string_view param) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 5) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts.size() < 5) {
    size_t n = 1;
    for (char c : arn) n += c == ':';
    return InvalidParameter(std::string(param) +
                            " Reason: An ARN must have at least 6 elements, not " +
                            std::to_string(n));
  }
  if (parts[0] != "arn") return InvalidParameter(std::string(param));
  return Arn{std::string(parts[2]), std::string(parts[3]), std::string(parts[4]),
             std::string(arn.substr(start))};
}

std::string IsoMillis(int64_t epoch_ms) {
  time_t secs = static_cast<time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return buf;
}

bool IsTrue(const std::map<std::string, std::string>& attrs, const char* name) {
  auto it = attrs.find(name);
  return it != attrs.end() && it->second == "true";
}

std::string Str(const nlohmann::json& input, const char* key) {
  auto it = input.find(key);
  if (it == input.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

Result<nlohmann::json> ParseJsonText(const std::string& text, const std::string& what) {
  nlohmann::ordered_json doc;
  std::string error;
  if (!filter::ReadJson(text, doc, error)) return InvalidParameter(what + ": " + error);
  return nlohmann::json(doc);
}

}  // namespace wharf::sns
