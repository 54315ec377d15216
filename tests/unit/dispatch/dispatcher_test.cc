#include "dispatch/dispatcher.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "dispatch/http_util.h"
#include "wharf/core/encoding.h"

namespace wharf::dispatch {
namespace {

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  bool IsVirtual() const override { return true; }
  int64_t now_ms = 0;
};

// A codec speaking a trivial JSON dialect: the body is {"op": ..., "input": ...}.
class FakeCodec final : public Codec {
 public:
  explicit FakeCodec(Protocol protocol) : protocol_(protocol) {}
  Result<DecodedCall> Decode(const HttpRequest& request) const override {
    last_body = request.body;
    if (protocol_ == Protocol::kQuery) {
      nlohmann::json input = nlohmann::json::object();
      for (const auto& [k, v] : ParseFormPairs(request.body)) input[k] = v;
      std::string action = input.value("Action", "");
      return DecodedCall{action, input};
    }
    auto doc = nlohmann::json::parse(request.body, nullptr, false);
    if (doc.is_discarded()) return AwsError::Client("SerializationException", "bad json");
    return DecodedCall{doc.value("op", "Echo"), doc.value("input", nlohmann::json::object())};
  }
  HttpResponse EncodeOutput(const std::string& operation, const nlohmann::json& output,
                            const RequestContext& ctx) const override {
    return {200,
            {{"x-op", operation}, {"x-account", ctx.account}, {"x-region", ctx.region}},
            output.dump(),
            {}};
  }
  HttpResponse EncodeError(const AwsError& error, const RequestContext&) const override {
    return {error.http_status, {{"x-error", error.code}}, error.message, {}};
  }
  mutable std::string last_body;

 private:
  Protocol protocol_;
};

class FakeEngine final : public ServiceEngine {
 public:
  std::string_view Name() const override { return "sqs"; }
  Status Start() override { return OkStatus(); }
  void Invoke(const RequestContext& ctx, const std::string& operation, nlohmann::json input,
              OperationReply reply) override {
    last_ctx = ctx;
    if (operation == "Throw") throw std::runtime_error("boom");
    if (operation == "Later") {
      pending = std::move(reply);
      return;
    }
    if (operation == "Fail") return reply(AwsError::Client("QueueDoesNotExist", "nope"));
    reply(nlohmann::json{{"echo", input}});
  }
  void Stop() override {}
  void Reset(std::function<void(Status)> done) override { done(OkStatus()); }
  nlohmann::json Summary() override { return {}; }
  Status ApplyInit(const nlohmann::json&) override { return OkStatus(); }

  RequestContext last_ctx;
  OperationReply pending;
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() { Rebuild(); }

  void Rebuild() {
    dispatcher_ = std::make_unique<Dispatcher>(
        config_, clock_,
        [this](Protocol protocol, std::string_view service) -> std::unique_ptr<Codec> {
          ++codecs_made_;
          if (service != "sqs") return nullptr;
          auto codec = std::make_unique<FakeCodec>(protocol);
          last_codec_ = codec.get();
          return codec;
        },
        EngineMap{{"sqs", &engine_}},
        [this](const HttpRequest& request, Respond respond) {
          admin_paths_.push_back(request.path);
          respond({200, {}, "admin", {}});
        });
  }

  std::vector<HttpResponse> Send(HttpRequest request) {
    std::vector<HttpResponse> responses;
    request.headers.emplace_back("host", "localhost:4566");
    dispatcher_->Handle(std::move(request),
                        [&](HttpResponse response) { responses.push_back(std::move(response)); });
    return responses;
  }

  static HttpRequest Json(std::string target, std::string body) {
    HttpRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers.emplace_back("x-amz-target", std::move(target));
    request.headers.emplace_back("content-type", "application/x-amz-json-1.0");
    request.body = std::move(body);
    return request;
  }

  static std::string Header(const HttpResponse& response, std::string_view name) {
    return std::string(FindHeader(response.headers, name));
  }

  Config config_;
  FakeClock clock_;
  FakeEngine engine_;
  FakeCodec* last_codec_ = nullptr;
  int codecs_made_ = 0;
  std::vector<std::string> admin_paths_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, RoutesDecodesInvokesEncodes) {
  auto responses = Send(Json("AmazonSQS.Echo", R"({"op":"Echo","input":{"a":1}})"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[0].body, R"({"echo":{"a":1}})");
  EXPECT_EQ(Header(responses[0], "x-op"), "Echo");
  EXPECT_EQ(Header(responses[0], "x-account"), "000000000000");
  EXPECT_EQ(engine_.last_ctx.protocol, "json");
  EXPECT_EQ(engine_.last_ctx.host, "localhost:4566");
  EXPECT_EQ(engine_.last_ctx.request_id.size(), 36u);
  EXPECT_EQ(engine_.last_ctx.request_id[14], '4');
}

TEST_F(DispatcherTest, CodecIsCreatedOncePerServiceAndProtocol) {
  (void)Send(Json("AmazonSQS.Echo", "{}"));
  (void)Send(Json("AmazonSQS.Echo", "{}"));
  EXPECT_EQ(codecs_made_, 1);
}

TEST_F(DispatcherTest, EmptyJsonBodyIsEmptyObject) {
  auto responses = Send(Json("AmazonSQS.ListQueues", ""));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(last_codec_->last_body, "{}");
}

TEST_F(DispatcherTest, EngineAndDecodeErrorsUseTheCodec) {
  auto failed = Send(Json("AmazonSQS.Fail", R"({"op":"Fail"})"));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(Header(failed[0], "x-error"), "QueueDoesNotExist");
  auto bad = Send(Json("AmazonSQS.X", "{not json"));
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(Header(bad[0], "x-error"), "SerializationException");
}

TEST_F(DispatcherTest, ExceptionsBecomeInternalErrors) {
  auto responses = Send(Json("AmazonSQS.Throw", R"({"op":"Throw"})"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 500);
}

TEST_F(DispatcherTest, LaterRepliesAnswerOnce) {
  std::vector<HttpResponse> responses;
  HttpRequest request = Json("AmazonSQS.Later", R"({"op":"Later"})");
  dispatcher_->Handle(request, [&](HttpResponse r) { responses.push_back(std::move(r)); });
  EXPECT_TRUE(responses.empty());
  ASSERT_TRUE(engine_.pending);
  engine_.pending(nlohmann::json{{"done", true}});
  engine_.pending(nlohmann::json{{"twice", true}});
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, R"({"done":true})");
}

TEST_F(DispatcherTest, OldJavaQueuePathGetsQueueUrl) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/123456789012/q1";
  request.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  request.body = "Action=SendMessage&MessageBody=x&Version=2012-11-05";
  auto responses = Send(request);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200);
  auto echoed = nlohmann::json::parse(responses[0].body);
  EXPECT_EQ(echoed["echo"]["QueueUrl"], "http://localhost:4566/123456789012/q1");
  EXPECT_EQ(engine_.last_ctx.protocol, "query");
}

TEST_F(DispatcherTest, UnknownServicesGetTheirProtocolsError) {
  // SNS over query: no engine -> InvalidAction in an ErrorResponse.
  HttpRequest sns;
  sns.method = "POST";
  sns.path = "/";
  sns.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  sns.body = "Action=Publish&Version=2010-03-31";
  auto query = Send(sns);
  ASSERT_EQ(query.size(), 1u);
  EXPECT_EQ(query[0].status, 400);
  EXPECT_NE(query[0].body.find("<Code>InvalidAction</Code>"), std::string::npos);
  EXPECT_NE(query[0].body.find("xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\""),
            std::string::npos);

  // Kinesis JSON -> UnknownOperationException.
  auto json = Send(Json("Kinesis_20131202.ListStreams", "{}"));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0].status, 400);
  EXPECT_EQ(nlohmann::json::parse(json[0].body)["__type"], "UnknownOperationException");
  EXPECT_EQ(Header(json[0], "content-type"), "");  // header names are as emitted
  EXPECT_EQ(Header(json[0], "Content-Type"), "application/x-amz-json-1.1");

  // Kinesis CBOR -> CBOR envelope.
  HttpRequest cbor = Json("Kinesis_20131202.ListStreams", "");
  cbor.headers[1].second = "application/x-amz-cbor-1.1";
  auto cbor_response = Send(cbor);
  ASSERT_EQ(cbor_response.size(), 1u);
  EXPECT_EQ(Header(cbor_response[0], "Content-Type"), "application/x-amz-cbor-1.1");
  EXPECT_EQ(static_cast<unsigned char>(cbor_response[0].body[0]), 0xA2);

  // API Gateway rest-json -> 501 NotImplemented with x-amzn-ErrorType.
  HttpRequest apigw;
  apigw.method = "GET";
  apigw.path = "/restapis";
  apigw.headers = {{"accept", "application/json"}};
  auto rest = Send(apigw);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].status, 501);
  EXPECT_EQ(Header(rest[0], "x-amzn-ErrorType"), "NotImplemented");

  // S3 -> 501 <Error><Code>NotImplemented.
  HttpRequest s3;
  s3.method = "PUT";
  s3.path = "/bucket/key";
  auto xml = Send(s3);
  ASSERT_EQ(xml.size(), 1u);
  EXPECT_EQ(xml[0].status, 501);
  EXPECT_NE(xml[0].body.find("<Error><Code>NotImplemented</Code>"), std::string::npos);
}

TEST_F(DispatcherTest, AdminRoutesGoFirst) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/_wharf/health";
  auto responses = Send(request);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, "admin");
  ASSERT_EQ(admin_paths_.size(), 1u);
  request.path = "/";
  (void)Send(request);
  EXPECT_EQ(admin_paths_.size(), 2u);
}

TEST_F(DispatcherTest, VerifyModeRefusesBadSignaturesWithTheCodecsEnvelope) {
  config_.auth_verify = true;
  config_.credentials = {{"AKIDEXAMPLE", "secret"}};
  Rebuild();
  HttpRequest request = Json("AmazonSQS.Echo", "{}");
  auto anonymous = Send(request);
  ASSERT_EQ(anonymous.size(), 1u);
  EXPECT_EQ(Header(anonymous[0], "x-error"), "MissingAuthenticationTokenException");
  request.headers.emplace_back("x-amz-date", "19700101T000000Z");
  request.headers.emplace_back(
      "authorization",
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/19700101/us-east-1/sqs/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=0000");
  auto bad = Send(request);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(Header(bad[0], "x-error"), "InvalidSignatureException");
  EXPECT_EQ(bad[0].status, 403);
}

}  // namespace
}  // namespace wharf::dispatch
