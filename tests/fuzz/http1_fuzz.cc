// libFuzzer target: the HTTP/1.x session (Beast parser, keep-alive, pipelining, chunked bodies,
// 100-continue, limits, CORS) through a real server over loopback; see http_fuzz.h. An input
// that starts with the HTTP/2 preface is skipped (that is h2_fuzz's job). Invariant beyond the
// handler's checks: whatever the server answers starts with a status line.
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "http_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.rfind("PRI ", 0) == 0) return 0;
  std::string reply = wharf::fuzz::ExchangeWithServer(input);
  wharf::fuzz::Check(reply.empty() || reply.rfind("HTTP/1.", 0) == 0,
                     "HTTP/1 answer does not start with a status line");
  return 0;
}
