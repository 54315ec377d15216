// libFuzzer target: the rest_json codec's Decode (services apigateway); see codec_fuzz.h.
#include "codec_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wharf::fuzz::FuzzDecode(wharf::Protocol::kRestJson, {"apigateway"}, data, size);
  return 0;
}
