#include "sns_http.h"

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "driver.h"
#include "setup.h"

namespace wharf::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kConfirmWait = std::chrono::seconds(10);
constexpr auto kDrainWait = std::chrono::seconds(10);
constexpr size_t kMaxRequestBytes = 1 << 20;

// The local endpoint: answers every POST with 200 on keep-alive connections, counts
// Notifications and keeps the bodies of SubscriptionConfirmations by path.
class Receiver {
 public:
  Receiver() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Receiver() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  uint64_t notifications() const { return notifications_.load(); }
  Clock::time_point last() {
    std::lock_guard lock(mu_);
    return last_;
  }
  // The confirmation POSTed to `path`, waiting up to kConfirmWait; "" if none came.
  std::string WaitConfirmation(const std::string& path) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kConfirmWait, [&] { return confirmations_.count(path) > 0; });
    auto it = confirmations_.find(path);
    return it == confirmations_.end() ? "" : it->second;
  }

 private:
  struct Conn : std::enable_shared_from_this<Conn> {
    explicit Conn(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string buffer;
    std::array<char, 16384> chunk;
  };

  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      s.set_option(tcp::no_delay(true));
      Read(std::make_shared<Conn>(std::move(s)));
      Accept();
    });
  }

  void Read(std::shared_ptr<Conn> c) {
    c->socket.async_read_some(asio::buffer(c->chunk),
                              [this, c](boost::system::error_code ec, size_t n) {
                                if (ec) return;
                                c->buffer.append(c->chunk.data(), n);
                                if (!Serve(*c)) return;
                                Read(c);
                              });
  }

  // Answers every complete request in the buffer; false to drop the connection.
  bool Serve(Conn& c) {
    static const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    std::string replies;
    for (;;) {
      const size_t head_end = c.buffer.find("\r\n\r\n");
      if (head_end == std::string::npos) break;
      const std::string head = c.buffer.substr(0, head_end);
      const std::string length_text = Header(head, "content-length");
      const size_t length = length_text.empty() ? 0 : std::stoul(length_text);
      if (c.buffer.size() < head_end + 4 + length) break;
      const std::string type = Header(head, "x-amz-sns-message-type");
      if (type == "Notification") {
        notifications_.fetch_add(1);
        std::lock_guard lock(mu_);
        last_ = Clock::now();
      } else if (type == "SubscriptionConfirmation") {
        const size_t sp = head.find(' ');
        std::string path = head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1);
        std::lock_guard lock(mu_);
        confirmations_[path] = c.buffer.substr(head_end + 4, length);
        cv_.notify_all();
      }
      c.buffer.erase(0, head_end + 4 + length);
      replies += kOk;
    }
    if (!replies.empty()) {
      auto bytes = std::make_shared<std::string>(std::move(replies));
      asio::async_write(c.socket, asio::buffer(*bytes),
                        [bytes](boost::system::error_code, size_t) {});
    }
    return c.buffer.size() < kMaxRequestBytes;
  }

  static std::string Lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }
  // The value of header `name` (lower case) in `head`, or "".
  static std::string Header(const std::string& head, std::string_view name) {
    size_t line = head.find("\r\n");
    while (line != std::string::npos) {
      line += 2;
      const size_t end = std::min(head.find("\r\n", line), head.size());
      const size_t colon = head.find(':', line);
      if (colon < end && Lower(head.substr(line, colon - line)) == name) {
        const size_t value = head.find_first_not_of(' ', colon + 1);
        return value < end ? head.substr(value, end - value) : "";
      }
      line = end < head.size() ? end : std::string::npos;
    }
    return "";
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<uint64_t> notifications_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> confirmations_;
  Clock::time_point last_{};
  std::thread thread_;
};

AwsError Failed(const std::string& what, const Result<HttpResponse>& r) {
  return AwsError::Client("BenchSetupFailed", what + ": " +
                                                  (r.ok() ? "HTTP " + std::to_string(r->status) +
                                                                " " + r->body.substr(0, 300)
                                                          : r.error().message));
}

}  // namespace

Result<RunReport> RunSnsHttp(const Options& options, std::ostream& log) {
  Receiver receiver;
  SetupConfig setup = options.setup;
  setup.subscribers = 0;  // the topic alone: the http subscriptions are made here
  auto targets = Prepare(setup, log);
  if (!targets.ok()) return targets.error();
  WorkloadConfig workload = setup.workload;
  workload.targets = *targets;
  SyncClient http(workload.endpoint);
  AwsClient sns(workload.endpoint, workload.credentials, workload.region, "sns");
  const std::string base = "http://127.0.0.1:" + std::to_string(receiver.port());
  for (int i = 0; i < options.setup.subscribers; ++i) {
    const std::string path = "/sns/" + std::to_string(i);
    auto r = http.Exchange(sns.Query({{"Action", "Subscribe"},
                                      {"Version", "2010-03-31"},
                                      {"TopicArn", targets->topic_arn},
                                      {"Protocol", "http"},
                                      {"Endpoint", base + path}}));
    if (!r.ok() || r->status != 200) return Failed("Subscribe", r);
    auto body = nlohmann::json::parse(receiver.WaitConfirmation(path), nullptr, false);
    if (!body.is_object() || !body.contains("Token")) {
      return AwsError::Client("BenchSetupFailed", "no SubscriptionConfirmation at " + path);
    }
    r = http.Exchange(sns.Query({{"Action", "ConfirmSubscription"},
                                 {"Version", "2010-03-31"},
                                 {"TopicArn", targets->topic_arn},
                                 {"Token", body["Token"].get<std::string>()}}));
    if (!r.ok() || r->status != 200) return Failed("ConfirmSubscription", r);
  }
  log << "setup: " << options.setup.subscribers << " confirmed http subscriptions to " << base
      << "/sns/N\n";
  RunReport report;
  report.label = options.label;
  report.scenario = "sns-http";
  report.config = options.load;
  const auto start = Clock::now();
  report.stats = RunLoad(options.load, [&workload](int i) { return MakeWorkload(workload, i); });
  const uint64_t expected = report.stats.ok * static_cast<uint64_t>(options.setup.subscribers);
  const auto drain_end = Clock::now() + kDrainWait;
  while (receiver.notifications() < expected && Clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  report.stats.messages = receiver.notifications();
  const double to_last = std::chrono::duration<double>(receiver.last() - start).count();
  report.stats.elapsed_s = std::max(report.stats.elapsed_s, to_last);
  if (report.stats.messages < expected) {
    log << "sns-http: " << expected - report.stats.messages
        << " notifications did not arrive within 10 s after the load\n";
  }
  return report;
}

}  // namespace wharf::bench
