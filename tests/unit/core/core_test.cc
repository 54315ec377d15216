#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "wharf/core/digest.h"
#include "wharf/core/encoding.h"
#include "wharf/core/ids.h"
#include "wharf/core/thread_name.h"

namespace wharf {
namespace {

TEST(ThreadNameTest, NamesTheCallingThreadOnlyAndCutsAt15Bytes) {
  std::string named, cut;
  const std::string before = ThisThreadName();
  std::thread([&] {
    NameThisThread("sqlite-writer");
    named = ThisThreadName();
    NameThisThread("a-name-longer-than-fifteen");
    cut = ThisThreadName();
  }).join();
  EXPECT_EQ(named, "sqlite-writer");
  EXPECT_EQ(cut, "a-name-longer-t");
  EXPECT_EQ(ThisThreadName(), before);
}

TEST(EncodingTest, ParseBoolTakesAnyCase) {
  EXPECT_EQ(ParseBool("True"), true);
  EXPECT_EQ(ParseBool("fALSE"), false);
  EXPECT_EQ(ParseBool("yes"), std::nullopt);
  EXPECT_EQ(ParseBool("true "), std::nullopt);
  EXPECT_EQ(ParseBool(""), std::nullopt);
}

TEST(DigestTest, KnownVectors) {
  // RFC 1321 and FIPS 180-2 test vectors.
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("abc").size(), 32u);
  EXPECT_EQ(HexEncode(Sha256("abc")), Sha256Hex("abc"));
  // The per-thread context is reset between calls.
  EXPECT_EQ(Md5Hex("abc"), Md5Hex("abc"));
}

TEST(EncodingTest, PercentDecodeHandlesPlusAndEscapes) {
  EXPECT_EQ(PercentDecode("a+b%20c%2Bd%26%3D", true), "a b c+d&=");
  EXPECT_EQ(PercentDecode("a+b%20c", false), "a+b c");
  EXPECT_EQ(PercentDecode("%C3%A9%e2%98%83", true), "\xC3\xA9\xE2\x98\x83");
  EXPECT_EQ(PercentDecode("%0D%0A", true), "\r\n");
}

TEST(EncodingTest, PercentDecodeKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("100%", true), "100%");
  EXPECT_EQ(PercentDecode("%zz%4", true), "%zz%4");
  EXPECT_EQ(PercentDecode("%%41", true), "%A");
  EXPECT_EQ(HexDigitValue('f'), 15);
  EXPECT_EQ(HexDigitValue('C'), 12);
  EXPECT_EQ(HexDigitValue('g'), -1);
}

TEST(EncodingTest, AsciiLowerTouchesOnlyAToZ) {
  EXPECT_EQ(AsciiLower("Content-Type: Application/X-AMZ-JSON-1.0 [@Z]"),
            "content-type: application/x-amz-json-1.0 [@z]");
  EXPECT_EQ(AsciiLower("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");  // bytes past ASCII stay
}

TEST(EncodingTest, FormPairsKeepOrderRepeatsAndEmptyValues) {
  const FormPairs pairs = ParseFormPairs("b=2&a=1%26x&&b=&c&=v&d+e=f+g");
  const FormPairs want = {{"b", "2"}, {"a", "1&x"}, {"b", ""},
                          {"c", ""},  {"", "v"},    {"d e", "f g"}};
  EXPECT_EQ(pairs, want);
}

TEST(EncodingTest, HexAndBase64) {
  EXPECT_EQ(HexEncode(std::string("\x00\x7f\xff", 3)), "007fff");
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64Decode("aGVsbG8"), "hello");  // padding may be missing
  for (const std::string& bytes :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
  }
  EXPECT_FALSE(Base64Decode("aGV*").has_value());
  EXPECT_FALSE(Base64Decode("a").has_value());
}

TEST(IdsTest, UuidV4Shape) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {  // crosses pool refills (16 bytes each, 4096-byte pool)
    std::string id = NewUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[13], '-');
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, RandomHexAndBytes) {
  EXPECT_EQ(RandomHex(16).size(), 32u);
  EXPECT_EQ(RandomBytes(5000).size(), 5000u);  // larger than the pool
  EXPECT_NE(RandomHex(16), RandomHex(16));
}

}  // namespace
}  // namespace wharf

namespace wharf {
namespace {

TEST(EncodingTest, IsUtf8) {
  EXPECT_TRUE(IsUtf8(""));
  EXPECT_TRUE(IsUtf8("plain ascii \x01\x7F"));
  EXPECT_TRUE(IsUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(IsUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsUtf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(IsUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsUtf8("ok\xFF"));
  EXPECT_FALSE(IsUtf8(std::string(20, 'a') + "\xC3" + std::string(20, 'b')));
  EXPECT_EQ(Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9x"), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98"), 0u);
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
}

}  // namespace
}  // namespace wharf
