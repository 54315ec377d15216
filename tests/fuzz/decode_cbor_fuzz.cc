// libFuzzer target: the cbor codec's Decode (services kinesis); see codec_fuzz.h.
#include "codec_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wharf::fuzz::FuzzDecode(wharf::Protocol::kCbor, {"kinesis"}, data, size);
  return 0;
}
