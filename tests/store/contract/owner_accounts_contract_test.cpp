// OwnerAccounts contract: accounts, sessions that outlive a restart and expire, and the
// failed-login windows that throttle guessing. Runs on every store backend and the fake
// (contract/backends.h).
#include "store/contract/backends.h"

using namespace reviewbot;
using namespace reviewbot::testing;
using namespace std::chrono_literals;

namespace {

const core::Time kT0 = core::from_millis(1'800'000'000'000);

store::OwnerAccount account(const std::string& name, const std::string& hash) {
  return store::OwnerAccount{name, hash, kT0};
}

store::OwnerSession session(const std::string& token_hash, const std::string& account,
                            core::Time created, core::Duration ttl) {
  return store::OwnerSession{token_hash, account, "csrf-" + token_hash, created, created + ttl};
}

}  // namespace

TEMPLATE_TEST_CASE("accounts: added once by name, listed in order, removed with their sessions",
                   "[store][contract][accounts]", REVIEWBOT_ACCOUNT_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  CHECK(*s.add_account(account("zoe", "hash-z")));
  CHECK(*s.add_account(account("ann", "hash-a")));
  CHECK_FALSE(*s.add_account(account("ann", "other")));  // the name is taken
  CHECK(s.find_account("ann")->value() == account("ann", "hash-a"));
  CHECK_FALSE(s.find_account("bob")->has_value());
  const auto listed = s.list_accounts();
  REQUIRE(listed);
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].name == "ann");
  CHECK((*listed)[1].name == "zoe");

  REQUIRE(s.add_session(session("t-ann", "ann", kT0, 1h)).ok());
  REQUIRE(s.add_session(session("t-zoe", "zoe", kT0, 1h)).ok());
  CHECK(*s.remove_account("ann"));
  CHECK_FALSE(*s.remove_account("ann"));
  CHECK_FALSE(s.find_account("ann")->has_value());
  CHECK_FALSE(s.find_session("t-ann", kT0)->has_value());
  CHECK(s.find_session("t-zoe", kT0)->has_value());
}

TEMPLATE_TEST_CASE("sessions: found until they expire, across a restart, until removed",
                   "[store][contract][accounts]", REVIEWBOT_ACCOUNT_BACKENDS) {
  TestType backend;
  const auto stored = session("t1", "admin", kT0, 1h);
  REQUIRE(backend.store().add_session(stored).ok());
  backend.reopen();
  store::Store& s = backend.store();
  CHECK(s.find_session("t1", kT0 + 59min)->value() == stored);
  CHECK_FALSE(s.find_session("t1", kT0 + 1h)->has_value());
  CHECK_FALSE(s.find_session("unknown", kT0)->has_value());

  REQUIRE(s.add_session(session("t2", "admin", kT0, 2h)).ok());
  REQUIRE(s.remove_session("t2").ok());
  CHECK_FALSE(s.find_session("t2", kT0)->has_value());
  REQUIRE(s.remove_session("t2").ok());  // removing twice is fine
}

TEMPLATE_TEST_CASE("sessions: a new one clears the expired ones", "[store][contract][accounts]",
                   REVIEWBOT_ACCOUNT_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  REQUIRE(s.add_session(session("old", "admin", kT0, 1h)).ok());
  REQUIRE(s.add_session(session("new", "admin", kT0 + 2h, 1h)).ok());
  // Even a clock that goes back cannot bring the expired one back.
  CHECK_FALSE(s.find_session("old", kT0)->has_value());
  CHECK(s.find_session("new", kT0 + 2h)->has_value());
}

TEMPLATE_TEST_CASE("failed logins: counted per key within a window, then forgotten",
                   "[store][contract][accounts]", REVIEWBOT_ACCOUNT_BACKENDS) {
  TestType backend;
  store::Store& s = backend.store();
  const auto window = 15min;
  CHECK(*s.failed_logins("account:ann", kT0, window) == 0);
  CHECK(*s.record_failed_login("account:ann", kT0, window) == 1);
  CHECK(*s.record_failed_login("account:ann", kT0 + 1min, window) == 2);
  CHECK(*s.record_failed_login("address:10.0.0.1", kT0 + 1min, window) == 1);
  CHECK(*s.failed_logins("account:ann", kT0 + 14min, window) == 2);
  // The window began with the first failure; once it is over, counting starts again.
  CHECK(*s.failed_logins("account:ann", kT0 + 15min, window) == 0);
  CHECK(*s.record_failed_login("account:ann", kT0 + 16min, window) == 1);
  REQUIRE(s.clear_failed_logins("account:ann").ok());
  CHECK(*s.failed_logins("account:ann", kT0 + 16min, window) == 0);
  CHECK(*s.failed_logins("address:10.0.0.1", kT0 + 2min, window) == 1);
}
