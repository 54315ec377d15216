#include "storage/sqlite_conn.h"

#include <cctype>
#include <type_traits>

namespace wharf::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

bool OnlySpaceOrSemicolons(const char* begin, const char* end) {
  for (const char* p = begin; p < end; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
  }
  return true;
}

}  // namespace

Result<DbPtr> Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return AwsError::ServiceUnavailable("cannot open " + path + ": " + Describe(rc, raw));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

std::string Describe(int rc, sqlite3* db) {
  const char* what = nullptr;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      what = "disk full";
      break;
    case SQLITE_READONLY:
      what = "storage is read-only";
      break;
    case SQLITE_IOERR:
      what = "I/O error";
      break;
    case SQLITE_CORRUPT:
      what = "database file is corrupt";
      break;
    case SQLITE_NOTADB:
      what = "not a SQLite database";
      break;
    case SQLITE_CANTOPEN:
      what = "cannot open the database file (does the directory exist and is it writable?)";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      what = "database is locked (another process using the same data directory?)";
      break;
    case SQLITE_PERM:
      what = "permission denied";
      break;
    case SQLITE_NOMEM:
      what = "out of memory";
      break;
    default:
      break;
  }
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return what != nullptr ? std::string(what) + " (" + detail + ")" : detail;
}

bool IsStorageFailure(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

int Exec(sqlite3* db, std::string_view sql, std::string* error) {
  const std::string text(sql);  // sqlite3_exec needs a terminated string
  char* message = nullptr;
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    *error = Describe(rc, db);
  }
  sqlite3_free(message);
  return rc;
}

int Prepare(sqlite3* db, std::string_view sql, unsigned flags, StmtPtr* stmt, std::string* error) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc =
      sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &raw, &tail);
  stmt->reset(raw);
  if (rc != SQLITE_OK) {
    *error = Describe(rc, db) + " in: " + std::string(sql);
    return rc;
  }
  if (raw == nullptr) {
    *error = "empty SQL statement";
    return SQLITE_MISUSE;
  }
  if (!OnlySpaceOrSemicolons(tail, sql.data() + sql.size())) {
    stmt->reset();
    *error = "more than one SQL statement in one SqlStatement: " + std::string(sql);
    return SQLITE_MISUSE;
  }
  return SQLITE_OK;
}

int Bind(sqlite3_stmt* stmt, const std::vector<SqlValue>& params, std::string* error) {
  const int count = sqlite3_bind_parameter_count(stmt);
  if (static_cast<int>(params.size()) > count) {
    *error = "statement takes " + std::to_string(count) + " parameters, got " +
             std::to_string(params.size()) + ": " + sqlite3_sql(stmt);
    return SQLITE_RANGE;
  }
  if (static_cast<int>(params.size()) < count) sqlite3_clear_bindings(stmt);
  for (int i = 0; i < static_cast<int>(params.size()); ++i) {
    const int rc = std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return sqlite3_bind_null(stmt, i + 1);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            return sqlite3_bind_int64(stmt, i + 1, v);
          } else if constexpr (std::is_same_v<T, double>) {
            return sqlite3_bind_double(stmt, i + 1, v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            return sqlite3_bind_text64(stmt, i + 1, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
          } else {
            return sqlite3_bind_blob64(stmt, i + 1, v.bytes.data(), v.bytes.size(), SQLITE_STATIC);
          }
        },
        params[i]);
    if (rc != SQLITE_OK) {
      *error = "cannot bind parameter " + std::to_string(i + 1) + ": " + sqlite3_errstr(rc);
      return rc;
    }
  }
  return SQLITE_OK;
}

bool StmtRow::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t StmtRow::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double StmtRow::Real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string StmtRow::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string StmtRow::Blob(int column) const {
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (blob == nullptr) return {};
  return std::string(blob, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

}  // namespace wharf::sqlite
