// The Dispatcher sends the outbox: a thread that claims due rows, sends each through its
// own PlatformClient, applies the fallbacks (plain text for unparsable HTML, no keyboard
// for refused markup), classifies the answer (outcome.h) and records it, then sleeps until
// the next row is due, a notify(), or at most settings.idle_wait.
// start/stop/notify are thread-safe; run_once is for tests and must not overlap the thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "reviewbot/core/clock.h"
#include "reviewbot/delivery/backoff.h"
#include "reviewbot/delivery/outcome.h"
#include "reviewbot/platform/platform_client.h"
#include "reviewbot/store/store.h"

namespace reviewbot::delivery {

struct DispatcherSettings {
  int batch_size = 20;  // rows claimed per pass (at most one per chat)
  RetryRules retry;
  core::Duration idle_wait{1000};  // longest sleep, so rows due from elsewhere are seen
  core::Duration min_wait{20};     // shortest sleep when nothing was claimable
};

class Dispatcher {
 public:
  // `store` and `clock` must outlive the Dispatcher; the client is used only on the
  // dispatcher's thread (or by run_once). `random` draws the jitter; empty = seeded
  // mt19937_64.
  Dispatcher(store::Store& store, const core::Clock& clock,
             std::unique_ptr<platform::PlatformClient> client, DispatcherSettings settings = {},
             UnitRandom random = {});
  ~Dispatcher();  // stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  // Finishes the send in progress and joins. Rows claimed in the same batch but not yet
  // sent stay claimed until Store::release_claims() at the next start. Idempotent.
  void stop();
  // Wakes the thread now (the intake calls it after committing new messages).
  void notify();

  // One pass: claims up to batch_size due rows and sends each. Returns how many were
  // handled, or -1 when the store could not be read.
  int run_once();

 private:
  store::DeliveryOutcome deliver(const store::OutboxRow& row);
  platform::SendResult send_logged(const store::OutboxRow& row, const core::MessageBody& body,
                                   int attempt, const char* variant);
  void run();
  bool stopping() const;

  store::Store& store_;
  const core::Clock& clock_;
  std::unique_ptr<platform::PlatformClient> client_;  // dispatcher thread only
  DispatcherSettings settings_;
  UnitRandom random_;  // dispatcher thread only
  std::thread thread_;

  mutable std::mutex mutex_;  // guards the two flags below
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
};

}  // namespace reviewbot::delivery
