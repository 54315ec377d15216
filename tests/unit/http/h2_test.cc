// Cleartext HTTP/2 (prior knowledge) on the same port, driven with curl.
#include <thread>

#include "test_client.h"

namespace wharf::testing {
namespace {

class H2Test : public HttpServerTest {
 protected:
  // Runs curl over h2c with `args` (already shell-quoted) and returns what it printed.
  std::string Curl(std::initializer_list<std::string> args) {
    std::string command = "curl -sS -i --max-time 10 --http2-prior-knowledge";
    for (const auto& a : args) command.append(" ").append(a);
    return RunCommand(command.append(" 2>&1"));
  }
  // The quoted URL of `path` on the test server.
  std::string Url(const std::string& path) {
    std::string url = "'http://127.0.0.1:";
    return url.append(std::to_string(port)).append(path).append("'");
  }
};

TEST_F(H2Test, PriorKnowledgeRequestIsServed) {
  PendingRequests seen;
  handler = [&](HttpRequest rq, Respond rs) {
    HttpResponse r = Echo(rq);
    r.SetHeader("X-Amzn-RequestId", "rid");
    rs(std::move(r));
    seen.Add(std::move(rq), nullptr);
  };
  StartServer();
  std::string out =
      Curl({"-H 'X-Amz-Target: Kinesis_20131202.ListStreams' -d hello", Url("/p?q=1")});
  EXPECT_NE(out.find("HTTP/2 200"), std::string::npos) << out;
  EXPECT_NE(out.find("x-amzn-requestid: rid"), std::string::npos) << out;
  EXPECT_NE(out.find("server: wharf"), std::string::npos) << out;
  EXPECT_NE(out.find("content-length: 17"), std::string::npos) << out;
  EXPECT_NE(out.find("POST /p?q=1|hello"), std::string::npos) << out;
  ASSERT_TRUE(seen.WaitFor(1));
  HttpRequest rq = std::move(seen.Take()[0].first);
  EXPECT_TRUE(rq.http2);
  EXPECT_EQ(rq.path, "/p");
  EXPECT_EQ(rq.query, "q=1");
  EXPECT_EQ(rq.Header("x-amz-target"), "Kinesis_20131202.ListStreams");
  EXPECT_EQ(rq.Header("host"), "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(rq.remote_address, "127.0.0.1");
}

// curl 7.88 cannot reuse a prior-knowledge connection, so this one uses Node's http2 client,
// the one the AWS JS SDK v3 uses for Kinesis.
constexpr char kNodeClient[] = R"js(
const http2 = require("http2");
const c = http2.connect(process.argv[2]);
c.on("error", (e) => { console.log("session-error " + e.message); process.exit(1); });
function req(path, body) {
  return new Promise((done) => {
    const r = c.request({ ":path": path, ":method": "POST" });
    let data = "";
    r.on("response", (h) => { data += h[":status"] + " "; });
    r.on("data", (d) => { data += d; });
    r.on("end", () => { console.log(data); done(); });
    r.on("error", (e) => { console.log("stream-error " + e.message); done(); });
    r.end(body);
  });
}
(async () => {
  await req("/first", "1");
  await Promise.all([req("/a", "x"), req("/b", "y"), req("/c", "z")]);
  c.close();
})();
)js";

TEST_F(H2Test, NodeClientRunsConcurrentStreamsOnOneConnection) {
  PendingRequests pending;
  handler = [&](HttpRequest rq, Respond rs) { pending.Add(std::move(rq), std::move(rs)); };
  StartServer();
  std::string script = ::testing::TempDir() + "wharf_h2_client.js";
  FILE* f = fopen(script.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(kNodeClient, f);
  fclose(f);
  std::string out;
  std::thread client([&] {
    out = RunCommand("timeout 20 node " + script + " http://127.0.0.1:" + std::to_string(port) +
                     " 2>&1");
  });
  std::vector<std::pair<HttpRequest, Respond>> three;
  bool got_first = pending.WaitFor(1);
  EXPECT_TRUE(got_first);
  if (got_first) {
    auto first = pending.Take();
    first[0].second(Echo(first[0].first));
    // Three streams in flight at once; answer them in reverse order from another thread.
    EXPECT_TRUE(pending.WaitFor(3));
    three = pending.Take();
    std::thread([&three] {
      for (int i = static_cast<int>(three.size()) - 1; i >= 0; --i) {
        three[i].second(Echo(three[i].first));
      }
    }).join();
  }
  client.join();
  ASSERT_EQ(three.size(), 3u) << out;
  EXPECT_NE(out.find("200 POST /first?|1"), std::string::npos) << out;
  EXPECT_NE(out.find("200 POST /a?|x"), std::string::npos) << out;
  EXPECT_NE(out.find("200 POST /b?|y"), std::string::npos) << out;
  EXPECT_NE(out.find("200 POST /c?|z"), std::string::npos) << out;
  EXPECT_EQ(out.find("error"), std::string::npos) << out;
  EXPECT_EQ(three[0].first.remote_address, "127.0.0.1");
}

TEST_F(H2Test, StreamedResponseArrivesAsData) {
  handler = [](HttpRequest, Respond rs) {
    HttpResponse r;
    r.SetHeader("Content-Type", "application/vnd.amazon.eventstream");
    r.stream = [](std::shared_ptr<BodySink> sink) {
      std::thread([sink] {
        sink->Write("alpha-");
        sink->Write("beta-");
        sink->Write("gamma");
        sink->Finish();
      }).detach();
    };
    rs(std::move(r));
  };
  StartServer();
  std::string out = Curl({Url("/sub")});
  EXPECT_NE(out.find("HTTP/2 200"), std::string::npos) << out;
  EXPECT_EQ(out.find("content-length"), std::string::npos) << out;
  EXPECT_NE(out.find("alpha-beta-gamma"), std::string::npos) << out;
}

TEST_F(H2Test, OversizedBodyGets413) {
  HttpServerOptions o;
  o.max_body_bytes = 16;
  StartServer(o);
  std::string out = Curl({"-d", std::string(64, 'z'), Url("/big")});
  EXPECT_NE(out.find("HTTP/2 413"), std::string::npos) << out;
}

TEST_F(H2Test, PreflightAndCorsOverH2) {
  StartServer();
  std::string out = Curl(
      {"-X OPTIONS -H 'Origin: http://app'", "-H 'Access-Control-Request-Method: POST'", Url("/")});
  EXPECT_NE(out.find("HTTP/2 200"), std::string::npos) << out;
  EXPECT_NE(out.find("access-control-allow-origin: http://app"), std::string::npos) << out;
  out = Curl({"-H 'Origin: http://app'", Url("/x")});
  EXPECT_NE(out.find("access-control-allow-origin: http://app"), std::string::npos) << out;
  EXPECT_NE(out.find("GET /x?|"), std::string::npos) << out;
}

TEST_F(H2Test, Http1StillWorksOnTheSamePort) {
  StartServer();
  std::string out = RunCommand(std::string("curl -sS -i --max-time 10 --http1.1 ") + Url("/h1"));
  EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos) << out;
  EXPECT_NE(out.find("GET /h1?|"), std::string::npos) << out;
}

}  // namespace
}  // namespace wharf::testing
