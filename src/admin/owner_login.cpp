#include "reviewbot/admin/owner_login.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "reviewbot/admin/passwords.h"
#include "reviewbot/http/auth.h"

namespace reviewbot::admin {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  });
}

LoginResult unavailable(const std::string& what, const core::Error& error) {
  spdlog::warn("owner login: {}: {}", what, error.message);
  LoginResult result;
  result.status = LoginResult::Status::kUnavailable;
  return result;
}

}  // namespace

OwnerLogin::OwnerLogin(store::OwnerAccounts& accounts, const core::Clock& clock,
                       LoginSettings settings)
    : accounts_(accounts), clock_(clock), settings_(std::move(settings)) {}

std::optional<LoginResult> OwnerLogin::throttled(const std::string& account_key,
                                                 const std::string& address_key) {
  const core::Time now = clock_.now();
  const auto by_account = accounts_.failed_logins(account_key, now, settings_.throttle_window);
  const auto by_address = accounts_.failed_logins(address_key, now, settings_.throttle_window);
  if (!by_account) return unavailable("reading failed logins", by_account.error());
  if (!by_address) return unavailable("reading failed logins", by_address.error());
  if (*by_account < settings_.max_account_failures &&
      *by_address < settings_.max_address_failures) {
    return std::nullopt;
  }
  LoginResult result;
  result.status = LoginResult::Status::kThrottled;
  result.retry_after = settings_.throttle_window;
  return result;
}

LoginResult OwnerLogin::refuse(const std::string& account_key, const std::string& address_key) {
  const core::Time now = clock_.now();
  for (const auto& key : {account_key, address_key}) {
    if (auto counted = accounts_.record_failed_login(key, now, settings_.throttle_window);
        !counted) {
      return unavailable("counting a failed login", counted.error());
    }
  }
  return LoginResult{};
}

LoginResult OwnerLogin::log_in(std::string_view account, std::string_view password,
                               std::string_view address) {
  const std::string name = account.empty() ? kAdminAccount : std::string(account);
  const std::string account_key = "account:" + name;
  const std::string address_key = "address:" + std::string(address);
  if (auto refused = throttled(account_key, address_key)) return *refused;

  bool ok = false;
  if (name == kAdminAccount) {
    ok = !settings_.admin_token.empty() &&
         http::constant_time_equals(password, settings_.admin_token);
  } else if (password.size() <= kMaxPasswordBytes) {
    const auto found = accounts_.find_account(name);
    if (!found) return unavailable("reading an account", found.error());
    // An unknown name costs the same hash as a known one.
    static const std::string kDummy = [] {
      auto dummy = hash_password("not a password");
      return dummy ? std::move(dummy).value() : std::string();
    }();
    ok = verify_password(password, found->has_value() ? (*found)->password_hash : kDummy) &&
         found->has_value();
  }
  if (!ok) return refuse(account_key, address_key);
  LoginResult result = start_session(name);
  if (result.status != LoginResult::Status::kOk) return result;
  if (auto cleared = accounts_.clear_failed_logins(account_key); !cleared.ok()) {
    spdlog::warn("owner login: clearing failed logins: {}", cleared.error().message);
  }
  spdlog::info("owner login account={}", name);
  return result;
}

LoginResult OwnerLogin::start_session(const std::string& account) {
  auto token = random_token();
  auto csrf = random_token();
  if (!token || !csrf) return unavailable("making a session token", core::Error{"no randomness"});
  const core::Time now = clock_.now();
  LoginResult result;
  result.status = LoginResult::Status::kOk;
  result.session =
      store::OwnerSession{token_hash(*token), account, *csrf, now, now + settings_.session_ttl};
  if (auto stored = accounts_.add_session(result.session); !stored.ok()) {
    return unavailable("storing a session", stored.error());
  }
  result.token = std::move(token).value();
  return result;
}

core::Result<std::string> OwnerLogin::create_login_link(core::Duration ttl) {
  if (settings_.admin_token.empty()) return core::Error{"ADMIN_TOKEN is not set"};
  auto token = random_token();
  if (!token) return token.error();
  const core::Time now = clock_.now();
  const store::OwnerSession link{link_hash(*token), kAdminAccount, "", now, now + ttl};
  if (auto stored = accounts_.add_session(link); !stored.ok()) return stored.error();
  spdlog::info("owner login link made account={}", kAdminAccount);
  return std::move(token).value();
}

LoginResult OwnerLogin::redeem_login_link(std::string_view token) {
  if (token.empty() || token.size() > 128) return LoginResult{};
  const std::string hash = link_hash(token);
  const auto found = accounts_.find_session(hash, clock_.now());
  if (!found) return unavailable("reading a login link", found.error());
  if (!found->has_value()) return LoginResult{};
  if (auto used = accounts_.remove_session(hash); !used.ok()) {
    return unavailable("using up a login link", used.error());
  }
  LoginResult result = start_session((*found)->account);
  if (result.status == LoginResult::Status::kOk) {
    spdlog::info("owner login by link account={}", (*found)->account);
  }
  return result;
}

std::string OwnerLogin::link_hash(std::string_view token) {
  return token_hash("login-link:" + std::string(token));
}

bool OwnerLogin::is_admin_bearer(std::string_view authorization) const {
  return http::bearer_matches(authorization, settings_.admin_token);
}

core::Result<std::optional<store::OwnerSession>> OwnerLogin::session(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::optional<store::OwnerSession>();
  return accounts_.find_session(token_hash(token), clock_.now());
}

core::Status OwnerLogin::log_out(std::string_view token) {
  return accounts_.remove_session(token_hash(token));
}

core::Status OwnerLogin::add_account(std::string_view name, std::string_view password) {
  if (!valid_name(name)) {
    return core::Error{"a name is 1 to 64 characters: letters, digits, . _ @ -"};
  }
  if (name == kAdminAccount) return core::Error{"\"admin\" is the ADMIN_TOKEN login's name"};
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return core::Error{"a password has at least " + std::to_string(kMinPasswordBytes) +
                       " characters"};
  }
  auto hash = hash_password(password);
  if (!hash) return hash.error();
  const auto added =
      accounts_.add_account(store::OwnerAccount{std::string(name), *hash, clock_.now()});
  if (!added) return added.error();
  if (!*added) return core::Error{"an account named " + std::string(name) + " exists"};
  spdlog::info("owner account added account={}", name);
  return core::ok_status();
}

}  // namespace reviewbot::admin
