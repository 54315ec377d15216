// Group-commit throughput of the SQLite store: several threads each keep a window of writes in
// flight (like many concurrent requests), every write one small single-row INSERT.
// Usage: store_bench [threads=4] [writes=400000] [window_per_thread=1000]. Not a ctest test.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "store_test_util.h"
#include "wharf/storage/store.h"

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  const int writes = argc > 2 ? std::atoi(argv[2]) : 400000;
  const int window = argc > 3 ? std::atoi(argv[3]) : 1000;
  wharf::TempDir tmp;
  auto store = wharf::OpenSqliteStore(tmp.path());
  if (!store.ok()) {
    std::fprintf(stderr, "open failed: %s\n", store.error().message.c_str());
    return 1;
  }
  const std::string_view schema[] = {
      "CREATE TABLE messages(id INTEGER PRIMARY KEY, queue TEXT, body TEXT, visible_at INTEGER)"};
  if (!(*store)->Migrate("bench", schema).ok()) return 1;
  static constexpr std::string_view kInsert =
      "INSERT INTO messages(queue, body, visible_at) VALUES (?1, ?2, ?3)";
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::counting_semaphore<> in_flight(window);
      const int mine = writes / threads;
      for (int i = 0; i < mine; ++i) {
        in_flight.acquire();
        (*store)->Write({wharf::SqlStatement{kInsert,
                                             {std::string("queue-") + std::to_string(t),
                                              std::string("hello world"), int64_t{i}}}},
                        [&](wharf::Status s) {
                          if (!s.ok()) ++failures;
                          in_flight.release();
                        });
      }
      for (int i = 0; i < window; ++i) in_flight.acquire();  // wait for this thread's writes
    });
  }
  for (auto& w : workers) w.join();
  (*store)->Flush();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int total = (writes / threads) * threads;
  std::printf("%d writes from %d threads (window %d each) in %.3f s: %.0f writes/s, %d failed\n",
              total, threads, window, seconds, total / seconds, failures.load());
  (*store)->Close();
  return failures.load() == 0 ? 0 : 1;
}
