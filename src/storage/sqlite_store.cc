// The SQLite Store: one writer connection that commits everything queued in one transaction
// (group commit), a pool of reader connections used on callers' threads. Commits run either on
// the writer thread or on an event-loop thread that calls CommitQueued at its idle points (see
// CommitOnIdle); the `committing_` flag makes sure only one thread commits at a time.
//
// Durability: WAL mode with synchronous=NORMAL. A commit is in the WAL file (the OS page cache)
// before any `done` runs, so it survives kill -9 of the process; only an OS crash or power loss
// can lose the last commits (never corrupting the database), since the WAL is fsynced at
// checkpoints rather than at every commit.
//
// Checkpoints (copying the WAL into the database file, with its fsyncs) run on a thread of
// their own with its own connection, started by the commit after which the WAL holds
// kCheckpointPages or more, so commits (and the requests waiting for them) do not pay for
// them; past kWriterCheckpointPages the writer finishes one itself so the WAL can start over.
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "storage/sqlite_conn.h"
#include "wharf/core/thread_name.h"
#include "wharf/storage/store.h"

namespace wharf {
namespace {

using sqlite::DbPtr;
using sqlite::StmtPtr;

// "wharf" in PRAGMA application_id marks our databases.
constexpr int32_t kApplicationId = 0x77686172;  // 'whar'
constexpr size_t kMaxCachedStatements = 512;
// A CommitQueued caller commits at most this many groups before leaving the rest to the writer.
constexpr int kMaxCallerRounds = 4;
// How long writes made on an event loop may wait for its CommitQueued before the writer takes
// them.
constexpr auto kLoopGrace = std::chrono::milliseconds(100);

// The store the calling thread promised to commit for (CommitOnIdle); an event loop serves one.
thread_local const void* t_commits_on_idle_for = nullptr;
// The store whose writer connection this thread is reading on (in Read, under db_mu_).
thread_local const void* t_reading_on_writer = nullptr;

struct PendingWrite {
  std::vector<SqlStatement> statements;
  std::function<void(Status)> done;
  std::function<bool()> still_valid;  // may be empty
};

// The prepared-statement cache key: the address and size of the caller's SQL text.
struct SqlKey {
  const char* data;
  size_t size;
  bool operator==(const SqlKey&) const = default;
};
struct SqlKeyHash {
  size_t operator()(const SqlKey& k) const {
    return std::hash<const void*>()(k.data) ^ (k.size * 0x9e3779b97f4a7c15ULL);
  }
};
struct CachedStatement {
  std::string sql;  // checked on every hit, in case a caller's SQL text was not a literal
  StmtPtr stmt;
};

// A PASSIVE checkpoint is started each time the WAL has grown by this many pages (SQLite's own
// default for its automatic checkpoints). Not at every commit past the mark: each checkpoint
// sorts the whole WAL index and syncs two files, and under steady load the WAL rarely starts
// over, so that cost ~15 % of a SendMessage's CPU.
constexpr int kCheckpointPages = 1000;
// Under a steady stream of commits a checkpoint beside them rarely covers the whole WAL, and only
// a whole one lets the WAL start over. Past this many pages the checkpointer is woken after every
// commit, so that it keeps up closely and one of its checkpoints soon covers everything.
constexpr int kCatchUpPages = 4 * kCheckpointPages;
// The last resort: past this many pages the committing thread (usually an event loop, so its
// requests wait) checkpoints itself right after its commit, which bounds the WAL.
constexpr int kWriterCheckpointPages = 8 * kCheckpointPages;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, DbPtr writer_db)
      : path_(std::move(path)), db_(std::move(writer_db)) {}
  ~SqliteStore() override { Close(); }

  // Prepares the transaction statements and starts the writer thread.
  Status Start() {
    std::string error;
    for (auto [sql, stmt] : {std::pair{"BEGIN", &begin_}, std::pair{"COMMIT", &commit_},
                             std::pair{"ROLLBACK", &rollback_}}) {
      if (sqlite::Prepare(db_.get(), sql, SQLITE_PREPARE_PERSISTENT, stmt, &error) != SQLITE_OK) {
        return AwsError::ServiceUnavailable("cannot use " + path_ + ": " + error);
      }
    }
    Result<DbPtr> checkpoint_db = sqlite::Open(path_, /*create=*/false);
    if (!checkpoint_db.ok()) return std::move(checkpoint_db).error();
    checkpoint_db_ = std::move(*checkpoint_db);
    // A connection checkpoints only a WAL it has opened: one read opens it.
    sqlite::Exec(checkpoint_db_.get(), "SELECT count(*) FROM sqlite_schema", &error);
    sqlite3_wal_hook(db_.get(), &SqliteStore::OnWalCommit, this);  // replaces auto-checkpoints
    checkpointer_ = std::thread([this] {
      NameThisThread("sqlite-checkpt");
      CheckpointLoop();
    });
    writer_ = std::thread([this] {
      NameThisThread("sqlite-writer");
      WriterLoop();
    });
    return OkStatus();
  }

  Status Migrate(std::string_view service, std::span<const std::string_view> migrations) override;
  Status Read(std::string_view sql, const std::vector<SqlValue>& params,
              const std::function<void(const SqlRow&)>& row) override;

  using Store::Write;
  void Write(std::vector<SqlStatement> statements, std::function<void(Status)> done,
             std::function<bool()> still_valid) override {
    {
      std::lock_guard lock(mu_);
      if (!closed_) {
        queue_.push_back(
            PendingWrite{std::move(statements), std::move(done), std::move(still_valid)});
        ++submitted_;
        if (t_commits_on_idle_for != this) WakeWriterLocked();
        return;
      }
    }
    done(AwsError::ServiceUnavailable("the store is closed"));
  }

  void CommitOnIdle() override {
    t_commits_on_idle_for = this;
    std::lock_guard lock(mu_);
    loops_ = true;
    work_cv_.notify_one();  // the writer switches to waking every kLoopGrace
  }

  void CommitQueued() override {
    std::unique_lock lock(mu_);
    if (committing_ || queue_.empty()) return;
    committing_ = true;
    for (int round = 0; round < kMaxCallerRounds && !queue_.empty(); ++round) {
      CommitQueuedLocked(lock);
    }
    committing_ = false;
    if (!queue_.empty()) WakeWriterLocked();
  }

  void Flush() override {
    std::unique_lock lock(mu_);
    const uint64_t target = submitted_;
    if (completed_ < target) WakeWriterLocked();
    drained_cv_.wait(lock, [&] { return completed_ >= target; });
  }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      work_cv_.notify_one();
    }
    std::lock_guard lock(close_mu_);
    if (writer_.joinable()) writer_.join();  // the writer drains the queue before it exits
    {
      std::lock_guard checkpoint_lock(checkpoint_mu_);
      checkpoint_stop_ = true;
      checkpoint_cv_.notify_one();
    }
    if (checkpointer_.joinable()) checkpointer_.join();
  }

  bool IsPersistent() const override { return true; }

 private:
  // Takes the whole queue, commits it with `lock` released, runs the `done` callbacks and
  // re-locks. REQUIRES: `lock` holds mu_ and this thread set committing_.
  void CommitQueuedLocked(std::unique_lock<std::mutex>& lock);
  // Asks the writer thread to commit what is queued. REQUIRES: mu_ held.
  void WakeWriterLocked() {
    writer_wanted_ = true;
    if (writer_idle_) work_cv_.notify_one();
  }
  void WriterLoop();
  // SQLite's WAL hook on the writer connection, after every commit: wakes the checkpointer
  // when the WAL has grown by kCheckpointPages since it last did, or holds kCatchUpPages.
  static int OnWalCommit(void* self, sqlite3* db, const char* schema, int pages);
  void CheckpointLoop();
  void CommitGroup(std::vector<PendingWrite>& group);
  // Runs one statement on the writer connection. Returns the SQLite result code.
  int Execute(const SqlStatement& statement, std::string* error);
  sqlite3_stmt* Cached(std::string_view sql, std::string* error);
  void Rollback();
  Result<DbPtr> AcquireReader();
  void ReleaseReader(DbPtr db);
  // A pooled reader connection, given back when the lease ends.
  struct Lease {
    Lease(SqliteStore* s, DbPtr d) : store(s), db(std::move(d)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { store->ReleaseReader(std::move(db)); }
    SqliteStore* store;
    DbPtr db;
  };
  Result<int64_t> StoredVersion(std::string_view service);

  const std::string path_;

  // The writer connection and its statements: used by the writer thread and Migrate, under
  // db_mu_. Declared before the statements so they are finalized first.
  std::mutex db_mu_;
  DbPtr db_;
  StmtPtr begin_, commit_, rollback_;
  std::unordered_map<SqlKey, CachedStatement, SqlKeyHash> cache_;
  std::vector<Status> results_;  // per write of the current group, reused

  std::mutex mu_;  // guards the queue and counters
  std::condition_variable work_cv_;
  std::condition_variable drained_cv_;
  std::vector<PendingWrite> queue_;
  std::vector<PendingWrite> group_;  // the group being committed; used by the committing thread
  uint64_t submitted_ = 0;
  uint64_t completed_ = 0;
  bool writer_idle_ = false;
  bool committing_ = false;     // a thread (the writer or a loop in CommitQueued) commits
  bool writer_wanted_ = false;  // the writer should commit the queue (a Write, or left-overs)
  // Some thread called CommitOnIdle: the writer then also wakes every kLoopGrace to commit what
  // loops queued and left (their writes do not wake it).
  bool loops_ = false;
  bool closed_ = false;
  std::mutex close_mu_;
  std::thread writer_;

  // The checkpointer thread and its connection.
  DbPtr checkpoint_db_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  // The WAL's size in pages when the checkpointer was last woken; only the committing thread
  // (one at a time, see committing_) reads and writes it.
  int checkpoint_mark_ = 0;
  bool checkpoint_stop_ = false;
  std::thread checkpointer_;

  std::mutex readers_mu_;
  std::vector<DbPtr> readers_;
};

void SqliteStore::CommitQueuedLocked(std::unique_lock<std::mutex>& lock) {
  group_.swap(queue_);
  lock.unlock();
  CommitGroup(group_);
  for (size_t i = 0; i < group_.size(); ++i) {
    if (group_[i].done) group_[i].done(std::move(results_[i]));
  }
  const size_t n = group_.size();
  group_.clear();
  lock.lock();
  completed_ += n;
  drained_cv_.notify_all();
}

int SqliteStore::OnWalCommit(void* self, sqlite3* db, const char*, int pages) {
  auto* store = static_cast<SqliteStore*>(self);
  if (pages < store->checkpoint_mark_) store->checkpoint_mark_ = 0;  // the WAL started over
  if (pages >= kWriterCheckpointPages) {
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= store->checkpoint_mark_ + kCheckpointPages || pages >= kCatchUpPages) {
    store->checkpoint_mark_ = pages;
    std::lock_guard lock(store->checkpoint_mu_);
    store->checkpoint_wanted_ = true;
    store->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteStore::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [&] { return checkpoint_wanted_ || checkpoint_stop_; });
    if (checkpoint_stop_) return;
    checkpoint_wanted_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs, never blocks the writer. A failure (disk
    // full, I/O error) leaves the WAL as it is; the next commit past the mark tries again.
    sqlite3_wal_checkpoint_v2(checkpoint_db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
  }
}

void SqliteStore::WriterLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    writer_idle_ = true;
    while (!closed_ && (committing_ || !writer_wanted_)) {
      if (!loops_) {
        work_cv_.wait(lock);
      } else if (work_cv_.wait_for(lock, kLoopGrace) == std::cv_status::timeout && !committing_ &&
                 !queue_.empty()) {
        writer_wanted_ = true;  // writes a loop left uncommitted
      }
    }
    writer_idle_ = false;
    if (committing_) {  // closing while a caller still commits: let it finish
      work_cv_.wait_for(lock, std::chrono::milliseconds(1));
      continue;
    }
    writer_wanted_ = false;
    if (queue_.empty()) {
      if (closed_) return;  // closed and drained
      continue;
    }
    committing_ = true;
    CommitQueuedLocked(lock);
    committing_ = false;
    if (!queue_.empty()) writer_wanted_ = true;  // written during the commit (by a `done`, say)
  }
}

void SqliteStore::CommitGroup(std::vector<PendingWrite>& group) {
  results_.assign(group.size(), OkStatus());
  const auto fail_rest = [&](const std::string& why) {
    for (auto& result : results_) {
      if (result.ok()) result = AwsError::ServiceUnavailable(why);
    }
  };
  for (size_t i = 0; i < group.size(); ++i) {
    if (group[i].still_valid && !group[i].still_valid()) {
      results_[i] = AwsError::ServiceUnavailable(
          "write not tried: a write it depends on failed to commit; try again");
    }
  }
  std::lock_guard db_lock(db_mu_);
  std::string error;
  // A statement error fails only its own write: roll back and commit the others without it.
  // A storage failure (disk full, read-only, I/O) fails the whole group.
  for (;;) {
    if (int rc = sqlite::Run(db_.get(), begin_.get(), sqlite::kIgnoreRows, &error);
        rc != SQLITE_OK) {
      fail_rest("cannot write to " + path_ + ": " + error);
      return;
    }
    bool retry = false;
    for (size_t i = 0; i < group.size() && !retry; ++i) {
      if (!results_[i].ok()) continue;
      for (const SqlStatement& statement : group[i].statements) {
        const int rc = Execute(statement, &error);
        if (rc == SQLITE_OK) continue;
        Rollback();
        if (sqlite::IsStorageFailure(rc)) {
          fail_rest("cannot write to " + path_ + ": " + error);
          return;
        }
        results_[i] = AwsError::ServiceUnavailable("write failed: " + error);
        retry = true;
        break;
      }
    }
    if (retry) continue;
    if (int rc = sqlite::Run(db_.get(), commit_.get(), sqlite::kIgnoreRows, &error);
        rc != SQLITE_OK) {
      Rollback();
      fail_rest("commit to " + path_ + " failed: " + error);
    }
    return;
  }
}

sqlite3_stmt* SqliteStore::Cached(std::string_view sql, std::string* error) {
  const SqlKey key{sql.data(), sql.size()};
  auto it = cache_.find(key);
  if (it != cache_.end() && std::memcmp(it->second.sql.data(), sql.data(), sql.size()) == 0) {
    return it->second.stmt.get();
  }
  StmtPtr stmt;
  if (sqlite::Prepare(db_.get(), sql, SQLITE_PREPARE_PERSISTENT, &stmt, error) != SQLITE_OK) {
    return nullptr;
  }
  if (it == cache_.end() && cache_.size() >= kMaxCachedStatements) {
    cache_.clear();  // callers are building SQL text dynamically; keep memory bounded
    it = cache_.end();
  }
  CachedStatement& entry = cache_[key];
  entry.sql.assign(sql);
  entry.stmt = std::move(stmt);
  return entry.stmt.get();
}

int SqliteStore::Execute(const SqlStatement& statement, std::string* error) {
  sqlite3_stmt* stmt = Cached(statement.sql, error);
  if (stmt == nullptr) return SQLITE_ERROR;
  if (int rc = sqlite::Bind(stmt, statement.params, error); rc != SQLITE_OK) return rc;
  return sqlite::Run(db_.get(), stmt, sqlite::kIgnoreRows, error);
}

void SqliteStore::Rollback() {
  if (sqlite3_get_autocommit(db_.get()) != 0) return;  // SQLite already rolled back
  std::string ignored;
  if (sqlite::Run(db_.get(), rollback_.get(), sqlite::kIgnoreRows, &ignored) != SQLITE_OK) {
    // ROLLBACK only fails when there is no transaction left; nothing more to undo.
    sqlite3_reset(rollback_.get());
  }
}

Result<DbPtr> SqliteStore::AcquireReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!readers_.empty()) {
      DbPtr db = std::move(readers_.back());
      readers_.pop_back();
      return db;
    }
  }
  Result<DbPtr> db = sqlite::Open(path_, /*create=*/false);
  if (!db.ok()) return db;
  std::string error;
  if (sqlite::Exec(db->get(), "PRAGMA query_only=1", &error) != SQLITE_OK) {
    return AwsError::ServiceUnavailable("cannot read " + path_ + ": " + error);
  }
  return db;
}

void SqliteStore::ReleaseReader(DbPtr db) {
  std::lock_guard lock(readers_mu_);
  readers_.push_back(std::move(db));
}

Status SqliteStore::Read(std::string_view sql, const std::vector<SqlValue>& params,
                         const std::function<void(const SqlRow&)>& row) {
  // Reads come at start-up (the engines load their state) and rarely after. When no commit is
  // running they use the writer connection, which sees exactly the committed data between its
  // transactions: a start then opens no second connection (another open, schema parse and page
  // cache). While a commit holds the writer, a pooled read-only connection serves the read.
  // (A `row` callback that reads again gets a pooled connection: db_mu_ is not recursive.)
  std::unique_lock writer_lock(db_mu_, std::defer_lock);
  if (t_reading_on_writer != this) writer_lock.try_lock();
  std::optional<Lease> lease;
  sqlite3* db = nullptr;
  struct Mark {
    const void* saved = t_reading_on_writer;
    ~Mark() { t_reading_on_writer = saved; }
  } mark;
  if (writer_lock.owns_lock()) {
    db = db_.get();
    t_reading_on_writer = this;
  } else {
    Result<DbPtr> reader = AcquireReader();
    if (!reader.ok()) return std::move(reader).error();
    // Returns the connection to the pool even if `row` throws.
    db = lease.emplace(this, std::move(*reader)).db.get();
  }
  std::string error;
  int rc = SQLITE_OK;
  // The writer's connection is read-only for the read, as the pooled ones always are. (This
  // pragma acts when it is prepared, so it cannot be a cached statement.)
  struct QueryOnly {
    sqlite3* db = nullptr;
    ~QueryOnly() {
      std::string ignored;
      if (db != nullptr) sqlite::Exec(db, "PRAGMA query_only=0", &ignored);
    }
  } query_only;
  if (lease == std::nullopt) {
    rc = sqlite::Exec(db, "PRAGMA query_only=1", &error);
    if (rc == SQLITE_OK) query_only.db = db;
  }
  StmtPtr stmt;
  if (rc == SQLITE_OK) rc = sqlite::Prepare(db, sql, 0, &stmt, &error);
  if (rc == SQLITE_OK) rc = sqlite::Bind(stmt.get(), params, &error);
  if (rc == SQLITE_OK) {
    rc = sqlite::Run(
        db, stmt.get(), [&](sqlite3_stmt* s) { row(sqlite::StmtRow(s)); }, &error);
  }
  if (rc == SQLITE_OK) return OkStatus();
  if (sqlite::IsStorageFailure(rc)) {
    return AwsError::ServiceUnavailable("cannot read " + path_ + ": " + error);
  }
  return AwsError::Internal("read failed: " + error);
}

Result<int64_t> SqliteStore::StoredVersion(std::string_view service) {
  static constexpr std::string_view kSql = "SELECT version FROM wharf_schema WHERE service = ?1";
  std::string error;
  int64_t version = 0;
  sqlite3_stmt* stmt = Cached(kSql, &error);
  const std::vector<SqlValue> params{std::string(service)};
  int rc = stmt == nullptr ? SQLITE_ERROR : sqlite::Bind(stmt, params, &error);
  if (rc == SQLITE_OK) {
    rc = sqlite::Run(
        db_.get(), stmt, [&](sqlite3_stmt* s) { version = sqlite3_column_int64(s, 0); }, &error);
  }
  if (rc != SQLITE_OK) return AwsError::ServiceUnavailable("cannot read " + path_ + ": " + error);
  return version;
}

Status SqliteStore::Migrate(std::string_view service,
                            std::span<const std::string_view> migrations) {
  std::lock_guard db_lock(db_mu_);
  Result<int64_t> stored = StoredVersion(service);
  if (!stored.ok()) return std::move(stored).error();
  const auto known = static_cast<int64_t>(migrations.size());
  const std::string name(service);
  if (*stored > known) {
    return AwsError::Internal("the schema of service '" + name + "' in " + path_ +
                              " is at version " + std::to_string(*stored) +
                              ", newer than this wharf knows (version " + std::to_string(known) +
                              "): use a newer wharf or another data directory");
  }
  static constexpr std::string_view kSetVersion =
      "INSERT INTO wharf_schema(service, version) VALUES (?1, ?2) "
      "ON CONFLICT(service) DO UPDATE SET version = excluded.version";
  for (int64_t version = *stored; version < known; ++version) {
    std::string error;
    int rc = sqlite::Exec(db_.get(), "BEGIN IMMEDIATE", &error);
    if (rc == SQLITE_OK) rc = sqlite::Exec(db_.get(), migrations[version], &error);
    if (rc == SQLITE_OK) {
      rc = Execute(SqlStatement{kSetVersion, {std::string(service), version + 1}}, &error);
    }
    if (rc == SQLITE_OK) rc = sqlite::Exec(db_.get(), "COMMIT", &error);
    if (rc != SQLITE_OK) {
      Rollback();
      return AwsError::Internal("migrating service '" + name + "' to schema version " +
                                std::to_string(version + 1) + " in " + path_ + " failed: " + error);
    }
  }
  return OkStatus();
}

// Refuses a damaged database at start-up rather than failing (or spreading the damage) later:
// PRAGMA quick_check reads every page (O(size); ~1 s per GB).
Status CheckIntegrity(sqlite3* db, const std::string& path) {
  std::string error;
  std::string verdict;
  StmtPtr stmt;
  int rc = sqlite::Prepare(db, "PRAGMA quick_check(1)", 0, &stmt, &error);
  if (rc == SQLITE_OK) {
    rc = sqlite::Run(
        db, stmt.get(), [&](sqlite3_stmt* s) { verdict = sqlite::StmtRow(s).Text(0); }, &error);
  }
  if (rc == SQLITE_OK && verdict == "ok") return OkStatus();
  return AwsError::ServiceUnavailable(
      path + " is corrupt (" + (rc == SQLITE_OK ? verdict : error) +
      "); restore it from a backup, or move it away to start with an empty data directory");
}

// Prepares a freshly opened writer connection: refuses files that are not wharf databases or
// are damaged, switches to WAL, and creates the schema-version table.
Status PrepareDatabase(sqlite3* db, const std::string& path) {
  std::string error;
  int32_t application_id = 0;
  int64_t objects = 0;
  StmtPtr stmt;
  int rc = sqlite::Prepare(db, "PRAGMA application_id", 0, &stmt, &error);
  if (rc == SQLITE_OK) {
    rc = sqlite::Run(
        db, stmt.get(), [&](sqlite3_stmt* s) { application_id = sqlite3_column_int(s, 0); },
        &error);
  }
  if (rc == SQLITE_OK)
    rc = sqlite::Prepare(db, "SELECT count(*) FROM sqlite_schema", 0, &stmt, &error);
  if (rc == SQLITE_OK) {
    rc = sqlite::Run(
        db, stmt.get(), [&](sqlite3_stmt* s) { objects = sqlite3_column_int64(s, 0); }, &error);
  }
  if (rc != SQLITE_OK) {
    return AwsError::ServiceUnavailable(path + " is not a wharf database: " + error);
  }
  if (application_id != kApplicationId && objects > 0) {
    return AwsError::ServiceUnavailable(path +
                                        " is a SQLite database but not a wharf database; use "
                                        "another data directory");
  }
  if (objects > 0) WHARF_RETURN_IF_ERROR(CheckIntegrity(db, path));
  // WAL + synchronous=NORMAL: durable against the process being killed (see the file comment).
  // A new, empty database is set up with synchronous=OFF: switching it to WAL goes through the
  // rollback journal and creates the WAL file, six fsyncs that were most of a first start's time.
  // Nothing is lost by it: until the set-up below is done the database holds no data, and the
  // first checkpoint syncs the files. (An OS crash in the seconds before that can leave the new
  // file unreadable; wharf then refuses it and says to move it away.)
  const bool fresh = objects == 0;
  if (fresh) rc = sqlite::Exec(db, "PRAGMA synchronous=OFF", &error);
  std::string journal_mode;
  if (rc == SQLITE_OK) rc = sqlite::Prepare(db, "PRAGMA journal_mode=WAL", 0, &stmt, &error);
  if (rc == SQLITE_OK) {
    rc = sqlite::Run(
        db, stmt.get(),
        [&](sqlite3_stmt* s) {
          journal_mode = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        },
        &error);
  }
  stmt.reset();
  if (rc == SQLITE_OK && journal_mode != "wal") {
    return AwsError::ServiceUnavailable("cannot use " + path +
                                        ": cannot switch to WAL mode "
                                        "(is the directory writable?)");
  }
  // Nothing is written when the database is already set up: a write here would make every
  // start create and sync a fresh WAL file (several milliseconds).
  if (rc == SQLITE_OK && !fresh) rc = sqlite::Exec(db, "PRAGMA synchronous=NORMAL", &error);
  if (rc == SQLITE_OK && application_id != kApplicationId) {
    rc = sqlite::Exec(db, "PRAGMA application_id=" + std::to_string(kApplicationId), &error);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite::Exec(db,
                      "CREATE TABLE IF NOT EXISTS wharf_schema(service TEXT PRIMARY KEY, "
                      "version INTEGER NOT NULL)",
                      &error);
  }
  if (rc == SQLITE_OK && fresh) rc = sqlite::Exec(db, "PRAGMA synchronous=NORMAL", &error);
  if (rc != SQLITE_OK) return AwsError::ServiceUnavailable("cannot use " + path + ": " + error);
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return AwsError::ServiceUnavailable("cannot create data directory '" + data_dir +
                                        "': " + ec.message());
  }
  const std::string path = (std::filesystem::path(data_dir) / "wharf.db").string();
  Result<DbPtr> db = sqlite::Open(path, /*create=*/true);
  if (!db.ok()) return std::move(db).error();
  WHARF_RETURN_IF_ERROR(PrepareDatabase(db->get(), path));
  auto store = std::make_unique<SqliteStore>(path, std::move(*db));
  WHARF_RETURN_IF_ERROR(store->Start());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace wharf
