#include "sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

namespace wharf::bench {
namespace {

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, EVP_sha256(), nullptr);
  return Hex(out, size);
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[20];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SigV4Signer::SigV4Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

void SigV4Signer::Sign(HttpRequest& request, const std::string& amz_date) {
  request.headers.emplace_back("X-Amz-Date", amz_date);
  std::string date = amz_date.substr(0, 8);
  if (date != key_date_) {
    std::string k = Hmac("AWS4" + credentials_.secret_key, date);
    k = Hmac(k, region_);
    k = Hmac(k, service_);
    key_ = Hmac(k, "aws4_request");
    key_date_ = date;
  }
  std::vector<std::pair<std::string, std::string>> signed_headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    if (lower == "user-agent" || lower == "content-length") continue;
    signed_headers.emplace_back(std::move(lower), value);
  }
  std::sort(signed_headers.begin(), signed_headers.end());
  std::string canonical_headers;
  std::string names;
  for (const auto& [name, value] : signed_headers) {
    canonical_headers.append(name).append(":").append(value).append("\n");
    if (!names.empty()) names.append(";");
    names.append(name);
  }
  std::string canonical = request.method + "\n" + request.target + "\n\n" + canonical_headers +
                          "\n" + names + "\n" + Sha256Hex(request.body);
  std::string scope = date + "/" + region_ + "/" + service_ + "/aws4_request";
  std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(canonical);
  std::string mac = Hmac(key_, to_sign);
  std::string signature = Hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  request.headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials_.access_key + "/" + scope +
                           ", SignedHeaders=" + names + ", Signature=" + signature);
}

}  // namespace wharf::bench
