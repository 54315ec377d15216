#include <atomic>
#include <memory>

#include "wharf/storage/store.h"

namespace wharf {
namespace {

// Carries the commit's status from Write's `done` to whoever runs `done` last: the committing
// thread, or the caller after it unlocked. `state`: 0 = inside Write, 1 = committed first,
// 2 = Write returned first.
struct Handoff {
  std::atomic<int> state{0};
  Status status = OkStatus();
  std::function<void(Status)> done;
};

}  // namespace

void WriteUnderLock(Store& store, std::vector<SqlStatement> statements,
                    std::function<void(Status)> done, std::function<bool()> still_valid,
                    std::vector<std::function<void()>>& deferred) {
  auto h = std::make_shared<Handoff>();
  h->done = std::move(done);
  store.Write(
      std::move(statements),
      [h](Status s) {
        h->status = std::move(s);
        if (h->state.exchange(1) == 2) h->done(std::move(h->status));
      },
      std::move(still_valid));
  if (h->state.exchange(2) == 1) deferred.push_back([h] { h->done(std::move(h->status)); });
}

void WriteMarkingStale(Store& store, std::mutex& engine_mu, EngineCommitState& state,
                       std::vector<SqlStatement> statements, std::function<void(Status)> done,
                       std::vector<std::function<void()>>& deferred) {
  const uint64_t failures = state.failed_commits.load();
  WriteUnderLock(
      store, std::move(statements),
      [&engine_mu, &state, failures, done = std::move(done)](Status s) mutable {
        if (!s.ok()) {
          std::lock_guard lock(engine_mu);
          if (state.failed_commits.load() == failures) {
            state.stale = true;
            ++state.failed_commits;
          }
        }
        if (done) done(std::move(s));
      },
      [&state, failures] { return state.failed_commits.load() == failures; }, deferred);
}

}  // namespace wharf
