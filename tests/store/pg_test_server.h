// The PostgreSQL server the tests use: REVIEWBOT_TEST_POSTGRES_URL, which scripts/test sets
// after starting a throwaway cluster (scripts/pg_cluster). Without it a test fails in CI
// and is recorded as skipped elsewhere (test_server() returns nullopt). TestSchema gives
// a test a private, empty schema on that server. Single-threaded test use.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include "reviewbot/config/database_url.h"
#include "reviewbot/store/pg_connection.h"

namespace reviewbot::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::string(ci) == "true" || std::string(ci) == "1");
}

inline std::optional<config::DatabaseTarget> test_server() {
  const char* url = std::getenv("REVIEWBOT_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    if (in_ci()) {
      FAIL(
          "REVIEWBOT_TEST_POSTGRES_URL is not set; CI must run the PostgreSQL tests (scripts/test "
          "starts a server with scripts/pg_cluster)");
    }
    SUCCEED("skipped: REVIEWBOT_TEST_POSTGRES_URL not set");
    return std::nullopt;
  }
  auto target = config::parse_database_url(url);
  if (!target) FAIL("REVIEWBOT_TEST_POSTGRES_URL: " << target.error().message);
  REQUIRE(target->kind == config::DatabaseTarget::Kind::kPostgres);
  return target.value();
}

// A schema of its own on the test server, dropped with everything in it at destruction;
// params() connect with it as the search_path. Requires test_server().
class TestSchema {
 public:
  explicit TestSchema(config::DatabaseTarget server) : server_(std::move(server)) {
    std::random_device random;
    name_ = "t_" + std::to_string(random()) + std::to_string(random());
    admin_ = connect(server_.libpq_params);
    auto created = admin_->exec("CREATE SCHEMA " + name_);
    if (!created) FAIL("CREATE SCHEMA failed: " << created.error().message);
  }
  ~TestSchema() { (void)admin_->exec("DROP SCHEMA " + name_ + " CASCADE"); }
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  const std::string& name() const { return name_; }
  // The server's URL selecting this schema (as reviewbot's DATABASE_URL).
  std::string url() const {
    std::string url = std::getenv("REVIEWBOT_TEST_POSTGRES_URL");
    url += url.find('?') == std::string::npos ? "?" : "&";
    return url + "options=-c%20search_path%3D" + name_;
  }
  const std::string& description() const { return server_.redacted; }
  store::pg::ConnectParams params() const {
    store::pg::ConnectParams params = server_.libpq_params;
    params.emplace_back("options", "-c search_path=" + name_);
    return params;
  }

 private:
  std::unique_ptr<store::pg::Connection> connect(const store::pg::ConnectParams& params) {
    auto c = store::pg::Connection::connect(params, server_.redacted);
    if (!c) FAIL(c.error().message);
    return std::move(c).value();
  }

  config::DatabaseTarget server_;
  std::string name_;
  std::unique_ptr<store::pg::Connection> admin_;
};

}  // namespace reviewbot::testing
