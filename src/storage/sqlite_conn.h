// Thin helpers over the SQLite C API shared by the SQLite store's writer, readers and
// migrations: RAII handles, opening a connection, binding SqlValues, error descriptions.
// Internal to src/storage.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wharf/core/result.h"
#include "wharf/storage/store.h"

namespace wharf::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Opens `path` for one thread at a time (SQLITE_OPEN_NOMUTEX) with a busy timeout. `create`
// adds SQLITE_OPEN_CREATE. On failure the message names the path and the reason.
Result<DbPtr> Open(const std::string& path, bool create);

// "disk full (database or disk is full)" style text for an SQLite result code, with the
// connection's last error message.
std::string Describe(int rc, sqlite3* db);

// True for failures of the storage itself (disk full, I/O, read-only, locked, corrupt...) as
// opposed to an error in one statement (constraint, syntax, wrong parameters).
bool IsStorageFailure(int rc);

// Runs SQL text (one or more statements, no parameters, rows ignored). Returns the SQLite
// result code; on failure fills `error`.
int Exec(sqlite3* db, std::string_view sql, std::string* error);

// Prepares exactly one statement. Returns the result code; SQLITE_MISUSE with an explanation in
// `error` when `sql` is empty or holds more than one statement.
int Prepare(sqlite3* db, std::string_view sql, unsigned flags, StmtPtr* stmt, std::string* error);

// Binds `params` to ?1..?n. Strings and blobs are bound SQLITE_STATIC: `params` must outlive
// the statement's next step/reset. Missing trailing parameters are NULL. Returns the result
// code; SQLITE_RANGE (with `error`) when there are more params than placeholders.
int Bind(sqlite3_stmt* stmt, const std::vector<SqlValue>& params, std::string* error);

// A row callback for Run that ignores rows.
inline constexpr auto kIgnoreRows = [](sqlite3_stmt*) {};

// Steps a bound statement to completion, calling `row` for each row (may be null). Resets the
// statement (bindings kept). Returns SQLITE_OK or the failing code, with `error` filled.
template <typename RowFn>
int Run(sqlite3* db, sqlite3_stmt* stmt, const RowFn& row, std::string* error);

// A SqlRow over the current row of a statement.
class StmtRow final : public SqlRow {
 public:
  explicit StmtRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  bool IsNull(int column) const override;
  int64_t Int(int column) const override;
  double Real(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;

 private:
  sqlite3_stmt* stmt_;
};

template <typename RowFn>
int Run(sqlite3* db, sqlite3_stmt* stmt, const RowFn& row, std::string* error) {
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    row(stmt);
  }
  if (rc != SQLITE_DONE) {
    *error = Describe(rc, db);
    sqlite3_reset(stmt);
    return rc;
  }
  sqlite3_reset(stmt);
  return SQLITE_OK;
}

}  // namespace wharf::sqlite
