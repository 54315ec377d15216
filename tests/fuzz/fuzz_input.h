// A tiny structured reader over fuzz bytes, in the spirit of libFuzzer's FuzzedDataProvider but
// usable with gcc too (the replay drivers in the normal build). Every Consume* is total: when the
// bytes run out it returns the smallest value ("" / min / false). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wharf::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t remaining() const { return size_ - pos_; }
  bool empty() const { return pos_ >= size_; }

  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool Bool() { return (Byte() & 1) != 0; }

  // A value in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Range(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    uint64_t v = 0;
    for (uint64_t s = span; s != 0 && !empty(); s >>= 8) v = (v << 8) | Byte();
    if (span != UINT64_MAX) v %= span + 1;
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + v);
  }

  // A value in [lo, hi], one time in four an edge of the range or 0 (when in it): bugs sit at
  // the edges (a VisibilityTimeout of 0 is one value in 43,203 for Range). REQUIRES: lo <= hi.
  int64_t Edgy(int64_t lo, int64_t hi) {
    if (Range(0, 3) != 0) return Range(lo, hi);
    const int64_t edges[] = {lo, hi, lo < 0 && hi > 0 ? 0 : lo, lo < hi ? lo + 1 : lo};
    return edges[Pick(4)];
  }

  // Bytes up to a backslash-terminated boundary ("\\" escapes a backslash), at most `max` bytes:
  // the same convention as libFuzzer's ConsumeRandomLengthString, so mutations that insert or
  // delete bytes mostly keep later fields aligned.
  std::string String(size_t max = 64) {
    std::string out;
    while (!empty() && out.size() < max) {
      char c = static_cast<char>(Byte());
      if (c == '\\' && !empty()) {
        c = static_cast<char>(Byte());
        if (c != '\\') break;
      }
      out.push_back(c);
    }
    return out;
  }

  // Picks one of `n` choices. REQUIRES: n > 0.
  size_t Pick(size_t n) { return static_cast<size_t>(Range(0, static_cast<int64_t>(n) - 1)); }

  std::string_view Rest() {
    std::string_view out(reinterpret_cast<const char*>(data_) + pos_, size_ - pos_);
    pos_ = size_;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace wharf::fuzz
