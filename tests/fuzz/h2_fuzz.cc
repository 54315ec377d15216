// libFuzzer target: the cleartext HTTP/2 session (nghttp2 callbacks, streams, flow control,
// limits, streamed bodies) through a real server over loopback; see http_fuzz.h. The input is
// the frame bytes after the connection preface, which the target prepends. Invariant beyond the
// handler's checks: the server's first frame is its SETTINGS frame.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  input.append(reinterpret_cast<const char*>(data), size);
  std::string reply = wharf::fuzz::ExchangeWithServer(input);
  wharf::fuzz::Check(reply.size() < 9 || reply[3] == '\x04',
                     "HTTP/2 server did not start with SETTINGS");
  return 0;
}
