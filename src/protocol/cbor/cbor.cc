// WriteCbor and ParseCbor.
#include "protocol/cbor/cbor.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "wharf/core/encoding.h"
#include "protocol/shapes.h"
#include "protocol/validate.h"

namespace wharf {
namespace {

class Writer {
 public:
  explicit Writer(const ServiceModel& model) : model_(model) {}

  std::string Take() { return std::move(out_); }

  void Value(const nlohmann::json* shape, const nlohmann::json& v, int depth) {
    std::string_view type = shape == nullptr ? std::string_view() : ShapeType(*shape);
    if (depth > 64) type = {};
    if (type == "timestamp" && v.is_number()) {
      out_ += static_cast<char>(0xC1);
      Integer(static_cast<int64_t>(std::llround(v.get<double>() * 1000.0)));
      return;
    }
    if (type == "blob" && v.is_string()) {
      auto bytes = Base64Decode(v.get_ref<const std::string&>());
      const std::string& data = bytes ? *bytes : v.get_ref<const std::string&>();
      Head(2, data.size());
      out_ += data;
      return;
    }
    switch (v.type()) {
      case nlohmann::json::value_t::null:
      case nlohmann::json::value_t::discarded:
        out_ += static_cast<char>(0xF6);
        return;
      case nlohmann::json::value_t::boolean:
        out_ += static_cast<char>(v.get<bool>() ? 0xF5 : 0xF4);
        return;
      case nlohmann::json::value_t::number_integer:
        Integer(v.get<int64_t>());
        return;
      case nlohmann::json::value_t::number_unsigned:
        Head(0, v.get<uint64_t>());
        return;
      case nlohmann::json::value_t::number_float:
        Double(v.get<double>());
        return;
      case nlohmann::json::value_t::string:
        Head(3, v.get_ref<const std::string&>().size());
        out_ += v.get_ref<const std::string&>();
        return;
      case nlohmann::json::value_t::binary: {
        const auto& bin = v.get_binary();
        Head(2, bin.size());
        out_.append(reinterpret_cast<const char*>(bin.data()), bin.size());
        return;
      }
      case nlohmann::json::value_t::array: {
        const nlohmann::json* element = Child(shape, type == "list" ? "member" : nullptr);
        Head(4, v.size());
        for (const auto& e : v) Value(element, e, depth + 1);
        return;
      }
      case nlohmann::json::value_t::object: {
        Head(5, v.size());
        auto members =
            type == "structure" ? shape->find("members") : nlohmann::json::const_iterator();
        const nlohmann::json* map_value = Child(shape, type == "map" ? "value" : nullptr);
        for (const auto& [k, e] : v.items()) {
          Head(3, k.size());
          out_ += k;
          const nlohmann::json* member = map_value;
          if (type == "structure" && members != shape->end() && members->contains(k)) {
            member = ResolveRef(model_, (*members)[k]);
          }
          Value(member, e, depth + 1);
        }
        return;
      }
    }
  }

 private:
  const nlohmann::json* Child(const nlohmann::json* shape, const char* key) const {
    if (shape == nullptr || key == nullptr) return nullptr;
    auto it = shape->find(key);
    return it == shape->end() ? nullptr : ResolveRef(model_, *it);
  }

  void Head(uint8_t major, uint64_t n) {
    uint8_t m = static_cast<uint8_t>(major << 5);
    if (n < 24) {
      out_ += static_cast<char>(m | n);
    } else if (n <= 0xFF) {
      out_ += static_cast<char>(m | 24);
      Big(n, 1);
    } else if (n <= 0xFFFF) {
      out_ += static_cast<char>(m | 25);
      Big(n, 2);
    } else if (n <= 0xFFFFFFFFULL) {
      out_ += static_cast<char>(m | 26);
      Big(n, 4);
    } else {
      out_ += static_cast<char>(m | 27);
      Big(n, 8);
    }
  }

  void Big(uint64_t n, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out_ += static_cast<char>((n >> (8 * i)) & 0xFF);
  }

  void Integer(int64_t n) {
    if (n >= 0) {
      Head(0, static_cast<uint64_t>(n));
    } else {
      Head(1, static_cast<uint64_t>(-1 - n));
    }
  }

  void Double(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    out_ += static_cast<char>(0xFB);
    Big(bits, 8);
  }

  const ServiceModel& model_;
  std::string out_;
};

constexpr std::size_t kMaxCborDepth = 64;
constexpr uint64_t kIndefinite = ~0ULL;

// True if `b` holds exactly one well-formed CBOR item nested at most kMaxCborDepth deep; then
// `untagged` receives `b` without its tag heads (nlohmann rejects tags 0-5, including the tag 1
// of timestamps). Runs without recursion, so hostile nesting cannot exhaust the stack of the
// (recursive) parser.
bool WellFormedAndShallow(std::string_view b, std::string& untagged) {
  std::vector<std::pair<std::size_t, std::size_t>> tags;  // [begin, end) of each tag head
  std::vector<uint64_t> open;  // items still expected in each open container
  std::size_t i = 0;
  bool done = false;
  auto complete = [&] {
    while (!open.empty()) {
      if (open.back() == kIndefinite || --open.back() > 0) return;
      open.pop_back();
    }
    done = true;
  };
  while (!done) {
    if (i >= b.size()) return false;
    const std::size_t head = i;
    const uint8_t ib = static_cast<uint8_t>(b[i++]);
    if (ib == 0xFF) {
      if (open.empty() || open.back() != kIndefinite) return false;
      open.pop_back();
      complete();
      continue;
    }
    const uint8_t major = ib >> 5;
    const uint8_t ai = ib & 31;
    uint64_t arg = ai;
    bool indefinite = false;
    if (ai >= 24 && ai <= 27) {
      std::size_t n = std::size_t{1} << (ai - 24);
      if (b.size() - i < n) return false;
      arg = 0;
      for (std::size_t k = 0; k < n; ++k) arg = (arg << 8) | static_cast<uint8_t>(b[i++]);
    } else if (ai == 31) {
      if (major < 2 || major > 5) return false;
      indefinite = true;
    } else if (ai > 27) {
      return false;
    }
    switch (major) {
      case 2:
      case 3:
        if (indefinite) {
          open.push_back(kIndefinite);
        } else {
          if (b.size() - i < arg) return false;
          i += static_cast<std::size_t>(arg);
          complete();
        }
        break;
      case 4:
      case 5:
        if (indefinite) {
          open.push_back(kIndefinite);
        } else if (arg == 0) {
          complete();
        } else {
          if (arg > b.size()) return false;  // each item needs at least one byte
          open.push_back(major == 5 ? arg * 2 : arg);
        }
        break;
      case 6:
        tags.emplace_back(head, i);  // a tag: the next item is the tagged one
        break;
      default:
        complete();
    }
    if (open.size() > kMaxCborDepth) return false;
  }
  if (i != b.size()) return false;
  std::size_t from = 0;
  for (const auto& [begin, end] : tags) {
    untagged.append(b.substr(from, begin - from));
    from = end;
  }
  untagged.append(b.substr(from));
  return true;
}

}  // namespace

Result<nlohmann::json> ParseCbor(std::string_view bytes) {
  std::string untagged;
  if (!WellFormedAndShallow(bytes, untagged)) {
    return SerializationError("Malformed CBOR request body");
  }
  try {
    auto doc = nlohmann::json::from_cbor(untagged.begin(), untagged.end(), /*strict=*/true,
                                         /*allow_exceptions=*/false,
                                         nlohmann::json::cbor_tag_handler_t::ignore);
    if (doc.is_discarded()) return SerializationError("Malformed CBOR request body");
    return doc;
  } catch (const std::exception&) {
    return SerializationError("Malformed CBOR request body");
  }
}

std::string WriteCbor(const ServiceModel& model, const nlohmann::json* shape,
                      const nlohmann::json& value) {
  Writer w(model);
  w.Value(shape, value, 0);
  return w.Take();
}

}  // namespace wharf
