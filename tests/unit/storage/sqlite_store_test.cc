#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>
#include <vector>

#include "store_test_util.h"
#include "wharf/storage/store.h"

namespace wharf {
namespace {

constexpr std::string_view kSchemaV1[] = {
    "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT UNIQUE, value)"};
constexpr std::string_view kInsert = "INSERT INTO items(name, value) VALUES (?1, ?2)";

std::unique_ptr<Store> OpenOrDie(const std::string& dir) {
  auto store = OpenSqliteStore(dir);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

int64_t CountRows(Store& store, std::string_view sql) {
  int64_t count = -1;
  const Status s = store.Read(sql, {}, [&](const SqlRow& row) { count = row.Int(0); });
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return count;
}

int64_t SchemaVersion(Store& store, const std::string& service) {
  int64_t version = 0;
  const Status s = store.Read("SELECT version FROM wharf_schema WHERE service = ?1", {service},
                              [&](const SqlRow& row) { version = row.Int(0); });
  EXPECT_TRUE(s.ok());
  return version;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  TempDir tmp_;
  std::string dir_ = tmp_.path() + "/data/nested";
};

TEST_F(SqliteStoreTest, CreatesDirectoryAndDatabase) {
  auto store = OpenOrDie(dir_);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->IsPersistent());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/wharf.db"));
  std::string mode;
  ASSERT_TRUE(
      store->Read("PRAGMA journal_mode", {}, [&](const SqlRow& r) { mode = r.Text(0); }).ok());
  EXPECT_EQ(mode, "wal");
}

TEST_F(SqliteStoreTest, MigrateAppliesEachVersionOnce) {
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
    ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());  // already there: no-op
    EXPECT_EQ(SchemaVersion(*store, "sqs"), 1);
  }
  auto store = OpenOrDie(dir_);
  const std::string_view v2[] = {kSchemaV1[0],
                                 "ALTER TABLE items ADD COLUMN extra TEXT; "
                                 "CREATE INDEX items_extra ON items(extra)"};
  ASSERT_TRUE(store->Migrate("sqs", v2).ok());
  EXPECT_EQ(SchemaVersion(*store, "sqs"), 2);
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM pragma_table_info('items')"), 4);
  EXPECT_EQ(SchemaVersion(*store, "sns"), 0);  // versions are per service
}

TEST_F(SqliteStoreTest, NewerStoredVersionIsRefused) {
  const std::string_view v2[] = {kSchemaV1[0], "CREATE TABLE more(x)"};
  ASSERT_TRUE(OpenOrDie(dir_)->Migrate("sqs", v2).ok());
  auto store = OpenOrDie(dir_);
  const Status s = store->Migrate("sqs", kSchemaV1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("'sqs'"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("version 2"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("version 1"), std::string::npos) << s.error().message;
}

TEST_F(SqliteStoreTest, FailedMigrationRollsBack) {
  auto store = OpenOrDie(dir_);
  const std::string_view bad[] = {kSchemaV1[0], "CREATE TABLE half(x); THIS IS NOT SQL"};
  const Status s = store->Migrate("sqs", bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("version 2"), std::string::npos) << s.error().message;
  EXPECT_EQ(SchemaVersion(*store, "sqs"), 1);
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), 0);
}

TEST_F(SqliteStoreTest, WritesAreVisibleAfterDoneAndAfterReopen) {
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
    const Status s = WriteAndWait(*store, {SqlStatement{kInsert, {std::string("a"), int64_t{7}}}});
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(CountRows(*store, "SELECT value FROM items WHERE name = 'a'"), 7);
  }
  auto store = OpenOrDie(dir_);
  EXPECT_EQ(CountRows(*store, "SELECT value FROM items WHERE name = 'a'"), 7);
}

// `still_valid` is asked when the write's turn comes, after the `done` callbacks of the earlier
// groups have run: here the one that queued it changes its answer after queuing it.
TEST_F(SqliteStoreTest, WriteIsNotTriedOnceItsConditionFails) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  std::atomic<bool> first_done{false};
  std::promise<Status> second;
  store->Write({SqlStatement{kInsert, {std::string("a"), int64_t{1}}}}, [&](Status s) {
    EXPECT_TRUE(s.ok());
    store->Write(
        {SqlStatement{kInsert, {std::string("b"), int64_t{2}}}},
        [&](Status b) { second.set_value(std::move(b)); }, [&] { return !first_done.load(); });
    first_done = true;
  });
  const Status b = second.get_future().get();
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "ServiceUnavailable");
  EXPECT_NE(b.error().message.find("not tried"), std::string::npos) << b.error().message;
  const Status c = WriteAndWait(*store, {SqlStatement{kInsert, {std::string("c"), int64_t{3}}}});
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items WHERE name IN ('a', 'c')"), 2);
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items WHERE name = 'b'"), 0);
}

TEST_F(SqliteStoreTest, LoopThreadCommitsItsOwnWritesWhenIdle) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  std::thread loop([&] {
    store->CommitOnIdle();
    std::vector<std::thread::id> ran_on;
    for (int i = 0; i < 3; ++i) {
      store->Write({SqlStatement{kInsert, {"k" + std::to_string(i), int64_t{i}}}}, [&](Status s) {
        EXPECT_TRUE(s.ok());
        ran_on.push_back(std::this_thread::get_id());
      });
    }
    EXPECT_TRUE(ran_on.empty());  // queued, not handed to the writer thread
    store->CommitQueued();        // the loop's idle point: one group, done runs here
    ASSERT_EQ(ran_on.size(), 3u);
    for (auto id : ran_on) EXPECT_EQ(id, std::this_thread::get_id());
  });
  loop.join();
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items"), 3);
}

TEST_F(SqliteStoreTest, WritesALoopLeavesUncommittedAreCommittedByTheWriter) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  std::promise<std::thread::id> done_on;
  std::thread loop([&] {
    store->CommitOnIdle();
    store->Write({SqlStatement{kInsert, {std::string("late"), int64_t{1}}}}, [&](Status s) {
      EXPECT_TRUE(s.ok());
      done_on.set_value(std::this_thread::get_id());
    });
  });
  const std::thread::id loop_id = loop.get_id();
  loop.join();
  auto future = done_on.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(future.get(), loop_id);
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items"), 1);
}

TEST_F(SqliteStoreTest, ValuesRoundTrip) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  const std::string binary("\0\x01\xff-bytes", 9);
  ASSERT_TRUE(WriteAndWait(*store, {SqlStatement{kInsert, {std::string("null"), std::monostate{}}},
                                    SqlStatement{kInsert, {std::string("real"), 2.5}},
                                    SqlStatement{kInsert, {std::string("blob"), SqlBlob{binary}}},
                                    SqlStatement{kInsert, {std::string("text"), std::string("hé")}},
                                    SqlStatement{kInsert, {std::string("short")}}})
                  .ok());
  std::map<std::string, std::string> seen;
  ASSERT_TRUE(store
                  ->Read("SELECT name, value, typeof(value) FROM items ORDER BY id", {},
                         [&](const SqlRow& r) {
                           const std::string type = r.Text(2);
                           std::string v = type == "real"   ? std::to_string(r.Real(1))
                                           : type == "blob" ? r.Blob(1)
                                           : r.IsNull(1)    ? "NULL"
                                                            : r.Text(1);
                           seen[r.Text(0)] = type;
                           seen[r.Text(0)].append(":").append(v);
                         })
                  .ok());
  EXPECT_EQ(seen["null"], "null:NULL");
  EXPECT_EQ(seen["real"], "real:2.500000");
  EXPECT_EQ(seen["blob"], std::string("blob:").append(binary));
  EXPECT_EQ(seen["text"], "text:hé");
  EXPECT_EQ(seen["short"], "null:NULL");  // missing trailing parameter binds NULL
}

TEST_F(SqliteStoreTest, ConcurrentWritersAreAllCommittedInOrder) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string name = std::to_string(t * kPerThread + i);
        store->Write({SqlStatement{kInsert, {std::move(name), int64_t{t} * 1'000'000 + i}}},
                     [&](Status s) { ok += s.ok() ? 1 : 0; });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  store->Flush();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items"), kThreads * kPerThread);
  // Each thread's writes were committed in submission order (row ids grow with them).
  std::vector<int64_t> last(kThreads, -1);
  bool in_order = true;
  ASSERT_TRUE(store
                  ->Read("SELECT value FROM items ORDER BY id", {},
                         [&](const SqlRow& r) {
                           const int64_t v = r.Int(0);
                           const auto t = static_cast<size_t>(v / 1'000'000);
                           in_order = in_order && v > last[t];
                           last[t] = v;
                         })
                  .ok());
  EXPECT_TRUE(in_order);
}

TEST_F(SqliteStoreTest, StatementErrorFailsOnlyItsWrite) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  std::vector<std::promise<Status>> results(4);
  // Queued back to back so they very likely share a group; the outcome must not depend on it.
  store->Write({SqlStatement{kInsert, {std::string("a"), int64_t{1}}}},
               [&](Status s) { results[0].set_value(s); });
  store->Write({SqlStatement{kInsert, {std::string("b"), int64_t{2}}},
                SqlStatement{kInsert, {std::string("a"), int64_t{3}}}},  // UNIQUE violation
               [&](Status s) { results[1].set_value(s); });
  store->Write({SqlStatement{"INSERT INTO no_such_table VALUES (1)", {}}},
               [&](Status s) { results[2].set_value(s); });
  store->Write({SqlStatement{kInsert, {std::string("c"), int64_t{4}}}},
               [&](Status s) { results[3].set_value(s); });
  store->Flush();
  EXPECT_TRUE(results[0].get_future().get().ok());
  const Status unique = results[1].get_future().get();
  ASSERT_FALSE(unique.ok());
  EXPECT_EQ(unique.error().code, "ServiceUnavailable");
  EXPECT_NE(unique.error().message.find("UNIQUE"), std::string::npos) << unique.error().message;
  const Status no_table = results[2].get_future().get();
  ASSERT_FALSE(no_table.ok());
  EXPECT_NE(no_table.error().message.find("no_such_table"), std::string::npos);
  EXPECT_TRUE(results[3].get_future().get().ok());
  // The failed write is atomic: its first statement ("b") was rolled back too.
  std::string names;
  ASSERT_TRUE(store
                  ->Read("SELECT name FROM items ORDER BY id", {},
                         [&](const SqlRow& r) { names += r.Text(0); })
                  .ok());
  EXPECT_EQ(names, "ac");
  EXPECT_TRUE(WriteAndWait(*store, {SqlStatement{kInsert, {std::string("d"), int64_t{5}}}}).ok());
}

TEST_F(SqliteStoreTest, DiskFullFailsTheGroupAndTheStoreRecovers) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  // Simulate a full disk: cap the file at its current size.
  ASSERT_TRUE(WriteAndWait(*store, {SqlStatement{"PRAGMA max_page_count = 1", {}}}).ok());
  const std::string big(200'000, 'x');
  const Status full = WriteAndWait(*store, {SqlStatement{kInsert, {std::string("big"), big}}});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "ServiceUnavailable");
  EXPECT_EQ(full.error().http_status, 503);
  EXPECT_NE(full.error().message.find("disk full"), std::string::npos) << full.error().message;
  // Space comes back: later writes succeed.
  ASSERT_TRUE(WriteAndWait(*store, {SqlStatement{"PRAGMA max_page_count = 1073741823", {}}}).ok());
  EXPECT_TRUE(WriteAndWait(*store, {SqlStatement{kInsert, {std::string("big"), big}}}).ok());
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items"), 1);
}

TEST_F(SqliteStoreTest, ReadOnlyStorageFailsWritesUntilWritableAgain) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  // Simulate storage turning read-only under the running store (root ignores file modes).
  ASSERT_TRUE(WriteAndWait(*store, {SqlStatement{"PRAGMA query_only = 1", {}}}).ok());
  const Status read_only =
      WriteAndWait(*store, {SqlStatement{kInsert, {std::string("a"), int64_t{1}}}});
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(read_only.error().code, "ServiceUnavailable");
  EXPECT_NE(read_only.error().message.find("read-only"), std::string::npos)
      << read_only.error().message;
  ASSERT_TRUE(WriteAndWait(*store, {SqlStatement{"PRAGMA query_only = 0", {}}}).ok());
  EXPECT_TRUE(WriteAndWait(*store, {SqlStatement{kInsert, {std::string("a"), int64_t{1}}}}).ok());
}

// A read that comes while the writer's connection is busy (here: a read inside another read's
// row callback) is served by a pooled read-only connection and sees the same committed rows;
// the writer's connection is writable again afterwards.
TEST_F(SqliteStoreTest, ReadInsideAReadUsesAReadConnection) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        WriteAndWait(*store, {SqlStatement{kInsert, {std::to_string(i), int64_t{i}}}}).ok());
  }
  std::vector<int64_t> outer;
  std::vector<int64_t> inner_counts;
  bool inner_write_refused = false;
  const Status s = store->Read("SELECT value FROM items ORDER BY id", {}, [&](const SqlRow& row) {
    outer.push_back(row.Int(0));
    inner_counts.push_back(CountRows(*store, "SELECT count(*) FROM items"));
    inner_write_refused = !store->Read("DELETE FROM items", {}, [](const SqlRow&) {}).ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(outer, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(inner_counts, (std::vector<int64_t>{3, 3, 3}));
  EXPECT_TRUE(inner_write_refused);
  EXPECT_TRUE(WriteAndWait(*store, {SqlStatement{kInsert, {std::string("x"), int64_t{9}}}}).ok());
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items"), 4);
}

TEST_F(SqliteStoreTest, ReadErrorsAreReported) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  const Status bad = store->Read("SELECT nope FROM items", {}, [](const SqlRow&) {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("nope"), std::string::npos) << bad.error().message;
  // Read connections are read-only.
  EXPECT_FALSE(store->Read("DELETE FROM items", {}, [](const SqlRow&) {}).ok());
  // One statement per call.
  EXPECT_FALSE(store->Read("SELECT 1; SELECT 2", {}, [](const SqlRow&) {}).ok());
  // Too many parameters.
  EXPECT_FALSE(store->Read("SELECT ?1", {int64_t{1}, int64_t{2}}, [](const SqlRow&) {}).ok());
}

TEST_F(SqliteStoreTest, CloseFlushesAndLaterWritesFail) {
  auto store = OpenOrDie(dir_);
  ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
  std::atomic<int> done{0};
  for (int i = 0; i < 500; ++i) {
    store->Write({SqlStatement{kInsert, {std::to_string(i), int64_t{i}}}},
                 [&](Status s) { done += s.ok() ? 1 : 0; });
  }
  store->Close();
  EXPECT_EQ(done.load(), 500);
  store->Close();  // idempotent
  bool failed = false;
  store->Write({SqlStatement{kInsert, {std::string("late"), int64_t{0}}}},
               [&](Status s) { failed = !s.ok(); });
  EXPECT_TRUE(failed);
  EXPECT_EQ(CountRows(*store, "SELECT count(*) FROM items"), 500);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/wharf.db") << "this is not a database, just some text that is long "
                                       "enough to have a header";
  auto store = OpenSqliteStore(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not a wharf database"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsSqliteDatabase) {
  std::filesystem::create_directories(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/wharf.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE other(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteStore(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not a wharf database"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, RefusesACorruptDatabase) {
  {
    auto store = OpenOrDie(dir_);
    ASSERT_TRUE(store->Migrate("sqs", kSchemaV1).ok());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(
          WriteAndWait(*store, {SqlStatement{kInsert, {std::to_string(i), std::string(2000, 'v')}}})
              .ok());
    }
  }  // the last connection's close checkpoints the WAL into wharf.db
  const auto size = std::filesystem::file_size(dir_ + "/wharf.db");
  ASSERT_GT(size, 8u * 4096);
  {
    // Scribble over page 5 (a table page; the header on page 1 stays intact).
    std::fstream file(dir_ + "/wharf.db", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4 * 4096 + 100);
    const std::string garbage(3000, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto store = OpenSqliteStore(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "ServiceUnavailable");
  EXPECT_NE(store.error().message.find(dir_ + "/wharf.db is corrupt"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, DirectoryThatCannotBeCreated) {
  std::ofstream(tmp_.path() + "/plain-file") << "x";
  auto store = OpenSqliteStore(tmp_.path() + "/plain-file/data");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("cannot create data directory"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, DatabasePathThatCannotBeOpened) {
  std::filesystem::create_directories(dir_ + "/wharf.db");  // a directory where the file goes
  auto store = OpenSqliteStore(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find(dir_ + "/wharf.db"), std::string::npos)
      << store.error().message;
}

TEST_F(SqliteStoreTest, ReadOnlyDirectory) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  std::filesystem::create_directories(dir_);
  ASSERT_EQ(chmod(dir_.c_str(), 0555), 0);
  auto store = OpenSqliteStore(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("writable"), std::string::npos) << store.error().message;
}

}  // namespace
}  // namespace wharf
