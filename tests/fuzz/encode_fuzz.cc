// libFuzzer target: output and error encoding. The input picks a (protocol, service) pair and an
// operation, then drives a generator that builds an output document shaped like the operation's
// output shape (as engines produce them, with fuzzed strings, numbers, blobs, timestamps and
// list/map sizes), which is encoded; then an error with fuzzed code and message. Also checks
// the XML escaper: its output never holds a raw '<', '>', '"' or control character, and every
// '&' starts an entity.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codec_fuzz.h"
#include "fuzz_input.h"
#include "protocol/query/xml_writer.h"
#include "protocol/shapes.h"
#include "wharf/protocol/model.h"

namespace wharf::fuzz {
namespace {

using nlohmann::json;

struct Target {
  Protocol protocol;
  const char* service;
};
constexpr Target kTargets[] = {{Protocol::kQuery, "sqs"},          {Protocol::kQuery, "sns"},
                               {Protocol::kJson, "sqs"},           {Protocol::kJson, "kinesis"},
                               {Protocol::kCbor, "kinesis"},       {Protocol::kRestXml, "s3"},
                               {Protocol::kRestJson, "apigateway"}};

struct Prepared {
  const ServiceModel* model;
  std::unique_ptr<Codec> codec;
  std::vector<std::string> operations;
};

const std::vector<Prepared>& All() {
  static const auto* all = [] {
    auto* v = new std::vector<Prepared>();
    for (const Target& t : kTargets) {
      const ServiceModel* model = ServiceModel::Get(t.service);
      Check(model != nullptr, "no model");
      Prepared p{model, MakeCodec(t.protocol, *model), {}};
      for (const auto& [name, op] : model->document()["operations"].items()) {
        p.operations.push_back(name);
      }
      v->push_back(std::move(p));
    }
    return v;
  }();
  return *all;
}

json Generate(const ServiceModel& model, const json& shape, FuzzInput& in, int depth) {
  std::string_view type = ShapeType(shape);
  if (type == "structure") {
    json out = json::object();
    if (depth > 6 || !shape.contains("members")) return out;
    for (const auto& [name, ref] : shape["members"].items()) {
      if (!in.Bool()) continue;
      const json* member = ResolveRef(model, ref);
      if (member != nullptr) out[name] = Generate(model, *member, in, depth + 1);
    }
    return out;
  }
  if (type == "list") {
    json out = json::array();
    const json* member = shape.contains("member") ? ResolveRef(model, shape["member"]) : nullptr;
    for (int64_t n = depth > 6 ? 0 : in.Range(0, 3); member != nullptr && n > 0; --n) {
      out.push_back(Generate(model, *member, in, depth + 1));
    }
    return out;
  }
  if (type == "map") {
    json out = json::object();
    const json* value = shape.contains("value") ? ResolveRef(model, shape["value"]) : nullptr;
    for (int64_t n = depth > 6 ? 0 : in.Range(0, 3); value != nullptr && n > 0; --n) {
      out[in.String(16)] = Generate(model, *value, in, depth + 1);
    }
    return out;
  }
  if (type == "integer") return in.Range(std::numeric_limits<int32_t>::min(), INT32_MAX);
  if (type == "long") return in.Range(INT64_MIN, INT64_MAX);
  if (type == "float" || type == "double") {
    return static_cast<double>(in.Range(-1'000'000, 1'000'000)) / 8.0;
  }
  if (type == "boolean") return in.Bool();
  if (type == "timestamp") return static_cast<double>(in.Range(0, 8'000'000'000'000)) / 1000.0;
  if (type == "blob") {
    std::string bytes = in.String(64);
    return json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  }
  if (shape.contains("enum") && shape["enum"].is_array() && !shape["enum"].empty() && in.Bool()) {
    return shape["enum"][in.Pick(shape["enum"].size())];
  }
  return in.String(128);
}

void CheckEscaped(std::string_view raw) {
  std::string out;
  query::AppendXmlEscaped(out, raw);
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    Check(c != '<' && c != '>' && c != '"', "raw markup character after XML escaping");
    Check(c >= 0x20 || c == '\t' || c == '\n', "raw control character after XML escaping");
    if (c == '&') {
      size_t semi = out.find(';', i);
      Check(semi != std::string::npos && semi - i <= 7, "'&' that starts no entity");
    }
  }
}

}  // namespace
}  // namespace wharf::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wharf;
  using namespace wharf::fuzz;
  FuzzInput in(data, size);
  const Prepared& p = All()[in.Pick(std::size(kTargets))];
  const std::string& operation = p.operations[in.Pick(p.operations.size())];
  RequestContext ctx{"req-1", "000000000000", "us-east-1", "localhost:4566", "fuzz"};
  const nlohmann::json* op = p.model->Operation(operation);
  const nlohmann::json* shape = op != nullptr ? OutputShape(*p.model, *op) : nullptr;
  nlohmann::json output =
      shape != nullptr ? Generate(*p.model, *shape, in, 0) : nlohmann::json::object();
  HttpResponse ok = p.codec->EncodeOutput(operation, output, ctx);
  Check(ok.status >= 200 && ok.status <= 299, "encoded output without a 2xx status");
  AwsError error{in.String(32), in.String(256), static_cast<int>(in.Range(400, 599)), in.Bool(),
                 in.String(32)};
  HttpResponse err = p.codec->EncodeError(error, ctx);
  Check(err.status == error.http_status, "encoded error status differs from the error's");
  CheckEscaped(in.Rest());
  return 0;
}
