#include "reviewbot/store/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>

namespace reviewbot::store::pg {
namespace {

// libpq's multi-line messages ("FATAL:  ...\nDETAIL: ...\n") as one line.
std::string one_line(const char* text) {
  std::string out;
  for (const char* p = text != nullptr ? text : ""; *p != '\0'; ++p) {
    const char c = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool is_secret_keyword(const std::string& key) { return key == "password" || key == "sslpassword"; }

}  // namespace

ErrorCode code_for_sqlstate(std::string_view sqlstate) {
  if (sqlstate == "40001") return ErrorCode::kSerialization;
  if (sqlstate == "40P01") return ErrorCode::kDeadlock;
  if (sqlstate == "23505") return ErrorCode::kUniqueViolation;
  // Class 08: connection exception; 57P01-57P05: the server ended the session
  // (shutdown, crash, starting up, database dropped, idle timeout).
  if (sqlstate.size() == 5 && (sqlstate.substr(0, 2) == "08" || sqlstate.substr(0, 3) == "57P")) {
    return ErrorCode::kConnection;
  }
  return ErrorCode::kOther;
}

void QueryResult::Free::operator()(pg_result* result) const { PQclear(result); }

int QueryResult::rows() const { return PQntuples(result_.get()); }

int QueryResult::columns() const { return PQnfields(result_.get()); }

int64_t QueryResult::affected_rows() const {
  const std::string_view count = PQcmdTuples(result_.get());
  int64_t n = 0;
  std::from_chars(count.data(), count.data() + count.size(), n);
  return n;
}

bool QueryResult::is_null(int row, int column) const {
  if (row < 0 || row >= rows() || column < 0 || column >= columns()) return true;
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::optional<std::string> QueryResult::value(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::string QueryResult::text(int row, int column) const { return value(row, column).value_or(""); }

std::optional<int64_t> QueryResult::int64(int row, int column) const {
  const auto v = value(row, column);
  if (!v) return std::nullopt;
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) return std::nullopt;
  return n;
}

Result<std::unique_ptr<Connection>> Connection::connect(ConnectParams params,
                                                        std::string description) {
  bool has_encoding = false;
  std::vector<std::string> secrets;
  for (const auto& [key, value] : params) {
    has_encoding = has_encoding || key == "client_encoding";
    if (is_secret_keyword(key) && !value.empty()) secrets.push_back(value);
  }
  if (!has_encoding) params.emplace_back("client_encoding", "UTF8");
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [key, value] : params) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  pg_conn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) {
    return Error{ErrorCode::kConnection, "",
                 "cannot connect to " + description + ": out of memory"};
  }
  std::unique_ptr<Connection> connection(
      new Connection(conn, std::move(secrets), std::move(description)));
  if (PQstatus(conn) != CONNECTION_OK) return connection->connection_error();
  return connection;
}

Connection::Connection(pg_conn* conn, std::vector<std::string> secrets, std::string description)
    : conn_(conn), secrets_(std::move(secrets)), description_(std::move(description)) {
  // The server's notices (e.g. "table does not exist, skipping") would go to stderr,
  // outside the service's log format; nothing here needs them.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() { PQfinish(conn_); }

Result<QueryResult> Connection::exec(std::string_view sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p.text() ? p.text()->c_str() : nullptr);
  QueryResult result(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(values.size()),
                                  /*paramTypes=*/nullptr, values.data(), /*paramLengths=*/nullptr,
                                  /*paramFormats=*/nullptr, /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.result_.get());
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY) {
    return result;
  }
  return error_from(result.result_.get());
}

Status Connection::exec_script(std::string_view sql) {
  // PQexec returns the last statement's result, or the first failure, which ends the script.
  QueryResult result(PQexec(conn_, std::string(sql).c_str()));
  const ExecStatusType status = PQresultStatus(result.result_.get());
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY) {
    return core::Ok{};
  }
  return error_from(result.result_.get());
}

bool Connection::ok() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  QueryResult result(PQexec(conn_, ""));
  return PQresultStatus(result.result_.get()) == PGRES_EMPTY_QUERY;
}

int Connection::socket() const { return PQsocket(conn_); }

Result<std::vector<std::string>> Connection::notifications() {
  if (PQconsumeInput(conn_) == 0) return connection_error();
  std::vector<std::string> payloads;
  while (PGnotify* n = PQnotifies(conn_)) {
    payloads.emplace_back(n->extra != nullptr ? n->extra : "");
    PQfreemem(n);
  }
  return payloads;
}

Status Connection::reset() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return connection_error();
  return core::Ok{};
}

Error Connection::error_from(const pg_result* result) const {
  Error error;
  if (result != nullptr) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) error.sqlstate = state;
    if (const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) {
      error.message = one_line(primary);
      if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
        error.message += " (" + one_line(detail) + ")";
      }
    } else {
      error.message = one_line(PQresultErrorMessage(result));
    }
  }
  if (error.message.empty()) error.message = one_line(PQerrorMessage(conn_));
  if (error.message.empty()) {
    error.message = "unexpected result " + std::string(PQresStatus(PQresultStatus(result)));
  }
  error.code = code_for_sqlstate(error.sqlstate);
  // A broken connection reports a libpq message without a SQLSTATE.
  if (PQstatus(conn_) != CONNECTION_OK) error.code = ErrorCode::kConnection;
  error.message = masked(std::move(error.message));
  return error;
}

Error Connection::connection_error() const {
  return Error{
      ErrorCode::kConnection, "",
      masked("cannot connect to " + description_ + ": " + one_line(PQerrorMessage(conn_)))};
}

std::string Connection::masked(std::string message) const {
  for (const std::string& secret : secrets_) {
    for (std::size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 3)) {
      message.replace(at, secret.size(), "***");
    }
  }
  return message;
}

}  // namespace reviewbot::store::pg
