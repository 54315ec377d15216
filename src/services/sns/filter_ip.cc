#include "services/sns/filter_ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace wharf::sns::filter {

bool ParseIp(std::string_view text, std::array<std::uint8_t, 16>& bytes, int& len) {
  if (text.empty() || text.size() > 45) return false;
  std::string s(text);
  bytes.fill(0);
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), bytes.data()) != 1) return false;
    len = 4;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), bytes.data()) != 1) return false;
  len = 16;
  return true;
}

bool ParseCidr(std::string_view text, Pattern& out, std::string& error) {
  // Java's String.split("/"): trailing empty parts are dropped.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  while (parts.size() > 1 && parts.back().empty()) parts.pop_back();
  if (parts.size() != 2) {
    error = "Malformed CIDR, one '/' required";
    return false;
  }
  std::string_view mask_text = parts[1];
  if (!mask_text.empty() && mask_text[0] == '+') mask_text.remove_prefix(1);
  int bits = 0;
  auto [ptr, ec] = std::from_chars(mask_text.data(), mask_text.data() + mask_text.size(), bits);
  if (mask_text.empty() || ec != std::errc() || ptr != mask_text.data() + mask_text.size()) {
    error = "Malformed CIDR, mask bits must be an integer";
    return false;
  }
  if (bits < 0) {
    error = "Malformed CIDR, mask bits must not be negative";
    return false;
  }
  std::array<std::uint8_t, 16> ip{};
  int len = 0;
  if (!ParseIp(parts[0], ip, len)) {
    error = "Nonstandard IP address: " + std::string(parts[0]);
    return false;
  }
  if (len == 4 && bits > 31) {
    error = "IPv4 mask bits must be < 32";
    return false;
  }
  if (len == 16 && bits > 127) {
    error = "IPv6 mask bits must be < 128";
    return false;
  }
  out = Pattern{};
  out.kind = PatternKind::kCidr;
  out.text = std::string(text);
  out.ip_len = len;
  out.ip_low = ip;
  out.ip_high = ip;
  // AWS keeps the given address as the bottom and sets the host bits of the top.
  int host_bits = len * 8 - bits;
  for (int i = len - 1; i >= 0 && host_bits > 0; --i, host_bits -= 8) {
    out.ip_high[i] |= host_bits >= 8 ? 0xFF : static_cast<std::uint8_t>((1 << host_bits) - 1);
  }
  return true;
}

bool IpInRange(std::string_view text, const Pattern& pattern) {
  std::array<std::uint8_t, 16> ip{};
  int len = 0;
  if (!ParseIp(text, ip, len) || len != pattern.ip_len) return false;
  auto end = ip.begin() + len;
  return !std::lexicographical_compare(ip.begin(), end, pattern.ip_low.begin(),
                                       pattern.ip_low.begin() + len) &&
         !std::lexicographical_compare(pattern.ip_high.begin(), pattern.ip_high.begin() + len,
                                       ip.begin(), end);
}

}  // namespace wharf::sns::filter
