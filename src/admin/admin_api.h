// The admin API: GET /_wharf/health, POST /_wharf/reset[/<service>], GET|POST /_wharf/clock,
// GET /_wharf/config, /_wharf/<service>/... (forwarded to the engine's Admin), and the migration
// aliases GET /_localstack/health, POST /moto-api/reset and an anonymous GET / (health).
// Replies are JSON. Access (admin token, loopback) is checked first: admin_access.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dispatch/dispatcher.h"
#include "wharf/clock/clock.h"
#include "wharf/config/config.h"
#include "wharf/http/message.h"

namespace wharf::admin {

// Every service wharf is meant to emulate, in /health order.
const std::vector<std::string>& MissionServices();

// Moves a virtual clock: returns the new now (ms). Empty for the system clock.
struct ClockControl {
  std::function<int64_t(int64_t ms)> set_ms;
  std::function<int64_t(int64_t delta_ms)> advance_ms;
};

class AdminApi {
 public:
  // `config`, `clock` and the engines must outlive the AdminApi.
  AdminApi(const Config& config, const Clock& clock, dispatch::EngineMap engines,
           ClockControl clock_control);

  // Answers an admin request (one routed to dispatch::kAdminService) exactly once, possibly
  // later (reset waits for storage). Never throws. Thread-safe.
  void Handle(const HttpRequest& request, Respond respond);

  // Handle as a dispatch::AdminHandler; the AdminApi must outlive it.
  dispatch::AdminHandler AsHandler();

 private:
  nlohmann::json Health() const;
  void Reset(const std::string& service, const Respond& respond);
  void Clock(const HttpRequest& request, const Respond& respond);
  void Route(const HttpRequest& request, const Respond& respond);

  const Config& config_;
  const wharf::Clock& clock_;
  dispatch::EngineMap engines_;
  ClockControl clock_control_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace wharf::admin
