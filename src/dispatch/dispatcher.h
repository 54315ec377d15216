// The RequestHandler given to HttpServer: admin routes first, then route -> (SigV4 check) ->
// codec Decode -> engine Invoke -> codec Encode -> respond, with one log line per request.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "wharf/clock/clock.h"
#include "wharf/config/config.h"
#include "wharf/dispatch/engine.h"
#include "wharf/http/message.h"
#include "wharf/protocol/codec.h"

namespace wharf::dispatch {

// Makes the codec for signing name `service` spoken in `protocol`; nullptr when wharf has no
// model for it. Called at most once per (service, protocol), lazily, from any thread.
using CodecFactory = std::function<std::unique_ptr<Codec>(Protocol, std::string_view service)>;
// Answers a request routed to the admin API (/_wharf/..., aliases, anonymous GET /).
using AdminHandler = std::function<void(const HttpRequest&, Respond)>;
// Engines by signing name; not owned, must outlive the Dispatcher.
using EngineMap = std::map<std::string, ServiceEngine*, std::less<>>;

class Dispatcher {
 public:
  // `config` and `clock` must outlive the Dispatcher. `admin` may be empty (admin routes 404).
  Dispatcher(const Config& config, const Clock& clock, CodecFactory codec_factory,
             EngineMap engines, AdminHandler admin);

  // Answers `request` through `respond`, exactly once, possibly later (long polls). Never
  // throws. Thread-safe.
  void Handle(HttpRequest request, Respond respond);

  // A RequestHandler calling Handle; the Dispatcher must outlive it.
  RequestHandler AsHandler();

 private:
  const Codec* CodecFor(const std::string& service, Protocol protocol);

  const Config& config_;
  const Clock& clock_;
  CodecFactory codec_factory_;
  EngineMap engines_;
  AdminHandler admin_;
  std::shared_mutex codecs_mutex_;
  std::map<std::pair<std::string, Protocol>, std::unique_ptr<Codec>> codecs_;
};

}  // namespace wharf::dispatch
