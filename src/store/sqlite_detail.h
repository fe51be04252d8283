// Internals shared by the sqlite_*.cpp files of SqliteStore: a connection with its cache
// of prepared statements, row mapping, and the snapshot/decision SQL. Not thread-safe: the
// caller holds the SqliteStore mutex that guards the connection. Functions here throw
// (SQLite::Exception, std::runtime_error); SqliteStore catches at its public boundary.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "reviewbot/core/engine.h"
#include "reviewbot/core/events.h"
#include "reviewbot/core/types.h"
#include "row_codec.h"

namespace reviewbot::store::sqlite_detail {

// A prepared statement on loan from the cache: bindings cleared on loan, reset when the
// loan ends, so no statement keeps a read transaction open between calls.
class Stmt {
 public:
  explicit Stmt(SQLite::Statement& statement) : s_(&statement) {}
  ~Stmt() { s_->tryReset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  SQLite::Statement& operator*() { return *s_; }
  SQLite::Statement* operator->() { return s_; }

 private:
  SQLite::Statement* s_;
};

class Connection {
 public:
  explicit Connection(SQLite::Database db) : db_(std::move(db)) {}

  SQLite::Database& db() { return db_; }
  // The cached statement for `sql`, prepared on first use; found without copying `sql`.
  Stmt stmt(std::string_view sql);

 private:
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  SQLite::Database db_;
  // Declared after db_ so statements are finalized before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>, SqlHash, std::equal_to<>>
      cache_;
};

// Binding helpers: nullopt binds NULL.
void bind_time(SQLite::Statement& s, int index, core::Time t);
void bind_opt(SQLite::Statement& s, int index, const std::optional<int64_t>& v);
void bind_opt(SQLite::Statement& s, int index, const std::optional<std::string>& v);
void bind_opt(SQLite::Statement& s, int index, const std::optional<core::Time>& v);

std::optional<int64_t> column_opt_int64(SQLite::Statement& s, int index);
std::optional<std::string> column_opt_text(SQLite::Statement& s, int index);

using codec::conversation_columns;
using codec::customer_columns;
using codec::event_from_json;
using codec::event_to_json;
using codec::trigger_from_string;

// Rows of codec::customer_columns / codec::conversation_columns.
core::Customer read_customer(SQLite::Statement& s);
core::Conversation read_conversation(SQLite::Statement& s);

// The chat `chat` was migrated to (chat_migrations), if any.
std::optional<core::ChatId> migrated_chat(Connection& c, core::ChatId chat);

// Loads the Snapshot for `lookup` (see core::Snapshot for the rules).
core::Snapshot load_snapshot(Connection& c, const core::Lookup& lookup);

// Writes `decision` (made on `snapshot`) inside the caller's transaction, stamping
// bookkeeping columns with `now`; messages for a migrated chat go to its new chat. Throws on any
// failure; the caller rolls back.
void apply_decision(Connection& c, const core::Decision& decision, const core::Snapshot& snapshot,
                    core::Time now);

}  // namespace reviewbot::store::sqlite_detail
