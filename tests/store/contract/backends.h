// The store implementations the contract suites run on. Each backend owns a fresh, empty
// database and the FakeClock that stamps its bookkeeping, and reopen() simulates a process
// restart on the same data. Suites are TEMPLATE_TEST_CASEs over these lists:
//   kOutboxBackends  implement the OutboxStore and OwnerReads::outbox_stats contracts
//   kStoreBackends   implement every interface, process() snapshots included
// The FakeStore is only an outbox (its process() keeps messages, not customers).
// Single-threaded test use only.
#pragma once

#include <memory>

#include "fakes/fake_clock.h"
#include "fakes/fake_store.h"
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
#define REVIEWBOT_OUTBOX_BACKENDS SqliteBackend, FakeBackend
#define REVIEWBOT_STORE_BACKENDS SqliteBackend
