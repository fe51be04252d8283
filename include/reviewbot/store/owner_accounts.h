// OwnerAccounts is the store the dashboard's login uses: named owner accounts, sessions
// (kept in the database so every instance knows them) and the failed-login counts that
// throttle guessing. Only hashes are stored: passwords as scrypt hashes, session tokens as
// their SHA-256. Implementations are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reviewbot/core/result.h"
#include "reviewbot/core/types.h"

namespace reviewbot::store {

struct OwnerAccount {
  std::string name;
  std::string password_hash;
  core::Time created_at{};
  bool operator==(const OwnerAccount&) const = default;
};

struct OwnerSession {
  std::string token_hash;  // SHA-256 hex of the cookie's token
  std::string account;     // an OwnerAccount's name, or the ADMIN_TOKEN login's name
  std::string csrf_token;  // every form of the session carries it
  core::Time created_at{};
  core::Time expires_at{};
  bool operator==(const OwnerSession&) const = default;
};

class OwnerAccounts {
 public:
  virtual ~OwnerAccounts() = default;

  // False (nothing changed) when the name is taken.
  virtual core::Result<bool> add_account(const OwnerAccount& account) = 0;
  virtual core::Result<std::optional<OwnerAccount>> find_account(const std::string& name) = 0;
  // By name.
  virtual core::Result<std::vector<OwnerAccount>> list_accounts() = 0;
  // Removes the account and ends its sessions; false when there was none.
  virtual core::Result<bool> remove_account(const std::string& name) = 0;

  // Stores a new session and deletes the ones expired at session.created_at.
  virtual core::Status add_session(const OwnerSession& session) = 0;
  // The session with this token hash while it has not expired at `now`.
  virtual core::Result<std::optional<OwnerSession>> find_session(const std::string& token_hash,
                                                                 core::Time now) = 0;
  virtual core::Status remove_session(const std::string& token_hash) = 0;

  // Failed logins counted for `key` in the window of length `window` that began with the
  // first failure not older than it (0 when none).
  virtual core::Result<int> failed_logins(const std::string& key, core::Time now,
                                          core::Duration window) = 0;
  // Counts one failure for `key` (starting a new window when the last one is over) and
  // returns the count in the current window, this one included.
  virtual core::Result<int> record_failed_login(const std::string& key, core::Time now,
                                                core::Duration window) = 0;
  virtual core::Status clear_failed_logins(const std::string& key) = 0;
};

}  // namespace reviewbot::store
