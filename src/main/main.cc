// wharf: config -> store -> clock + scheduler -> engines -> init file -> dispatcher + admin ->
// HTTP listener; on SIGTERM/SIGINT a graceful stop (exit 0). Exit 2 on bad configuration,
// 1 on any other start-up failure.
#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "admin/admin_access.h"
#include "admin/admin_api.h"
#include "admin/init_file.h"
#include "dispatch/dispatcher.h"
#include "dispatch/request_log.h"
#include "main/startup.h"
#include "services/sns/sns_engine.h"
#include "services/sqs/sqs_engine.h"
#include "wharf/clock/clock.h"
#include "wharf/clock/scheduler.h"
#include "wharf/config/config.h"
#include "wharf/http/server.h"
#include "wharf/protocol/codec.h"
#include "wharf/protocol/model.h"
#include "wharf/storage/store.h"

namespace wharf {
namespace {

constexpr auto kDrainTimeout = std::chrono::seconds(10);

// WHARF_STARTUP_TRACE=1 writes "wharf-startup <phase> <CLOCK_MONOTONIC in µs>" to stderr at each
// start-up phase (bench/startup.py --trace compares them with its spawn time).
const bool kTraceStartup = std::getenv("WHARF_STARTUP_TRACE") != nullptr;

void Mark(const char* phase) {
  if (!kTraceStartup) return;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  dprintf(2, "wharf-startup %s %lld\n", phase,
          static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "wharf: %s\n", message.c_str());
  return 1;
}

// Every engine wharf has, in start order: SNS delivers to SQS (also when it resumes pending
// deliveries at Start), so SQS comes first.
std::vector<std::unique_ptr<ServiceEngine>> MakeEngines(EngineEnv env) {
  std::vector<std::unique_ptr<ServiceEngine>> engines;
  auto sqs = std::make_unique<sqs::SqsEngine>(env);
  auto sns = std::make_unique<sns::SnsEngine>(env, sqs.get());
  engines.push_back(std::move(sqs));
  engines.push_back(std::move(sns));
  return engines;
}

std::unique_ptr<Codec> CodecFor(Protocol protocol, std::string_view service) {
  const ServiceModel* model = ServiceModel::Get(service);
  return model != nullptr ? MakeCodec(protocol, *model) : nullptr;
}

int Run(int argc, char** argv) {
  Mark("main");
  BlockTerminationSignals();  // before any thread starts: an early SIGTERM then waits for us
  Result<Config> parsed = ParseConfig(argc, argv, app::Environment());
  if (!parsed.ok()) {
    if (parsed.error().code == "Help") {
      std::fputs(parsed.error().message.c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr, "wharf: %s\n", parsed.error().message.c_str());
    return 2;
  }
  const Config config = std::move(parsed).value();
  dispatch::InitLogging(config);
  Mark("logging");

  std::unique_ptr<Store> store;
  if (config.in_memory) {
    store = MakeMemoryStore();
  } else {
    auto opened = OpenSqliteStore(config.data_dir);
    if (!opened.ok()) return Fail(opened.error().message);
    store = std::move(opened).value();
  }
  Mark("store");

  std::shared_ptr<Clock> clock;
  admin::ClockControl clock_control;
  if (config.virtual_clock) {
    auto virtual_clock = std::make_shared<VirtualClock>(SystemNowMs());
    clock_control.set_ms = [virtual_clock](int64_t ms) { return virtual_clock->SetMs(ms); };
    clock_control.advance_ms = [virtual_clock](int64_t d) { return virtual_clock->AdvanceMs(d); };
    clock = virtual_clock;
  } else {
    clock = std::make_shared<SystemClock>();
  }
  std::unique_ptr<Scheduler> scheduler = MakeScheduler(clock);
  Mark("scheduler");

  std::vector<std::unique_ptr<ServiceEngine>> engines =
      MakeEngines(EngineEnv{*store, *scheduler, config});
  dispatch::EngineMap engine_map;
  auto shutdown = [&] {
    for (auto& engine : engines) engine->Stop();
    scheduler->Stop();
    store->Close();
  };
  for (auto& engine : engines) {
    Status started = engine->Start();
    if (!started.ok()) {
      shutdown();
      return Fail(std::string(engine->Name()) + ": " + started.error().message);
    }
    engine_map.emplace(std::string(engine->Name()), engine.get());
    Mark(std::string(engine->Name()).c_str());
  }
  if (!config.init_file.empty()) {
    Status applied = admin::ApplyInitFile(config.init_file, engine_map);
    if (!applied.ok()) {
      shutdown();
      return Fail(applied.error().message);
    }
  }

  Mark("init");
  admin::AdminApi admin_api(config, *clock, engine_map, clock_control);
  dispatch::Dispatcher dispatcher(config, *clock, CodecFor, engine_map, admin_api.AsHandler());
  HttpServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.max_body_bytes = config.max_body_bytes;
  options.max_header_bytes = config.max_header_bytes;
  options.idle_timeout_seconds = config.idle_timeout_seconds;
  options.max_connections = config.max_connections;
  // Requests' writes are committed by the I/O thread that served them, once per batch of ready
  // requests (group commit without a thread hand-off).
  options.on_thread_start = [&store] { store->CommitOnIdle(); };
  options.on_idle = [&store] { store->CommitQueued(); };
  options.now_ms = [&clock = *clock] { return clock.NowMs(); };
  auto server = HttpServer::Start(options, dispatcher.AsHandler());
  if (!server.ok()) {
    shutdown();
    return Fail(server.error().message);
  }
  Mark("listening");
  bool ipv6 = config.host.find(':') != std::string::npos;
  std::printf("wharf %s listening on http://%s%s%s:%u\n", WHARF_VERSION, ipv6 ? "[" : "",
              config.host.c_str(), ipv6 ? "]" : "", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  if (!admin::IsLoopbackHost(config.host) && config.admin_token.empty()) {
    spdlog::warn(
        "listening beyond loopback without --admin-token: admin routes that change state "
        "(reset, clock, service admin writes) are refused; set WHARF_ADMIN_TOKEN to use them");
  }

  int signal = WaitForTerminationSignal();
  spdlog::info("signal {}: stopping", signal);
  (*server)->StopAccepting();
  for (auto& engine : engines) engine->Stop();  // answers pending long polls
  if (!(*server)->WaitForInFlight(kDrainTimeout)) {
    spdlog::warn("{} requests still in flight after {} s; closing anyway",
                 (*server)->InFlightCount(), kDrainTimeout.count());
  }
  (*server)->Stop();
  scheduler->Stop();
  store->Close();
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace
}  // namespace wharf

int main(int argc, char** argv) { return wharf::Run(argc, argv); }
