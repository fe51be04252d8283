#include "reviewbot/config/database_url.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using reviewbot::config::DatabaseTarget;
using reviewbot::config::parse_database_url;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

const char* const kHeroku =
    "postgres://u:p%40ss%3Aw%2Frd@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc";

// The value of `key` in the libpq parameters; "<unset>" when absent.
std::string param(const DatabaseTarget& t, const std::string& key) {
  std::string found = "<unset>";
  int count = 0;
  for (const auto& [k, v] : t.libpq_params) {
    if (k == key) {
      found = v;
      ++count;
    }
  }
  CHECK(count <= 1);  // every keyword at most once
  return found;
}

DatabaseTarget parse_ok(const std::string& url) {
  auto t = parse_database_url(url);
  INFO(url);
  REQUIRE(t);
  return t.value();
}

}  // namespace

TEST_CASE("database_url: sqlite URLs name a relative or an absolute file",
          "[config][database_url]") {
  const auto relative = parse_ok("sqlite://reviewbot.db");
  CHECK(relative.kind == DatabaseTarget::Kind::kSqlite);
  CHECK(relative.sqlite_path == "reviewbot.db");
  CHECK(relative.redacted == "sqlite://reviewbot.db");
  CHECK(relative.libpq_params.empty());

  const auto absolute = parse_ok("sqlite:///var/lib/reviewbot/data.db");
  CHECK(absolute.sqlite_path == "/var/lib/reviewbot/data.db");
  CHECK(parse_ok("sqlite://data/reviews.db").sqlite_path == "data/reviews.db");
}

TEST_CASE("database_url: a Heroku Postgres URL becomes libpq parameters with TLS required",
          "[config][database_url]") {
  const auto t = parse_ok(kHeroku);
  CHECK(t.kind == DatabaseTarget::Kind::kPostgres);
  CHECK(t.sqlite_path.empty());
  CHECK(t.host == "ec2-1-2-3-4.compute-1.amazonaws.com");
  CHECK(t.port == 5432);
  CHECK(t.dbname == "d8abc");
  CHECK(t.user == "u");
  CHECK(param(t, "password") == "p@ss:w/rd");
  CHECK(param(t, "sslmode") == "require");
  CHECK(param(t, "connect_timeout") == "5");
  CHECK(t.redacted == "postgres://u:***@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc");
  const Params expected = {{"host", "ec2-1-2-3-4.compute-1.amazonaws.com"},
                           {"port", "5432"},
                           {"dbname", "d8abc"},
                           {"user", "u"},
                           {"password", "p@ss:w/rd"},
                           {"sslmode", "require"},
                           {"connect_timeout", "5"}};
  CHECK(t.libpq_params == expected);
}

TEST_CASE("database_url: postgresql:// is the same, and the port defaults to 5432",
          "[config][database_url]") {
  const auto t = parse_ok("postgresql://db.example.com/reviews");
  CHECK(t.kind == DatabaseTarget::Kind::kPostgres);
  CHECK(t.port == 5432);
  CHECK(param(t, "port") == "5432");
  CHECK(t.user.empty());
  CHECK(param(t, "user") == "<unset>");
  CHECK(param(t, "password") == "<unset>");
  CHECK(t.redacted == "postgresql://db.example.com/reviews");
}

TEST_CASE("database_url: user, password and database name are percent-decoded",
          "[config][database_url]") {
  const auto t = parse_ok("postgres://ann%2Bbot:%C3%A9t%C3%A9%25@db.example.com:6543/my%20db");
  CHECK(t.user == "ann+bot");
  CHECK(param(t, "password") == "été%");
  CHECK(t.dbname == "my db");
  CHECK(t.port == 6543);
  CHECK(t.redacted == "postgres://ann%2Bbot:***@db.example.com:6543/my%20db");
}

TEST_CASE("database_url: an unencoded @ in the password still splits at the last @",
          "[config][database_url]") {
  const auto t = parse_ok("postgres://u:p@ss@db.example.com/d");
  CHECK(param(t, "password") == "p@ss");
  CHECK(t.host == "db.example.com");
  CHECK(t.redacted == "postgres://u:***@db.example.com/d");
}

TEST_CASE("database_url: a bracketed IPv6 host, with or without a port", "[config][database_url]") {
  const auto with_port = parse_ok("postgres://u:pw@[2001:db8::7]:6543/d");
  CHECK(with_port.host == "2001:db8::7");
  CHECK(with_port.port == 6543);
  CHECK(param(with_port, "sslmode") == "require");
  const auto without = parse_ok("postgres://u:pw@[::1]/d");
  CHECK(without.host == "::1");
  CHECK(without.port == 5432);
}

TEST_CASE("database_url: loopback hosts and socket directories get no sslmode",
          "[config][database_url]") {
  for (const char* url :
       {"postgres://u:pw@localhost/d", "postgres://u:pw@LocalHost:5433/d",
        "postgres://u:pw@127.0.0.1/d", "postgres://u:pw@127.8.9.10/d",
        "postgres://u:pw@[::1]:5432/d", "postgresql:///d?host=/var/run/postgresql",
        "postgresql://u@/d?host=%2Ftmp%2Fpg"}) {
    DYNAMIC_SECTION(url) {
      const auto t = parse_ok(url);
      CHECK(param(t, "sslmode") == "<unset>");
      CHECK(param(t, "connect_timeout") == "5");
    }
  }
  CHECK(parse_ok("postgresql:///d?host=/var/run/postgresql").host == "/var/run/postgresql");
  CHECK(parse_ok("postgresql://u@/d?host=%2Ftmp%2Fpg").host == "/tmp/pg");
}

TEST_CASE("database_url: hosts that only look local still require TLS", "[config][database_url]") {
  for (const char* url : {"postgres://u:pw@128.0.0.1/d", "postgres://u:pw@10.0.0.1/d",
                          "postgres://u:pw@localhost.example.com/d", "postgres://u:pw@[::2]/d",
                          "postgres://u:pw@localhost/d?hostaddr=10.1.2.3"}) {
    DYNAMIC_SECTION(url) { CHECK(param(parse_ok(url), "sslmode") == "require"); }
  }
  // libpq dials hostaddr when given: a remote name pinned to loopback is local.
  CHECK(param(parse_ok("postgres://u:pw@db.example.com/d?hostaddr=127.0.0.1"), "sslmode") ==
        "<unset>");
}

TEST_CASE("database_url: query parameters go to libpq, and an explicit sslmode is kept",
          "[config][database_url]") {
  const auto t = parse_ok(
      "postgres://u:pw@db.example.com/d?sslmode=disable&connect_timeout=12&application_name=review%"
      "20bot&&");
  CHECK(param(t, "sslmode") == "disable");
  CHECK(param(t, "connect_timeout") == "12");
  CHECK(param(t, "application_name") == "review bot");
  CHECK(t.redacted ==
        "postgres://u:***@db.example.com/d?sslmode=disable&connect_timeout=12&application_name="
        "review%20bot");

  SECTION("on loopback too") {
    CHECK(param(parse_ok("postgres://u:pw@localhost/d?sslmode=verify-full"), "sslmode") ==
          "verify-full");
  }
  SECTION("a parameter overrides the URL's part of the same name") {
    const auto o = parse_ok("postgres://u:pw@db.example.com:5432/d?port=6000&dbname=other&user=v");
    CHECK(o.port == 6000);
    CHECK(o.dbname == "other");
    CHECK(o.user == "v");
    CHECK(param(o, "port") == "6000");
  }
  SECTION("the last of a repeated parameter wins") {
    CHECK(param(parse_ok("postgres://h/d?application_name=a&application_name=b"),
                "application_name") == "b");
  }
}

TEST_CASE("database_url: redaction masks every password and nothing else",
          "[config][database_url]") {
  CHECK(parse_ok(kHeroku).redacted ==
        "postgres://u:***@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc");
  CHECK(parse_ok("postgres://u@h.example.com/d").redacted == "postgres://u@h.example.com/d");
  const auto in_query =
      parse_ok("postgres://h.example.com/d?user=u&password=hunter2&sslmode=require");
  CHECK(param(in_query, "password") == "hunter2");
  CHECK(in_query.redacted == "postgres://h.example.com/d?user=u&password=***&sslmode=require");
  CHECK(parse_ok("postgres://h.example.com/d?sslpassword=hunter2").redacted ==
        "postgres://h.example.com/d?sslpassword=***");
}

TEST_CASE("database_url: bad database URLs are errors that name the problem and never the password",
          "[config][database_url]") {
  struct Bad {
    const char* url;
    const char* says;  // part of the message
  };
  const std::vector<Bad> cases = {
      {"reviewbot.db", "sqlite://relative.db or sqlite:///abs/path.db, or postgres://"},
      {"mysql://u:p%40ss%3Aw%2Frd@h/db", "unsupported scheme \"mysql\""},
      {"u:p%40ss%3Aw%2Frd@h://x", "unsupported scheme ("},
      {"sqlite://", "names no file"},
      {"sqlite://data/", "names no file"},
      {"postgres://u:p%40ss%3Aw%2Frd%4@h.example.com/d", "password is badly escaped"},
      {"postgres://u:p%40ss%3Aw%2Frd%zz@h.example.com/d", "password is badly escaped"},
      {"postgres://u:p%40ss%3Aw%2Frd%00@h.example.com/d", "password is badly escaped"},
      {"postgres://u%4:p%40ss%3Aw%2Frd@h.example.com/d", "user name is badly escaped"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d%2", "database name is badly escaped"},
      {"postgres://u:p%40ss%3Aw%2Frd@/d", "names no host"},
      {"postgres://u:p%40ss%3Aw%2Frd@:5432/d", "names no host"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com:99999/d", "not a port number"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com:0/d", "not a port number"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com:abc/d", "not a port number"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com:/d", "not a port number"},
      {"postgres://u:p%40ss%3Aw%2Frd/d", "not a port number"},  // no @host: no echo
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com", "names no database"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/", "names no database"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?sslmod=require",
       "unknown query parameter \"sslmod\""},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?sslmode", "\"sslmode\" has no value"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?sslmode=always", "verify-full"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?port=x", "\"port\" is not a port number"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?connect_timeout=5s", "number of seconds"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?host=a,b", "one host"},
      {"postgres://u:p%40ss%3Aw%2Frd@a.example.com,b.example.com/d", "one host"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/d?password=%zz", "badly escaped"},
      {"postgres://u:p%40ss%3Aw%2Frd@::1/d", "in brackets, e.g. [::1]"},
      {"postgres://u:p%40ss%3Aw%2Frd@[::1/d", "no closing ]"},
      {"postgres://u:p%40ss%3Aw%2Frd@[::1]x/d", "expected :port"},
      {"postgres://u:p@ss:w/rd@h.example.com/d", "unencoded @ after the host"},
      {"postgres://u:p@ss?w/rd@h.example.com/d", "unencoded @ after the host"},
      {"postgres://u:p%40ss%3Aw%2Frd@h.example.com/my db", "spaces or control characters"},
  };
  for (const auto& bad : cases) {
    DYNAMIC_SECTION(bad.url) {
      auto t = parse_database_url(bad.url);
      REQUIRE_FALSE(t);
      const std::string& message = t.error().message;
      CHECK_THAT(message, Catch::Contains(bad.says));
      for (const char* secret : {"p@ss", "p%40ss", "w/rd", "w%2Frd", "ss:w", "ss%3Aw"}) {
        CHECK_THAT(message, !Catch::Contains(secret));
      }
    }
  }
}

TEST_CASE("database_url: postgres URL errors name the accepted form", "[config][database_url]") {
  auto t = parse_database_url("postgres://u:secret@h.example.com:x/d");
  REQUIRE_FALSE(t);
  CHECK_THAT(t.error().message, Catch::Contains("postgres://user:password@host:5432/dbname"));
  CHECK_THAT(t.error().message, !Catch::Contains("secret"));
}
