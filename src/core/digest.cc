#include "wharf/core/digest.h"

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "wharf/core/encoding.h"

namespace wharf {
namespace {

// Implicit fetches (EVP_md5()) look the algorithm up on every call in OpenSSL 3; fetch once.
const EVP_MD* Fetch(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) throw std::runtime_error(std::string("OpenSSL has no ") + name);
  return md;
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

const EVP_MD* Md5Algorithm() {
  static const EVP_MD* md = Fetch("MD5");
  return md;
}

const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* md = Fetch("SHA256");
  return md;
}

}  // namespace

std::string Md5Hex(std::string_view data) { return HexEncode(Digest(Md5Algorithm(), data)); }

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string Sha256(std::string_view data) { return Digest(Sha256Algorithm(), data); }

}  // namespace wharf
