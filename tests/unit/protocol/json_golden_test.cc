// Golden request/response pairs for the JSON and CBOR codecs: tests/golden/{json,cbor}/*.json.
// Each file holds a request and what it decodes to (or the error response it yields), and/or an
// engine output or error and the exact response it encodes to. {"$bytes": "<base64>"} in a
// document stands for a json binary value.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "wharf/core/encoding.h"
#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"

namespace wharf {
namespace {

using nlohmann::json;

json WithBytes(json v) {
  if (v.is_object() && v.size() == 1 && v.contains("$bytes")) {
    auto raw = Base64Decode(v["$bytes"].get<std::string>()).value();
    return json::binary(std::vector<uint8_t>(raw.begin(), raw.end()));
  }
  if (v.is_structured()) {
    for (auto& e : v) e = WithBytes(e);
  }
  return v;
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string ToHex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

void CheckResponse(const json& expect, const HttpResponse& r) {
  EXPECT_EQ(r.status, expect["status"].get<int>());
  for (const auto& [name, value] : expect["headers"].items()) {
    EXPECT_EQ(HeaderOf(r, name), value.get<std::string>()) << name;
  }
  if (expect.contains("body_hex")) {
    EXPECT_EQ(ToHex(r.body), expect["body_hex"].get<std::string>());
  }
  if (expect.contains("body")) {
    EXPECT_EQ(json::parse(r.body), expect["body"]) << r.body;
  }
}

void RunGolden(const std::filesystem::path& file) {
  SCOPED_TRACE(file.string());
  std::ifstream in(file);
  json g = json::parse(in);
  const ServiceModel* model = ServiceModel::Get(g["service"].get<std::string>());
  ASSERT_NE(model, nullptr);
  auto codec = MakeCodec(g["protocol"] == "cbor" ? Protocol::kCbor : Protocol::kJson, *model);
  RequestContext ctx{"req-1", "000000000000", "us-east-1", "localhost:4566", "json"};

  if (g.contains("request")) {
    HttpRequest req;
    req.method = "POST";
    req.target = req.path = "/";
    for (const auto& [k, v] : g["request"]["headers"].items()) {
      req.headers.emplace_back(k, v.get<std::string>());
    }
    req.body = g["request"].contains("body_hex")
                   ? FromHex(g["request"]["body_hex"].get<std::string>())
                   : g["request"]["body"].get<std::string>();
    auto decoded = codec->Decode(req);
    if (g.contains("decoded")) {
      ASSERT_TRUE(decoded.ok()) << decoded.error().code << ": " << decoded.error().message;
      EXPECT_EQ(decoded->operation, g["decoded"]["operation"].get<std::string>());
      EXPECT_EQ(decoded->input, WithBytes(g["decoded"]["input"])) << decoded->input.dump();
    } else {
      ASSERT_FALSE(decoded.ok());
      CheckResponse(g["response"], codec->EncodeError(decoded.error(), ctx));
    }
  }
  if (g.contains("output")) {
    CheckResponse(g["response"], codec->EncodeOutput(g["output"]["operation"].get<std::string>(),
                                                     WithBytes(g["output"]["document"]), ctx));
  }
  if (g.contains("error")) {
    AwsError e =
        AwsError::Client(g["error"]["code"].get<std::string>(),
                         g["error"]["message"].get<std::string>(), g["error"]["status"].get<int>());
    CheckResponse(g["response"], codec->EncodeError(e, ctx));
  }
}

void RunDir(const char* sub, std::size_t min_files) {
  std::size_t n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(WHARF_GOLDEN_DIR) / sub)) {
    if (entry.path().extension() != ".json") continue;
    RunGolden(entry.path());
    ++n;
  }
  EXPECT_GE(n, min_files);
}

TEST(JsonGoldenTest, AllJsonPairs) { RunDir("json", 9); }
TEST(CborGoldenTest, AllCborPairs) { RunDir("cbor", 4); }

}  // namespace
}  // namespace wharf
