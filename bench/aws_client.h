// Builds signed AWS requests the way the SDKs put them on the wire:
//  - JSON 1.0/1.1: POST /, Content-Type application/x-amz-json-1.x, X-Amz-Target <prefix>.<Op>
//    (SQS adds x-amzn-query-mode: true, as boto3 >= 1.34 and JS v3 do);
//  - query: POST /, form body Action=<Op>&Version=<ver>&..., Content-Type
//    application/x-www-form-urlencoded; charset=utf-8 (botocore).
// Like botocore, each signed request also carries the unsigned amz-sdk-invocation-id (a fresh
// UUID) and amz-sdk-request: attempt=1 headers.
// Every request is SigV4-signed for `service` in `region`. Not thread-safe: one per connection.
#pragma once

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4.h"

namespace wharf::bench {

struct Endpoint {
  std::string address;  // numeric: "127.0.0.1" or "::1"
  std::string host;     // Host header value, e.g. "localhost:4566" or "[::1]:4566"
  unsigned short port = 4566;
};

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes everything except A-Za-z0-9 - _ . ~ (space = %20), as botocore does.
std::string FormEncode(std::string_view value);
// "k1=v1&k2=v2" with both sides FormEncode()d.
std::string FormBody(const FormParams& params);

class AwsClient {
 public:
  AwsClient(Endpoint endpoint, Credentials credentials, std::string region, std::string service);

  // A JSON-protocol request: `target` e.g. "AmazonSQS.SendMessage", `json_version` "1.0"/"1.1".
  std::string Json(std::string_view target, std::string_view json_version, std::string body);
  // A query-protocol request; `params` must include Action and Version.
  std::string Query(const FormParams& params);
  // An unsigned GET (health checks).
  std::string Get(std::string_view path) const;

 private:
  // Signs with the current second; identical (date, body, headers) reuse the last signature.
  std::string Finish(HttpRequest request);
  // "amz-sdk-invocation-id: <uuid v4>\r\namz-sdk-request: attempt=1\r\n".
  std::string SdkHeaders();

  Endpoint endpoint_;
  SigV4Signer signer_;
  std::chrono::system_clock::time_point date_second_{};
  std::string amz_date_;
  std::string last_key_;  // amz_date + headers + body of the cached request
  std::string last_bytes_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace wharf::bench
