#include <gtest/gtest.h>

#include <thread>

#include "wharf/storage/store.h"

namespace wharf {
namespace {

TEST(MemoryStoreTest, KeepsNothingAndAcceptsEverything) {
  auto store = MakeMemoryStore();
  EXPECT_FALSE(store->IsPersistent());
  const std::string_view migrations[] = {"CREATE TABLE t(x)"};
  EXPECT_TRUE(store->Migrate("sqs", migrations).ok());
  bool done_ran = false;
  std::thread::id done_thread;
  store->Write({SqlStatement{"INSERT INTO t VALUES (?1)", {int64_t{1}}}}, [&](Status s) {
    EXPECT_TRUE(s.ok());
    done_ran = true;
    done_thread = std::this_thread::get_id();
  });
  EXPECT_TRUE(done_ran);  // at once, on the caller's thread
  EXPECT_EQ(done_thread, std::this_thread::get_id());
  int rows = 0;
  EXPECT_TRUE(store->Read("SELECT x FROM t", {}, [&](const SqlRow&) { ++rows; }).ok());
  EXPECT_EQ(rows, 0);
  store->Flush();
}

TEST(MemoryStoreTest, WritesFailAfterClose) {
  auto store = MakeMemoryStore();
  store->Close();
  store->Close();
  bool failed = false;
  store->Write({}, [&](Status s) { failed = !s.ok() && s.error().code == "ServiceUnavailable"; });
  EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace wharf
