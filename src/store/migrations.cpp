#include "reviewbot/store/migrations.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <string>

namespace reviewbot::store {
namespace {

constexpr const char* kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL)";

core::Error too_new(int version, int newest) {
  return core::Error{"database schema version " + std::to_string(version) +
                     " is newer than this binary (" + std::to_string(newest) +
                     "); upgrade reviewbot"};
}

int current_version(SQLite::Database& db) {
  SQLite::Statement query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  query.executeStep();
  return query.getColumn(0).getInt();
}

}  // namespace

core::Result<int> schema_version(SQLite::Database& db) {
  try {
    if (!db.tableExists("schema_migrations")) return 0;
    return current_version(db);
  } catch (const std::exception& e) {
    return core::Error{std::string("cannot read the schema version: ") + e.what()};
  }
}

core::Status migrate(SQLite::Database& db, std::span<const Migration> migrations, core::Time now) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return core::Error{"migrations out of order: " + std::string(migrations[i].name)};
    }
  }
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  try {
    db.exec(kCreateSchemaMigrations);
    if (const int version = current_version(db); version > newest) {
      return too_new(version, newest);
    }
  } catch (const std::exception& e) {
    return core::Error{std::string("cannot read schema_migrations: ") + e.what()};
  }
  for (const Migration& migration : migrations) {
    try {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      // Read again inside the transaction: another process may have migrated meanwhile.
      const int version = current_version(db);
      if (version > newest) return too_new(version, newest);
      if (migration.version <= version) continue;
      db.exec(std::string(migration.sql));
      SQLite::Statement record(
          db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      record.bind(1, migration.version);
      record.bind(2, std::string(migration.name));
      record.bind(3, static_cast<int64_t>(core::to_millis(now)));
      record.exec();
      tx.commit();
    } catch (const std::exception& e) {
      return core::Error{"migration " + std::string(migration.name) + " failed: " + e.what()};
    }
  }
  return core::ok_status();
}

}  // namespace reviewbot::store
