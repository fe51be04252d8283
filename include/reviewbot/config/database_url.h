// DATABASE_URL parsing: which backend a URL names and how to reach it. A PostgreSQL URL
// (Heroku's postgres://user:password@host:port/dbname?key=value form) becomes libpq
// keyword/value parameters with the TLS and timeout defaults applied. Plain values and a
// pure function; thread-compatible.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reviewbot/core/result.h"

namespace reviewbot::config {

struct DatabaseTarget {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;

  // kSqlite: the database file as written after sqlite:// ("relative.db", "/abs/path.db").
  std::string sqlite_path{};

  // kPostgres: the parameters for PQconnectdbParams (with expand_dbname = 0), each keyword
  // once, in this order: host, port, dbname, user, password (those given), the URL's other
  // query parameters, then sslmode=require and connect_timeout=5 unless set (see
  // parse_database_url). Holds the password: never log it.
  std::vector<std::pair<std::string, std::string>> libpq_params{};
  std::string host{};    // host name, IP address (IPv6 without brackets) or socket directory
  int port = 0;          // 5432 unless given
  std::string dbname{};  // percent-decoded
  std::string user{};    // percent-decoded; "" when the URL names none

  // The URL with every password replaced by *** (safe to log and to show in errors).
  std::string redacted{};
};

// Parses DATABASE_URL. Accepted forms:
//   sqlite://relative.db, sqlite:///abs/path.db
//   postgres://[user[:password]@]host[:port]/dbname[?key=value&...]  (or postgresql://)
// The user, password, database name and query keys and values are percent-decoded
// (p%40ss%3Aw%2Frd is p@ss:w/rd); an IPv6 host goes in brackets ([::1]); the port
// defaults to 5432. Query keys must be libpq connection keywords (PQconndefaults());
// `host` there may name a socket directory (?host=/var/run/postgresql) and overrides the
// URL's host, as other keywords override the URL's parts. sslmode=require is added
// unless the URL sets sslmode or the server is on loopback (localhost, 127.0.0.0/8, ::1)
// or a socket directory (a host starting with /); connect_timeout=5 unless set.
// Returns an error naming the problem and the accepted form; no error ever contains the
// password or any other part of the URL's user information.
core::Result<DatabaseTarget> parse_database_url(const std::string& url);

}  // namespace reviewbot::config
