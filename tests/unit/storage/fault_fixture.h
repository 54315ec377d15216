// An engine's on-disk test fixture whose store writes through the fault VFS (fault_vfs.h), with
// a helper for requests made while the disk is full.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "fault_vfs.h"
#include "wharf/core/result.h"

namespace wharf::testing {

// `OnDiskFixture` opens its store in SetUp and has Err(op, input, code), which expects the
// operation to fail with `code` and returns the error.
template <typename OnDiskFixture>
class FaultFixture : public OnDiskFixture {
 protected:
  void SetUp() override {
    InstallFaultVfs();
    OnDiskFixture::SetUp();
  }
  // Calls `op` while the disk is full: it must be answered 503.
  void CallOnFullDisk(const std::string& op, nlohmann::json input) {
    FaultGuard fault(Fault::kDiskFull);
    const AwsError e = this->Err(op, std::move(input), "ServiceUnavailable");
    EXPECT_NE(e.message.find("disk full"), std::string::npos) << e.message;
  }
};

}  // namespace wharf::testing
