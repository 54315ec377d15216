#include <gtest/gtest.h>

#include <random>
#include <string>

#include "protocol/query/form.h"

namespace wharf::query {
namespace {

TEST(QueryFormTest, ParseFormSplitsPairs) {
  FormParams p;
  ParseForm("Action=SendMessage&Version=2012-11-05&MessageBody=a%26b&Empty=&Flag&&=x", p);
  EXPECT_EQ(p.size(), 5u);
  EXPECT_EQ(p["Action"], "SendMessage");
  EXPECT_EQ(p["MessageBody"], "a&b");
  EXPECT_EQ(p["Empty"], "");
  EXPECT_EQ(p["Flag"], "");
  EXPECT_FALSE(p.contains(""));
}

TEST(QueryFormTest, LaterValuesWin) {
  FormParams p;
  ParseForm("A=1&A=2", p);
  ParseForm("A=3", p);
  EXPECT_EQ(p["A"], "3");
}

TEST(QueryFormTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet = "=&%+.1aZ";
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    int len = round % 40;
    for (int i = 0; i < len; ++i) {
      s.push_back(round % 2 ? static_cast<char>(byte(rng))
                            : alphabet[static_cast<size_t>(byte(rng)) % alphabet.size()]);
    }
    FormParams p;
    ParseForm(s, p);
    for (const auto& [k, v] : p) EXPECT_FALSE(k.empty());
  }
}

}  // namespace
}  // namespace wharf::query
