#include "dispatch/dispatcher.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>

#include "dispatch/error_envelope.h"
#include "dispatch/http_util.h"
#include "dispatch/request_log.h"
#include "dispatch/router.h"
#include "dispatch/sigv4.h"
#include "wharf/core/encoding.h"
#include "wharf/core/ids.h"

namespace wharf::dispatch {
namespace {

// Guards "respond exactly once" and writes the request's log line when it answers.
class Exchange {
 public:
  Exchange(const HttpRequest& request, Respond respond)
      : respond_(std::move(respond)),
        method_(request.method),
        path_(request.path),
        start_(std::chrono::steady_clock::now()) {}

  void Send(HttpResponse response) {
    if (done_.exchange(true)) return;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                    .count();
    LogRequest({method_, path_, service, operation, request_id, response.status, ms});
    respond_(std::move(response));
  }
  bool done() const { return done_.load(); }

  // Filled in as the request is understood; set before any asynchronous answer can happen.
  std::string service;
  std::string operation;
  std::string request_id;

 private:
  Respond respond_;
  std::string method_;
  std::string path_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> done_{false};
};

// "true" or "1", in any case.
bool IsTrueFlag(std::string_view text) { return AsciiLower(text) == "true" || text == "1"; }

// Turns a decoded ReceiveMessage sent to /_aws/sqs/messages into the SQS engine's
// ListMessages, which lists the queue's messages without receiving them; the reply keeps
// ReceiveMessage's shape. ShowInvisible / ShowDelayed come from the query string or the form.
Status AsSqsMessageListing(const HttpRequest& request, DecodedCall& call) {
  if (call.operation != "ReceiveMessage") {
    return AwsError::Client("InvalidRequest", "This endpoint only accepts ReceiveMessage calls");
  }
  call.operation = "ListMessages";
  for (const char* flag : {"ShowInvisible", "ShowDelayed"}) {
    std::string value;
    bool found = FindRawParam(request.query, flag, &value) ||
                 (IsFormRequest(request) && FindRawParam(request.body, flag, &value));
    call.input[flag] = found && IsTrueFlag(value);
  }
  return OkStatus();
}

HttpResponse InternalError(Protocol protocol, std::string_view service, const RequestContext& ctx,
                           std::string_view what) {
  return EncodeFallbackError(protocol, service,
                             AwsError::Internal("wharf internal error: " + std::string(what)), ctx);
}

}  // namespace

Dispatcher::Dispatcher(const Config& config, const Clock& clock, CodecFactory codec_factory,
                       EngineMap engines, AdminHandler admin)
    : config_(config),
      clock_(clock),
      codec_factory_(std::move(codec_factory)),
      engines_(std::move(engines)),
      admin_(std::move(admin)) {}

RequestHandler Dispatcher::AsHandler() {
  return [this](HttpRequest request, Respond respond) {
    Handle(std::move(request), std::move(respond));
  };
}

const Codec* Dispatcher::CodecFor(const std::string& service, Protocol protocol) {
  auto key = std::make_pair(service, protocol);
  {
    std::shared_lock lock(codecs_mutex_);
    auto it = codecs_.find(key);
    if (it != codecs_.end()) return it->second.get();
  }
  std::unique_lock lock(codecs_mutex_);
  auto it = codecs_.find(key);
  if (it == codecs_.end()) {
    it = codecs_.emplace(key, codec_factory_ ? codec_factory_(protocol, service) : nullptr).first;
  }
  return it->second.get();
}

void Dispatcher::Handle(HttpRequest request, Respond respond) {
  auto exchange = std::make_shared<Exchange>(request, std::move(respond));
  Route route;
  RequestContext ctx;
  const Codec* codec = nullptr;
  auto fail = [&](const AwsError& error) {
    exchange->Send(codec != nullptr
                       ? codec->EncodeError(error, ctx)
                       : EncodeFallbackError(route.protocol, route.service, error, ctx));
  };
  try {
    route = RouteRequest(request, config_);
    exchange->service = route.service;
    exchange->operation = route.operation;
    if (route.service == kAdminService) {
      exchange->operation = request.path;
      if (!admin_) {
        exchange->Send(
            {404, {{"Content-Type", "application/json"}}, R"({"error":"NotFound"})", {}});
        return;
      }
      admin_(request, [exchange](HttpResponse response) { exchange->Send(std::move(response)); });
      return;
    }
    ctx.request_id = NewUuid();
    ctx.account = route.account;
    ctx.region = route.region;
    ctx.host = std::string(FindHeader(request.headers, "host"));
    ctx.protocol = std::string(ProtocolName(route.protocol));
    ctx.trace_header = std::string(FindHeader(request.headers, "x-amzn-trace-id"));
    exchange->request_id = ctx.request_id;

    auto engine = engines_.find(route.service);
    if (engine != engines_.end()) codec = CodecFor(route.service, route.protocol);
    if (config_.auth_verify) {
      Status verified = VerifySigV4(request, route, config_.credentials, clock_.NowMs());
      if (!verified.ok()) return fail(verified.error());
    }
    if (engine == engines_.end()) {
      return fail(NotImplementedError(route.protocol, route.service, route.operation));
    }
    if (codec == nullptr) {
      return fail(AwsError::Internal("wharf has no service model for " + route.service));
    }
    if (!route.inject_form.empty()) {
      if (!request.body.empty()) request.body.push_back('&');
      request.body += route.inject_form;
    }
    if ((route.protocol == Protocol::kJson) && request.body.empty()) request.body = "{}";

    Result<DecodedCall> call = codec->Decode(request);
    if (!call.ok()) return fail(call.error());
    exchange->operation = call->operation;
    std::string operation = call->operation;  // the one whose output shape the reply has
    if (route.sqs_messages) {
      Status listed = AsSqsMessageListing(request, *call);
      if (!listed.ok()) return fail(listed.error());
    }
    engine->second->Invoke(
        ctx, call->operation, std::move(call->input),
        [exchange, codec, ctx, operation](Result<nlohmann::json> result) {
          try {
            exchange->Send(result.ok() ? codec->EncodeOutput(operation, *result, ctx)
                                       : codec->EncodeError(result.error(), ctx));
          } catch (const std::exception& e) {
            exchange->Send(codec->EncodeError(AwsError::Internal(e.what()), ctx));
          } catch (...) {
            exchange->Send(codec->EncodeError(AwsError::Internal("unknown exception"), ctx));
          }
        });
  } catch (const std::exception& e) {
    if (!exchange->done())
      exchange->Send(InternalError(route.protocol, route.service, ctx, e.what()));
  } catch (...) {
    if (!exchange->done()) {
      exchange->Send(InternalError(route.protocol, route.service, ctx, "unknown exception"));
    }
  }
}

}  // namespace wharf::dispatch
