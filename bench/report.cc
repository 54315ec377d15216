#include "report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace wharf::bench {
namespace {

double Ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

double PerSecond(uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

}  // namespace

std::string HumanLine(const RunReport& r) {
  const LoadStats& s = r.stats;
  const Histogram& h = s.latency;
  std::string errors = std::to_string(s.ErrorCount());
  if (!s.errors.empty()) {
    errors += " (";
    bool first = true;
    for (const auto& [kind, count] : s.errors) {
      errors += (first ? "" : " ") + kind + ":" + std::to_string(count);
      first = false;
    }
    errors += ")";
  }
  std::string mode = r.config.rate > 0 ? " rate=" + std::to_string(static_cast<long>(r.config.rate))
                                       : std::string();
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "%s %s c=%d t=%d%s: %llu req in %.2f s, %.1f req/s, %.1f msg/s, errors %s | "
                "latency ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f",
                r.label.c_str(), r.scenario.c_str(), r.config.connections, r.config.threads,
                mode.c_str(), static_cast<unsigned long long>(s.requests), s.elapsed_s,
                PerSecond(s.requests, s.elapsed_s), PerSecond(s.messages, s.elapsed_s),
                errors.c_str(), Ms(h.Percentile(0.5)), Ms(h.Percentile(0.9)),
                Ms(h.Percentile(0.99)), Ms(h.Percentile(0.999)), Ms(h.max()));
  std::string line = buf;
  if (s.unsent > 0) line += " | unsent " + std::to_string(s.unsent);
  if (!r.counts.empty()) {
    line += " |";
    for (const auto& [name, count] : r.counts) line += " " + name + " " + std::to_string(count);
  }
  return line;
}

std::string JsonLine(const RunReport& r) {
  const LoadStats& s = r.stats;
  const Histogram& h = s.latency;
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [kind, count] : s.errors) errors[kind] = count;
  nlohmann::json j = {
      {"label", r.label},
      {"scenario", r.scenario},
      {"connections", r.config.connections},
      {"threads", r.config.threads},
      {"rate", r.config.rate},
      {"requests", s.requests},
      {"ok", s.ok},
      {"errors", s.ErrorCount()},
      {"errors_by_kind", errors},
      {"unsent", s.unsent},
      {"messages", s.messages},
      {"elapsed_s", s.elapsed_s},
      {"req_per_s", PerSecond(s.requests, s.elapsed_s)},
      {"msg_per_s", PerSecond(s.messages, s.elapsed_s)},
      {"latency_ms",
       {{"p50", Ms(h.Percentile(0.5))},
        {"p90", Ms(h.Percentile(0.9))},
        {"p99", Ms(h.Percentile(0.99))},
        {"p999", Ms(h.Percentile(0.999))},
        {"max", Ms(h.max())}}},
  };
  for (const auto& [name, count] : r.counts) j[name] = count;
  return j.dump();
}

}  // namespace wharf::bench
