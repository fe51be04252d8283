// Helpers for SqliteStore tests: a temporary database file and raw SQL probes on it, for
// what only SQLite shows (the contract suites in contract/ use the interfaces alone).
// Single-threaded test use only.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "fakes/fake_clock.h"
#include "reviewbot/store/sqlite_store.h"
#include "store_test_util.h"

namespace reviewbot::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDb {
 public:
  TempDb() {
    std::string pattern = (std::filesystem::temp_directory_path() / "reviewbot-store-XXXXXX");
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~TempDb() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  std::string path() const { return (dir_ / "reviewbot.db").string(); }

 private:
  std::filesystem::path dir_;
};

inline std::unique_ptr<store::SqliteStore> open_store(const std::string& path,
                                                      const core::Clock* clock = nullptr) {
  auto opened = store::SqliteStore::open(path, store::SqliteOptions{true, 5000, clock});
  if (!opened) FAIL("open failed: " << opened.error().message);
  return std::move(opened).value();
}

// The first column of the first row of `sql`, read through a separate connection.
inline int64_t query_int(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, sql);
  if (!s.executeStep()) throw std::runtime_error("no row: " + sql);
  return s.getColumn(0).getInt64();
}

inline std::string query_text(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement s(db, sql);
  if (!s.executeStep()) throw std::runtime_error("no row: " + sql);
  return s.getColumn(0).getString();
}

}  // namespace reviewbot::testing
