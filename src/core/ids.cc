#include "wharf/core/ids.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "wharf/core/encoding.h"

namespace wharf {
namespace {

constexpr size_t kPoolBytes = 4096;

// Fills `out` from this thread's pool, refilling it from RAND_bytes when it runs dry.
void Draw(unsigned char* out, size_t n) {
  thread_local std::array<unsigned char, kPoolBytes> pool;
  thread_local size_t used = kPoolBytes;
  while (n > 0) {
    if (used == kPoolBytes) {
      if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
      }
      used = 0;
    }
    const size_t take = std::min(n, kPoolBytes - used);
    std::copy_n(pool.data() + used, take, out);
    std::fill_n(pool.data() + used, take, 0);  // a drawn byte is never handed out twice
    used += take;
    out += take;
    n -= take;
  }
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  Draw(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

std::string RandomHex(size_t bytes) { return HexEncode(RandomBytes(bytes)); }

std::string NewUuid() {
  std::array<unsigned char, 16> b;
  Draw(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 36> text;
  size_t n = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text[n++] = '-';
    text[n++] = kHex[b[i] >> 4];
    text[n++] = kHex[b[i] & 15];
  }
  return std::string(text.data(), n);
}

}  // namespace wharf
