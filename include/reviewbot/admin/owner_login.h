// OwnerLogin: who may open the dashboard. ADMIN_TOKEN always logs in (as "admin", and so
// bootstraps the first named account); named accounts log in with their password. A login
// makes a session stored in the database (so every instance knows it) under the SHA-256 of
// a random token that only the browser's cookie holds; each session has its own CSRF
// token. Failed logins are counted per account and per address and refused for a while
// past a limit, whether or not the password would have been right.
// Thread-safe when the store and clock are.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reviewbot/core/clock.h"
#include "reviewbot/core/result.h"
#include "reviewbot/store/owner_accounts.h"

namespace reviewbot::admin {

// The account name of an ADMIN_TOKEN login; no named account may take it.
inline constexpr const char* kAdminAccount = "admin";

struct LoginSettings {
  std::string admin_token;  // ADMIN_TOKEN; empty = only named accounts
  core::Duration session_ttl = std::chrono::hours(12);
  int max_account_failures = 5;   // per account name within the window
  int max_address_failures = 20;  // per client address within the window
  core::Duration throttle_window = std::chrono::minutes(15);
};

struct LoginResult {
  enum class Status { kOk, kRefused, kThrottled, kUnavailable };
  Status status = Status::kRefused;
  std::string token;             // kOk: the cookie's value
  store::OwnerSession session;   // kOk
  core::Duration retry_after{};  // kThrottled
};

class OwnerLogin {
 public:
  OwnerLogin(store::OwnerAccounts& accounts, const core::Clock& clock, LoginSettings settings);

  // `account` empty or "admin" with ADMIN_TOKEN as the password, or a named account's
  // password. `address` is the client's address, for the throttle.
  LoginResult log_in(std::string_view account, std::string_view password, std::string_view address);
  // True when `authorization` is "Bearer <ADMIN_TOKEN>" (never without a token).
  bool is_admin_bearer(std::string_view authorization) const;
  // The live session a cookie token names, or nullopt.
  core::Result<std::optional<store::OwnerSession>> session(std::string_view token);
  core::Status log_out(std::string_view token);

  // A one-time login as "admin" that works for `ttl`: the demo's one-click login, or a
  // login handed to an owner. Returns the link's token; it is stored like a session but
  // hashed apart, so it never works as a session cookie. Error without ADMIN_TOKEN.
  core::Result<std::string> create_login_link(core::Duration ttl);
  // The link's token used up for a new session (kOk), or kRefused when it is unknown,
  // expired or used.
  LoginResult redeem_login_link(std::string_view token);

  // A new named account. Errors name the problem: a name outside 1–64 characters of
  // A–Z a–z 0–9 . _ @ -, the reserved "admin", a password shorter than
  // kMinPasswordBytes, a name already taken.
  core::Status add_account(std::string_view name, std::string_view password);

  core::Result<std::vector<store::OwnerAccount>> list_accounts() {
    return accounts_.list_accounts();
  }
  // Removes the account and ends its sessions; false when there was none.
  core::Result<bool> remove_account(const std::string& name) {
    return accounts_.remove_account(name);
  }

  const LoginSettings& settings() const { return settings_; }

 private:
  LoginResult refuse(const std::string& account_key, const std::string& address_key);
  LoginResult start_session(const std::string& account);
  static std::string link_hash(std::string_view token);
  std::optional<LoginResult> throttled(const std::string& account_key,
                                       const std::string& address_key);

  store::OwnerAccounts& accounts_;
  const core::Clock& clock_;
  LoginSettings settings_;
};

}  // namespace reviewbot::admin
