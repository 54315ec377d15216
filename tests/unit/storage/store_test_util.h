// Helpers for the storage tests: a temporary directory and a blocking Write.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "wharf/storage/store.h"

namespace wharf {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wharf-store-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes and waits for `done` (generous timeout; fails the test on timeout).
inline Status WriteAndWait(Store& store, std::vector<SqlStatement> statements) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  store.Write(std::move(statements), [promise](Status s) { promise->set_value(std::move(s)); });
  if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    return AwsError::Internal("test: write timed out");
  }
  return future.get();
}

}  // namespace wharf
