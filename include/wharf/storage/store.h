// Durable storage shared by all service engines. Engines keep their working state in memory
// and write every change through a Store; a request is answered only after its writes commit.
// The SQLite implementation commits many requests per transaction (group commit).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wharf/core/result.h"

namespace wharf {

struct SqlBlob {
  std::string bytes;
};
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, SqlBlob>;

// One statement with positional parameters (?1, ?2...); missing trailing parameters are NULL,
// extra ones fail the write. `sql` must point to storage that outlives the Store (a string
// literal): its address and size are the key of the prepared-statement cache.
struct SqlStatement {
  std::string_view sql;
  std::vector<SqlValue> params;
};

// A row handed to a Read callback; valid only during the callback.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Brings `service`'s schema to version migrations.size(): migrations[i] (one or more SQL
  // statements) moves it from version i to i+1, each in its own transaction (versions are kept
  // in the table wharf_schema(service, version)). Fails with a clear message naming the service
  // and both versions if the stored version is newer than the code knows, or naming the
  // migration that failed. Call before any Read or Write. Thread-safe.
  virtual Status Migrate(std::string_view service,
                         std::span<const std::string_view> migrations) = 0;
  // Runs one query synchronously on the calling thread (on the writer's connection when no
  // commit is running, else on a read connection of its own: it does not wait for the writer;
  // a commit waits for a read on the writer's connection to end) and calls `row` for each
  // result row (start-up loading, admin). Sees every write whose `done` has run. Read-only: a
  // writing statement fails. In memory mode there are no rows. Thread-safe.
  virtual Status Read(std::string_view sql, const std::vector<SqlValue>& params,
                      const std::function<void(const SqlRow&)>& row) = 0;
  // Queues statements to be committed atomically, in submission order, together with other
  // callers' statements (group commit). `done` runs once, after the commit, on the writer
  // thread (in memory mode: at once, on the caller's thread), with OK or a ServiceUnavailable
  // error whose message says why: the commit failed (disk full, read-only: the whole group
  // fails, later writes are tried again), one of this write's statements failed (constraint,
  // SQL error: only this write fails, its statements are rolled back), or `still_valid`
  // returned false (only this write fails, untried). `still_valid` (may be empty) is called on
  // the committing thread when the write's turn comes, after the `done` callbacks of every
  // earlier group have run; it must be quick and take no lock. `done` must be short, must not
  // throw, and must not call Flush or Close. After Close, `done` runs at once with an error.
  // Thread-safe.
  virtual void Write(std::vector<SqlStatement> statements, std::function<void(Status)> done,
                     std::function<bool()> still_valid) = 0;
  void Write(std::vector<SqlStatement> statements, std::function<void(Status)> done) {
    Write(std::move(statements), std::move(done), nullptr);
  }
  // Declares that the calling thread (an event loop) calls CommitQueued() each time it runs out
  // of ready work. Writes made on such a thread do not wake the writer thread: the loop commits
  // them itself at its next idle point, together with everything else queued by then. This
  // saves two thread hand-offs per request. Writes that no loop commits are still committed by
  // the writer thread within ~100 ms. Thread-safe.
  virtual void CommitOnIdle() = 0;
  // Commits everything queued on the calling thread and runs the `done` callbacks there, unless
  // another thread is committing: that thread then takes these writes too, and this call
  // returns at once. It keeps committing while new writes arrive, for a few rounds at most;
  // then the writer thread takes over. Never waits for another commit. Call with no lock held
  // that a `done` callback might take. Thread-safe.
  virtual void CommitQueued() = 0;
  // Blocks until everything queued so far is committed and its `done` has run.
  virtual void Flush() = 0;
  // Flushes and stops the writer; later writes fail (Read still works). Idempotent.
  virtual void Close() = 0;
  virtual bool IsPersistent() const = 0;
};

// Write for an engine that holds its lock: queuing the statements under the lock makes them
// commit in the order the engine made its changes. `done` runs after the commit and never under
// that lock: on the committing thread, or, when the store answers inside Write (the memory
// store), through `deferred`, which the caller runs once it has unlocked.
void WriteUnderLock(Store& store, std::vector<SqlStatement> statements,
                    std::function<void(Status)> done, std::function<bool()> still_valid,
                    std::vector<std::function<void()>>& deferred);

// An engine whose memory runs ahead of its store (it changes memory, then queues the writes)
// must not keep a change whose commit failed: the failure marks its state stale, and the
// engine drops and reloads it before its next operation. `stale` is guarded by the engine's
// mutex; `failed_commits` counts the marks and is read by the store without it.
struct EngineCommitState {
  bool stale = false;
  std::atomic<uint64_t> failed_commits{0};
};

// WriteUnderLock for such an engine. A failed commit marks `state` stale, under `engine_mu`,
// unless a failure was marked since this write was queued (that write changed a state that is
// dropped already, so failures do not cascade). The write itself is tried only if no failure
// was marked since it was queued: an operation ran either before a mark (and its writes fail
// with the marked one) or after it (and reloaded the state first).
// REQUIRES: the caller holds `engine_mu`.
void WriteMarkingStale(Store& store, std::mutex& engine_mu, EngineCommitState& state,
                       std::vector<SqlStatement> statements, std::function<void(Status)> done,
                       std::vector<std::function<void()>>& deferred);

// Opens (creating if needed) `<data_dir>` and `<data_dir>/wharf.db` in WAL mode with
// synchronous=NORMAL (commits survive kill -9 of the process; an OS crash may lose the last
// ones). Fails (ServiceUnavailable) with a clear message naming the path when the directory
// cannot be created or written, the file is not a SQLite or not a wharf database, or it fails
// SQLite's quick_check (corrupt).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& data_dir);
// A store that keeps nothing (--in-memory): engines' in-memory state is all there is.
std::unique_ptr<Store> MakeMemoryStore();

}  // namespace wharf
