// A thread that runs SNS delivery work away from the threads that post it: the store's writer
// thread above all (its `done` callbacks must be short), the scheduler's and the HTTP client's.
// Everything posted while the thread is busy is handed over in one batch, so the engine can
// group the deliveries of many publishes (one SendMessageBatch per queue).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace wharf::sns {

template <typename Item>
class BatchWorker {
 public:
  // `run` gets every item posted since its previous call, in posting order, on the worker
  // thread (never concurrently with itself).
  explicit BatchWorker(std::function<void(std::vector<Item>)> run)
      : run_(std::move(run)), thread_([this] { Loop(); }) {}
  ~BatchWorker() { Stop(); }
  BatchWorker(const BatchWorker&) = delete;
  BatchWorker& operator=(const BatchWorker&) = delete;

  // Thread-safe; items posted after Stop are dropped.
  void Post(Item item) {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    items_.push_back(std::move(item));
    if (items_.size() == 1) cv_.notify_one();
  }
  void Post(std::vector<Item> items) {
    if (items.empty()) return;
    std::lock_guard lock(mu_);
    if (stopped_) return;
    const bool was_empty = items_.empty();
    for (auto& i : items) items_.push_back(std::move(i));
    if (was_empty) cv_.notify_one();
  }
  // Finishes the batch being run, drops the rest and joins the thread. Idempotent; not from
  // the worker thread itself.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      items_.clear();
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  void Loop() {
    std::vector<Item> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopped_ || !items_.empty(); });
        if (stopped_) return;
        batch.swap(items_);
      }
      run_(std::move(batch));
      batch.clear();
    }
  }

  std::function<void(std::vector<Item>)> run_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> items_;
  bool stopped_ = false;
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace wharf::sns
