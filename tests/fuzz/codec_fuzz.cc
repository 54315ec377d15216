#include "codec_fuzz.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "fuzz_request.h"
#include "wharf/protocol/model.h"

namespace wharf::fuzz {
namespace {

const Codec& CodecFor(Protocol protocol, std::string_view service) {
  static std::mutex mu;
  static auto* codecs = new std::map<std::pair<int, std::string>, std::unique_ptr<Codec>>();
  std::lock_guard lock(mu);
  auto& slot = (*codecs)[{static_cast<int>(protocol), std::string(service)}];
  if (!slot) {
    const ServiceModel* model = ServiceModel::Get(service);
    Check(model != nullptr, "no model for a fuzzed service");
    slot = MakeCodec(protocol, *model);
    Check(slot != nullptr, "MakeCodec returned null");
  }
  return *slot;
}

}  // namespace

void FuzzDecode(Protocol protocol, std::initializer_list<std::string_view> services,
                const uint8_t* data, size_t size) {
  if (size == 0) return;
  std::string_view service = services.begin()[data[0] % services.size()];
  const Codec& codec = CodecFor(protocol, service);
  HttpRequest request =
      RequestFromBytes(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  RequestContext ctx{"req-1", "000000000000", "us-east-1", "localhost:4566", "fuzz"};
  Result<DecodedCall> call = codec.Decode(request);
  if (call.ok()) {
    Check(!call->operation.empty(), "decoded call without an operation");
    Check(call->input.is_object(), "decoded input is not an object");
    return;
  }
  const AwsError& error = call.error();
  Check(!error.code.empty(), "decode error without a code");
  Check(error.http_status >= 400 && error.http_status <= 599, "decode error status not 4xx/5xx");
  HttpResponse response = codec.EncodeError(error, ctx);
  Check(response.status == error.http_status, "encoded error status differs from the error's");
}

}  // namespace wharf::fuzz
