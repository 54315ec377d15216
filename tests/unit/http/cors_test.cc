#include "http/cors.h"

#include <gtest/gtest.h>

namespace wharf::http_internal {
namespace {

std::string Get(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(CorsTest, PreflightNeedsOptionsOriginAndRequestMethod) {
  HttpRequest r;
  r.method = "OPTIONS";
  r.headers = {{"origin", "http://a"}};
  EXPECT_FALSE(IsCorsPreflight(r));
  r.headers.emplace_back("access-control-request-method", "PUT");
  EXPECT_TRUE(IsCorsPreflight(r));
  r.method = "POST";
  EXPECT_FALSE(IsCorsPreflight(r));
}

TEST(CorsTest, PreflightEchoesOriginAndHeadersOrUsesDefaults) {
  HttpRequest r;
  r.method = "OPTIONS";
  r.headers = {{"origin", "http://a"}, {"access-control-request-method", "PUT"}};
  HttpResponse p = CorsPreflightResponse(r);
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(Get(p, "Access-Control-Allow-Origin"), "http://a");
  EXPECT_NE(Get(p, "Access-Control-Allow-Headers").find("x-amz-target"), std::string::npos);
  r.headers.emplace_back("access-control-request-headers", "x-custom");
  EXPECT_EQ(Get(CorsPreflightResponse(r), "Access-Control-Allow-Headers"), "x-custom");
}

TEST(CorsTest, AddsHeadersOnlyWithOriginAndKeepsHandlerValues) {
  HttpResponse none;
  AddCorsHeaders("", none);
  EXPECT_TRUE(none.headers.empty());

  HttpResponse r;
  AddCorsHeaders("http://a", r);
  EXPECT_EQ(Get(r, "Access-Control-Allow-Origin"), "http://a");
  EXPECT_NE(Get(r, "Access-Control-Expose-Headers").find("x-amzn-query-error"), std::string::npos);

  HttpResponse own;
  own.headers = {{"access-control-allow-origin", "*"}};
  AddCorsHeaders("http://a", own);
  EXPECT_EQ(Get(own, "access-control-allow-origin"), "*");
  EXPECT_EQ(Get(own, "Access-Control-Allow-Origin"), "<absent>");
}

}  // namespace
}  // namespace wharf::http_internal
