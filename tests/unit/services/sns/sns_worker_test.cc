// OrderedWorkers: work side by side, finish in posting order.
#include "services/sns/sns_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "wharf/core/thread_name.h"

namespace wharf::sns {
namespace {

struct Item {
  int n;
  std::chrono::microseconds work_time;
};

TEST(OrderedWorkersTest, FinishesInPostingOrderWhateverTheWorkTakes) {
  constexpr int kItems = 200;
  std::mutex mu;
  std::vector<int> finished;
  std::set<std::string> worked_on;
  std::promise<void> all_done;
  {
    OrderedWorkers<Item> workers(
        "test-worker-", 4,
        [&](Item& item) {
          {
            std::lock_guard lock(mu);
            worked_on.insert(ThisThreadName());
          }
          std::this_thread::sleep_for(item.work_time);
        },
        [&](Item item) {
          std::lock_guard lock(mu);
          finished.push_back(item.n);
          if (item.n == kItems - 1) all_done.set_value();
        });
    // Later items take less time, so they are worked before earlier ones finish.
    for (int i = 0; i < kItems; ++i) {
      workers.Post({i, std::chrono::microseconds((i % 7) * 300)});
    }
    ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
  }
  ASSERT_EQ(finished.size(), static_cast<size_t>(kItems));
  for (int i = 0; i < kItems; ++i) EXPECT_EQ(finished[i], i);
  // The work ran on the workers' own threads, named after them.
  EXPECT_GE(worked_on.size(), 2u);
  for (const std::string& name : worked_on) {
    EXPECT_TRUE(name == "test-worker-0" || name == "test-worker-1" || name == "test-worker-2" ||
                name == "test-worker-3")
        << name;
  }
}

}  // namespace
}  // namespace wharf::sns
