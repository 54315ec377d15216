// libFuzzer target: the json codec's Decode (services sqs, kinesis); see codec_fuzz.h.
#include "codec_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wharf::fuzz::FuzzDecode(wharf::Protocol::kJson, {"sqs", "kinesis"}, data, size);
  return 0;
}
