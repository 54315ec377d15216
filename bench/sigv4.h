// AWS Signature Version 4 for the load generator's requests, computed the way botocore does for
// non-S3 services: path "/", no query, every header signed except User-Agent and Content-Length,
// payload hash = hex SHA-256 of the body. The signing key is cached per date.
// Not thread-safe: one signer per connection or thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "http_wire.h"

namespace wharf::bench {

struct Credentials {
  std::string access_key = "test";
  std::string secret_key = "test";
};

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// "YYYYMMDDTHHMMSSZ" (UTC) for `t`.
std::string AmzDate(std::chrono::system_clock::time_point t);

class SigV4Signer {
 public:
  SigV4Signer(Credentials credentials, std::string region, std::string service);

  // Adds X-Amz-Date (`amz_date`, format of AmzDate()) and Authorization to `request`.
  // REQUIRES: request.headers holds Host; request.target has no query string.
  void Sign(HttpRequest& request, const std::string& amz_date);

  const std::string& service() const { return service_; }

 private:
  Credentials credentials_;
  std::string region_;
  std::string service_;
  std::string key_date_;  // YYYYMMDD the cached key was derived for
  std::string key_;       // raw 32-byte signing key
};

}  // namespace wharf::bench
