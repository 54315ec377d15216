#include "wharf/http/message.h"

#include <gtest/gtest.h>

namespace wharf {
namespace {

TEST(HttpMessageTest, HeaderReturnsFirstMatchOrEmpty) {
  HttpRequest r;
  r.headers = {{"x-a", "1"}, {"x-b", "2"}, {"x-a", "3"}};
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("x-b"), "2");
  EXPECT_EQ(r.Header("x-c"), "");
  EXPECT_TRUE(r.HasHeader("x-b"));
  EXPECT_FALSE(r.HasHeader("x-c"));
}

TEST(HttpMessageTest, HasHeaderSeesEmptyValues) {
  HttpRequest r;
  r.headers = {{"x-empty", ""}};
  EXPECT_TRUE(r.HasHeader("x-empty"));
  EXPECT_EQ(r.Header("x-empty"), "");
}

TEST(HttpMessageTest, SetHeaderReplacesCaseInsensitivelyOrAppends) {
  HttpResponse r;
  r.SetHeader("Content-Type", "text/plain");
  r.SetHeader("content-type", "application/json");
  r.SetHeader("ETag", "\"x\"");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].first, "Content-Type");
  EXPECT_EQ(r.headers[0].second, "application/json");
  EXPECT_EQ(r.headers[1].second, "\"x\"");
}

}  // namespace
}  // namespace wharf
