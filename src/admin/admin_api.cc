#include "admin/admin_api.h"

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "admin/admin_access.h"
#include "dispatch/http_util.h"
#include "wharf/core/encoding.h"
#include "wharf/core/json_text.h"

#ifndef WHARF_VERSION
#define WHARF_VERSION "0.0.0"
#endif

namespace wharf::admin {
namespace {

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = JsonText(body);
  return response;
}

HttpResponse ErrorResponse(int status, std::string code, std::string message) {
  return JsonResponse(status, {{"error", std::move(code)}, {"message", std::move(message)}});
}

// An engine's admin result: JSON, except that a bare string is a document of its own (the SNS
// signing certificate, say) and goes out as it is, so certificate fetchers get a real PEM.
HttpResponse FromResult(const Result<nlohmann::json>& result) {
  if (result.ok() && result->is_string()) {
    HttpResponse response;
    const std::string& text = result->get_ref<const std::string&>();
    const bool pem = text.rfind("-----BEGIN", 0) == 0;
    response.headers.emplace_back("Content-Type", pem ? "application/x-pem-file" : "text/plain");
    response.body = text;
    return response;
  }
  if (result.ok()) return JsonResponse(200, *result);
  return ErrorResponse(result.error().http_status, result.error().code, result.error().message);
}

// Counts down the engines of one reset and answers when the last one is durable.
struct ResetState {
  std::mutex mutex;
  size_t pending = 0;
  nlohmann::json reset = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::object();
  Respond respond;
};

}  // namespace

const std::vector<std::string>& MissionServices() {
  static const std::vector<std::string> kServices = {
      "sqs", "sns", "swf", "kinesis", "firehose", "apigateway", "elastictranscoder", "s3"};
  return kServices;
}

AdminApi::AdminApi(const Config& config, const wharf::Clock& clock, dispatch::EngineMap engines,
                   ClockControl clock_control)
    : config_(config),
      clock_(clock),
      engines_(std::move(engines)),
      clock_control_(std::move(clock_control)),
      started_(std::chrono::steady_clock::now()) {}

dispatch::AdminHandler AdminApi::AsHandler() {
  return
      [this](const HttpRequest& request, Respond respond) { Handle(request, std::move(respond)); };
}

void AdminApi::Handle(const HttpRequest& request, Respond respond) {
  try {
    if (auto denial = CheckAdminAccess(config_, request)) {
      return respond(ErrorResponse(denial->status, denial->code, denial->message));
    }
    Route(request, respond);
  } catch (const std::exception& e) {
    // A route that already answered ignores this (the dispatcher answers once).
    respond(ErrorResponse(500, "InternalFailure", e.what()));
  } catch (...) {
    respond(ErrorResponse(500, "InternalFailure", "unknown exception"));
  }
}

void AdminApi::Route(const HttpRequest& request, const Respond& respond) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path == "/" || path == "/_wharf/health" || path == "/_localstack/health" ||
      path == "/_wharf/health/") {
    if (method != "GET" && method != "HEAD") {
      return respond(ErrorResponse(405, "MethodNotAllowed", "use GET"));
    }
    return respond(JsonResponse(200, Health()));
  }
  if (path == "/_wharf/reset" || path == "/moto-api/reset") {
    if (method != "POST") return respond(ErrorResponse(405, "MethodNotAllowed", "use POST"));
    return Reset("", respond);
  }
  if (dispatch::StartsWith(path, "/_wharf/reset/")) {
    if (method != "POST") return respond(ErrorResponse(405, "MethodNotAllowed", "use POST"));
    return Reset(path.substr(14), respond);
  }
  if (path == "/_wharf/clock") return Clock(request, respond);
  if (path == "/_wharf/config") {
    if (method != "GET") return respond(ErrorResponse(405, "MethodNotAllowed", "use GET"));
    return respond(JsonResponse(200, config_.ToJson()));
  }
  if (dispatch::StartsWith(path, "/_wharf/")) {
    std::string rest = path.substr(8);
    std::string service = rest.substr(0, rest.find('/'));
    auto engine = engines_.find(service);
    if (engine != engines_.end()) {
      AdminRequest admin_request;
      admin_request.method = method;
      admin_request.path = rest.substr(service.size());
      for (auto& [key, value] : ParseFormPairs(request.query)) {
        admin_request.query.emplace(std::move(key), std::move(value));
      }
      if (!request.body.empty()) {
        admin_request.body = nlohmann::json::parse(request.body, nullptr, false);
        if (admin_request.body.is_discarded()) {
          return respond(ErrorResponse(400, "InvalidRequest", "the body is not valid JSON"));
        }
      }
      return engine->second->Admin(
          admin_request, [respond](Result<nlohmann::json> result) { respond(FromResult(result)); });
    }
  }
  respond(ErrorResponse(404, "NotFound", "no admin route " + method + " " + path));
}

nlohmann::json AdminApi::Health() const {
  nlohmann::json services = nlohmann::json::object();
  nlohmann::json details = nlohmann::json::object();
  for (const std::string& name : MissionServices()) {
    auto engine = engines_.find(name);
    services[name] = engine != engines_.end() ? "running" : "not implemented";
    if (engine != engines_.end()) details[name] = engine->second->Summary();
  }
  double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return {{"version", WHARF_VERSION},
          {"status", "running"},
          {"services", services},
          {"details", details},
          {"uptime", uptime},
          {"persistent", !config_.in_memory},
          {"clock", config_.virtual_clock ? "virtual" : "system"}};
}

void AdminApi::Reset(const std::string& service, const Respond& respond) {
  std::vector<ServiceEngine*> targets;
  if (service.empty()) {
    for (const auto& [name, engine] : engines_) targets.push_back(engine);
  } else {
    auto engine = engines_.find(service);
    if (engine == engines_.end()) {
      return respond(ErrorResponse(404, "NotFound", "no engine for service '" + service + "'"));
    }
    targets.push_back(engine->second);
  }
  if (targets.empty()) return respond(JsonResponse(200, {{"reset", nlohmann::json::array()}}));
  auto state = std::make_shared<ResetState>();
  state->pending = targets.size();
  state->respond = respond;
  for (ServiceEngine* engine : targets) {
    std::string name(engine->Name());
    engine->Reset([state, name](Status status) {
      std::unique_lock lock(state->mutex);
      if (status.ok()) {
        state->reset.push_back(name);
      } else {
        state->errors[name] = status.error().message;
      }
      if (--state->pending > 0) return;
      nlohmann::json body = {{"reset", state->reset}};
      int code = 200;
      if (!state->errors.empty()) {
        body["errors"] = state->errors;
        code = 500;
      }
      lock.unlock();
      state->respond(JsonResponse(code, body));
    });
  }
}

void AdminApi::Clock(const HttpRequest& request, const Respond& respond) {
  auto now = [&] {
    return nlohmann::json{{"now_ms", clock_.NowMs()}, {"virtual", clock_.IsVirtual()}};
  };
  if (request.method == "GET") return respond(JsonResponse(200, now()));
  if (request.method != "POST") {
    return respond(ErrorResponse(405, "MethodNotAllowed", "use GET or POST"));
  }
  if (!clock_.IsVirtual() || !clock_control_.set_ms || !clock_control_.advance_ms) {
    return respond(
        ErrorResponse(400, "InvalidRequest", "the clock can be moved only with --clock virtual"));
  }
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return respond(ErrorResponse(400, "InvalidRequest",
                                 "body must be {\"advance_ms\": N} or {\"set_ms\": N}"));
  }
  auto advance = body.find("advance_ms");
  auto set = body.find("set_ms");
  if (advance != body.end() && advance->is_number_integer() && advance->get<int64_t>() >= 0 &&
      set == body.end()) {
    clock_control_.advance_ms(advance->get<int64_t>());
  } else if (set != body.end() && set->is_number_integer() && set->get<int64_t>() >= 0 &&
             advance == body.end()) {
    if (set->get<int64_t>() < clock_.NowMs()) {
      return respond(ErrorResponse(400, "InvalidRequest", "time never goes backwards"));
    }
    clock_control_.set_ms(set->get<int64_t>());
  } else {
    return respond(ErrorResponse(
        400, "InvalidRequest",
        "body must be {\"advance_ms\": N} or {\"set_ms\": N} with N a non-negative integer"));
  }
  respond(JsonResponse(200, now()));
}

}  // namespace wharf::admin
