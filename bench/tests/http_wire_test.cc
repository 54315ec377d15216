#include "http_wire.h"

#include <gtest/gtest.h>

namespace wharf::bench {
namespace {

TEST(HttpWireTest, SerializeAddsContentLength) {
  HttpRequest r;
  r.headers = {{"Host", "127.0.0.1:4566"}, {"X-Amz-Target", "AmazonSQS.SendMessage"}};
  r.body = "{}";
  EXPECT_EQ(Serialize(r),
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:4566\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n"
            "Content-Length: 2\r\n\r\n{}");
}

TEST(HttpWireTest, SerializeGetHasNoContentLength) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/_wharf/health";
  r.headers = {{"Host", "h"}};
  EXPECT_EQ(Serialize(r), "GET /_wharf/health HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST(HttpWireTest, ContentLengthResponseInPieces) {
  std::string wire = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloHTTP/1.1";
  HttpResponse r;
  for (size_t cut : {5u, 20u, 38u, 40u}) {
    EXPECT_EQ(ParseResponse(wire.substr(0, cut), &r).state, ParseState::kIncomplete) << cut;
  }
  ParseResult p = ParseResponse(wire, &r);
  ASSERT_EQ(p.state, ParseState::kComplete);
  EXPECT_EQ(p.consumed, wire.size() - 8);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpWireTest, ChunkedResponseWithExtensionAndTrailer) {
  std::string wire =
      "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n";
  HttpResponse r;
  EXPECT_EQ(ParseResponse(wire.substr(0, wire.size() - 2), &r).state, ParseState::kIncomplete);
  ParseResult p = ParseResponse(wire, &r);
  ASSERT_EQ(p.state, ParseState::kComplete);
  EXPECT_EQ(p.consumed, wire.size());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Wikipedia");
  EXPECT_FALSE(r.keep_alive);
}

TEST(HttpWireTest, NoBodyStatusesAndHead) {
  HttpResponse r;
  EXPECT_EQ(ParseResponse("HTTP/1.1 204 No Content\r\n\r\n", &r).state, ParseState::kComplete);
  EXPECT_EQ(ParseResponse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", &r, true).state,
            ParseState::kComplete);
}

TEST(HttpWireTest, ReadUntilCloseNeedsEof) {
  std::string wire = "HTTP/1.0 200 OK\r\n\r\nbody";
  HttpResponse r;
  EXPECT_EQ(ParseResponse(wire, &r).state, ParseState::kIncomplete);
  ParseResult p = ParseAtEof(wire, &r);
  ASSERT_EQ(p.state, ParseState::kComplete);
  EXPECT_EQ(r.body, "body");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_EQ(ParseAtEof("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", &r).state,
            ParseState::kError);
}

TEST(HttpWireTest, Http10IsCloseUnlessKeepAlive) {
  HttpResponse r;
  ASSERT_EQ(ParseResponse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &r).state,
            ParseState::kComplete);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(
      ParseResponse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", &r)
          .state,
      ParseState::kComplete);
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpWireTest, MalformedInputIsAnError) {
  HttpResponse r;
  EXPECT_EQ(ParseResponse("SSH-2.0-OpenSSH\r\n\r\n", &r).state, ParseState::kError);
  EXPECT_EQ(ParseResponse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", &r).state,
            ParseState::kError);
  EXPECT_EQ(ParseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", &r).state,
            ParseState::kError);
}

}  // namespace
}  // namespace wharf::bench
