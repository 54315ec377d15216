#include "sns_fanout.h"

#include <array>
#include <bitset>
#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "driver.h"
#include "setup.h"

namespace wharf::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using nlohmann::json;

constexpr auto kRetryDelay = std::chrono::milliseconds(100);
constexpr auto kWarmUpWait = std::chrono::seconds(30);
constexpr size_t kMaxQueues = 100;  // --subscribers' upper bound

// Every publish by sequence number: when it was sent, whether it was answered 2xx, and which
// queues it has been received from. Thread-safe (the publisher and the receivers share it).
class Tracker {
 public:
  explicit Tracker(int queues) : queues_(static_cast<size_t>(queues)) {}

  uint64_t NextSequence() {
    std::lock_guard lock(mu_);
    entries_.emplace_back();
    return entries_.size() - 1;
  }
  void Sent(uint64_t seq) {
    std::lock_guard lock(mu_);
    entries_[seq].sent = Clock::now();
  }
  void Answered(uint64_t seq, bool ok) {
    std::lock_guard lock(mu_);
    Entry& e = entries_[seq];
    e.ok = ok;
    if (ok) {
      ++ok_;
      if (e.seen.count() == queues_) ++complete_ok_;
    }
  }
  // Returns false for a sequence number this run never sent (a message from elsewhere).
  bool Received(uint64_t seq, size_t queue, Clock::time_point at) {
    std::lock_guard lock(mu_);
    if (seq >= entries_.size() || entries_[seq].sent == Clock::time_point{}) return false;
    ++deliveries_;
    Entry& e = entries_[seq];
    if (e.seen.test(queue)) return true;  // a duplicate: the first receipt counts
    e.seen.set(queue);
    e.last = at;
    if (e.ok && e.seen.count() == queues_) ++complete_ok_;
    return true;
  }
  bool AllReceived() {
    std::lock_guard lock(mu_);
    return complete_ok_ == ok_;
  }
  // Leaves what was published so far out of the counts and the report (the warm-up).
  void Forget() {
    std::lock_guard lock(mu_);
    for (Entry& e : entries_) e.ok = false;
    ok_ = complete_ok_ = deliveries_ = 0;
  }
  // Fills the latency histogram with the 2xx publishes received from every queue; adds the
  // counts to the report.
  void Report(RunReport& report) {
    std::lock_guard lock(mu_);
    uint64_t complete = 0;
    uint64_t missing = 0;
    for (const Entry& e : entries_) {
      if (!e.ok) continue;
      if (e.seen.count() == queues_) {
        ++complete;
        report.stats.latency.Record(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(e.last - e.sent).count()));
      } else {
        missing += queues_ - e.seen.count();
      }
    }
    report.stats.messages = deliveries_;
    report.counts.emplace_back("publishes", ok_);
    report.counts.emplace_back("complete", complete);
    report.counts.emplace_back("missing_deliveries", missing);
  }

 private:
  struct Entry {
    Clock::time_point sent{};
    Clock::time_point last{};
    std::bitset<kMaxQueues> seen;
    bool ok = false;
  };
  const size_t queues_;
  std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t ok_ = 0;
  uint64_t complete_ok_ = 0;
  uint64_t deliveries_ = 0;
};

// Publish with "<sequence number> <filler>" messages; one per publisher connection.
class PublishWorkload : public Workload {
 public:
  PublishWorkload(const WorkloadConfig& c, Tracker& tracker)
      : client_(c.endpoint, c.credentials, c.region, "sns"),
        topic_arn_(c.targets.topic_arn),
        filler_(MakeBody(c.body_size)),
        tracker_(tracker) {}
  std::string NextRequest() override {
    seq_ = tracker_.NextSequence();
    std::string message = std::to_string(seq_) + " ";
    if (message.size() < filler_.size())
      message.append(filler_, 0, filler_.size() - message.size());
    std::string bytes = client_.Query({{"Action", "Publish"},
                                       {"Version", "2010-03-31"},
                                       {"TopicArn", topic_arn_},
                                       {"Message", message}});
    tracker_.Sent(seq_);
    return bytes;
  }
  uint64_t OnResponse(const HttpResponse& r) override {
    const bool ok = r.status / 100 == 2;
    tracker_.Answered(seq_, ok);
    return ok ? 1 : 0;
  }

 private:
  AwsClient client_;
  std::string topic_arn_;
  std::string filler_;
  Tracker& tracker_;
  uint64_t seq_ = 0;
};

// `per_queue` long-polling connections for each queue, on a thread of their own: ReceiveMessage
// (10, WaitTimeSeconds 20), then DeleteMessageBatch of what came back, again and again until
// destroyed. A failed exchange is retried on a new connection after kRetryDelay.
class Receivers {
 public:
  Receivers(const WorkloadConfig& w, const std::vector<std::string>& queue_urls, int per_queue,
            Tracker& tracker)
      : tracker_(tracker), remote_(asio::ip::make_address(w.endpoint.address), w.endpoint.port) {
    for (size_t q = 0; q < queue_urls.size(); ++q) {
      for (int i = 0; i < per_queue; ++i) {
        conns_.push_back(std::make_unique<Conn>(io_, w, q, queue_urls[q]));
      }
    }
    for (auto& c : conns_) Connect(c.get());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Receivers() {
    io_.stop();
    thread_.join();
  }
  Receivers(const Receivers&) = delete;
  Receivers& operator=(const Receivers&) = delete;

  // Failed exchanges so far (connect, I/O, non-2xx, unreadable answers). Thread-safe.
  uint64_t errors() const { return errors_.load(); }
  // Messages that carried no sequence number of this run. Thread-safe.
  uint64_t foreign() const { return foreign_.load(); }

 private:
  struct Conn {
    Conn(asio::io_context& io, const WorkloadConfig& w, size_t q, std::string url)
        : socket(io),
          timer(io),
          sqs(w.endpoint, w.credentials, w.region, "sqs"),
          queue(q),
          queue_url(std::move(url)),
          receive_body(
              json{{"QueueUrl", queue_url}, {"MaxNumberOfMessages", 10}, {"WaitTimeSeconds", 20}}
                  .dump()) {}
    tcp::socket socket;
    asio::steady_timer timer;
    AwsClient sqs;
    const size_t queue;
    const std::string queue_url;
    const std::string receive_body;
    std::string out;
    std::string in;
    HttpResponse response;
    std::array<char, 16384> buf{};
    std::vector<std::string> handles;  // received, to delete next
  };

  void Connect(Conn* c) {
    c->socket.async_connect(remote_, [this, c](const error_code& ec) {
      if (ec) return Retry(c);
      error_code ignored;
      c->socket.set_option(tcp::no_delay(true), ignored);
      Send(c);
    });
  }

  // Sends DeleteMessageBatch when there are handles to delete, else ReceiveMessage.
  void Send(Conn* c) {
    if (c->handles.empty()) {
      c->out = c->sqs.Json("AmazonSQS.ReceiveMessage", "1.0", c->receive_body);
    } else {
      json entries = json::array();
      for (size_t i = 0; i < c->handles.size(); ++i) {
        entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", c->handles[i]}});
      }
      c->out = c->sqs.Json("AmazonSQS.DeleteMessageBatch", "1.0",
                           json{{"QueueUrl", c->queue_url}, {"Entries", entries}}.dump());
    }
    asio::async_write(c->socket, asio::buffer(c->out), [this, c](const error_code& ec, size_t) {
      if (ec) return Retry(c);
      Read(c);
    });
  }

  void Read(Conn* c) {
    c->socket.async_read_some(asio::buffer(c->buf), [this, c](const error_code& ec, size_t n) {
      if (ec) return Retry(c);
      c->in.append(c->buf.data(), n);
      ParseResult r = ParseResponse(c->in, &c->response);
      if (r.state == ParseState::kIncomplete) return Read(c);
      if (r.state == ParseState::kError) return Retry(c);
      c->in.erase(0, r.consumed);
      const bool deleted = !c->handles.empty();
      c->handles.clear();  // a failed delete: the messages come back after their visibility
      if (c->response.status / 100 != 2) return Retry(c);
      if (!deleted && !Digest(c, Clock::now())) return Retry(c);
      if (!c->response.keep_alive) {
        error_code ignored;
        c->socket.close(ignored);
        return Connect(c);
      }
      // After the answers already read on other connections: a fan-out's answers arrive
      // together, and sending this delete first would delay the next one's receipt time.
      asio::post(io_, [this, c] { Send(c); });
    });
  }

  // Records the messages of a ReceiveMessage answer read at `at` and keeps their handles;
  // false if the answer is not the JSON it should be.
  bool Digest(Conn* c, Clock::time_point at) {
    json doc = json::parse(c->response.body, nullptr, false);
    if (!doc.is_object()) return false;
    auto messages = doc.find("Messages");
    if (messages == doc.end()) return true;  // the long poll ended empty
    if (!messages->is_array()) return false;
    for (const json& m : *messages) {
      if (!m.is_object()) continue;
      auto body = m.find("Body");
      std::optional<uint64_t> seq;
      if (body != m.end() && body->is_string()) {
        seq = FanoutSequence(body->get_ref<const std::string&>());
      }
      if (!seq || !tracker_.Received(*seq, c->queue, at)) foreign_.fetch_add(1);
      auto handle = m.find("ReceiptHandle");
      if (handle != m.end() && handle->is_string())
        c->handles.push_back(handle->get<std::string>());
    }
    return true;
  }

  void Retry(Conn* c) {
    errors_.fetch_add(1);
    error_code ignored;
    c->socket.close(ignored);
    c->in.clear();
    c->handles.clear();
    c->timer.expires_after(kRetryDelay);
    c->timer.async_wait([this, c](const error_code& ec) {
      if (!ec) Connect(c);
    });
  }

  Tracker& tracker_;
  asio::io_context io_;
  tcp::endpoint remote_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> foreign_{0};
  std::thread thread_;
};

// One publish, received from every queue before the clock starts: the first one may wait for
// what the server prepares on first use (wharf makes its SNS signing key then).
Status WarmUp(const WorkloadConfig& workload, Tracker& tracker, std::ostream& log) {
  SyncClient http(workload.endpoint, kWarmUpWait);
  PublishWorkload publish(workload, tracker);
  auto r = http.Exchange(publish.NextRequest());
  HttpResponse failed;
  publish.OnResponse(r.ok() ? *r : failed);
  if (!r.ok() || r->status != 200) {
    return AwsError::Client("BenchSetupFailed",
                            "warm-up Publish: " + (r.ok() ? "HTTP " + std::to_string(r->status) +
                                                                " " + r->body.substr(0, 300)
                                                          : r.error().message));
  }
  const auto start = Clock::now();
  while (!tracker.AllReceived()) {
    if (Clock::now() - start > kWarmUpWait) {
      return AwsError::Client("BenchSetupFailed", "the warm-up message did not reach every queue");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  log << "setup: warm-up message received from every queue after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()
      << " ms\n";
  tracker.Forget();
  return OkStatus();
}

}  // namespace

std::optional<uint64_t> FanoutSequence(std::string_view sqs_body) {
  json envelope = json::parse(sqs_body, nullptr, false);
  if (!envelope.is_object()) return std::nullopt;
  auto message = envelope.find("Message");
  if (message == envelope.end() || !message->is_string()) return std::nullopt;
  const std::string& text = message->get_ref<const std::string&>();
  uint64_t seq = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && i < 19; ++i) {
    seq = seq * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (i == 0 || (i < text.size() && text[i] != ' ')) return std::nullopt;
  return seq;
}

Result<RunReport> RunSnsFanout(const Options& options, std::ostream& log,
                               std::chrono::milliseconds drain) {
  if (!options.setup.workload.targets.topic_arn.empty()) {
    return AwsError::Client("BenchUsage",
                            "sns-fanout-latency makes its own topic and queues: no --topic-arn");
  }
  auto targets = Prepare(options.setup, log);
  if (!targets.ok()) return targets.error();
  WorkloadConfig workload = options.setup.workload;
  workload.targets = *targets;
  const std::vector<std::string>& queues = targets->subscriber_queue_urls;
  Tracker tracker(static_cast<int>(queues.size()));
  Receivers receivers(workload, queues, options.receivers, tracker);
  WHARF_RETURN_IF_ERROR(WarmUp(workload, tracker, log));
  RunReport report;
  report.label = options.label;
  report.scenario = workload.scenario;
  report.config = options.load;
  report.stats = RunLoad(options.load, [&workload, &tracker](int) {
    return std::make_unique<PublishWorkload>(workload, tracker);
  });
  const auto drain_end = Clock::now() + drain;
  while (!tracker.AllReceived() && Clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  RunReport publish = report;
  publish.scenario = "Publish requests (latency from the scheduled time)";
  log << HumanLine(publish) << "\n";
  report.stats.latency = Histogram();
  tracker.Report(report);
  report.counts.emplace_back("receive_errors", receivers.errors());
  report.counts.emplace_back("foreign_messages", receivers.foreign());
  return report;
}

}  // namespace wharf::bench
