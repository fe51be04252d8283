// PgStore's owner accounts, sessions and failed-login counts (OwnerAccounts), per business.
#include "pg_detail.h"
#include "reviewbot/store/pg_store.h"

namespace reviewbot::store {

using pg_detail::run;
using pg_detail::time_at;

namespace {

OwnerSession session_at(const pg::QueryResult& r, int row) {
  return OwnerSession{r.text(row, 0), r.text(row, 1), r.text(row, 2), time_at(r, row, 3),
                      time_at(r, row, 4)};
}

}  // namespace

core::Result<bool> PgStore::add_account(const OwnerAccount& account) {
  bool added = false;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    added = run(c,
                "INSERT INTO owner_accounts (business_id, name, password_hash, created_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                {options_.business_id, account.name, account.password_hash,
                 core::to_millis(account.created_at)})
                .affected_rows() == 1;
  });
  if (!status) return pg_detail::as_core("adding an account failed", status.error());
  return added;
}

core::Result<std::optional<OwnerAccount>> PgStore::find_account(const std::string& name) {
  std::optional<OwnerAccount> found;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       "SELECT name, password_hash, created_at FROM owner_accounts WHERE "
                       "business_id = $1 AND name = $2",
                       {options_.business_id, name});
    if (r.rows() == 1) found = OwnerAccount{r.text(0, 0), r.text(0, 1), time_at(r, 0, 2)};
  });
  if (!status) return pg_detail::as_core("reading an account failed", status.error());
  return found;
}

core::Result<std::vector<OwnerAccount>> PgStore::list_accounts() {
  std::vector<OwnerAccount> accounts;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       "SELECT name, password_hash, created_at FROM owner_accounts WHERE "
                       "business_id = $1 ORDER BY name",
                       {options_.business_id});
    for (int i = 0; i < r.rows(); ++i) {
      accounts.push_back(OwnerAccount{r.text(i, 0), r.text(i, 1), time_at(r, i, 2)});
    }
  });
  if (!status) return pg_detail::as_core("listing accounts failed", status.error());
  return accounts;
}

core::Result<bool> PgStore::remove_account(const std::string& name) {
  bool removed = false;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, "DELETE FROM owner_sessions WHERE business_id = $1 AND account = $2",
        {options_.business_id, name});
    removed = run(c, "DELETE FROM owner_accounts WHERE business_id = $1 AND name = $2",
                  {options_.business_id, name})
                  .affected_rows() == 1;
  });
  if (!status) return pg_detail::as_core("removing an account failed", status.error());
  return removed;
}

core::Status PgStore::add_session(const OwnerSession& session) {
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, "DELETE FROM owner_sessions WHERE business_id = $1 AND expires_at <= $2",
        {options_.business_id, core::to_millis(session.created_at)});
    run(c,
        "INSERT INTO owner_sessions (business_id, token_hash, account, csrf_token, created_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        {options_.business_id, session.token_hash, session.account, session.csrf_token,
         core::to_millis(session.created_at), core::to_millis(session.expires_at)});
  });
  if (!status) return pg_detail::as_core("storing a session failed", status.error());
  return core::ok_status();
}

core::Result<std::optional<OwnerSession>> PgStore::find_session(const std::string& token_hash,
                                                                core::Time now) {
  std::optional<OwnerSession> found;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       "SELECT token_hash, account, csrf_token, created_at, expires_at FROM "
                       "owner_sessions WHERE business_id = $1 AND token_hash = $2 AND "
                       "expires_at > $3",
                       {options_.business_id, token_hash, core::to_millis(now)});
    if (r.rows() == 1) found = session_at(r, 0);
  });
  if (!status) return pg_detail::as_core("reading a session failed", status.error());
  return found;
}

core::Status PgStore::remove_session(const std::string& token_hash) {
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, "DELETE FROM owner_sessions WHERE business_id = $1 AND token_hash = $2",
        {options_.business_id, token_hash});
  });
  if (!status) return pg_detail::as_core("ending a session failed", status.error());
  return core::ok_status();
}

core::Result<int> PgStore::failed_logins(const std::string& key, core::Time now,
                                         core::Duration window) {
  int count = 0;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r = run(c,
                       "SELECT failures FROM login_failures WHERE business_id = $1 AND "
                       "throttle_key = $2 AND window_start > $3",
                       {options_.business_id, key, core::to_millis(now - window)});
    if (r.rows() == 1) count = static_cast<int>(pg_detail::int64_at(r, 0, 0));
  });
  if (!status) return pg_detail::as_core("reading failed logins failed", status.error());
  return count;
}

core::Result<int> PgStore::record_failed_login(const std::string& key, core::Time now,
                                               core::Duration window) {
  int count = 0;
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    const auto r =
        run(c,
            "INSERT INTO login_failures (business_id, throttle_key, failures, "
            "window_start) VALUES ($1, $2, 1, $3) ON CONFLICT (business_id, "
            "throttle_key) DO UPDATE SET failures = CASE WHEN "
            "login_failures.window_start > $4 THEN login_failures.failures + 1 ELSE "
            "1 END, window_start = CASE WHEN login_failures.window_start > $4 THEN "
            "login_failures.window_start ELSE $3 END RETURNING failures",
            {options_.business_id, key, core::to_millis(now), core::to_millis(now - window)});
    count = static_cast<int>(pg_detail::int64_at(r, 0, 0));
  });
  if (!status) return pg_detail::as_core("counting a failed login failed", status.error());
  return count;
}

core::Status PgStore::clear_failed_logins(const std::string& key) {
  const auto status = transaction("READ COMMITTED", [&](pg::Connection& c) {
    run(c, "DELETE FROM login_failures WHERE business_id = $1 AND throttle_key = $2",
        {options_.business_id, key});
  });
  if (!status) return pg_detail::as_core("clearing failed logins failed", status.error());
  return core::ok_status();
}

}  // namespace reviewbot::store
