// SqliteStore's owner accounts, sessions and failed-login counts (OwnerAccounts).
#include <SQLiteCpp/Transaction.h>

#include "reviewbot/store/sqlite_store.h"
#include "sqlite_detail.h"

namespace reviewbot::store {

using sqlite_detail::bind_time;
using sqlite_detail::Stmt;

namespace {

core::Time time_column(SQLite::Statement& s, int index) {
  return core::from_millis(s.getColumn(index).getInt64());
}

core::Error failed(const std::string& what, const std::exception& e) {
  return core::Error{what + ": " + e.what()};
}

}  // namespace

core::Result<bool> SqliteStore::add_account(const OwnerAccount& account) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt(
        "INSERT INTO owner_accounts (name, password_hash, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    s->bind(1, account.name);
    s->bind(2, account.password_hash);
    bind_time(*s, 3, account.created_at);
    return s->exec() == 1;
  } catch (const std::exception& e) {
    return failed("adding an account failed", e);
  }
}

core::Result<std::optional<OwnerAccount>> SqliteStore::find_account(const std::string& name) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt("SELECT name, password_hash, created_at FROM owner_accounts WHERE name = ?");
    s->bind(1, name);
    if (!s->executeStep()) return std::optional<OwnerAccount>();
    return std::optional<OwnerAccount>(
        OwnerAccount{s->getColumn(0).getString(), s->getColumn(1).getString(), time_column(*s, 2)});
  } catch (const std::exception& e) {
    return failed("reading an account failed", e);
  }
}

core::Result<std::vector<OwnerAccount>> SqliteStore::list_accounts() {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt("SELECT name, password_hash, created_at FROM owner_accounts ORDER BY name");
    std::vector<OwnerAccount> accounts;
    while (s->executeStep()) {
      accounts.push_back(OwnerAccount{s->getColumn(0).getString(), s->getColumn(1).getString(),
                                      time_column(*s, 2)});
    }
    return accounts;
  } catch (const std::exception& e) {
    return failed("listing accounts failed", e);
  }
}

core::Result<bool> SqliteStore::remove_account(const std::string& name) {
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    Stmt sessions = c.stmt("DELETE FROM owner_sessions WHERE account = ?");
    sessions->bind(1, name);
    sessions->exec();
    Stmt account = c.stmt("DELETE FROM owner_accounts WHERE name = ?");
    account->bind(1, name);
    const bool removed = account->exec() == 1;
    tx.commit();
    return removed;
  } catch (const std::exception& e) {
    return failed("removing an account failed", e);
  }
}

core::Status SqliteStore::add_session(const OwnerSession& session) {
  auto [c, lock] = writer();
  try {
    SQLite::Transaction tx(c.db(), SQLite::TransactionBehavior::IMMEDIATE);
    Stmt expired = c.stmt("DELETE FROM owner_sessions WHERE expires_at <= ?");
    bind_time(*expired, 1, session.created_at);
    expired->exec();
    Stmt s = c.stmt(
        "INSERT INTO owner_sessions (token_hash, account, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)");
    s->bind(1, session.token_hash);
    s->bind(2, session.account);
    s->bind(3, session.csrf_token);
    bind_time(*s, 4, session.created_at);
    bind_time(*s, 5, session.expires_at);
    s->exec();
    tx.commit();
    return core::ok_status();
  } catch (const std::exception& e) {
    return failed("storing a session failed", e);
  }
}

core::Result<std::optional<OwnerSession>> SqliteStore::find_session(const std::string& token_hash,
                                                                    core::Time now) {
  auto [c, lock] = reader();
  try {
    Stmt s = c.stmt(
        "SELECT token_hash, account, csrf_token, created_at, expires_at FROM owner_sessions "
        "WHERE token_hash = ? AND expires_at > ?");
    s->bind(1, token_hash);
    bind_time(*s, 2, now);
    if (!s->executeStep()) return std::optional<OwnerSession>();
    return std::optional<OwnerSession>(
        OwnerSession{s->getColumn(0).getString(), s->getColumn(1).getString(),
                     s->getColumn(2).getString(), time_column(*s, 3), time_column(*s, 4)});
  } catch (const std::exception& e) {
    return failed("reading a session failed", e);
  }
}

core::Status SqliteStore::remove_session(const std::string& token_hash) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt("DELETE FROM owner_sessions WHERE token_hash = ?");
    s->bind(1, token_hash);
    s->exec();
    return core::ok_status();
  } catch (const std::exception& e) {
    return failed("ending a session failed", e);
  }
}

core::Result<int> SqliteStore::failed_logins(const std::string& key, core::Time now,
                                             core::Duration window) {
  auto [c, lock] = reader();
  try {
    Stmt s =
        c.stmt("SELECT failures FROM login_failures WHERE throttle_key = ? AND window_start > ?");
    s->bind(1, key);
    bind_time(*s, 2, now - window);
    return s->executeStep() ? s->getColumn(0).getInt() : 0;
  } catch (const std::exception& e) {
    return failed("reading failed logins failed", e);
  }
}

core::Result<int> SqliteStore::record_failed_login(const std::string& key, core::Time now,
                                                   core::Duration window) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt(
        "INSERT INTO login_failures (throttle_key, failures, window_start) VALUES (?1, 1, ?2) "
        "ON CONFLICT (throttle_key) DO UPDATE SET failures = CASE WHEN "
        "login_failures.window_start > ?3 THEN login_failures.failures + 1 ELSE 1 END, "
        "window_start = CASE WHEN login_failures.window_start > ?3 THEN "
        "login_failures.window_start ELSE ?2 END RETURNING failures");
    s->bind(1, key);
    bind_time(*s, 2, now);
    bind_time(*s, 3, now - window);
    s->executeStep();
    return s->getColumn(0).getInt();
  } catch (const std::exception& e) {
    return failed("counting a failed login failed", e);
  }
}

core::Status SqliteStore::clear_failed_logins(const std::string& key) {
  auto [c, lock] = writer();
  try {
    Stmt s = c.stmt("DELETE FROM login_failures WHERE throttle_key = ?");
    s->bind(1, key);
    s->exec();
    return core::ok_status();
  } catch (const std::exception& e) {
    return failed("clearing failed logins failed", e);
  }
}

}  // namespace reviewbot::store
