// The replay driver that stands in for libFuzzer in the normal (gcc) build: runs every seed file
// through LLVMFuzzerTestOneInput, then a fixed number of deterministic mutations of them
// (xorshift-seeded bit flips, byte edits, token inserts, truncation, splices). A crash, a
// sanitizer report or an abort() in a target fails the process, hence the ctest.
//
//   <target> [--mutations N] [--seed S] [--trace] [--dump K FILE] PATH...
// PATH is a seed file or a directory of them. --trace prints each input's index before running
// it (to find the one that crashed); --dump writes mutation K to FILE and exits, so the input
// can be replayed by the libFuzzer binary or kept as a regression seed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr size_t kMaxLen = 64 * 1024;
constexpr std::string_view kTokens[] = {
    "\r\n", "\n\n", "%", "%zz", "&",    "=",  "\\",    "\"",   "{",       "}",   "[",
    "]",    "<",    ">", "\0",  "\xff", "-1", "1e999", "null", "Action=", ".1.", "*"};

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed ? seed : 0x9e3779b97f4a7c15ull) {}
  uint64_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

 private:
  uint64_t s_;
};

std::string Mutate(const std::vector<std::string>& seeds, Rng& rng) {
  std::string s = seeds.empty() ? std::string() : seeds[rng.Below(seeds.size())];
  size_t edits = 1 + rng.Below(4);
  for (size_t i = 0; i < edits; ++i) {
    size_t pos = rng.Below(s.size() + 1);
    switch (rng.Below(7)) {
      case 0:
        if (!s.empty()) s[pos % s.size()] ^= static_cast<char>(1u << rng.Below(8));
        break;
      case 1:
        s.insert(pos, 1, static_cast<char>(rng.Below(256)));
        break;
      case 2:
        if (!s.empty()) s.erase(pos % s.size(), 1 + rng.Below(8));
        break;
      case 3: {
        std::string_view t = kTokens[rng.Below(std::size(kTokens))];
        s.insert(pos, t.empty() ? std::string_view("\0", 1) : t);
        break;
      }
      case 4:
        s.resize(pos);
        break;
      case 5:
        if (!s.empty()) {
          size_t from = rng.Below(s.size());
          std::string chunk = s.substr(from, 1 + rng.Below(32));
          s.insert(pos, chunk);
        }
        break;
      default:
        if (!seeds.empty()) {
          const std::string& other = seeds[rng.Below(seeds.size())];
          s = s.substr(0, pos) + other.substr(std::min(pos, other.size()));
        }
        break;
    }
  }
  if (s.size() > kMaxLen) s.resize(kMaxLen);
  return s;
}

bool ReadFile(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 1000;
  uint64_t seed = 1;
  bool trace = false;
  long dump_index = -1;
  std::string dump_file;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--trace") {
      trace = true;
    } else if (arg == "--dump" && i + 2 < argc) {
      dump_index = std::strtol(argv[++i], nullptr, 10);
      dump_file = argv[++i];
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else {
      files.emplace_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> seeds;
  for (const auto& f : files) {
    std::string data;
    if (!ReadFile(f, data)) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 2;
    }
    if (dump_index < 0) {
      if (trace) std::fprintf(stderr, "seed %s\n", f.c_str());
      Run(data);
    }
    seeds.push_back(std::move(data));
  }
  Rng rng(seed);
  for (long k = 0; k < mutations; ++k) {
    std::string input = Mutate(seeds, rng);
    if (k == dump_index) {
      std::ofstream(dump_file, std::ios::binary) << input;
      return 0;
    }
    if (dump_index >= 0) continue;
    if (trace) std::fprintf(stderr, "mutation %ld\n", k);
    Run(input);
  }
  std::printf("replayed %zu seeds and %ld mutations: no crash\n", seeds.size(), mutations);
  return 0;
}
