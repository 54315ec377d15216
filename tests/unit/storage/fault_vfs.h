// A SQLite VFS for storage tests that wraps the default VFS and, when a test switches a fault
// on, fails every file write (and sync and truncate) with the error a full disk or a failing
// device gives. Install() registers it as the default VFS, so OpenSqliteStore uses it without
// any change to the code under test. Faults are process-wide; tests that set one must clear it
// (FaultGuard does).
#pragma once

namespace wharf::testing {

enum class Fault {
  kNone,
  kDiskFull,  // xWrite returns SQLITE_FULL (ENOSPC)
  kIoError,   // xWrite, xSync and xTruncate return SQLITE_IOERR_* (EIO)
  // Like kIoError, but only on the main database file: commits (which go to the WAL) work,
  // checkpoints (which copy the WAL into the database file) fail.
  kDatabaseFileIoError,
};

// Registers the fault VFS as the default (idempotent). Call before opening a store.
void InstallFaultVfs();
// Switches the fault for every file opened through the VFS, from now on. Thread-safe.
void SetFault(Fault fault);
// How many calls have been failed since the process started.
int FailedCalls();

// Sets a fault for its lifetime.
class FaultGuard {
 public:
  explicit FaultGuard(Fault fault) { SetFault(fault); }
  ~FaultGuard() { SetFault(Fault::kNone); }
  FaultGuard(const FaultGuard&) = delete;
  FaultGuard& operator=(const FaultGuard&) = delete;
};

}  // namespace wharf::testing
