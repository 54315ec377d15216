// Threads that run SNS work away from the threads that post it.
// - BatchWorker: one thread for delivery work, away from the store's writer thread above all
//   (its `done` callbacks must be short), the scheduler's and the HTTP client's. Everything
//   posted while the thread is busy is handed over in one batch, so the engine can group the
//   deliveries of many publishes (one SendMessageBatch per queue).
// - OrderedWorkers: several threads for work that may run side by side (RSA signatures) but
//   whose results must be used in the order it was posted (commits).
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "wharf/core/thread_name.h"

namespace wharf::sns {

template <typename Item>
class BatchWorker {
 public:
  // `run` gets every item posted since its previous call, in posting order, on the worker
  // thread (never concurrently with itself), which is named `name` and first runs `on_start`.
  BatchWorker(std::string name, std::function<void(std::vector<Item>)> run,
              std::function<void()> on_start = nullptr)
      : run_(std::move(run)), thread_([this, name = std::move(name), on_start] {
          NameThisThread(name);
          if (on_start) on_start();
          Loop();
        }) {}
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

template <typename Item>
class OrderedWorkers {
 public:
  // `work` runs on any of `threads` threads, for several items at once; `finish` runs for each
  // item after its `work`, in posting order, one item at a time. The threads are named
  // `name` followed by their number, and each first runs `on_start`.
  OrderedWorkers(const std::string& name, int threads, std::function<void(Item&)> work,
                 std::function<void(Item)> finish, std::function<void()> on_start = nullptr)
      : work_(std::move(work)), finish_(std::move(finish)) {
    for (int i = 0; i < std::max(threads, 1); ++i) {
      threads_.emplace_back([this, thread_name = name + std::to_string(i), on_start] {
        NameThisThread(thread_name);
        if (on_start) on_start();
        Loop();
      });
    }
  }
  ~OrderedWorkers() { Stop(); }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  // Thread-safe; items posted after Stop are dropped.
  void Post(Item item) {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    waiting_.emplace_back(next_ticket_++, std::move(item));
    cv_.notify_one();
  }
  // Drops the items not started (and those worked that wait for one of them), lets the
  // running ones finish, and joins the threads. Idempotent; not from a worker thread.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      waiting_.clear();
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stopped_ || !waiting_.empty(); });
      if (stopped_) return;
      auto [ticket, item] = std::move(waiting_.front());
      waiting_.pop_front();
      lock.unlock();
      work_(item);
      lock.lock();
      worked_.emplace(ticket, std::move(item));
      if (finishing_) continue;  // that thread also finishes this item when its turn comes
      finishing_ = true;
      for (auto it = worked_.find(next_finish_); it != worked_.end();
           it = worked_.find(next_finish_)) {
        Item ready = std::move(it->second);
        worked_.erase(it);
        ++next_finish_;
        lock.unlock();
        finish_(std::move(ready));
        lock.lock();
      }
      finishing_ = false;
    }
  }

  std::function<void(Item&)> work_;
  std::function<void(Item)> finish_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<uint64_t, Item>> waiting_;  // by ticket, not started
  std::map<uint64_t, Item> worked_;                // by ticket, waiting for an earlier one
  uint64_t next_ticket_ = 0;
  uint64_t next_finish_ = 0;
  bool finishing_ = false;  // a thread is finishing the items whose turn has come
  bool stopped_ = false;
  std::vector<std::thread> threads_;  // last: start after the members above exist
};

}  // namespace wharf::sns
