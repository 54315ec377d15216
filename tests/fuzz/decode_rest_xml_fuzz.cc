// libFuzzer target: the rest_xml codec's Decode (services s3); see codec_fuzz.h.
#include "codec_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wharf::fuzz::FuzzDecode(wharf::Protocol::kRestXml, {"s3"}, data, size);
  return 0;
}
