#include "reviewbot/store/migrations.h"

#include "sqlite_test_util.h"

using namespace reviewbot;
using namespace reviewbot::testing;

TEST_CASE("embedded migrations start at 1 and are strictly increasing", "[store][migrations]") {
  auto migrations = store::sqlite_migrations();
  REQUIRE_FALSE(migrations.empty());
  CHECK(migrations.front().version == 1);
  CHECK(migrations.front().name == "001_init.sql");
  for (size_t i = 1; i < migrations.size(); ++i) {
    CHECK(migrations[i].version > migrations[i - 1].version);
  }
}

TEST_CASE("migrations apply once and are recorded", "[store][migrations]") {
  TempDb db;
  FakeClock clock(at(0));
  const int newest = store::sqlite_migrations().back().version;
  const auto count = static_cast<int64_t>(store::sqlite_migrations().size());

  open_store(db.path(), &clock);
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM schema_migrations") == count);
  CHECK(query_int(db.path(), "SELECT MAX(version) FROM schema_migrations") == newest);
  CHECK(query_int(db.path(), "SELECT applied_at FROM schema_migrations WHERE version = 1") ==
        core::to_millis(at(0)));
  CHECK(query_text(db.path(), "SELECT name FROM schema_migrations WHERE version = 1") ==
        "001_init.sql");

  SECTION("reopening applies nothing again") {
    clock.set(at(60));
    open_store(db.path(), &clock);
    CHECK(query_int(db.path(), "SELECT COUNT(*) FROM schema_migrations") == count);
    CHECK(query_int(db.path(), "SELECT MAX(applied_at) FROM schema_migrations") ==
          core::to_millis(at(0)));
  }
}

TEST_CASE("a database with a newer schema version is refused", "[store][migrations]") {
  TempDb db;
  open_store(db.path());
  {
    SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE);
    raw.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'x.sql', 0)");
  }
  auto reopened = store::SqliteStore::open(db.path());
  REQUIRE_FALSE(reopened.ok());
  const std::string expected = "database schema version 999 is newer than this binary (" +
                               std::to_string(store::sqlite_migrations().back().version) +
                               "); upgrade reviewbot";
  CHECK_THAT(reopened.error().message, Catch::Contains(expected));
}

TEST_CASE("a failing migration rolls back and names its file", "[store][migrations]") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const store::Migration migrations[] = {
      {1, "001_first.sql", "CREATE TABLE first (x INTEGER);"},
      {2, "002_broken.sql", "CREATE TABLE second (x INTEGER); INSERT INTO missing VALUES (1);"},
      {3, "003_later.sql", "CREATE TABLE third (x INTEGER);"},
  };
  auto status = store::migrate(db, migrations, at(0));
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error().message, Catch::Contains("002_broken.sql"));

  SECTION("earlier migrations stay, the failing one leaves nothing, later ones never run") {
    CHECK(db.tableExists("first"));
    CHECK_FALSE(db.tableExists("second"));
    CHECK_FALSE(db.tableExists("third"));
    auto version = store::schema_version(db);
    REQUIRE(version.ok());
    CHECK(*version == 1);
  }
  SECTION("a fixed migration applies on the next start") {
    const store::Migration fixed[] = {
        migrations[0],
        {2, "002_broken.sql", "CREATE TABLE second (x INTEGER);"},
        migrations[2],
    };
    REQUIRE(store::migrate(db, fixed, at(1)).ok());
    CHECK(db.tableExists("third"));
    CHECK(*store::schema_version(db) == 3);
  }
}

TEST_CASE("migrations out of order are refused", "[store][migrations]") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const store::Migration migrations[] = {{2, "002_b.sql", "SELECT 1;"},
                                         {1, "001_a.sql", "SELECT 1;"}};
  auto status = store::migrate(db, migrations, at(0));
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error().message, Catch::Contains("001_a.sql"));
}
