// WalSync: one fdatasync covers every commit noted before it; nothing noted, nothing to do;
// a file that is gone fails that call only, a failed fdatasync fails every later call.
#include "reviewbot/store/wal_sync.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "sqlite_test_util.h"

using namespace reviewbot;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("one fdatasync covers the commits noted before it", "[store][wal_sync]") {
  testing::TempDb db;
  const std::string wal = db.path() + "-wal";
  write_file(wal, "frames");
  store::WalSync sync(wal);
  CHECK(sync.sync().ok());  // nothing committed: nothing to wait for
  CHECK(sync.syncs() == 0);
  sync.committed();
  sync.committed();
  REQUIRE(sync.sync().ok());
  CHECK(sync.syncs() == 1);
  CHECK(sync.sync().ok());  // both already covered
  CHECK(sync.syncs() == 1);
  sync.committed();
  REQUIRE(sync.sync().ok());
  CHECK(sync.syncs() == 2);

  // A new file in its place (SQLite recreated the log) is opened again.
  const std::string replacement = wal + ".new";
  write_file(replacement, "new frames");
  REQUIRE(std::rename(replacement.c_str(), wal.c_str()) == 0);
  sync.committed();
  CHECK(sync.sync().ok());
  CHECK(sync.syncs() == 3);
  CHECK_FALSE(sync.failed());
}

TEST_CASE("a missing log fails that sync only, a failed fdatasync every later one",
          "[store][wal_sync]") {
  testing::TempDb db;
  const std::string wal = db.path() + "-wal";
  store::WalSync sync(wal);
  sync.committed();
  const auto missing = sync.sync();
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("cannot find") && Catch::Contains(wal));
  CHECK_FALSE(sync.failed());

  // fdatasync refuses a FIFO (EINVAL): a stand-in for a disk that reports a write error.
  REQUIRE(::mkfifo(wal.c_str(), 0600) == 0);
  const auto refused = sync.sync();
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("failed") && Catch::Contains("restart"));
  CHECK(sync.failed());

  REQUIRE(::unlink(wal.c_str()) == 0);
  write_file(wal, "frames");
  CHECK_FALSE(sync.sync().ok());  // still failed: the lost pages are not known to be written
  CHECK(sync.syncs() == 0);
}
