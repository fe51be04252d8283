// The store implementations the contract suites run on. Each backend owns a fresh, empty
// database and the FakeClock that stamps its bookkeeping, and reopen() simulates a process
// restart on the same data. PostgresBackend uses a private schema on the server of
// REVIEWBOT_TEST_POSTGRES_URL and fails loudly without one (scripts/test starts it).
// Suites are TEMPLATE_TEST_CASEs over these lists:
//   kOutboxBackends  implement the OutboxStore and OwnerReads::outbox_stats contracts
//   kStoreBackends   implement every interface, process() snapshots included
//   REVIEWBOT_ACCOUNT_BACKENDS  the OwnerAccounts contract (the fake included)
// The FakeStore is only an outbox (its process() keeps messages, not customers).
// Single-threaded test use only.
#pragma once

#include <memory>

#include "fakes/fake_clock.h"
#include "fakes/fake_store.h"
#include "reviewbot/store/pg_store.h"
#include "store/pg_test_server.h"
#include "store/sqlite_test_util.h"

namespace reviewbot::testing {

struct SqliteBackend {
  SqliteBackend() { reopen(); }
  store::Store& store() { return *store_; }
  void reopen() {
    store_.reset();
    store_ = open_store(db_.path(), &clock);
  }

  FakeClock clock;

 private:
  TempDb db_;
  std::unique_ptr<store::SqliteStore> store_;
};

struct PostgresBackend {
  PostgresBackend() { reopen(); }
  store::Store& store() { return *store_; }
  void reopen() {
    store_.reset();
    store::PgOptions options;
    options.params = schema_.params();
    options.description = schema_.description();
    options.pool_size = 2;
    options.clock = &clock;
    auto opened = store::PgStore::open(std::move(options));
    if (!opened) FAIL("PgStore::open failed: " << opened.error().message);
    store_ = std::move(opened).value();
  }

  FakeClock clock;

 private:
  static config::DatabaseTarget server() {
    const char* url = std::getenv("REVIEWBOT_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      FAIL(
          "REVIEWBOT_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway "
          "PostgreSQL (scripts/pg_cluster) for the PostgreSQL store tests");
    }
    auto target = test_server();
    REQUIRE(target);
    return *target;
  }

  TestSchema schema_{server()};
  std::unique_ptr<store::PgStore> store_;  // after schema_: closed before it is dropped
};

struct FakeBackend {
  store::Store& store() { return store_; }
  void reopen() {}  // the state lives in the object, as a database's would

  FakeClock clock;

 private:
  FakeStore store_;
};

}  // namespace reviewbot::testing

// Unqualified: the suites use namespace reviewbot::testing, and Catch names each case
// "<name> - SqliteBackend".
#define REVIEWBOT_OUTBOX_BACKENDS SqliteBackend, PostgresBackend, FakeBackend
#define REVIEWBOT_STORE_BACKENDS SqliteBackend, PostgresBackend
// OwnerAccounts: the fake keeps accounts, sessions and throttles as a database would.
#define REVIEWBOT_ACCOUNT_BACKENDS SqliteBackend, PostgresBackend, FakeBackend
