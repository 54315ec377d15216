#include "admin/admin_api.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "admin/admin_access.h"

namespace wharf::admin {
namespace {

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  bool IsVirtual() const override { return is_virtual; }
  int64_t now_ms = 1000;
  bool is_virtual = true;
};

class FakeEngine final : public ServiceEngine {
 public:
  std::string_view Name() const override { return "sqs"; }
  Status Start() override { return OkStatus(); }
  void Invoke(const RequestContext&, const std::string&, nlohmann::json,
              OperationReply reply) override {
    reply(nlohmann::json::object());
  }
  void Stop() override {}
  void Reset(std::function<void(Status)> done) override {
    ++resets;
    if (defer_reset) {
      pending_reset = std::move(done);
    } else {
      done(OkStatus());
    }
  }
  nlohmann::json Summary() override { return {{"queues", 3}}; }
  Status ApplyInit(const nlohmann::json&) override { return OkStatus(); }
  void Admin(const AdminRequest& request, OperationReply reply) override {
    last_admin = request;
    if (request.path == "/queues") return reply(nlohmann::json{{"queues", {"q1"}}});
    reply(AwsError::Client("NotFound", "no such admin route", 404));
  }

  int resets = 0;
  bool defer_reset = false;
  std::function<void(Status)> pending_reset;
  std::optional<AdminRequest> last_admin;
};

class AdminApiTest : public ::testing::Test {
 protected:
  AdminApiTest() { Rebuild(); }

  void Rebuild() {
    ClockControl control;
    if (clock_.is_virtual) {
      control.set_ms = [this](int64_t ms) { return clock_.now_ms = ms; };
      control.advance_ms = [this](int64_t delta) { return clock_.now_ms += delta; };
    }
    api_ = std::make_unique<AdminApi>(config_, clock_, dispatch::EngineMap{{"sqs", &engine_}},
                                      control);
  }

  std::vector<HttpResponse> Call(std::string method, std::string path, std::string body = "",
                                 HeaderList headers = {}, std::string query = "") {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    request.body = std::move(body);
    request.headers = std::move(headers);
    std::vector<HttpResponse> responses;
    api_->Handle(request, [&responses](HttpResponse r) { responses.push_back(std::move(r)); });
    return responses;
  }

  nlohmann::json One(std::string method, std::string path, std::string body = "",
                     int status = 200) {
    auto responses = Call(std::move(method), std::move(path), std::move(body));
    EXPECT_EQ(responses.size(), 1u);
    if (responses.size() != 1) return nullptr;
    EXPECT_EQ(responses[0].status, status) << responses[0].body;
    return nlohmann::json::parse(responses[0].body);
  }

  Config config_;
  FakeClock clock_;
  FakeEngine engine_;
  std::unique_ptr<AdminApi> api_;
};

TEST_F(AdminApiTest, HealthListsEveryMissionService) {
  for (const char* path : {"/_wharf/health", "/_localstack/health", "/"}) {
    nlohmann::json health = One("GET", path);
    EXPECT_EQ(health["status"], "running");
    EXPECT_EQ(health["services"]["sqs"], "running");
    EXPECT_EQ(health["services"]["sns"], "not implemented");
    EXPECT_EQ(health["services"].size(), MissionServices().size());
    EXPECT_EQ(health["details"]["sqs"]["queues"], 3);
    EXPECT_TRUE(health.contains("version"));
    EXPECT_TRUE(health["uptime"].is_number());
  }
}

TEST_F(AdminApiTest, ResetAllAndOneAndAlias) {
  EXPECT_EQ(One("POST", "/_wharf/reset")["reset"], nlohmann::json::array({"sqs"}));
  EXPECT_EQ(One("POST", "/_wharf/reset/sqs")["reset"], nlohmann::json::array({"sqs"}));
  EXPECT_EQ(One("POST", "/moto-api/reset")["reset"], nlohmann::json::array({"sqs"}));
  EXPECT_EQ(engine_.resets, 3);
  EXPECT_EQ(One("POST", "/_wharf/reset/sns", "", 404)["error"], "NotFound");
  EXPECT_EQ(One("GET", "/_wharf/reset", "", 405)["error"], "MethodNotAllowed");
}

TEST_F(AdminApiTest, ResetAnswersOnlyWhenDurable) {
  engine_.defer_reset = true;
  auto responses = Call("POST", "/_wharf/reset");
  EXPECT_TRUE(responses.empty());
  ASSERT_TRUE(engine_.pending_reset);
  std::vector<HttpResponse> later;
  engine_.defer_reset = true;
  api_->Handle(HttpRequest{"POST", "/_wharf/reset/sqs", "/_wharf/reset/sqs", "", {}, "", "", false},
               [&later](HttpResponse r) { later.push_back(std::move(r)); });
  engine_.pending_reset(AwsError::ServiceUnavailable("disk full"));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].status, 500);
  EXPECT_NE(later[0].body.find("disk full"), std::string::npos);
}

TEST_F(AdminApiTest, VirtualClockMoves) {
  nlohmann::json now = One("GET", "/_wharf/clock");
  EXPECT_EQ(now["now_ms"], 1000);
  EXPECT_EQ(now["virtual"], true);
  EXPECT_EQ(One("POST", "/_wharf/clock", R"({"advance_ms": 500})")["now_ms"], 1500);
  EXPECT_EQ(One("POST", "/_wharf/clock", R"({"set_ms": 9000})")["now_ms"], 9000);
  EXPECT_EQ(One("POST", "/_wharf/clock", R"({"set_ms": 10})", 400)["error"], "InvalidRequest");
  EXPECT_EQ(One("POST", "/_wharf/clock", R"({"advance_ms": -1})", 400)["error"], "InvalidRequest");
  EXPECT_EQ(One("POST", "/_wharf/clock", "nope", 400)["error"], "InvalidRequest");
  EXPECT_EQ(clock_.now_ms, 9000);
}

TEST_F(AdminApiTest, SystemClockCannotMove) {
  clock_.is_virtual = false;
  Rebuild();
  EXPECT_EQ(One("GET", "/_wharf/clock")["virtual"], false);
  EXPECT_EQ(One("POST", "/_wharf/clock", R"({"advance_ms": 5})", 400)["error"], "InvalidRequest");
  EXPECT_EQ(clock_.now_ms, 1000);
}

TEST_F(AdminApiTest, ConfigIsMasked) {
  config_.credentials = {{"AKID", "topsecret"}};
  nlohmann::json config = One("GET", "/_wharf/config");
  EXPECT_EQ(config["credentials"]["AKID"], "****");
  EXPECT_EQ(config["port"], 4566);
}

TEST_F(AdminApiTest, ServiceRoutesGoToTheEngine) {
  auto responses = Call("GET", "/_wharf/sqs/queues", "", {}, "limit=5&name=a%20b");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(nlohmann::json::parse(responses[0].body)["queues"][0], "q1");
  ASSERT_TRUE(engine_.last_admin.has_value());
  EXPECT_EQ(engine_.last_admin->path, "/queues");
  EXPECT_EQ(engine_.last_admin->query.at("name"), "a b");
  EXPECT_EQ(One("DELETE", "/_wharf/sqs/other", "", 404)["error"], "NotFound");
  EXPECT_EQ(One("POST", "/_wharf/sqs/queues", "{bad", 400)["error"], "InvalidRequest");
  EXPECT_EQ(One("GET", "/_wharf/kinesis/streams", "", 404)["error"], "NotFound");
}

int Status(const std::vector<HttpResponse>& responses) {
  EXPECT_EQ(responses.size(), 1u);
  return responses.empty() ? 0 : responses[0].status;
}

TEST_F(AdminApiTest, AdminTokenRequiredWhenSet) {
  config_.admin_token = "s3cret";
  EXPECT_EQ(One("GET", "/_wharf/config", "", 401)["error"], "Unauthorized");
  EXPECT_EQ(One("POST", "/moto-api/reset", "", 401)["error"], "Unauthorized");
  EXPECT_EQ(One("POST", "/_wharf/reset", "", 401)["error"], "Unauthorized");
  EXPECT_EQ(Status(Call("GET", "/_wharf/sqs/queues", "", {{"x-wharf-admin-token", "nope"}})), 401);
  EXPECT_EQ(Status(Call("GET", "/_wharf/sqs/queues", "", {{"x-wharf-admin-token", "s3cre"}})), 401);
  EXPECT_EQ(engine_.resets, 0);
  EXPECT_FALSE(engine_.last_admin.has_value());
  EXPECT_EQ(Status(Call("GET", "/_wharf/sqs/queues", "", {{"x-wharf-admin-token", "s3cret"}})),
            200);
  EXPECT_EQ(Status(Call("POST", "/_wharf/reset", "", {{"x-wharf-admin-token", "s3cret"}})), 200);
  EXPECT_EQ(engine_.resets, 1);
  // Health stays open (load balancers and docker health checks send no token).
  EXPECT_EQ(One("GET", "/_wharf/health")["status"], "running");
  EXPECT_EQ(Status(Call("GET", "/_localstack/health")), 200);
  EXPECT_EQ(Status(Call("GET", "/")), 200);
}

TEST_F(AdminApiTest, BeyondLoopbackWithoutTokenRefusesStateChanges) {
  config_.host = "0.0.0.0";
  for (const char* path : {"/_wharf/reset", "/_wharf/reset/sqs", "/moto-api/reset", "/_wharf/clock",
                           "/_wharf/sqs/queues"}) {
    auto refused = One("POST", path, "{\"advance_ms\": 5}", 403);
    EXPECT_EQ(refused["error"], "Forbidden") << path;
    EXPECT_NE(refused["message"].get<std::string>().find("--admin-token"), std::string::npos);
  }
  EXPECT_EQ(One("DELETE", "/_wharf/sqs/queues", "", 403)["error"], "Forbidden");
  EXPECT_EQ(engine_.resets, 0);
  EXPECT_EQ(clock_.now_ms, 1000);
  EXPECT_FALSE(engine_.last_admin.has_value());
  // Reads stay open.
  EXPECT_EQ(One("GET", "/_wharf/clock")["now_ms"], 1000);
  EXPECT_EQ(One("GET", "/_wharf/sqs/queues")["queues"][0], "q1");
  EXPECT_EQ(One("GET", "/_wharf/health")["status"], "running");
  // A token lifts the refusal.
  config_.admin_token = "t";
  EXPECT_EQ(Status(Call("POST", "/_wharf/reset", "", {{"x-wharf-admin-token", "t"}})), 200);
  EXPECT_EQ(engine_.resets, 1);
}

TEST_F(AdminApiTest, LoopbackWithoutTokenIsOpen) {
  for (const char* host : {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"}) {
    config_.host = host;
    EXPECT_EQ(Status(Call("POST", "/_wharf/reset")), 200) << host;
  }
  EXPECT_EQ(engine_.resets, 5);
}

TEST(AdminAccessTest, LoopbackHosts) {
  for (const char* host :
       {"127.0.0.1", "127.255.0.1", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "[::]", "10.0.0.1", "128.0.0.1", "192.168.1.2",
                           "::ffff:10.0.0.1", "wharf.example", "localhost.example", ""}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(AdminAccessTest, SigningCertificateIsPublic) {
  Config config;
  config.host = "0.0.0.0";
  config.admin_token = "t";
  HttpRequest cert;
  cert.method = "GET";
  cert.path = "/_wharf/sns/SimpleNotificationService-abc.pem";
  EXPECT_FALSE(CheckAdminAccess(config, cert).has_value());
  cert.method = "DELETE";
  EXPECT_TRUE(CheckAdminAccess(config, cert).has_value());
  cert.method = "GET";
  cert.path = "/_wharf/sns/outbox";
  EXPECT_TRUE(CheckAdminAccess(config, cert).has_value());
}

}  // namespace
}  // namespace wharf::admin
