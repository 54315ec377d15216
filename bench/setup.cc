#include "setup.h"

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "driver.h"

namespace wharf::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using nlohmann::json;

AwsError SetupError(const std::string& what, const HttpResponse& r) {
  return AwsError::Client("BenchSetupFailed", what + ": HTTP " + std::to_string(r.status) + " " +
                                                  r.body.substr(0, 300));
}

// The text of the first <tag>...</tag> in `xml`, or "".
std::string XmlText(const std::string& xml, const std::string& tag) {
  std::string open = "<" + tag + ">";
  size_t start = xml.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  size_t end = xml.find("</" + tag + ">", start);
  return end == std::string::npos ? "" : xml.substr(start, end - start);
}

Result<json> JsonCall(SyncClient& http, AwsClient& aws, const std::string& target,
                      const std::string& version, const json& input, const std::string& what) {
  auto r = http.Exchange(aws.Json(target, version, input.dump()));
  if (!r.ok()) return r.error();
  if (r->status / 100 != 2) return SetupError(what, *r);
  json doc = json::parse(r->body, nullptr, false);
  if (doc.is_discarded()) return SetupError(what + " (not JSON)", *r);
  return doc;
}

Result<std::string> CreateQueue(SyncClient& http, AwsClient& sqs, const std::string& name) {
  auto doc = JsonCall(http, sqs, "AmazonSQS.CreateQueue", "1.0", json{{"QueueName", name}},
                      "CreateQueue " + name);
  if (!doc.ok()) return doc.error();
  if (!doc->contains("QueueUrl")) return AwsError::Client("BenchSetupFailed", "no QueueUrl");
  return (*doc)["QueueUrl"].get<std::string>();
}

Result<std::string> QueueArn(SyncClient& http, AwsClient& sqs, const std::string& url) {
  auto doc =
      JsonCall(http, sqs, "AmazonSQS.GetQueueAttributes", "1.0",
               json{{"QueueUrl", url}, {"AttributeNames", {"QueueArn"}}}, "GetQueueAttributes");
  if (!doc.ok()) return doc.error();
  auto arn = doc->value("/Attributes/QueueArn"_json_pointer, std::string());
  if (arn.empty()) return AwsError::Client("BenchSetupFailed", "no QueueArn for " + url);
  return arn;
}

// Creates the topic and its subscriber queues; fills targets.topic_arn and
// targets.subscriber_queue_urls.
Status CreateTopic(SyncClient& http, const SetupConfig& config, Targets& targets,
                   std::ostream& log) {
  const WorkloadConfig& w = config.workload;
  AwsClient sns(w.endpoint, w.credentials, w.region, "sns");
  AwsClient sqs(w.endpoint, w.credentials, w.region, "sqs");
  auto r = http.Exchange(
      sns.Query({{"Action", "CreateTopic"}, {"Version", "2010-03-31"}, {"Name", config.name}}));
  if (!r.ok()) return r.error();
  std::string arn = XmlText(r->body, "TopicArn");
  if (r->status != 200 || arn.empty()) return SetupError("CreateTopic", *r);
  for (int i = 0; i < config.subscribers; ++i) {
    auto url = CreateQueue(http, sqs, config.name + "-sub-" + std::to_string(i));
    if (!url.ok()) return url.error();
    auto queue_arn = QueueArn(http, sqs, *url);
    if (!queue_arn.ok()) return queue_arn.error();
    FormParams params{{"Action", "Subscribe"},
                      {"Version", "2010-03-31"},
                      {"TopicArn", arn},
                      {"Protocol", "sqs"},
                      {"Endpoint", *queue_arn}};
    if (config.raw) {
      params.emplace_back("Attributes.entry.1.key", "RawMessageDelivery");
      params.emplace_back("Attributes.entry.1.value", "true");
    }
    auto s = http.Exchange(sns.Query(params));
    if (!s.ok()) return s.error();
    if (s->status != 200) return SetupError("Subscribe", *s);
    targets.subscriber_queue_urls.push_back(*url);
  }
  log << "setup: topic " << arn << " with " << config.subscribers << (config.raw ? " raw" : "")
      << " SQS subscribers\n";
  targets.topic_arn = arn;
  return OkStatus();
}

Status CreateStream(SyncClient& http, const SetupConfig& config, std::ostream& log) {
  const WorkloadConfig& w = config.workload;
  AwsClient kinesis(w.endpoint, w.credentials, w.region, "kinesis");
  auto r = http.Exchange(
      kinesis.Json("Kinesis_20131202.CreateStream", "1.1",
                   json{{"StreamName", config.name}, {"ShardCount", config.shards}}.dump()));
  if (!r.ok()) return r.error();
  bool exists = r->body.find("ResourceInUseException") != std::string::npos;
  if (r->status != 200 && !exists) return SetupError("CreateStream", *r);
  constexpr int kPolls = 300;  // 30 s
  for (int i = 0; i < kPolls; ++i) {
    auto doc = JsonCall(http, kinesis, "Kinesis_20131202.DescribeStream", "1.1",
                        json{{"StreamName", config.name}}, "DescribeStream");
    if (!doc.ok()) return doc.error();
    if (doc->value("/StreamDescription/StreamStatus"_json_pointer, std::string()) == "ACTIVE") {
      log << "setup: stream " << config.name << " ACTIVE with " << config.shards << " shard(s)\n";
      return OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return AwsError::Client("BenchSetupFailed", "stream " + config.name + " never became ACTIVE");
}

Status Prefill(const SetupConfig& config, const std::string& queue_url, std::ostream& log) {
  WorkloadConfig batch = config.workload;
  batch.scenario = "sqs-send-batch";
  batch.targets.queue_url = queue_url;
  LoadConfig load;
  load.endpoint = batch.endpoint;
  load.connections = std::max(1, config.prefill_connections);
  load.requests = (config.prefill + 9) / 10;
  load.duration = std::chrono::minutes(10);
  LoadStats stats = RunLoad(load, [&batch](int i) { return MakeWorkload(batch, i); });
  if (stats.ErrorCount() > 0) {
    return AwsError::Client("BenchSetupFailed", "prefill: " + std::to_string(stats.ErrorCount()) +
                                                    " SendMessageBatch calls failed");
  }
  log << "setup: prefilled " << stats.messages << " messages in " << stats.elapsed_s << " s\n";
  return OkStatus();
}

}  // namespace

struct SyncClient::Impl {
  Impl(Endpoint e, std::chrono::milliseconds t)
      : endpoint(std::move(e)),
        timeout(t),
        socket(io),
        remote(asio::ip::make_address(endpoint.address), endpoint.port) {}
  Endpoint endpoint;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  tcp::socket socket;
  tcp::endpoint remote;
  std::string in;
  bool connected = false;

  // Runs the io_context until `done` or the timeout; closes the socket on timeout.
  bool RunUntil(const bool& done) {
    io.restart();
    io.run_for(timeout);
    if (done) return true;
    boost::system::error_code ignored;
    socket.close(ignored);
    io.restart();
    io.run();  // drain the aborted handlers
    connected = false;
    return false;
  }
};

SyncClient::SyncClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(endpoint), timeout)) {}

SyncClient::~SyncClient() = default;

Result<HttpResponse> SyncClient::Exchange(const std::string& request) {
  Impl& s = *impl_;
  for (int attempt = 0; attempt < 2; ++attempt) {
    boost::system::error_code ec;
    bool done = false;
    if (!s.connected) {
      s.socket.async_connect(s.remote, [&](const boost::system::error_code& e) {
        ec = e;
        done = true;
      });
      if (!s.RunUntil(done) || ec) {
        return AwsError::Client("BenchConnection", "cannot connect to " + s.endpoint.host);
      }
      s.connected = true;
      s.in.clear();
    }
    done = false;
    asio::async_write(s.socket, asio::buffer(request),
                      [&](const boost::system::error_code& e, size_t) {
                        ec = e;
                        done = true;
                      });
    if (!s.RunUntil(done)) return AwsError::Client("BenchConnection", "write timed out");
    HttpResponse response;
    ParseResult parsed;
    std::array<char, 16384> buf;
    while (!ec) {
      parsed = ParseResponse(s.in, &response);
      if (parsed.state != ParseState::kIncomplete) break;
      done = false;
      size_t got = 0;
      s.socket.async_read_some(asio::buffer(buf),
                               [&](const boost::system::error_code& e, size_t n) {
                                 ec = e;
                                 got = n;
                                 done = true;
                               });
      if (!s.RunUntil(done)) return AwsError::Client("BenchConnection", "read timed out");
      s.in.append(buf.data(), got);
    }
    if (ec == asio::error::eof) parsed = ParseAtEof(s.in, &response);
    if (parsed.state == ParseState::kComplete) {
      s.in.erase(0, parsed.consumed);
      if (!response.keep_alive || ec) {
        boost::system::error_code ignored;
        s.socket.close(ignored);
        s.connected = false;
      }
      return response;
    }
    // A kept-alive connection the server had closed: reconnect once.
    boost::system::error_code ignored;
    s.socket.close(ignored);
    s.connected = false;
    if (parsed.state == ParseState::kError) break;
  }
  return AwsError::Client("BenchConnection", "no valid HTTP response from " + s.endpoint.host);
}

Result<Targets> Prepare(const SetupConfig& config, std::ostream& log) {
  Targets targets = config.workload.targets;
  const ScenarioInfo* info = FindScenario(config.workload.scenario);
  if (info == nullptr) return AwsError::Client("BenchUsage", "unknown scenario");
  SyncClient http(config.workload.endpoint);
  const WorkloadConfig& w = config.workload;
  if (info->needs == Resource::kQueue) {
    if (targets.queue_url.empty()) {
      AwsClient sqs(w.endpoint, w.credentials, w.region, "sqs");
      auto url = CreateQueue(http, sqs, config.name);
      if (!url.ok()) return url.error();
      targets.queue_url = *url;
      log << "setup: queue " << targets.queue_url << "\n";
    }
    if (config.prefill > 0) WHARF_RETURN_IF_ERROR(Prefill(config, targets.queue_url, log));
  } else if (info->needs == Resource::kTopic && targets.topic_arn.empty()) {
    WHARF_RETURN_IF_ERROR(CreateTopic(http, config, targets, log));
  } else if (info->needs == Resource::kStream && targets.stream.empty()) {
    WHARF_RETURN_IF_ERROR(CreateStream(http, config, log));
    targets.stream = config.name;
  }
  return targets;
}

}  // namespace wharf::bench
