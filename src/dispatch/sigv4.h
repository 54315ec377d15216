// AWS Signature Version 4 verification (--auth verify), per aws-wire-protocols.md §7.1: the
// Authorization header and presigned-URL forms, with the S3 and non-S3 canonicalisation rules.
// Pure functions of their inputs; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "dispatch/router.h"
#include "wharf/core/result.h"
#include "wharf/http/message.h"

namespace wharf::dispatch {

// The signature parameters of a request, from its Authorization header or presigned query.
struct SigV4Params {
  std::string access_key;
  std::string scope_date;  // yyyymmdd from the credential scope
  std::string region;
  std::string service;
  std::string amz_date;         // X-Amz-Date, e.g. 20150830T123600Z
  std::string signed_headers;   // "host;x-amz-date"
  std::string signature;        // hex
  int64_t expires_seconds = 0;  // presigned only
  bool presigned = false;
};

// Why a request was refused; mapped to each protocol's error by AuthErrorFor.
enum class AuthFailure {
  kMissing,       // no signature at all
  kMalformed,     // a signature whose parts are missing or invalid
  kUnsupported,   // SigV2 or SigV4a: wharf verifies only SigV4
  kUnknownKey,    // access key id not in the credentials
  kBadSignature,  // computed signature differs
  kSkewed,        // X-Amz-Date more than 15 minutes from now
  kExpired,       // presigned URL past X-Amz-Expires
  kScopeDate,     // the credential scope's date is not X-Amz-Date's day
};

// Parses the SigV4 parameters (header form when `route.auth` is kSigV4Header, query form when
// kSigV4Query). Errors are the protocol's kMalformed error.
Result<SigV4Params> ParseSigV4(const HttpRequest& request, const Route& route);

// The canonical request (step 1 of §7.1). `s3` selects S3's rules (path as sent, payload hash
// from X-Amz-Content-SHA256 / UNSIGNED-PAYLOAD).
std::string CanonicalRequest(const HttpRequest& request, const SigV4Params& params, bool s3);
// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical)>".
std::string StringToSign(const SigV4Params& params, std::string_view canonical_request);
// Hex HMAC-SHA256 signature of `string_to_sign` with the key derived from `secret`.
std::string ComputeSignature(std::string_view secret, const SigV4Params& params,
                             std::string_view string_to_sign);

// Verifies `request` (routed as `route`) against `credentials` (access key id -> secret) at
// `now_ms`. OK when the signature is valid; otherwise the AWS error for route's protocol.
Status VerifySigV4(const HttpRequest& request, const Route& route,
                   const std::map<std::string, std::string>& credentials, int64_t now_ms);

// The error AWS gives for `failure` to a request routed as `route`.
AwsError AuthErrorFor(AuthFailure failure, const Route& route, std::string detail);

// "20150830T123600Z" -> epoch milliseconds; -1 when malformed.
int64_t ParseAmzDate(std::string_view amz_date);

}  // namespace wharf::dispatch
