// The SQLite store under injected storage faults (fault_vfs.h): a full disk or an I/O error
// fails the writes in flight with ServiceUnavailable, never commits part of a write, never
// corrupts the file, and the store works again once the fault is gone.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fault_vfs.h"
#include "store_test_util.h"
#include "wharf/storage/store.h"

namespace wharf {
namespace {

using testing::Fault;
using testing::FaultGuard;

constexpr std::string_view kSchema[] = {"CREATE TABLE items(name TEXT PRIMARY KEY, value)"};
constexpr std::string_view kInsert = "INSERT INTO items(name, value) VALUES (?1, ?2)";

SqlStatement Insert(const std::string& name, int64_t size = 10) {
  return SqlStatement{kInsert, {name, std::string(static_cast<size_t>(size), 'v')}};
}

// "<prefix><i>" (built without operator+, which trips GCC 12's -Wrestrict false positive).
std::string Name(char prefix, int i) {
  std::string name(1, prefix);
  return name.append(std::to_string(i));
}

std::string Names(Store& store) {
  std::string names;
  const Status s = store.Read("SELECT name FROM items ORDER BY name", {},
                              [&](const SqlRow& r) { names.append(r.Text(0)).append(","); });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return names;
}

std::string IntegrityCheck(Store& store) {
  std::string result;
  const Status s =
      store.Read("PRAGMA integrity_check", {}, [&](const SqlRow& r) { result += r.Text(0); });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return result;
}

class SqliteFaultTest : public ::testing::TestWithParam<Fault> {
 protected:
  void SetUp() override { testing::InstallFaultVfs(); }

  std::unique_ptr<Store> Open() {
    auto store = OpenSqliteStore(dir_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    if (!store.ok()) return nullptr;
    EXPECT_TRUE((*store)->Migrate("test", kSchema).ok());
    return std::move(*store);
  }

  // The words the error message must contain for the current fault.
  std::string Reason() const { return GetParam() == Fault::kDiskFull ? "disk full" : "I/O error"; }

  TempDir tmp_;
  std::string dir_ = tmp_.path() + "/data";
};

TEST_P(SqliteFaultTest, FailedCommitKeepsNothingAndTheStoreRecovers) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(WriteAndWait(*store, {Insert("a")}).ok());
  const int failed_before = testing::FailedCalls();
  {
    FaultGuard fault(GetParam());
    // Many writes in flight at once (one or more groups): every one fails, none half-applied.
    std::atomic<int> ok{0}, unavailable{0}, other{0};
    std::string message;
    for (int i = 0; i < 50; ++i) {
      store->Write({Insert(Name('x', i), 5000), Insert(Name('y', i))}, [&](Status s) {
        if (s.ok()) {
          ++ok;
        } else if (s.error().code == "ServiceUnavailable" && s.error().http_status == 503) {
          ++unavailable;
          message = s.error().message;
        } else {
          ++other;
        }
      });
    }
    store->Flush();
    EXPECT_EQ(ok.load(), 0);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(unavailable.load(), 50);
    EXPECT_NE(message.find(Reason()), std::string::npos) << message;
    EXPECT_NE(message.find(dir_ + "/wharf.db"), std::string::npos) << message;
    // Reads keep working while writes fail.
    EXPECT_EQ(Names(*store), "a,");
  }
  EXPECT_GT(testing::FailedCalls(), failed_before);  // the fault was really hit
  // Space is back: the next writes commit, the failed ones left nothing behind.
  ASSERT_TRUE(WriteAndWait(*store, {Insert("b")}).ok());
  EXPECT_EQ(Names(*store), "a,b,");
  store.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Names(*reopened), "a,b,");
  EXPECT_EQ(IntegrityCheck(*reopened), "ok");
}

TEST_P(SqliteFaultTest, IntermittentFaultsLoseNoAnsweredWrite) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  // Every third write meets the fault; the WAL grows past the auto-checkpoint threshold
  // (1000 pages) on the way.
  std::string expected;
  for (int i = 0; i < 120; ++i) {
    const std::string name = Name('r', 1000 + i);
    if (i % 3 == 1) {
      FaultGuard fault(GetParam());
      EXPECT_FALSE(WriteAndWait(*store, {Insert(name, 40'000)}).ok());
    } else {
      const Status s = WriteAndWait(*store, {Insert(name, 40'000)});
      EXPECT_TRUE(s.ok()) << s.error().message;
      expected.append(name).append(",");
    }
  }
  EXPECT_EQ(Names(*store), expected);
  store.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Names(*reopened), expected);
  EXPECT_EQ(IntegrityCheck(*reopened), "ok");
}

TEST_P(SqliteFaultTest, StartOnAFailingDiskIsRefusedClearly) {
  FaultGuard fault(GetParam());
  auto store = OpenSqliteStore(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "ServiceUnavailable");
  EXPECT_NE(store.error().message.find(Reason()), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find(dir_), std::string::npos) << store.error().message;
}

// Checkpoints copy the WAL into the database file after a commit; when that fails the commit
// has still happened, so the write is answered OK and must survive a restart.
TEST(SqliteCheckpointFaultTest, FailedCheckpointsKeepEveryCommit) {
  testing::InstallFaultVfs();
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  std::string expected;
  {
    auto store = OpenSqliteStore(dir);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->Migrate("test", kSchema).ok());
    const int failed_before = testing::FailedCalls();
    FaultGuard fault(Fault::kDatabaseFileIoError);
    for (int i = 0; i < 150; ++i) {  // ~1500 pages: past the 1000-page checkpoint threshold
      const std::string name = Name('r', 1000 + i);
      const Status s = WriteAndWait(**store, {Insert(name, 40'000)});
      ASSERT_TRUE(s.ok()) << s.error().message;
      expected.append(name).append(",");
    }
    // A checkpoint (on the store's checkpointer thread) was tried and failed.
    for (int i = 0; i < 500 && testing::FailedCalls() <= failed_before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GT(testing::FailedCalls(), failed_before);
    EXPECT_EQ(Names(**store), expected);
  }
  auto reopened = OpenSqliteStore(dir);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(Names(**reopened), expected);
  EXPECT_EQ(IntegrityCheck(**reopened), "ok");
}

INSTANTIATE_TEST_SUITE_P(Faults, SqliteFaultTest,
                         ::testing::Values(Fault::kDiskFull, Fault::kIoError),
                         [](const auto& info) {
                           return info.param == Fault::kDiskFull ? "DiskFull" : "IoError";
                         });

}  // namespace
}  // namespace wharf
