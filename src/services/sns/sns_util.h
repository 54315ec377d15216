// Small helpers for the SNS engine: ARNs, errors, time, paging (digests, base64 and ids come
// from wharf/core). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wharf/core/digest.h"
#include "wharf/core/encoding.h"
#include "wharf/core/ids.h"
#include "wharf/core/result.h"

namespace wharf::sns {

// The modelled query error codes (code = shape name minus "Exception").
AwsError InvalidParameter(std::string message);       // "Invalid parameter: <message>"
AwsError InvalidParameterRaw(std::string message);    // message as given
AwsError ParameterValueInvalid(std::string message);  // InvalidParameterValueException
AwsError NotFound(std::string message);               // 404
// The unmodelled "ValidationError" for a member that is missing ("Value null at '<path>'").
AwsError NullMember(std::string_view path);

// Every piece of SNS state is a row of sns_objects(kind, id, doc).
inline constexpr std::string_view kUpsertObject =
    "INSERT OR REPLACE INTO sns_objects(kind, id, doc) VALUES(?1, ?2, ?3)";
inline constexpr std::string_view kDeleteObject =
    "DELETE FROM sns_objects WHERE kind = ?1 AND id = ?2";

// An ARN split on ':' (arn:partition:service:region:account:resource[:more]).
struct Arn {
  std::string service, region, account, resource;  // resource: everything after the 5th ':'
};
// Fails with "Invalid parameter: <param> Reason: An ARN must have at least 6 elements, not N".
Result<Arn> ParseArn(std::string_view arn, std::string_view param);

// ISO-8601 UTC with milliseconds, "2026-11-28T05:54:06.655Z".
std::string IsoMillis(int64_t epoch_ms);

// Whether attribute `name` is set to "true".
bool IsTrue(const std::map<std::string, std::string>& attrs, const char* name);

// The string value of `input[key]`, or "" when absent or not a string.
std::string Str(const nlohmann::json& input, const char* key);

// Parses `text` as JSON with the reader SNS's filter policies use, so that a syntax error is
// InvalidParameter "<what>: failed to parse JSON. <Jackson's message> at [...]", as on AWS.
Result<nlohmann::json> ParseJsonText(const std::string& text, const std::string& what);

// Paging over a sorted set of keys: the page of up to `limit` keys after `token` (a key
// previously returned as NextToken), and the next token ("" at the end). Tokens are the keys in
// base64, as AWS's look (recorded).
template <typename Map, typename Pred>
std::vector<typename Map::const_iterator> Page(const Map& m, const std::string& token, size_t limit,
                                               Pred keep, std::string* next) {
  std::vector<typename Map::const_iterator> out;
  auto it = token.empty() ? m.begin() : m.upper_bound(Base64Decode(token).value_or(token));
  next->clear();
  for (; it != m.end(); ++it) {
    if (!keep(it->second)) continue;
    if (out.size() == limit) {
      *next = Base64Encode(out.back()->first);
      break;
    }
    out.push_back(it);
  }
  return out;
}

}  // namespace wharf::sns
