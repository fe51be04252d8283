// Internals shared by the pg_*.cpp files of PgStore: running statements that throw, row
// mapping, and the snapshot/decision/read SQL. Every function runs on the caller's
// connection inside the caller's transaction, for one business, and throws Failure (with
// the pg::Error) on any failure; PgStore catches at its public boundary. Not thread-safe:
// one connection, one thread.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reviewbot/core/engine.h"
#include "reviewbot/core/events.h"
#include "reviewbot/core/types.h"
#include "reviewbot/store/owner_reads.h"
#include "reviewbot/store/pg_connection.h"

namespace reviewbot::store::pg_detail {

struct Failure : std::runtime_error {
  explicit Failure(pg::Error e) : std::runtime_error(e.message), error(std::move(e)) {}
  pg::Error error;
};

// "<what>: <the database's message>" (never with the password).
inline core::Error as_core(const std::string& what, const pg::Error& e) {
  return core::Error{what + ": " + e.message};
}

// Runs one statement; throws Failure on error.
pg::QueryResult run(pg::Connection& c, std::string_view sql,
                    const std::vector<pg::Param>& params = {});

// Column readers: a NULL or malformed value throws where a value is required.
int64_t int64_at(const pg::QueryResult& r, int row, int column);
std::optional<int64_t> opt_int64_at(const pg::QueryResult& r, int row, int column);
bool bool_at(const pg::QueryResult& r, int row, int column);  // 't' / 'f'
core::Time time_at(const pg::QueryResult& r, int row, int column);
std::optional<core::Time> opt_time_at(const pg::QueryResult& r, int row, int column);

pg::Param time_param(core::Time t);
pg::Param opt_time_param(const std::optional<core::Time>& t);
pg::Param opt_int64_param(const std::optional<int64_t>& v);
// Doubles in the shortest text that reads back as the same value.
pg::Param opt_double_param(const std::optional<double>& v);
std::optional<double> opt_double_at(const pg::QueryResult& r, int row, int column);

// Serializes the transactions that touch the same state: a transaction-level advisory lock
// on each key of `lookup` (chat, external id, transaction, business connection) and on
// `extra_key` (e.g. an input's dedup key; "" for none), taken first and in one order.
// Under READ COMMITTED every later statement then sees what the transaction before it
// committed, so decisions are made on current state, and work about other customers
// never waits. Every writer of customer state takes these locks.
void lock_state(pg::Connection& c, const std::string& business, const std::string& extra_key,
                const core::Lookup& lookup);

// The chat `chat` was migrated to (chat_migrations), if any.
std::optional<core::ChatId> migrated_chat(pg::Connection& c, const std::string& business,
                                          core::ChatId chat);

// Loads the Snapshot for `lookup` (see core::Snapshot for the rules).
core::Snapshot load_snapshot(pg::Connection& c, const std::string& business,
                             const core::Lookup& lookup);

// Writes `decision` (made on `snapshot`), stamping bookkeeping columns with `now`;
// messages for a migrated chat go to its new chat. As sqlite_detail::apply_decision.
void apply_decision(pg::Connection& c, const std::string& business, const core::Decision& decision,
                    const core::Snapshot& snapshot, core::Time now);

// OutboxStore::migrate_chat's writes. Throws Failure (code kOther) when old and new would
// be the same chat.
void migrate_chat(pg::Connection& c, const std::string& business, core::ChatId old_chat,
                  core::ChatId new_chat, core::Time now);

// The owner's reads (as SqliteStore's).
ReviewPage list_reviews(pg::Connection& c, const std::string& business, const ReviewFilter& filter);
core::Stats stats(pg::Connection& c, const std::string& business);
std::vector<WeekRatings> weekly_ratings(pg::Connection& c, const std::string& business,
                                        core::Time end, int weeks);
OutboxStats outbox_stats(pg::Connection& c, const std::string& business, core::Time now);

}  // namespace reviewbot::store::pg_detail
