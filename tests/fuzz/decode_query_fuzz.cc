// libFuzzer target: the query codec's Decode (services sqs, sns); see codec_fuzz.h.
#include "codec_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wharf::fuzz::FuzzDecode(wharf::Protocol::kQuery, {"sqs", "sns"}, data, size);
  return 0;
}
