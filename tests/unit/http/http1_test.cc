// HTTP/1.x behaviour of the listener, driven with raw sockets.
#include <thread>

#include "test_client.h"

namespace wharf::testing {
namespace {

using Http1Test = HttpServerTest;

TEST_F(Http1Test, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  RawClient c(port);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    c.Send("GET /item/" + std::to_string(i) + "?a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.ReadResponse();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->status_line, "HTTP/1.1 200 OK");
    EXPECT_EQ(r->body, "GET /item/" + std::to_string(i) + "?a=1|");
    EXPECT_EQ(r->Header("server"), "wharf");
    EXPECT_NE(r->Header("date"), "");
    EXPECT_EQ(r->Header("content-length"), std::to_string(r->body.size()));
    EXPECT_EQ(r->Header("connection"), "");
  }
  EXPECT_EQ(server->ConnectionCount(), 1u);
}

TEST_F(Http1Test, RequestFieldsAreFilled) {
  PendingRequests seen;
  handler = [&](HttpRequest rq, Respond rs) {
    rs(Echo(rq));
    seen.Add(std::move(rq), nullptr);
  };
  StartServer();
  RawClient c(port);
  c.Send(
      "POST /a%20b/c?x=1&y=%2F HTTP/1.1\r\nHost: h:1\r\nX-Amz-Target: T.Op\r\n"
      "Content-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(c.ReadResponse().has_value());
  ASSERT_TRUE(seen.WaitFor(1));
  HttpRequest rq = std::move(seen.Take()[0].first);
  EXPECT_EQ(rq.method, "POST");
  EXPECT_EQ(rq.target, "/a%20b/c?x=1&y=%2F");
  EXPECT_EQ(rq.path, "/a%20b/c");
  EXPECT_EQ(rq.query, "x=1&y=%2F");
  EXPECT_EQ(rq.Header("x-amz-target"), "T.Op");
  EXPECT_EQ(rq.Header("host"), "h:1");
  EXPECT_EQ(rq.body, "abc");
  EXPECT_EQ(rq.remote_address, "127.0.0.1");
  EXPECT_FALSE(rq.http2);
}

TEST_F(Http1Test, PipelinedAnswersKeepRequestOrderWhenHandlerAnswersOutOfOrder) {
  PendingRequests pending;
  handler = [&](HttpRequest rq, Respond rs) { pending.Add(std::move(rq), std::move(rs)); };
  StartServer();
  RawClient c(port);
  c.Send(
      "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(pending.WaitFor(3));
  auto items = pending.Take();
  std::thread answerer([&] {
    for (int i = 2; i >= 0; --i) items[i].second(Echo(items[i].first));
  });
  answerer.join();
  for (int i = 1; i <= 3; ++i) {
    auto r = c.ReadResponse();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->body, "GET /" + std::to_string(i) + "?|");
  }
}

TEST_F(Http1Test, ChunkedRequestBodyIsDechunked) {
  StartServer();
  RawClient c(port);
  c.Send(
      "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "PUT /c?|hello world");
}

TEST_F(Http1Test, ExpectContinueGets100BeforeTheBody) {
  StartServer();
  RawClient c(port);
  c.Send("PUT /o HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  auto interim = c.ReadHead();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("data");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "PUT /o?|data");
}

TEST_F(Http1Test, OversizedBodyGets413AtOnceAndClose) {
  HttpServerOptions o;
  o.max_body_bytes = 1024;
  StartServer(o);
  RawClient c(port);
  c.Send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(Http1Test, OversizedChunkedBodyGets413) {
  HttpServerOptions o;
  o.max_body_bytes = 8;
  StartServer(o);
  RawClient c(port);
  c.Send(
      "PUT /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n"
      "0123456789abcdef\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
}

TEST_F(Http1Test, OversizedHeadersGet431AndClose) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  StartServer(o);
  RawClient c(port);
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(Http1Test, GarbageGets400AndClose) {
  bool called = false;
  handler = [&](HttpRequest, Respond rs) {
    called = true;
    rs(HttpResponse{});
  };
  StartServer();
  RawClient c(port);
  c.Send("\x01\x02 this is not http\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_FALSE(called);
}

TEST_F(Http1Test, AnswerFromAnotherThread) {
  handler = [](HttpRequest rq, Respond rs) {
    std::thread([rq = std::move(rq), rs = std::move(rs)] {
      HttpResponse r = Echo(rq);
      r.status = 201;
      r.SetHeader("x-amzn-RequestId", "abc");
      rs(std::move(r));
    }).detach();
  };
  StartServer();
  RawClient c(port);
  c.Send("POST /t HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->Header("x-amzn-requestid"), "abc");
  EXPECT_EQ(r->body, "POST /t?|hi");
}

TEST_F(Http1Test, StreamedResponseIsChunkedAndFollowedByTheNextAnswer) {
  handler = [](HttpRequest rq, Respond rs) {
    if (rq.path != "/stream") {
      rs(Echo(rq));
      return;
    }
    HttpResponse r;
    r.SetHeader("Content-Type", "application/vnd.amazon.eventstream");
    r.stream = [](std::shared_ptr<BodySink> sink) {
      std::thread([sink] {
        EXPECT_TRUE(sink->Write("one,"));
        EXPECT_TRUE(sink->Write(""));  // empty chunks must not end the body
        EXPECT_TRUE(sink->Write("two"));
        sink->Finish();
      }).detach();
    };
    rs(std::move(r));
  };
  StartServer();
  RawClient c(port);
  c.Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("transfer-encoding"), "chunked");
  EXPECT_EQ(r->Header("content-length"), "");
  EXPECT_EQ(r->body, "one,two");
  auto next = c.ReadResponse();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, "GET /after?|");
}

TEST_F(Http1Test, StreamSinkReportsPeerGone) {
  std::shared_ptr<BodySink> kept;
  PendingRequests started;
  handler = [&](HttpRequest rq, Respond rs) {
    HttpResponse r;
    r.stream = [&, rq](std::shared_ptr<BodySink> sink) {
      kept = sink;
      started.Add(rq, nullptr);
    };
    rs(std::move(r));
  };
  StartServer();
  {
    RawClient c(port);
    c.Send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(started.WaitFor(1));
  }
  // The client is gone; writes fail once the server has seen the EOF.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (kept->Write("x") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_FALSE(kept->IsOpen());
}

TEST_F(Http1Test, Http10GetsAnHttp10AnswerAndClose) {
  StartServer();
  RawClient c(port);
  c.Send("GET /old HTTP/1.0\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status_line, "HTTP/1.0 200 OK");
  EXPECT_EQ(r->body, "GET /old?|");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(Http1Test, Http10KeepAlive) {
  StartServer();
  RawClient c(port);
  for (int i = 0; i < 2; ++i) {
    c.Send("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto r = c.ReadResponse();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->Header("connection"), "keep-alive");
  }
}

TEST_F(Http1Test, ConnectionCloseClosesAfterTheAnswer) {
  StartServer();
  RawClient c(port);
  c.Send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(Http1Test, HeadAnswerHasLengthButNoBody) {
  StartServer();
  RawClient c(port);
  c.Send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("content-length"), "9");  // "HEAD /h?|"
  auto g = c.ReadResponse();
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->body, "GET /g?|");
}

TEST_F(Http1Test, IdleConnectionIsClosedAfterTheTimeout) {
  HttpServerOptions o;
  o.idle_timeout_seconds = 1;
  StartServer(o);
  RawClient c(port);
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.ReadResponse().has_value());
  EXPECT_TRUE(c.WaitClosed());  // blocks on the socket; the read timeout is 10 s
}

TEST_F(Http1Test, ConnectionsBeyondTheLimitAreClosed) {
  HttpServerOptions o;
  o.max_connections = 1;
  StartServer(o);
  RawClient first(port);
  first.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(first.ReadResponse().has_value());
  RawClient second(port);
  EXPECT_TRUE(second.WaitClosed());
  first.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(first.ReadResponse().has_value());
}

TEST_F(Http1Test, OriginGetsCorsHeaders) {
  StartServer();
  RawClient c(port);
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nOrigin: http://app.example\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->Header("access-control-allow-origin"), "http://app.example");
  EXPECT_NE(r->Header("access-control-expose-headers").find("x-amzn-RequestId"), std::string::npos);
}

TEST_F(Http1Test, PreflightIsAnsweredWithoutTheHandler) {
  bool called = false;
  handler = [&](HttpRequest rq, Respond rs) {
    called = true;
    rs(Echo(rq));
  };
  StartServer();
  RawClient c(port);
  c.Send(
      "OPTIONS /queue HTTP/1.1\r\nHost: x\r\nOrigin: http://app.example\r\n"
      "Access-Control-Request-Method: POST\r\n"
      "Access-Control-Request-Headers: content-type,x-amz-target\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("access-control-allow-origin"), "http://app.example");
  EXPECT_EQ(r->Header("access-control-allow-headers"), "content-type,x-amz-target");
  EXPECT_NE(r->Header("access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_EQ(r->Header("access-control-max-age"), "86400");
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace wharf::testing
