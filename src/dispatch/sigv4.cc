#include "dispatch/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <utility>
#include <vector>

#include "dispatch/http_util.h"
#include "wharf/core/digest.h"
#include "wharf/core/encoding.h"

namespace wharf::dispatch {
namespace {

constexpr int64_t kMaxSkewMs = 15 * 60 * 1000;
constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// RFC 3986 remove_dot_segments as botocore applies it (empty segments collapse too).
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  while (true) {
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

std::string CanonicalQuery(std::string_view query, bool presigned) {
  FormPairs pairs;
  for (const auto& [key, value] : ParseFormPairs(query)) {
    if (presigned && key == "X-Amz-Signature") continue;
    pairs.emplace_back(UriEncode(key, false), UriEncode(value, false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += key + "=" + value;
  }
  return out;
}

// Trims and collapses inner runs of spaces.
void AppendHeaderValue(std::string_view value, std::string* out) {
  bool space = false;
  bool started = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = started;
      continue;
    }
    if (space) out->push_back(' ');
    out->push_back(c);
    space = false;
    started = true;
  }
}

std::string CanonicalHeaders(const HeaderList& headers, std::string_view signed_headers) {
  std::string out;
  while (!signed_headers.empty()) {
    size_t semi = signed_headers.find(';');
    std::string_view name = signed_headers.substr(0, semi);
    signed_headers =
        semi == std::string_view::npos ? std::string_view() : signed_headers.substr(semi + 1);
    out.append(name).push_back(':');
    bool first = true;
    for (const auto& [key, value] : headers) {
      if (key != name) continue;
      if (!first) out.push_back(',');
      AppendHeaderValue(value, &out);
      first = false;
    }
    out.push_back('\n');
  }
  return out;
}

// The value after `name=` in a comma-separated Authorization header.
std::string_view AuthField(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(name, at)) != std::string_view::npos) {
    bool boundary = at == 0 || header[at - 1] == ' ' || header[at - 1] == ',';
    if (boundary && at + name.size() < header.size() && header[at + name.size()] == '=') {
      std::string_view rest = header.substr(at + name.size() + 1);
      return rest.substr(0, rest.find_first_of(", "));
    }
    at += name.size();
  }
  return {};
}

bool SplitCredential(std::string_view credential, SigV4Params* params) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = credential.find('/');
    parts.push_back(credential.substr(0, slash));
    if (slash == std::string_view::npos) break;
    credential = credential.substr(slash + 1);
  }
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty()) return false;
  params->access_key = std::string(parts[0]);
  params->scope_date = std::string(parts[1]);
  params->region = std::string(parts[2]);
  params->service = std::string(parts[3]);
  return true;
}

std::string AmzDateOf(int64_t ms) {
  int64_t seconds = ms / 1000;
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  // Civil from days (inverse of DaysFromCivil).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld%02u%02uT%02lld%02lld%02lldZ", static_cast<long long>(y),
                m, d, static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace

int64_t ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return -1;
  auto num = [&](size_t pos, size_t len, int64_t* out) {
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
    return ec == std::errc() && end == s.data() + pos + len;
  };
  int64_t y, mo, d, h, mi, se;
  if (!num(0, 4, &y) || !num(4, 2, &mo) || !num(6, 2, &d) || !num(9, 2, &h) || !num(11, 2, &mi) ||
      !num(13, 2, &se) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    return -1;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000 + se * 1000;
}

Result<SigV4Params> ParseSigV4(const HttpRequest& request, const Route& route) {
  SigV4Params params;
  if (route.auth == AuthKind::kSigV4Header) {
    std::string_view header = FindHeader(request.headers, "authorization");
    std::string_view credential = AuthField(header, "Credential");
    params.signed_headers = std::string(AuthField(header, "SignedHeaders"));
    params.signature = std::string(AuthField(header, "Signature"));
    params.amz_date = std::string(FindHeader(request.headers, "x-amz-date"));
    if (!SplitCredential(credential, &params) || params.signed_headers.empty() ||
        params.signature.empty()) {
      return AuthErrorFor(AuthFailure::kMalformed, route,
                          "Authorization header requires 'Credential', 'Signature' and "
                          "'SignedHeaders' parameters.");
    }
    if (params.amz_date.empty()) {
      return AuthErrorFor(AuthFailure::kMalformed, route,
                          "Authorization header requires existence of a 'X-Amz-Date' header.");
    }
    return params;
  }
  params.presigned = true;
  std::string algorithm, credential, expires;
  bool complete = FindRawParam(request.query, "X-Amz-Algorithm", &algorithm) &&
                  FindRawParam(request.query, "X-Amz-Credential", &credential) &&
                  FindRawParam(request.query, "X-Amz-Signature", &params.signature) &&
                  FindRawParam(request.query, "X-Amz-Date", &params.amz_date) &&
                  FindRawParam(request.query, "X-Amz-SignedHeaders", &params.signed_headers) &&
                  FindRawParam(request.query, "X-Amz-Expires", &expires);
  if (!complete || algorithm != kAlgorithm || !SplitCredential(credential, &params)) {
    return AuthErrorFor(AuthFailure::kMalformed, route,
                        "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                        "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                        "and X-Amz-Expires parameters.");
  }
  auto [end, ec] =
      std::from_chars(expires.data(), expires.data() + expires.size(), params.expires_seconds);
  if (ec != std::errc() || end != expires.data() + expires.size() || params.expires_seconds < 1 ||
      params.expires_seconds > 604800) {
    return AuthErrorFor(AuthFailure::kMalformed, route,
                        "X-Amz-Expires must be between 1 and 604800 seconds (one week).");
  }
  return params;
}

std::string CanonicalRequest(const HttpRequest& request, const SigV4Params& params, bool s3) {
  std::string uri;
  if (s3) {
    uri = request.path.empty() ? "/" : request.path;
  } else {
    uri = UriEncode(NormalizePath(request.path), true);
  }
  std::string payload_hash;
  std::string_view content_sha = FindHeader(request.headers, "x-amz-content-sha256");
  if (s3 && !content_sha.empty()) {
    payload_hash = std::string(content_sha);
  } else if (s3 && params.presigned) {
    payload_hash = "UNSIGNED-PAYLOAD";
  } else {
    payload_hash = Sha256Hex(request.body);
  }
  return request.method + "\n" + uri + "\n" + CanonicalQuery(request.query, params.presigned) +
         "\n" + CanonicalHeaders(request.headers, params.signed_headers) + "\n" +
         params.signed_headers + "\n" + payload_hash;
}

std::string StringToSign(const SigV4Params& params, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + params.amz_date + "\n" + params.scope_date + "/" +
         params.region + "/" + params.service + "/aws4_request\n" + Sha256Hex(canonical_request);
}

std::string ComputeSignature(std::string_view secret, const SigV4Params& params,
                             std::string_view string_to_sign) {
  std::string key = "AWS4";
  key.append(secret);
  key = Hmac(key, params.scope_date);
  key = Hmac(key, params.region);
  key = Hmac(key, params.service);
  key = Hmac(key, "aws4_request");
  std::string signature = Hmac(key, string_to_sign);
  return HexEncode(signature);
}

Status VerifySigV4(const HttpRequest& request, const Route& route,
                   const std::map<std::string, std::string>& credentials, int64_t now_ms) {
  switch (route.auth) {
    case AuthKind::kNone:
      return AuthErrorFor(AuthFailure::kMissing, route, "");
    case AuthKind::kSigV2:
    case AuthKind::kSigV4a:
      return AuthErrorFor(AuthFailure::kUnsupported, route, "");
    case AuthKind::kSigV4Header:
    case AuthKind::kSigV4Query:
      break;
  }
  auto params = ParseSigV4(request, route);
  if (!params.ok()) return std::move(params).error();
  auto secret = credentials.find(params->access_key);
  if (secret == credentials.end()) return AuthErrorFor(AuthFailure::kUnknownKey, route, "");
  int64_t signed_ms = ParseAmzDate(params->amz_date);
  if (signed_ms < 0) {
    return AuthErrorFor(AuthFailure::kMalformed, route,
                        "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z'.");
  }
  if (params->scope_date != params->amz_date.substr(0, 8)) {
    return AuthErrorFor(AuthFailure::kScopeDate, route,
                        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                        "date from HTTP: '" +
                            params->scope_date + "' != '" + params->amz_date.substr(0, 8) +
                            "', from '" + params->amz_date + "'.");
  }
  if (params->presigned && now_ms > signed_ms + params->expires_seconds * 1000) {
    return AuthErrorFor(AuthFailure::kExpired, route, "");
  }
  if ((params->presigned && signed_ms - now_ms > kMaxSkewMs) ||
      (!params->presigned && std::llabs(now_ms - signed_ms) > kMaxSkewMs)) {
    std::string bound = AmzDateOf(signed_ms < now_ms ? now_ms - kMaxSkewMs : now_ms + kMaxSkewMs);
    bool past = signed_ms < now_ms;
    std::string detail = past ? "Signature expired: " : "Signature not yet current: ";
    detail += params->amz_date + (past ? " is now earlier than " : " is now later than ") + bound +
              " (" + AmzDateOf(now_ms) + (past ? " - 15 min.)" : " + 15 min.)");
    return AuthErrorFor(AuthFailure::kSkewed, route, std::move(detail));
  }
  bool s3 = params->service == "s3";
  std::string canonical = CanonicalRequest(request, *params, s3);
  std::string expected =
      ComputeSignature(secret->second, *params, StringToSign(*params, canonical));
  if (expected.size() != params->signature.size() ||
      CRYPTO_memcmp(expected.data(), params->signature.data(), expected.size()) != 0) {
    return AuthErrorFor(AuthFailure::kBadSignature, route, "");
  }
  return OkStatus();
}

}  // namespace wharf::dispatch
