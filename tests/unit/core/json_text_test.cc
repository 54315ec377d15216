// ParseJsonText and WriteJsonText must give exactly what nlohmann's parse() and dump() give.
#include "wharf/core/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wharf {
namespace {

using nlohmann::json;

std::string Dump(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

void ExpectParsesLikeNlohmann(const std::string& text) {
  SCOPED_TRACE(text);
  json expected = json::parse(text, nullptr, false);
  std::optional<json> got = ParseJsonText(text);
  if (expected.is_discarded()) {
    EXPECT_FALSE(got.has_value());
    return;
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(Dump(*got), Dump(expected));
  EXPECT_EQ(got->type(), expected.type());
}

TEST(JsonTextTest, ParsesAsNlohmannDoes) {
  const std::vector<std::string> texts = {
      R"({"QueueUrl":"http://h/000000000000/q","MessageBody":"hello","DelaySeconds":5})",
      R"({"Entries":[{"Id":"a","MessageBody":"x"},{"Id":"b","MessageBody":"y"}]})",
      R"({"a":1,"a":2})",  // duplicate key: the last wins
      R"({"n":-3,"u":3,"big":18446744073709551615,"f":1.5,"e":1e3,"z":-0})",
      R"({"huge":123456789012345678901234567890})",  // beyond 64 bits: a double
      R"({"s":"caf\u00e9 \"q\" \\ \/ \b\f\n\r\t \u0000"})",
      R"({"pair":"\ud83d\ude00"})",  // surrogate pair
      R"({"lone":"\udc00"})",        // lone low surrogate
      R"({"lone":"\ud800x"})",       // lone high surrogate
      "\xEF\xBB\xBF{\"bom\":true}",  // byte order mark
      "{\"utf8\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
      "{\"bad\":\"\xC3\x28\"}",  // invalid UTF-8
      "{\"ctl\":\"a\x01\"}",     // raw control character
      R"([1,2,[3,[4,{}]],null,true,false])",
      R"(  {"ws" :  [ ] }  )",
      R"({"a":1,})",
      R"({"a":})",
      R"({"a":1} x)",
      R"("text")",
      R"(12)",
      "nul",
      "{",
      "",
      R"([-0.0,1E5,0.1e-2,2e+3,-9223372036854775808,-9223372036854775809,1e400,-1e-400])",
      R"(["\u00e9\u4E2D\u0041\/"])",
      R"(["\x"])",
      R"(["\u12"])",
      R"(["\u12G4"])",
      "[\"a\tb\"]",
      R"([-])",
      R"([1e])",
      R"([1,])",
      R"([,1])",
      R"({"a" 1})",
      R"({1:2})",
      R"([tru])",
      R"([nulll])",
      R"([true false])",
      "[\"\xF0\x9F\x98\"]",
      "[\"\xED\xA0\x80\"]",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":.5})",
      R"({"a":+1})",
      R"({'a':1})",
  };
  for (const auto& t : texts) ExpectParsesLikeNlohmann(t);
}

TEST(JsonTextTest, DeepNestingFallsBackAndStillParses) {
  std::string deep(3000, '[');
  deep += std::string(3000, ']');
  ExpectParsesLikeNlohmann(deep);
}

TEST(JsonTextTest, LargeBody) {
  std::string text = R"({"Body":")" + std::string(200 * 1024, 'x') + R"("})";
  std::optional<json> got = ParseJsonText(text);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["Body"].get_ref<const std::string&>().size(), 200u * 1024);
}

TEST(JsonTextTest, WritesAsNlohmannDumps) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  all_controls += "\x7F\"\\/";
  const std::vector<json> values = {
      json::object(),
      json::array(),
      json{{"b", 1}, {"a", "x"}, {"c", {1, -2, 3.25, true, false, nullptr}}},
      json(all_controls),
      json("caf\xC3\xA9 \xF0\x9F\x98\x80"),
      json("bad \xC3\x28 and \xFF end"),  // invalid UTF-8: U+FFFD as nlohmann writes it
      json(1e300),
      json(0.1),
      json(100.0),
      json(-0.0),
      json(1.0 / 3),
      json(std::numeric_limits<int64_t>::min()),
      json(std::numeric_limits<uint64_t>::max()),
  };
  for (const auto& v : values) EXPECT_EQ(JsonText(v), Dump(v)) << Dump(v);
}

TEST(JsonTextTest, WritesEveryEscapeAtEveryPositionOfLongStrings) {
  // The writer skips plain ASCII eight bytes at a time: a character that needs care must be
  // found wherever it sits in those words, and plain bytes next to it must not be lost.
  const std::string specials[] = {
      "\"",       "\\",           std::string(1, '\0'), "\x1F", "\n", "\x7F", "/", " ",
      "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",   "\xFF"};
  for (const std::string& special : specials) {
    for (size_t length = 0; length <= 24; ++length) {
      for (size_t at = 0; at <= length; ++at) {
        std::string s(length, 'a');
        s.insert(at, special);
        json v(s);
        std::string written;
        WriteJsonString(s, written);
        ASSERT_EQ(written, Dump(v)) << "special " << Dump(json(special)) << " at " << at;
        ASSERT_EQ(JsonText(json{{s, s}}), Dump(json{{s, s}}));
      }
    }
  }
}

TEST(JsonTextTest, ReadsEveryEscapeAtEveryPositionOfLongStrings) {
  // The reader skips plain ASCII eight bytes at a time too: an escape, a control character, a
  // quote or a non-ASCII byte must be found wherever it sits in those words.
  const std::string specials[] = {"\\\"", "\\\\",     "\\n",  "\\u00e9", "\\/", "\x1F",
                                  "\x7F", "\xC3\xA9", "\xFF", "\"",      " \"x"};
  for (const std::string& special : specials) {
    for (size_t length = 0; length <= 24; ++length) {
      for (size_t at = 0; at <= length; ++at) {
        std::string s(length, 'a');
        s.insert(at, special);
        ExpectParsesLikeNlohmann("[\"" + s + "\"]");
        ExpectParsesLikeNlohmann("{\"" + s + "\":\"" + s + "\"}");
      }
    }
  }
}

TEST(JsonTextTest, WritesBinaryAsBase64) {
  json v = {{"blob", json::binary({'h', 'i', '!'})}, {"list", {json::binary({})}}};
  EXPECT_EQ(JsonText(v), R"({"blob":"aGkh","list":[""]})");
}

TEST(JsonTextTest, AppendsToWhatIsThere) {
  std::string out = "x=";
  WriteJsonText(json{{"k", "v"}}, out);
  EXPECT_EQ(out, R"(x={"k":"v"})");
}

}  // namespace
}  // namespace wharf
