// AuthErrorFor: the error each protocol gives for a refused signature (declared in sigv4.h).
#include <utility>

#include "dispatch/sigv4.h"

namespace wharf::dispatch {
namespace {

constexpr const char* kBadSignatureMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr const char* kS3BadSignatureMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";
constexpr const char* kInvalidTokenMessage =
    "The security token included in the request is invalid.";
constexpr const char* kUnsupportedMessage =
    "wharf --auth verify accepts only AWS Signature Version 4 (AWS4-HMAC-SHA256)";

AwsError S3Error(AuthFailure failure, std::string detail) {
  switch (failure) {
    case AuthFailure::kMissing:
      return AwsError::Client("AccessDenied", "Access Denied", 403);
    case AuthFailure::kMalformed:
      return AwsError::Client("AuthorizationQueryParametersError", std::move(detail), 400);
    case AuthFailure::kUnsupported:
      return AwsError::Client("AccessDenied", kUnsupportedMessage, 403);
    case AuthFailure::kUnknownKey:
      return AwsError::Client("InvalidAccessKeyId",
                              "The AWS Access Key Id you provided does not exist in our records.",
                              403);
    case AuthFailure::kBadSignature:
      return AwsError::Client("SignatureDoesNotMatch", kS3BadSignatureMessage, 403);
    case AuthFailure::kSkewed:
      return AwsError::Client(
          "RequestTimeTooSkewed",
          "The difference between the request time and the current time is too large.", 403);
    case AuthFailure::kExpired:
      return AwsError::Client("AccessDenied", "Request has expired", 403);
    case AuthFailure::kScopeDate:
      return AwsError::Client("AuthorizationHeaderMalformed",
                              "The authorization header is malformed; Invalid credential date. "
                              "Date is not the same as X-Amz-Date.",
                              400);
  }
  return AwsError::Internal("unknown authentication failure");
}

// Query protocol codes; SQS over JSON sends them as its query-compatible code.
AwsError QueryError(AuthFailure failure, std::string detail) {
  switch (failure) {
    case AuthFailure::kMissing:
      return AwsError::Client("MissingAuthenticationToken",
                              "Request is missing Authentication Token", 403);
    case AuthFailure::kMalformed:
      return AwsError::Client("IncompleteSignature", std::move(detail), 400);
    case AuthFailure::kUnsupported:
      return AwsError::Client("IncompleteSignature", kUnsupportedMessage, 400);
    case AuthFailure::kUnknownKey:
      return AwsError::Client("InvalidClientTokenId", kInvalidTokenMessage, 403);
    case AuthFailure::kBadSignature:
      return AwsError::Client("SignatureDoesNotMatch", kBadSignatureMessage, 403);
    case AuthFailure::kSkewed:
      return AwsError::Client("SignatureDoesNotMatch", std::move(detail), 403);
    case AuthFailure::kExpired:
      return AwsError::Client("SignatureDoesNotMatch", "Signature expired", 403);
    case AuthFailure::kScopeDate:
      return AwsError::Client("SignatureDoesNotMatch", std::move(detail), 403);
  }
  return AwsError::Internal("unknown authentication failure");
}

// JSON and rest-json protocols (the Coral exception names).
AwsError JsonError(AuthFailure failure, std::string detail, int status) {
  switch (failure) {
    case AuthFailure::kMissing:
      return AwsError::Client("MissingAuthenticationTokenException", "Missing Authentication Token",
                              status);
    case AuthFailure::kMalformed:
      return AwsError::Client("IncompleteSignatureException", std::move(detail), status);
    case AuthFailure::kUnsupported:
      return AwsError::Client("IncompleteSignatureException", kUnsupportedMessage, status);
    case AuthFailure::kUnknownKey:
      return AwsError::Client("UnrecognizedClientException", kInvalidTokenMessage, status);
    case AuthFailure::kBadSignature:
      return AwsError::Client("InvalidSignatureException", kBadSignatureMessage, status);
    case AuthFailure::kSkewed:
      return AwsError::Client("InvalidSignatureException", std::move(detail), status);
    case AuthFailure::kExpired:
      return AwsError::Client("InvalidSignatureException", "Signature expired", status);
    case AuthFailure::kScopeDate:
      return AwsError::Client("InvalidSignatureException", std::move(detail), status);
  }
  return AwsError::Internal("unknown authentication failure");
}

}  // namespace

AwsError AuthErrorFor(AuthFailure failure, const Route& route, std::string detail) {
  if (route.protocol == Protocol::kRestXml) return S3Error(failure, std::move(detail));
  if (route.protocol == Protocol::kQuery) return QueryError(failure, std::move(detail));
  if (route.service == "sqs") {
    // SQS over JSON is query-compatible: Coral name in __type, legacy code in the header.
    AwsError legacy = QueryError(failure, detail);
    AwsError error = JsonError(failure, std::move(detail), legacy.http_status);
    error.query_code = legacy.code;
    return error;
  }
  return JsonError(failure, std::move(detail), route.protocol == Protocol::kRestJson ? 403 : 400);
}

}  // namespace wharf::dispatch
