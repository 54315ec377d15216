#include "options.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <optional>

namespace wharf::bench {
namespace {

AwsError Usage(const std::string& message) { return AwsError::Client("BenchUsage", message); }

template <typename T>
Result<T> Number(const std::string& flag, const std::string& text, T min, T max) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Usage(flag + ": not a number: '" + text + "'");
  }
  if (value < min || value > max) {
    return Usage(flag + ": " + text + " is out of range [" + std::to_string(min) + ", " +
                 std::to_string(max) + "]");
  }
  return value;
}

// Parses `text` into *out; returns the usage error instead on failure.
template <typename T>
std::optional<AwsError> SetNumber(const std::string& flag, const std::string& text, T min, T max,
                                  T* out) {
  auto n = Number<T>(flag, text, min, max);
  if (!n.ok()) return n.error();
  *out = *n;
  return std::nullopt;
}

}  // namespace

Result<Endpoint> ParseEndpoint(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return Usage("--endpoint must start with http://");
  std::string rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string host;
  std::string port = "80";
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return Usage("bad IPv6 literal in " + url);
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return Usage("bad endpoint " + url);
      port = rest.substr(close + 2);
    }
  } else {
    size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  Endpoint e;
  if (host == "127.0.0.1" || host == "localhost") {
    e.address = "127.0.0.1";
  } else if (host == "::1") {
    e.address = "::1";
  } else {
    return Usage("refusing target host '" + host +
                 "': only 127.0.0.1, localhost and [::1] may be load-tested");
  }
  auto p = Number<int>("port", port, 1, 65535);
  if (!p.ok()) return p.error();
  e.port = static_cast<unsigned short>(*p);
  e.host = (host == "::1" ? "[::1]" : host) + ":" + port;
  return e;
}

std::string Usage() {
  std::string out =
      "usage: wharf-bench SCENARIO [options]\n"
      "scenarios:\n";
  for (const auto& s : Scenarios()) {
    constexpr size_t kColumn = 20;
    out += "  " + std::string(s.name) +
           std::string(s.name.size() < kColumn ? kColumn - s.name.size() : 1, ' ') +
           std::string(s.summary) + "\n";
  }
  out +=
      "options:\n"
      "  --endpoint URL     http://127.0.0.1:4566 (only 127.0.0.1, localhost, [::1])\n"
      "  -c N               keep-alive connections (16)\n"
      "  -t N               threads / event loops (1)\n"
      "  -d SECONDS         duration (10, at most 600)\n"
      "  -n N               stop after N requests (still bounded by -d, default 600 s then)\n"
      "  --rate R           open loop: R requests/s in total (latency from scheduled time)\n"
      "  --timeout SECONDS  per-request timeout (10)\n"
      "  --body-size BYTES  message / record size (128)\n"
      "  --queue-url URL | --topic-arn ARN | --stream NAME   reuse instead of creating\n"
      "  --name NAME        name of the queue/topic/stream to create (bench-<scenario>-<time>)\n"
      "  --subscribers N    sns-publish: SQS queues subscribed to the topic; sns-http: http\n"
      "                     subscriptions to wharf-bench's own endpoint (1);\n"
      "                     sns-fanout-latency: SQS queues (10)\n"
      "  --raw              sns-publish: subscribe the queues with RawMessageDelivery, so no\n"
      "                     envelope is signed (measures the publish path without RSA)\n"
      "  --receivers N      sns-fanout-latency: long-polling connections per queue (2)\n"
      "  --shards N         kinesis-put: shard count (1)\n"
      "  --prefill N        send N messages to the queue first (sqs-cycle: 20000)\n"
      "  --region R         (us-east-1)   --access-key K --secret-key S   (test/test)\n"
      "  --label L          name printed with the results\n"
      "  --json             also print one JSON line\n";
  return out;
}

Result<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  WorkloadConfig& w = o.setup.workload;
  bool duration_set = false;
  bool prefill_set = false;
  bool subscribers_set = false;
  std::string endpoint = "http://127.0.0.1:4566";
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline = false;
    if (flag.rfind("--", 0) == 0 && flag.find('=') != std::string::npos) {
      value = flag.substr(flag.find('=') + 1);
      flag = flag.substr(0, flag.find('='));
      has_inline = true;
    }
    if (flag == "-h" || flag == "--help") {
      o.help = true;
      return o;
    }
    if (flag == "--json") {
      o.json = true;
      continue;
    }
    if (flag == "--raw") {
      o.setup.raw = true;
      continue;
    }
    if (flag.empty() || flag[0] != '-') {
      if (!w.scenario.empty()) return Usage("unexpected argument '" + flag + "'");
      if (FindScenario(flag) == nullptr) return Usage("unknown scenario '" + flag + "'");
      w.scenario = flag;
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) return Usage(flag + " needs a value");
      value = args[++i];
    }
    if (flag == "--endpoint") {
      endpoint = value;
    } else if (flag == "-c" || flag == "--connections") {
      if (auto err = SetNumber<int>(flag, value, 1, 10000, &o.load.connections)) return *err;
    } else if (flag == "-t" || flag == "--threads") {
      if (auto err = SetNumber<int>(flag, value, 1, 64, &o.load.threads)) return *err;
    } else if (flag == "-d" || flag == "--duration") {
      int seconds = 0;
      auto n = Number<int>(flag, value, 1, 1 << 30);
      if (!n.ok()) return n.error();
      seconds = *n;
      if (seconds > kMaxDurationSeconds) {
        return Usage("refusing -d " + value + ": runs are bounded to " +
                     std::to_string(kMaxDurationSeconds) + " s");
      }
      o.load.duration = std::chrono::seconds(seconds);
      duration_set = true;
    } else if (flag == "-n" || flag == "--requests") {
      if (auto err = SetNumber<uint64_t>(flag, value, 1, uint64_t{1} << 40, &o.load.requests))
        return *err;
    } else if (flag == "--rate") {
      if (auto err = SetNumber<double>(flag, value, 0.001, 10'000'000.0, &o.load.rate)) return *err;
    } else if (flag == "--timeout") {
      int seconds = 0;
      if (auto err = SetNumber<int>(flag, value, 1, kMaxDurationSeconds, &seconds)) return *err;
      o.load.timeout = std::chrono::seconds(seconds);
    } else if (flag == "--body-size") {
      if (auto err = SetNumber<size_t>(flag, value, 1, 256 * 1024, &w.body_size)) return *err;
    } else if (flag == "--queue-url") {
      w.targets.queue_url = value;
    } else if (flag == "--topic-arn") {
      w.targets.topic_arn = value;
    } else if (flag == "--stream") {
      w.targets.stream = value;
    } else if (flag == "--name") {
      o.setup.name = value;
    } else if (flag == "--subscribers") {
      if (auto err = SetNumber<int>(flag, value, 0, 100, &o.setup.subscribers)) return *err;
      subscribers_set = true;
    } else if (flag == "--receivers") {
      if (auto err = SetNumber<int>(flag, value, 1, 100, &o.receivers)) return *err;
    } else if (flag == "--shards") {
      if (auto err = SetNumber<int>(flag, value, 1, 500, &o.setup.shards)) return *err;
    } else if (flag == "--prefill") {
      if (auto err = SetNumber<uint64_t>(flag, value, 0, 100'000'000, &o.setup.prefill))
        return *err;
      prefill_set = true;
    } else if (flag == "--region") {
      w.region = value;
    } else if (flag == "--access-key") {
      w.credentials.access_key = value;
    } else if (flag == "--secret-key") {
      w.credentials.secret_key = value;
    } else if (flag == "--label") {
      o.label = value;
    } else {
      return Usage("unknown option '" + flag + "'");
    }
  }
  if (w.scenario.empty()) return Usage("no scenario given");
  auto e = ParseEndpoint(endpoint);
  if (!e.ok()) return e.error();
  w.endpoint = *e;
  o.load.endpoint = *e;
  if (o.load.requests > 0 && !duration_set) {
    o.load.duration = std::chrono::seconds(kMaxDurationSeconds);
  }
  if (o.load.threads > o.load.connections) o.load.threads = o.load.connections;
  if (w.scenario == "sqs-cycle" && !prefill_set && w.targets.queue_url.empty()) {
    o.setup.prefill = 20'000;
  }
  if (w.scenario == "sns-fanout-latency") {
    if (o.load.rate <= 0) return Usage("sns-fanout-latency needs --rate (publishes/s)");
    if (!subscribers_set) o.setup.subscribers = 10;
    if (o.setup.subscribers < 1) return Usage("sns-fanout-latency needs --subscribers >= 1");
  }
  if (o.setup.name.empty()) {
    o.setup.name = "bench-" + w.scenario + "-" + std::to_string(std::time(nullptr)) + "-" +
                   std::to_string(getpid());
  }
  if (o.label.empty()) o.label = w.endpoint.host;
  return o;
}

}  // namespace wharf::bench
