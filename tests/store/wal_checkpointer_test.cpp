// WalCheckpointer: commits on the watched connection no longer copy the write-ahead log into
// the database file themselves; the checkpointer's thread does, once the log passes its mark.
#include "reviewbot/store/wal_checkpointer.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;

namespace {

// A WAL database with one table, on a raw connection.
struct Writer {
  explicit Writer(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    exec("PRAGMA journal_mode = WAL");
    exec("CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT NOT NULL)");
  }
  ~Writer() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  // `n` commits of one row of ~1 KiB each.
  void commit_rows(int n) {
    for (int i = 0; i < n; ++i) exec("INSERT INTO t (pad) VALUES (printf('%.1000c', 'x'))");
  }
  sqlite3* db = nullptr;
};

std::uintmax_t size_of(const std::string& path) { return std::filesystem::file_size(path); }

}  // namespace

TEST_CASE("commits on a watched connection leave the log to the checkpointer",
          "[store][checkpoint]") {
  TempDb dir;
  Writer writer(dir.path());
  writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto before = size_of(dir.path());

  SECTION("below the mark nothing is copied, however long the log grows") {
    auto checkpointer = store::WalCheckpointer::start(dir.path(), writer.db, 1'000'000);
    REQUIRE(checkpointer.ok());
    writer.commit_rows(1500);  // past SQLite's own mark of 1000 pages
    CHECK(size_of(dir.path()) == before);
    CHECK((*checkpointer)->checkpoints() == 0);
    CHECK(size_of(dir.path() + "-wal") > 1000u * 4096u);
  }
  SECTION("past the mark the checkpointer's thread copies the log") {
    auto checkpointer = store::WalCheckpointer::start(dir.path(), writer.db, 50);
    REQUIRE(checkpointer.ok());
    writer.commit_rows(200);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while ((*checkpointer)->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK((*checkpointer)->checkpoints() > 0);
    CHECK(size_of(dir.path()) > before);
    CHECK(query_int(dir.path(), "SELECT COUNT(*) FROM t") == 200);
  }
}

TEST_CASE("a checkpointer for a database that cannot be opened is an error",
          "[store][checkpoint]") {
  TempDb dir;
  Writer writer(dir.path());
  auto checkpointer =
      store::WalCheckpointer::start("/nonexistent-dir/reviewbot.db", writer.db, 1000);
  REQUIRE_FALSE(checkpointer.ok());
  CHECK_THAT(checkpointer.error().message, Catch::Contains("/nonexistent-dir/reviewbot.db"));
}
