// The store for --in-memory: nothing is kept, every write succeeds at once (unless the store
// is closed or the write's still_valid condition fails).
#include <atomic>

#include "wharf/storage/store.h"

namespace wharf {
namespace {

class MemoryStore final : public Store {
 public:
  Status Migrate(std::string_view, std::span<const std::string_view>) override {
    return OkStatus();
  }
  Status Read(std::string_view, const std::vector<SqlValue>&,
              const std::function<void(const SqlRow&)>&) override {
    return OkStatus();
  }
  using Store::Write;
  void Write(std::vector<SqlStatement>, std::function<void(Status)> done,
             std::function<bool()> still_valid) override {
    if (!done) return;
    if (closed_.load(std::memory_order_relaxed)) {
      done(AwsError::ServiceUnavailable("the store is closed"));
      return;
    }
    if (still_valid && !still_valid()) {
      done(AwsError::ServiceUnavailable("write not tried: a write it depends on failed"));
      return;
    }
    done(OkStatus());
  }
  void CommitOnIdle() override {}
  void CommitQueued() override {}
  void Flush() override {}
  void Close() override { closed_ = true; }
  bool IsPersistent() const override { return false; }

 private:
  std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<Store> MakeMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace wharf
