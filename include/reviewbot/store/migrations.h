// Schema migrations: the numbered SQL files in migrations/<backend>/ are embedded into the binary
// at build time (see the top-level CMakeLists.txt) and applied at startup, each in its own
// transaction, and recorded in schema_migrations. Functions here take the caller's
// connection and are as thread-safe as that connection's use.
#pragma once

#include <SQLiteCpp/Database.h>

#include <span>
#include <string_view>

#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::store {

struct Migration {
  int version = 0;        // the file's numeric prefix: 001_init.sql → 1
  std::string_view name;  // the file name, for errors and schema_migrations
  std::string_view sql;   // one or more statements
};

// The migrations built into this binary from migrations/sqlite and migrations/postgres,
// each sorted by version; both have the same versions (generated source).
std::span<const Migration> sqlite_migrations();
std::span<const Migration> postgres_migrations();

// Highest applied version, 0 for an empty database. Errors if the database cannot be read.
core::Result<int> schema_version(SQLite::Database& db);

// Applies, in order, every migration in `migrations` (sorted by version) newer than the
// database, each in one IMMEDIATE transaction that also records (version, name, applied_at).
// Refuses a database whose version is newer than the last migration ("database schema
// version N is newer than this binary (M); upgrade reviewbot"). A failing migration is
// rolled back and the error names its file; migrations before it stay applied.
core::Status migrate(SQLite::Database& db, std::span<const Migration> migrations, core::Time now);

}  // namespace reviewbot::store
