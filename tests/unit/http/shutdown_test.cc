// Graceful-shutdown building blocks: in-flight accounting, StopAccepting, Stop.
#include <thread>

#include "test_client.h"

namespace wharf::testing {
namespace {

using ShutdownTest = HttpServerTest;

TEST_F(ShutdownTest, InFlightCountsRequestsUntilAnswered) {
  PendingRequests pending;
  handler = [&](HttpRequest rq, Respond rs) { pending.Add(std::move(rq), std::move(rs)); };
  StartServer();
  RawClient c(port);
  c.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(pending.WaitFor(1));
  EXPECT_EQ(server->InFlightCount(), 1u);
  EXPECT_FALSE(server->WaitForInFlight(std::chrono::milliseconds(0)));
  auto items = pending.Take();
  std::thread answerer([&] { items[0].second(Echo(items[0].first)); });
  EXPECT_TRUE(server->WaitForInFlight(std::chrono::seconds(10)));
  answerer.join();
  EXPECT_EQ(server->InFlightCount(), 0u);
  auto r = c.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "GET /slow?|");
}

TEST_F(ShutdownTest, StopClosesOpenConnectionsAndLateAnswersAreSafe) {
  PendingRequests pending;
  handler = [&](HttpRequest rq, Respond rs) { pending.Add(std::move(rq), std::move(rs)); };
  StartServer();
  RawClient idle(port);
  idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(pending.WaitFor(1));
  auto items = pending.Take();
  items[0].second(Echo(items[0].first));
  ASSERT_TRUE(idle.ReadResponse().has_value());
  RawClient busy(port);
  busy.Send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(pending.WaitFor(1));
  server->Stop();
  EXPECT_TRUE(idle.WaitClosed());
  EXPECT_TRUE(busy.WaitClosed());
  EXPECT_EQ(server->ConnectionCount(), 0u);
  auto late = pending.Take();
  ASSERT_EQ(late.size(), 1u);
  late[0].second(Echo(late[0].first));  // must not crash after Stop
  EXPECT_EQ(server->InFlightCount(), 0u);
}

TEST_F(ShutdownTest, StopAcceptingRefusesNewConnectionsButServesOpenOnes) {
  StartServer();
  RawClient open(port);
  open.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(open.ReadResponse().has_value());
  server->StopAccepting();
  // The close is posted to the acceptor; wait until a new connection is refused.
  bool refused = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    RawClient probe(port);
    refused = !probe.connected();
    std::this_thread::yield();
  }
  EXPECT_TRUE(refused);
  open.Send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = open.ReadResponse();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "GET /b?|");
}

}  // namespace
}  // namespace wharf::testing
