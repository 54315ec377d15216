#include "aws_client.h"

namespace wharf::bench {
namespace {

constexpr std::string_view kUserAgent = "wharf-bench/" WHARF_VERSION;

}  // namespace

std::string FormEncode(std::string_view value) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
  return out;
}

std::string FormBody(const FormParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(FormEncode(key)).append("=").append(FormEncode(value));
  }
  return out;
}

AwsClient::AwsClient(Endpoint endpoint, Credentials credentials, std::string region,
                     std::string service)
    : endpoint_(std::move(endpoint)),
      signer_(std::move(credentials), std::move(region), std::move(service)) {}

std::string AwsClient::Json(std::string_view target, std::string_view json_version,
                            std::string body) {
  HttpRequest request;
  request.headers = {{"Host", endpoint_.host},
                     {"User-Agent", std::string(kUserAgent)},
                     {"X-Amz-Target", std::string(target)},
                     {"Content-Type", "application/x-amz-json-" + std::string(json_version)}};
  if (signer_.service() == "sqs") request.headers.emplace_back("x-amzn-query-mode", "true");
  request.body = std::move(body);
  return Finish(std::move(request));
}

std::string AwsClient::Query(const FormParams& params) {
  HttpRequest request;
  request.headers = {{"Host", endpoint_.host},
                     {"User-Agent", std::string(kUserAgent)},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = FormBody(params);
  return Finish(std::move(request));
}

std::string AwsClient::Get(std::string_view path) const {
  HttpRequest request;
  request.method = "GET";
  request.target = std::string(path);
  request.headers = {{"Host", endpoint_.host}, {"User-Agent", std::string(kUserAgent)}};
  return Serialize(request);
}

std::string AwsClient::Finish(HttpRequest request) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (now != date_second_ || amz_date_.empty()) {
    date_second_ = now;
    amz_date_ = AmzDate(now);
  }
  std::string key = amz_date_;
  for (const auto& [name, value] : request.headers) key.append(name).append(value);
  key.append("\n").append(request.body);
  if (key != last_key_) {
    signer_.Sign(request, amz_date_);
    last_key_ = std::move(key);
    last_bytes_ = Serialize(request);
  }
  // The unsigned SDK headers go right after the request line.
  size_t line_end = last_bytes_.find("\r\n") + 2;
  std::string out;
  out.reserve(last_bytes_.size() + 96);
  out.append(last_bytes_, 0, line_end).append(SdkHeaders()).append(last_bytes_, line_end);
  return out;
}

std::string AwsClient::SdkHeaders() {
  static constexpr char kDigits[] = "0123456789abcdef";
  uint64_t hi = random_();
  uint64_t lo = random_();
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                    // version 4
  lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{8} << 60);  // variant 10xx
  std::string uuid;
  uuid.reserve(36);
  for (int i = 0; i < 32; ++i) {
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    uuid.push_back(kDigits[(word >> shift) & 0xf]);
    if (i == 7 || i == 11 || i == 15 || i == 19) uuid.push_back('-');
  }
  return "amz-sdk-invocation-id: " + uuid + "\r\namz-sdk-request: attempt=1\r\n";
}

}  // namespace wharf::bench
