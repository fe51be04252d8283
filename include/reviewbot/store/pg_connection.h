// pg::Connection is one libpq connection to PostgreSQL. It owns its PGconn; a QueryResult
// owns its PGresult. Statement parameters travel separately from the SQL, as text. Errors
// are pg::Error values whose code callers branch on (retry a transaction after a
// serialization failure or deadlock, reset() after a connection error); no message ever
// holds the password. Thread-compatible: one thread at a time per connection, so give each
// thread its own.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reviewbot/core/result.h"

struct pg_conn;
struct pg_result;

namespace reviewbot::store::pg {

enum class ErrorCode {
  kSerialization,    // SQLSTATE 40001: the transaction may succeed if retried
  kDeadlock,         // 40P01: the transaction may succeed if retried
  kUniqueViolation,  // 23505
  kConnection,       // cannot connect, or the connection broke (class 08, 57P*): reset()
  kOther,
};

struct Error {
  ErrorCode code = ErrorCode::kOther;
  std::string sqlstate;  // five characters; "" when there is none (e.g. cannot connect)
  std::string message;   // one line, from the server or libpq
};

template <class T>
using Result = core::Result<T, Error>;
using Status = Result<core::Ok>;

// 40001 → kSerialization, 40P01 → kDeadlock, 23505 → kUniqueViolation, 08xxx and 57Pxx →
// kConnection, anything else (or "") → kOther.
ErrorCode code_for_sqlstate(std::string_view sqlstate);

// Keyword/value pairs for PQconnectdbParams, e.g. config::DatabaseTarget::libpq_params.
using ConnectParams = std::vector<std::pair<std::string, std::string>>;

// One statement parameter in text form, or SQL NULL (std::nullopt, a null const char*).
// The server infers each parameter's type from the SQL; cast where it cannot ($1::bigint).
class Param {
 public:
  Param(std::nullopt_t) {}   // NOLINT(google-explicit-constructor): these convert implicitly
  Param(const char* text) {  // NOLINT(google-explicit-constructor)
    if (text != nullptr) text_ = text;
  }
  Param(std::string text) : text_(std::move(text)) {}         // NOLINT(google-explicit-constructor)
  Param(std::string_view text) : text_(std::string(text)) {}  // NOLINT
  Param(std::optional<std::string> text) : text_(std::move(text)) {}  // NOLINT
  Param(bool b) : text_(b ? "true" : "false") {}                      // NOLINT
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Param(I n)
      : text_(std::to_string(n)) {}  // NOLINT(google-explicit-constructor)

  const std::optional<std::string>& text() const { return text_; }

 private:
  std::optional<std::string> text_;
};

// The rows of one statement, in text form. A row or column out of range reads as NULL.
class QueryResult {
 public:
  int rows() const;
  int columns() const;
  // Rows an INSERT, UPDATE, DELETE (or SELECT) touched; 0 for other statements.
  int64_t affected_rows() const;

  bool is_null(int row, int column) const;
  std::optional<std::string> value(int row, int column) const;  // nullopt for NULL
  std::string text(int row, int column) const;                  // "" for NULL
  // nullopt for NULL or for text that is not a base-10 64-bit integer.
  std::optional<int64_t> int64(int row, int column) const;

 private:
  friend class Connection;
  struct Free {
    void operator()(pg_result* result) const;
  };
  explicit QueryResult(pg_result* result) : result_(result) {}

  std::unique_ptr<pg_result, Free> result_;
};

class Connection {
 public:
  // Connects with PQconnectdbParams (expand_dbname off, so a dbname is only a name), adding
  // client_encoding=UTF8 unless given; blocks up to the connect_timeout parameter. Errors
  // are kConnection and start with "cannot connect to <description>"; `description` should
  // be safe to log (DatabaseTarget::redacted). Parameters never appear in messages, and the
  // password and sslpassword values are masked in any text libpq reports.
  static Result<std::unique_ptr<Connection>> connect(ConnectParams params, std::string description);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with $1, $2, ... bound to `params`. A failed statement inside a
  // transaction aborts it: the caller rolls back. Requires: not COPY.
  Result<QueryResult> exec(std::string_view sql, const std::vector<Param>& params = {});
  // Runs `sql`, which may hold several statements separated by semicolons, without
  // parameters (e.g. a schema script; without BEGIN/COMMIT inside it runs as one
  // transaction). Returns the first error.
  Status exec_script(std::string_view sql);

  // One round trip to the server (an empty query, harmless in any transaction state):
  // false when the connection is down.
  bool ok();
  // Closes the connection and connects again with the same parameters; an open
  // transaction, session settings and temporary tables are gone. Errors are kConnection.
  Status reset();

  // The connection's socket, to wait on (poll) for notifications; -1 when it is down.
  int socket() const;
  // Reads what the server has sent and returns the payloads of the NOTIFY messages that
  // arrived for this connection's LISTENs, oldest first. Error when the connection broke.
  Result<std::vector<std::string>> notifications();

  const std::string& description() const { return description_; }

 private:
  Connection(pg_conn* conn, std::vector<std::string> secrets, std::string description);

  // The error of a failed statement (`result` may be null), or of the connection.
  Error error_from(const pg_result* result) const;
  Error connection_error() const;
  std::string masked(std::string message) const;

  pg_conn* conn_;
  std::vector<std::string> secrets_;  // parameter values masked in every message
  std::string description_;
};

}  // namespace reviewbot::store::pg
