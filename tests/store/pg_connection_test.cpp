#include "reviewbot/store/pg_connection.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "reviewbot/config/database_url.h"
#include "store/pg_test_server.h"

using namespace reviewbot;
using reviewbot::testing::test_server;
using store::pg::Connection;
using store::pg::ErrorCode;

namespace {

std::string password_of(const config::DatabaseTarget& server) {
  for (const auto& [key, value] : server.libpq_params) {
    if (key == "password") return value;
  }
  return "";
}

std::unique_ptr<Connection> connect(const config::DatabaseTarget& server) {
  auto c = Connection::connect(server.libpq_params, server.redacted);
  if (!c) FAIL(c.error().message);
  return std::move(c).value();
}

void exec_ok(Connection& c, const std::string& sql) {
  auto r = c.exec(sql);
  INFO(sql);
  if (!r) FAIL(r.error().message);
}

// A schema of its own for a test that needs tables several connections see, so that
// concurrent test processes never share one; dropped with its tables at the end.
class TestSchema {
 public:
  explicit TestSchema(Connection& c) : c_(c) {
    name_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device{}());
    exec_ok(c_, "CREATE SCHEMA " + name_);
  }
  ~TestSchema() { (void)c_.exec("DROP SCHEMA " + name_ + " CASCADE"); }
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  // "schema.table"
  std::string table(const std::string& name) const { return name_ + "." + name; }

 private:
  Connection& c_;
  std::string name_;
};

}  // namespace

TEST_CASE("pg_connection: SQLSTATEs map to the error codes callers branch on", "[pg_connection]") {
  using store::pg::code_for_sqlstate;
  CHECK(code_for_sqlstate("40001") == ErrorCode::kSerialization);
  CHECK(code_for_sqlstate("40P01") == ErrorCode::kDeadlock);
  CHECK(code_for_sqlstate("23505") == ErrorCode::kUniqueViolation);
  CHECK(code_for_sqlstate("08006") == ErrorCode::kConnection);
  CHECK(code_for_sqlstate("08001") == ErrorCode::kConnection);
  CHECK(code_for_sqlstate("57P01") == ErrorCode::kConnection);
  CHECK(code_for_sqlstate("57P03") == ErrorCode::kConnection);
  CHECK(code_for_sqlstate("57014") == ErrorCode::kOther);  // statement cancelled
  CHECK(code_for_sqlstate("23503") == ErrorCode::kOther);  // foreign key
  CHECK(code_for_sqlstate("42601") == ErrorCode::kOther);
  CHECK(code_for_sqlstate("") == ErrorCode::kOther);
}

TEST_CASE("pg_connection: parameters convert to text, and null pointers and nullopt to NULL",
          "[pg_connection]") {
  using store::pg::Param;
  CHECK(Param(int64_t{-9007199254740993}).text() == "-9007199254740993");
  CHECK(Param(7).text() == "7");
  CHECK(Param(true).text() == "true");
  CHECK(Param("abc").text() == "abc");
  CHECK(Param(std::string("x")).text() == "x");
  CHECK(Param(std::string_view("y")).text() == "y");
  CHECK_FALSE(Param(std::nullopt).text());
  CHECK_FALSE(Param(static_cast<const char*>(nullptr)).text());
  CHECK_FALSE(Param(std::optional<std::string>()).text());
  CHECK(Param("").text() == "");
}

TEST_CASE("pg_connection: connects with a percent-encoded password", "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  const std::string password = password_of(*server);
  CHECK(password.find_first_of("@:/") != std::string::npos);  // the URL had to encode it
  auto c = connect(*server);
  CHECK(c->ok());
  auto r = c->exec("SELECT current_user, current_database(), current_setting('client_encoding')");
  REQUIRE(r);
  CHECK(r->text(0, 0) == server->user);
  CHECK(r->text(0, 1) == server->dbname);
  CHECK(r->text(0, 2) == "UTF8");
}

TEST_CASE("pg_connection: a wrong password is a connection error that shows neither password",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  const std::string wrong = "Wr0ng-p@ss:w/rd-not-this-one";
  auto params = server->libpq_params;
  for (auto& [key, value] : params) {
    if (key == "password") value = wrong;
  }
  auto c = Connection::connect(params, server->redacted);
  REQUIRE_FALSE(c);
  CHECK(c.error().code == ErrorCode::kConnection);
  CHECK_THAT(c.error().message, Catch::StartsWith("cannot connect to " + server->redacted + ": "));
  CHECK_THAT(c.error().message, Catch::Contains("password authentication failed"));
  CHECK_THAT(c.error().message, !Catch::Contains(wrong));
  CHECK_THAT(c.error().message, !Catch::Contains(password_of(*server)));
}

TEST_CASE("pg_connection: no server on the port is a connection error",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto params = server->libpq_params;
  for (auto& [key, value] : params) {
    if (key == "port") value = "1";
  }
  auto c = Connection::connect(params, "the test server on port 1");
  REQUIRE_FALSE(c);
  CHECK(c.error().code == ErrorCode::kConnection);
  CHECK(c.error().sqlstate.empty());
  CHECK_THAT(c.error().message, Catch::StartsWith("cannot connect to the test server on port 1: "));
}

TEST_CASE("pg_connection: a unique violation is kUniqueViolation with its SQLSTATE",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto c = connect(*server);
  exec_ok(*c, "CREATE TEMP TABLE dedup (key text PRIMARY KEY)");
  auto first = c->exec("INSERT INTO dedup VALUES ($1)", {"update-1"});
  REQUIRE(first);
  CHECK(first->affected_rows() == 1);
  auto second = c->exec("INSERT INTO dedup VALUES ($1)", {"update-1"});
  REQUIRE_FALSE(second);
  CHECK(second.error().code == ErrorCode::kUniqueViolation);
  CHECK(second.error().sqlstate == "23505");
  CHECK_THAT(second.error().message, Catch::Contains("duplicate key"));
  CHECK(c->ok());
}

TEST_CASE("pg_connection: other statement errors are kOther with their SQLSTATE",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto c = connect(*server);
  auto r = c->exec("SELEC 1");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kOther);
  CHECK(r.error().sqlstate == "42601");
  CHECK_THAT(r.error().message, Catch::Contains("syntax error"));
  CHECK(r.error().message.find('\n') == std::string::npos);

  SECTION("and ok() still holds inside the aborted transaction") {
    exec_ok(*c, "BEGIN");
    CHECK_FALSE(c->exec("SELECT 1/0"));
    CHECK(c->ok());
    exec_ok(*c, "ROLLBACK");
  }
}

TEST_CASE("pg_connection: NULL parameters and values round-trip", "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto c = connect(*server);
  exec_ok(*c, "CREATE TEMP TABLE notes (id bigint PRIMARY KEY, comment text)");
  const std::optional<std::string> none;
  REQUIRE(c->exec("INSERT INTO notes VALUES ($1, $2), ($3, $4), ($5, $6)",
                  {1, none, 2, "", 3, std::string("ok")}));
  auto r = c->exec("SELECT id, comment, comment IS NULL FROM notes ORDER BY id");
  REQUIRE(r);
  REQUIRE(r->rows() == 3);
  CHECK(r->columns() == 3);
  CHECK(r->is_null(0, 1));
  CHECK_FALSE(r->value(0, 1));
  CHECK(r->text(0, 1).empty());
  CHECK(r->text(0, 2) == "t");
  CHECK_FALSE(r->is_null(1, 1));  // the empty string is not NULL
  CHECK(r->value(1, 1) == "");
  CHECK(r->text(1, 2) == "f");
  CHECK(r->value(2, 1) == "ok");

  auto null_param = c->exec("SELECT $1::text IS NULL, $2::bigint", {std::nullopt, none});
  REQUIRE(null_param);
  CHECK(null_param->text(0, 0) == "t");
  CHECK_FALSE(null_param->int64(0, 1));
}

TEST_CASE("pg_connection: values read as text and 64-bit integers", "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto c = connect(*server);
  auto r = c->exec("SELECT $1::bigint, $2::bigint, $3::text, 'x'::text, 1.5::numeric",
                   {int64_t{9223372036854775807}, -42, "héllo ☕"});
  REQUIRE(r);
  CHECK(r->int64(0, 0) == int64_t{9223372036854775807});
  CHECK(r->int64(0, 1) == -42);
  CHECK(r->text(0, 2) == "héllo ☕");
  CHECK_FALSE(r->int64(0, 3));  // not an integer
  CHECK_FALSE(r->int64(0, 4));
  CHECK(r->is_null(0, 5));  // out of range reads as NULL
  CHECK(r->is_null(1, 0));
  CHECK(r->text(-1, 0).empty());
}

TEST_CASE("pg_connection: exec_script runs several statements and stops at the first error",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto c = connect(*server);
  REQUIRE(
      c->exec_script("CREATE TEMP TABLE items (n int); INSERT INTO items VALUES (1); INSERT INTO "
                     "items VALUES (2);"));
  auto bad = c->exec_script("INSERT INTO items VALUES (3); INSERT INTO nowhere VALUES (4);");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().sqlstate == "42P01");
  auto r = c->exec("SELECT count(*) FROM items");
  REQUIRE(r);
  CHECK(r->int64(0, 0) == 2);  // the failed script ran as one transaction
}

TEST_CASE(
    "pg_connection: two SERIALIZABLE transactions writing the same row: one gets kSerialization",
    "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto a = connect(*server);
  auto b = connect(*server);
  TestSchema schema(*a);
  const std::string t = schema.table("counters");
  exec_ok(*a, "CREATE TABLE " + t + " (id int PRIMARY KEY, n int NOT NULL)");
  exec_ok(*a, "INSERT INTO " + t + " VALUES (1, 0)");

  exec_ok(*a, "BEGIN ISOLATION LEVEL SERIALIZABLE");
  exec_ok(*b, "BEGIN ISOLATION LEVEL SERIALIZABLE");
  REQUIRE(a->exec("SELECT n FROM " + t + " WHERE id = 1"));
  REQUIRE(b->exec("SELECT n FROM " + t + " WHERE id = 1"));  // both snapshots taken
  exec_ok(*a, "UPDATE " + t + " SET n = n + 1 WHERE id = 1");
  exec_ok(*a, "COMMIT");
  auto late = b->exec("UPDATE " + t + " SET n = n + 1 WHERE id = $1", {1});
  REQUIRE_FALSE(late);
  CHECK(late.error().code == ErrorCode::kSerialization);
  CHECK(late.error().sqlstate == "40001");
  exec_ok(*b, "ROLLBACK");
  auto n = a->exec("SELECT n FROM " + t + " WHERE id = 1");
  REQUIRE(n);
  CHECK(n->int64(0, 0) == 1);
}

TEST_CASE("pg_connection: two transactions locking rows in opposite orders: one gets kDeadlock",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto a = connect(*server);
  auto b = connect(*server);
  TestSchema schema(*a);
  const std::string t = schema.table("rows");
  exec_ok(*a, "CREATE TABLE " + t + " (id int PRIMARY KEY, n int NOT NULL)");
  exec_ok(*a, "INSERT INTO " + t + " VALUES (1, 0), (2, 0)");

  exec_ok(*a, "BEGIN");
  exec_ok(*b, "BEGIN");
  exec_ok(*a, "UPDATE " + t + " SET n = 1 WHERE id = 1");
  exec_ok(*b, "UPDATE " + t + " SET n = 1 WHERE id = 2");
  // Each connection is used by one thread at a time: `a` by the helper thread, `b` here.
  std::optional<store::pg::Result<store::pg::QueryResult>> a_result;
  std::thread other([&] { a_result = a->exec("UPDATE " + t + " SET n = 2 WHERE id = 2"); });
  auto b_result = b->exec("UPDATE " + t + " SET n = 2 WHERE id = 1");
  // The server finds the cycle after deadlock_timeout (1 s) and fails one statement; its
  // transaction's locks go with it, so the other statement then completes.
  other.join();
  REQUIRE(a_result);
  REQUIRE(a_result->ok() != b_result.ok());
  const auto& error = a_result->ok() ? b_result.error() : a_result->error();
  CHECK(error.code == ErrorCode::kDeadlock);
  CHECK(error.sqlstate == "40P01");
  exec_ok(*a, "ROLLBACK");
  exec_ok(*b, "ROLLBACK");
}

TEST_CASE("pg_connection: a terminated session is kConnection, and reset() reconnects",
          "[pg_connection][postgres]") {
  const auto server = test_server();
  if (!server) return;
  auto c = connect(*server);
  auto killed = c->exec("SELECT pg_terminate_backend(pg_backend_pid())");
  REQUIRE_FALSE(killed);
  CHECK(killed.error().code == ErrorCode::kConnection);
  CHECK_FALSE(c->ok());
  auto after = c->exec("SELECT 1");
  REQUIRE_FALSE(after);
  CHECK(after.error().code == ErrorCode::kConnection);

  REQUIRE(c->reset());
  CHECK(c->ok());
  auto r = c->exec("SELECT $1::int + 1", {41});
  REQUIRE(r);
  CHECK(r->int64(0, 0) == 42);
}
