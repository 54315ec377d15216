// HttpClient against the wharf HttpServer on port 0.
#include "wharf/http/client.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

#include "wharf/http/server.h"

namespace wharf {
namespace {

using namespace std::chrono_literals;

Result<HttpResponse> SendAndWait(HttpClient& client, HttpClientRequest request) {
  std::promise<Result<HttpResponse>> p;
  auto f = p.get_future();
  client.Send(std::move(request), [&p](Result<HttpResponse> r) { p.set_value(std::move(r)); });
  return f.get();
}

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.threads = 1;
    auto s = HttpServer::Start(o, [this](HttpRequest req, Respond respond) {
      std::unique_lock lock(mu_);
      seen_.push_back(req);
      if (req.path == "/hang") {
        held_.push_back(std::move(respond));
        return;
      }
      lock.unlock();
      HttpResponse res;
      res.status = req.path == "/missing" ? 404 : 200;
      res.SetHeader("X-Echo-Method", req.method);
      res.body = "got:" + req.body;
      respond(std::move(res));
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
    server_ = std::move(s).value();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
    client_ = HttpClient::Create();
  }
  void TearDown() override {
    client_->Stop();
    server_->Stop();
  }

  std::mutex mu_;
  std::vector<HttpRequest> seen_;
  std::vector<Respond> held_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
  std::string base_;
};

TEST_F(ClientTest, PostSendsHeadersAndBody) {
  HttpClientRequest req;
  req.url = base_ + "/hook?a=1";
  req.headers = {{"x-amz-sns-message-type", "Notification"},
                 {"Content-Type", "text/plain; charset=UTF-8"}};
  req.body = "hello";
  auto r = SendAndWait(*client_, req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "got:hello");
  EXPECT_EQ(HeaderOf(*r, "x-echo-method"), "POST");
  std::lock_guard lock(mu_);
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].path, "/hook");
  EXPECT_EQ(seen_[0].query, "a=1");
  EXPECT_EQ(seen_[0].Header("x-amz-sns-message-type"), "Notification");
  EXPECT_EQ(seen_[0].Header("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(seen_[0].Header("host"), "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(ClientTest, GetAndErrorStatusesAreResponses) {
  HttpClientRequest req;
  req.method = "GET";
  req.url = base_ + "/missing";
  auto r = SendAndWait(*client_, req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(HeaderOf(*r, "x-echo-method"), "GET");
}

TEST_F(ClientTest, ReusesKeepAliveConnection) {
  HttpClientRequest req;
  req.url = base_ + "/";
  for (int i = 0; i < 3; ++i) {
    auto r = SendAndWait(*client_, req);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  EXPECT_EQ(server_->ConnectionCount(), 1u);
}

TEST_F(ClientTest, TimesOut) {
  HttpClientRequest req;
  req.url = base_ + "/hang";
  req.timeout = 100ms;
  auto r = SendAndWait(*client_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "RequestTimeout");
  std::lock_guard lock(mu_);
  for (auto& respond : held_) respond(HttpResponse{});
}

TEST_F(ClientTest, ConnectionRefusedIsServiceUnavailable) {
  const std::string url = base_ + "/";
  server_->Stop();
  HttpClientRequest req;
  req.url = url;
  auto r = SendAndWait(*client_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ServiceUnavailable");
}

TEST_F(ClientTest, TlsToPlainServerFails) {
  auto insecure = HttpClient::Create({.insecure = true});
  HttpClientRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server_->port()) + "/";
  req.timeout = 2000ms;
  auto r = SendAndWait(*insecure, req);
  EXPECT_FALSE(r.ok());
  insecure->Stop();
}

TEST_F(ClientTest, BadUrlFailsAtOnce) {
  HttpClientRequest req;
  req.url = "ftp://x/";
  auto r = SendAndWait(*client_, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameter");
}

TEST(ParseHttpUrl, Parts) {
  auto u = ParseHttpUrl("https://example.test/a?b=c");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "example.test");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/a?b=c");
  EXPECT_EQ(u->HostHeader(), "example.test");
  auto v = ParseHttpUrl("http://[::1]:8080?x");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->host, "::1");
  EXPECT_EQ(v->target, "/?x");
  EXPECT_EQ(v->HostHeader(), "[::1]:8080");
  EXPECT_FALSE(ParseHttpUrl("http://:80/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://h:8x/").ok());
}

}  // namespace
}  // namespace wharf
