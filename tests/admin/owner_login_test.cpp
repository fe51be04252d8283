#include "reviewbot/admin/owner_login.h"

#include <catch2/catch.hpp>

#include "fakes/fake_clock.h"
#include "fakes/fake_owner_accounts.h"
#include "reviewbot/admin/passwords.h"

using namespace reviewbot;
using namespace std::chrono_literals;
using Status = admin::LoginResult::Status;

namespace {

struct Login {
  testing::FakeOwnerAccounts accounts;
  testing::FakeClock clock{core::from_millis(1'800'000'000'000)};
  admin::OwnerLogin login{accounts, clock, admin::LoginSettings{.admin_token = "the-admin-token"}};
};

}  // namespace

TEST_CASE("ADMIN_TOKEN logs in as admin and makes a stored session", "[owner_login]") {
  Login l;
  const auto result = l.login.log_in("", "the-admin-token", "10.0.0.1");
  REQUIRE(result.status == Status::kOk);
  CHECK(result.session.account == "admin");
  CHECK(result.session.token_hash == admin::token_hash(result.token));
  CHECK(result.session.expires_at == l.clock.now() + 12h);
  CHECK_FALSE(result.session.csrf_token.empty());
  // The cookie's token finds the session; the stored hash does not.
  CHECK(l.login.session(result.token)->value() == result.session);
  CHECK_FALSE(l.login.session(result.session.token_hash)->has_value());
  CHECK(l.login.log_in("admin", "the-admin-token", "10.0.0.1").status == Status::kOk);
  CHECK(l.login.log_in("admin", "the-admin-toke", "10.0.0.1").status == Status::kRefused);
}

TEST_CASE("sessions end at expiry and at logout", "[owner_login]") {
  Login l;
  const auto result = l.login.log_in("", "the-admin-token", "10.0.0.1");
  REQUIRE(result.status == Status::kOk);
  l.clock.advance(11h);
  CHECK(l.login.session(result.token)->has_value());
  REQUIRE(l.login.log_out(result.token).ok());
  CHECK_FALSE(l.login.session(result.token)->has_value());

  const auto second = l.login.log_in("", "the-admin-token", "10.0.0.1");
  l.clock.advance(12h);
  CHECK_FALSE(l.login.session(second.token)->has_value());
}

TEST_CASE("named accounts log in with their password", "[owner_login]") {
  Login l;
  REQUIRE(l.login.add_account("ann@shop", "long enough secret").ok());
  CHECK(l.login.log_in("ann@shop", "long enough secret", "a").status == Status::kOk);
  CHECK(l.login.log_in("ann@shop", "long enough secreT", "a").status == Status::kRefused);
  CHECK(l.login.log_in("bob", "long enough secret", "a").status == Status::kRefused);
  // The stored hash is scrypt, never the password.
  CHECK(l.accounts.find_account("ann@shop")->value().password_hash.rfind("$scrypt$", 0) == 0);

  CHECK_FALSE(l.login.add_account("ann@shop", "another long one").ok());  // taken
  CHECK_FALSE(l.login.add_account("admin", "long enough secret").ok());   // reserved
  CHECK_FALSE(l.login.add_account("bob", "short").ok());
  CHECK_FALSE(l.login.add_account("bo b", "long enough secret").ok());
  CHECK_FALSE(l.login.add_account("", "long enough secret").ok());
}

TEST_CASE("failed logins are throttled per account and per address", "[owner_login]") {
  Login l;
  for (int i = 0; i < 5; ++i) {
    CHECK(l.login.log_in("", "wrong", "10.0.0." + std::to_string(i)).status == Status::kRefused);
  }
  // The admin account is locked for the window, even with the right token, from anywhere.
  const auto locked = l.login.log_in("", "the-admin-token", "10.9.9.9");
  CHECK(locked.status == Status::kThrottled);
  CHECK(locked.retry_after == 15min);
  l.clock.advance(15min);
  CHECK(l.login.log_in("", "the-admin-token", "10.9.9.9").status == Status::kOk);

  // One address guessing many names is stopped after 20 tries.
  for (int i = 0; i < 20; ++i) {
    CHECK(l.login.log_in("user" + std::to_string(i), "guess", "10.1.1.1").status ==
          Status::kRefused);
  }
  CHECK(l.login.log_in("", "the-admin-token", "10.1.1.1").status == Status::kThrottled);
  CHECK(l.login.log_in("", "the-admin-token", "10.1.1.2").status == Status::kOk);
}

TEST_CASE("without ADMIN_TOKEN the admin login never succeeds", "[owner_login]") {
  testing::FakeOwnerAccounts accounts;
  testing::FakeClock clock;
  admin::OwnerLogin login(accounts, clock, admin::LoginSettings{});
  CHECK(login.log_in("", "", "a").status == Status::kRefused);
  CHECK(login.log_in("admin", "", "a").status == Status::kRefused);
}
